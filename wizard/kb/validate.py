"""Provides the semantic checks of a parsed pack: references, facts, and graph shape.

Every check reports at the line the author must change. Graph questions
(reachability, cycles) are answered by networkx, not hand-written walks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import networkx as nx

from wizard.gcpause import paused_gc
from wizard.kb.model import AnalyzerSpec, Condition, Decision, Fact, Outcome, Pack, Question
from wizard.kb.problems import Problem
from wizard.kb.templates import template_fields
from wizard.kb.values import is_ipv4, listing, parse_value

_PACK_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
"""The characters of a pack id (the schema's ``id`` pattern)."""
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}")
"""An LDAP attribute description without options (RFC 4512 ``descr``)."""

Analyzers = Mapping[str, AnalyzerSpec]
"""What each installed analyzer declares, by name (``wizard.evidence.registry.specs()``)."""


def validate_pack(pack: Pack, analyzers: Analyzers | None = None) -> list[Problem]:
    """Every semantic problem of ``pack``; empty when it is sound.

    With ``analyzers``, the pack's evidence and fix artifacts are checked against
    what each named analyzer declares it can supply and produce.
    """
    # The checker lives and dies inside the pause: allocating its tables with the
    # collector running would make it walk the whole (just loaded) pack again,
    # and once it is freed the collector has none of them left to walk.
    with paused_gc():
        return _Checker(pack, analyzers).run()


class _Checker:
    def __init__(self, pack: Pack, analyzers: Analyzers | None) -> None:
        self.pack = pack
        self.analyzers = analyzers
        self.problems: list[Problem] = []
        self.value_sets: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.targets = {node_id: node.targets() for node_id, node in pack.nodes.items()}
        """Where each node leads, defined or not: the node and graph checks both need it."""

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.pack.path, line, message))

    def run(self) -> list[Problem]:
        self.check_facts()
        self.check_nodes()
        self.check_fixes()
        self.check_evidence()
        self.check_audit()
        self.check_graph()
        return self.problems

    def check_facts(self) -> None:
        for fact in self.pack.facts.values():
            if fact.type == "choice" and len(set(fact.values)) != len(fact.values):
                self.problem(fact.line, f"fact '{fact.name}' lists a value twice")
            for other in fact.excludes:
                if other not in self.pack.facts:
                    self.problem(
                        fact.line, f"fact '{fact.name}' excludes undeclared fact '{other}'"
                    )
                elif other == fact.name:
                    self.problem(fact.line, f"fact '{fact.name}' excludes itself")

    def check_condition(self, cond: Condition, where: str) -> None:
        for part in cond.parts:
            self.check_condition(part, where)
        if not cond.fact:
            return
        fact = self.pack.facts.get(cond.fact)
        if fact is None:
            self.problem(cond.line, f"{where} tests undeclared fact '{cond.fact}'")
            return
        if fact.type == "choice":
            allowed = self.allowed(fact)[0]
            for value in cond.values:
                if value not in allowed:
                    self.problem(
                        cond.line,
                        f"{where} tests {cond.fact} = '{value}', which is "
                        f"not one of its values ({listing(fact.values)})",
                    )

    def allowed(self, fact: Fact) -> tuple[frozenset[str], frozenset[str]]:
        """A choice fact's values as given and lower-cased (keywords for other types).

        Built once per fact: a question or a rule may list thousands of values, and
        looking each one up in the declared tuple would make the checks quadratic.
        """
        sets = self.value_sets.get(fact.name)
        if sets is None:
            words = fact.values or fact.keywords
            sets = frozenset(words), frozenset(word.lower() for word in words)
            self.value_sets[fact.name] = sets
        return sets

    def fits(self, fact: Fact, value: str) -> bool:
        """``parse_value`` accepts ``value`` for ``fact`` (in constant time for choices)."""
        if fact.type == "choice":
            return value.strip().lower() in self.allowed(fact)[1]
        if fact.type == "ipv4":
            return value.strip().lower() in self.allowed(fact)[1] or is_ipv4(value.strip())
        return _value_fits(fact, value)

    def check_nodes(self) -> None:
        pack = self.pack
        if pack.start not in pack.nodes:
            self.problem(pack.lines.get("start", 1), f"start node '{pack.start}' is not defined")
        for node_id, node in pack.nodes.items():
            targets = self.targets[node_id]
            if any(target not in pack.nodes for target in targets):
                for target, line in zip(targets, node.target_lines(), strict=True):
                    if target not in pack.nodes:
                        self.problem(
                            line, f"{node.kind} '{node.id}' leads to undefined node '{target}'"
                        )
            if isinstance(node, Question):
                self.check_question(node)
            elif isinstance(node, Decision):
                for rule in node.rules:
                    self.check_condition(rule.when, f"decision '{node.id}'")
            elif isinstance(node, Outcome):
                for fix_id in node.fixes:
                    if fix_id not in pack.fixes:
                        self.problem(
                            node.line, f"outcome '{node.id}' names undefined fix '{fix_id}'"
                        )

    def check_question(self, q: Question) -> None:
        fact = self.pack.facts.get(q.fact)
        if fact is None:
            self.problem(q.line, f"question '{q.id}' asks for undeclared fact '{q.fact}'")
            return
        if not q.choices and q.other is None:
            self.problem(q.line, f"question '{q.id}' offers no answer (add choices or other)")
        seen: set[str] = set()
        for choice in q.choices:
            if not self.fits(fact, choice.value):
                allowed = listing(fact.values or fact.keywords) or "a typed value"
                self.problem(
                    choice.line,
                    f"question '{q.id}' offers '{choice.value}', which is "
                    f"not a value of fact '{q.fact}' ({allowed})",
                )
            if choice.value in seen:
                self.problem(choice.line, f"question '{q.id}' offers '{choice.value}' twice")
            seen.add(choice.value)
        if q.other is not None and fact.type == "choice":
            self.problem(
                q.other.line,
                f"question '{q.id}' takes a typed answer, but fact '{q.fact}' is a choice",
            )

    def check_fixes(self) -> None:
        pack = self.pack
        used = {f for n in pack.nodes.values() if isinstance(n, Outcome) for f in n.fixes}
        for fix in pack.fixes.values():
            if fix.id not in used:
                self.problem(fix.line, f"fix '{fix.id}' is defined but no outcome offers it")
            if fix.applies_when is not None:
                self.check_condition(fix.applies_when, f"fix '{fix.id}'")
            for template in (*fix.commands, *fix.steps, *fix.verify, *fix.warnings):
                self.check_template(template, f"fix '{fix.id}'", fix.line)
            for artifact in fix.artifacts:
                ev = pack.evidence.get(artifact.evidence)
                if ev is None:
                    self.problem(
                        artifact.line,
                        f"fix '{fix.id}' shows an artifact of undeclared evidence "
                        f"'{artifact.evidence}'",
                    )
                    continue
                for step in (artifact.step, artifact.step_no_evidence):
                    if "{" in step or "}" in step:
                        self.problem(
                            artifact.line,
                            f"fix '{fix.id}': an artifact's step takes no {{placeholder}}",
                        )
                if "{" in artifact.step_unmade.replace("{reason}", "") or "}" in (
                    artifact.step_unmade.replace("{reason}", "")
                ):
                    self.problem(
                        artifact.line,
                        f"fix '{fix.id}': step_unmade takes only {{reason}} (why not made)",
                    )
                spec = self.analyzers.get(ev.analyzer) if self.analyzers is not None else None
                if spec is not None and artifact.artifact not in spec.produces:
                    made = listing(tuple(sorted(spec.produces))) or "nothing"
                    self.problem(
                        artifact.line,
                        f"fix '{fix.id}': analyzer '{ev.analyzer}' does not produce "
                        f"'{artifact.artifact}' (it produces: {made})",
                    )

    def check_template(self, template: str, where: str, line: int) -> None:
        try:
            names = template_fields(template)
        except ValueError as exc:
            self.problem(line, f"{where} has a malformed template ({exc}): {template!r}")
            return
        lists = [n for n in names if n in self.pack.facts and self.pack.facts[n].type == "list"]
        for name in names:
            if name not in self.pack.facts:
                self.problem(line, f"{where} template names no fact: '{{{name}}}'")
        if len(set(lists)) > 1:
            self.problem(line, f"{where} template repeats over two lists ({', '.join(lists)})")

    def check_evidence(self) -> None:
        for ev in self.pack.evidence.values():
            for name in ev.supplies:
                if name not in self.pack.facts:
                    self.problem(ev.line, f"evidence '{ev.kind}' supplies undeclared fact '{name}'")
            if self.analyzers is None:
                continue
            spec = self.analyzers.get(ev.analyzer)
            if spec is None:
                known = ", ".join(sorted(self.analyzers)) or "none installed"
                self.problem(
                    ev.line,
                    f"evidence '{ev.kind}' names unknown analyzer '{ev.analyzer}' (known: {known})",
                )
                continue
            for name in ev.supplies:
                source = ev.source_of(name)
                if source not in spec.supplies:
                    can = listing(tuple(sorted(spec.supplies))) or "nothing"
                    self.problem(
                        ev.line,
                        f"evidence '{ev.kind}' supplies '{name}'"
                        + (f" (as '{source}')" if source != name else "")
                        + f", which analyzer '{ev.analyzer}' cannot produce (it supplies: {can})",
                    )
        for caveat in self.pack.scope:
            self.check_condition(caveat.when, "scope check")
        for node in self.pack.nodes.values():
            if isinstance(node, Outcome):
                for risk in node.risks:
                    self.check_condition(risk.when, f"outcome '{node.id}' risk")
                self.check_see_also(node)
        for symptom in self.pack.symptoms:
            fact = self.pack.facts.get(symptom.fact)
            if fact is None:
                self.problem(
                    symptom.line, f"symptom '{symptom.id}' names undeclared fact '{symptom.fact}'"
                )
            elif not _value_fits(fact, symptom.value):
                self.problem(
                    symptom.line,
                    f"symptom '{symptom.id}' value '{symptom.value}' is "
                    f"not a value of '{symptom.fact}'",
                )

    def check_see_also(self, outcome: Outcome) -> None:
        """Links to other packs: a well-formed id, not the pack itself, a sound condition.
        Whether the linked pack is installed is checked across packs (``crosscheck``)."""
        seen: set[str] = set()
        for link in outcome.see_also:
            where = f"outcome '{outcome.id}' see_also '{link.pack}'"
            if not _PACK_ID_CHARS.issuperset(link.pack) or not link.pack:
                self.problem(
                    link.line,
                    f"outcome '{outcome.id}' see_also names '{link.pack}', which is not a pack id "
                    "(letters, digits, '_', '.', '-')",
                )
            elif link.pack == self.pack.id:
                self.problem(link.line, f"{where} links the pack to itself")
            if link.pack in seen:
                self.problem(link.line, f"{where} is listed twice")
            seen.add(link.pack)
            if not link.text.strip():
                self.problem(link.line, f"{where} needs a text (why that article may fit)")
            if link.when is not None:
                self.check_condition(link.when, where)

    def check_audit(self) -> None:
        """The ``audit:`` section names a kind the pack reads, a choice fact that kind
        supplies, values of that fact, and products its analyzer makes."""
        audit = self.pack.audit
        if audit is None:
            return
        ev = self.pack.evidence.get(audit.evidence)
        if ev is None:
            self.problem(audit.line, f"audit names undeclared evidence '{audit.evidence}'")
            return
        fact = self.pack.facts.get(audit.fact)
        if fact is None or audit.fact not in ev.supplies:
            self.problem(
                audit.line,
                f"audit fact '{audit.fact}' is not a fact that evidence '{ev.kind}' supplies",
            )
        elif fact.type != "choice":
            self.problem(audit.line, f"audit fact '{audit.fact}' must be a choice fact")
        else:
            for value in audit.at_risk:
                if value not in fact.values:
                    self.problem(
                        audit.line,
                        f"audit at_risk value '{value}' is not a value of '{audit.fact}'",
                    )
        spec = self.analyzers.get(ev.analyzer) if self.analyzers is not None else None
        for product in (audit.artifact, audit.diff):
            if product and spec is not None and product not in spec.produces:
                made = listing(tuple(sorted(spec.produces))) or "nothing"
                self.problem(
                    audit.line,
                    f"audit: analyzer '{ev.analyzer}' does not produce '{product}' "
                    f"(it produces: {made})",
                )
        if audit.attribute and not _ATTRIBUTE.fullmatch(audit.attribute):
            self.problem(
                audit.line,
                f"audit attribute '{audit.attribute}' is not an LDAP attribute name "
                "(a letter, then letters, digits or '-')",
            )

    def check_graph(self) -> None:
        pack = self.pack
        targets = self.targets
        for node_id, node in pack.nodes.items():
            # Ways out that lead only to undefined nodes are reported already.
            if not isinstance(node, Outcome) and not targets[node_id]:
                self.problem(node.line, f"{node.kind} '{node_id}' has no way out")
        graph = self.graph()
        # One cycle per strongly connected component: linear, even for hostile packs.
        for component in nx.strongly_connected_components(graph):
            node_id = next(iter(component))
            if len(component) == 1 and node_id not in targets[node_id]:
                continue
            edges = nx.find_cycle(graph.subgraph(component), node_id)
            cycle = [u for u, _v in edges]
            first = min(cycle, key=lambda n: pack.nodes[n].line)
            loop = " -> ".join([*cycle, cycle[0]])
            self.problem(pack.nodes[first].line, f"cycle in the decision graph: {loop}")
        if pack.start not in pack.nodes:
            return
        reachable = nx.descendants(graph, pack.start) | {pack.start}
        for node_id, node in pack.nodes.items():
            if node_id in reachable:
                continue
            if isinstance(node, Outcome):
                self.problem(
                    node.line,
                    f"outcome '{node_id}' ({node.diagnosis}) is never reached from '{pack.start}'",
                )
            else:
                self.problem(
                    node.line, f"{node.kind} '{node_id}' is unreachable from '{pack.start}'"
                )

    def graph(self) -> nx.DiGraph[str]:
        """The bare decision graph: nodes and edges in ``build_graph`` order, no attributes.

        The checks need no labels. Nothing asks it for a degree view (a view it
        caches that points back at it), so it holds no reference cycle and is
        freed as soon as the checks end, instead of waiting for the cyclic
        collector to walk all of it.
        """
        nodes = self.pack.nodes
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(nodes)
        graph.add_edges_from(
            (node_id, target)
            for node_id, targets in self.targets.items()
            for target in targets
            if target in nodes
        )
        return graph


def _value_fits(fact: Fact, value: str) -> bool:
    try:
        parse_value(fact, value)
    except ValueError:
        return False
    return True
