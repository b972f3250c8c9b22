"""Provides the checks across packs: shared facts agree, ``see_also`` links resolve.

A fact name means the same thing in every installed pack (an answer given once
is reused by every article), so each pack that declares it must declare the
same type: for choice facts the same values, for lists the same item type, for
ipv4 facts the same keywords. Each declaration is compared with the first one
of its name (linear in the number of packs), and a disagreement is reported at
the later declaration's FILE:LINE, naming the first one's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wizard.kb.model import Fact, Outcome, Pack
from wizard.kb.problems import Problem
from wizard.kb.values import listing


def _signature(fact: Fact) -> tuple[str, frozenset[str], str, frozenset[str]]:
    """What must agree between two declarations of one fact name."""
    return (
        fact.type,
        frozenset(fact.values),
        fact.item if fact.type == "list" else "",
        frozenset(word.lower() for word in fact.keywords),
    )


def _describe(fact: Fact) -> str:
    if fact.type == "choice":
        return f"choice ({listing(tuple(sorted(fact.values)))})"
    if fact.type == "list":
        return f"a list of {fact.item}"
    if fact.type == "ipv4" and fact.keywords:
        return f"ipv4 (with {listing(tuple(sorted(w.lower() for w in fact.keywords)))})"
    return fact.type


def _where(pack: Pack, fact: Fact) -> str:
    return f"{pack.path or pack.id}:{fact.line}" if fact.line else pack.path or pack.id


def check_shared_facts(packs: Sequence[Pack], only: Iterable[str] | None = None) -> list[Problem]:
    """Every shared fact declared differently from its first declaration.

    ``only``: report only problems in these files (the packs being validated);
    the others are still compared with, as the installed packs they must agree with.
    """
    wanted = set(only) if only is not None else None
    first: dict[str, tuple[Pack, Fact, tuple[str, frozenset[str], str, frozenset[str]]]] = {}
    problems: list[Problem] = []
    for pack in packs:
        for name, fact in pack.facts.items():
            signature = _signature(fact)
            seen = first.get(name)
            if seen is None:
                first[name] = (pack, fact, signature)
                continue
            other_pack, other, other_signature = seen
            if signature == other_signature:
                continue
            message = (
                f"shared fact '{name}' is {_describe(fact)} here, but {_describe(other)} in "
                f"pack '{other_pack.id}' ({_where(other_pack, other)}): a fact name means the "
                "same in every pack"
            )
            if wanted is None or pack.path in wanted:
                problems.append(Problem(pack.path, fact.line, message))
            elif other_pack.path in wanted:
                problems.append(
                    Problem(
                        other_pack.path,
                        other.line,
                        f"shared fact '{name}' is {_describe(other)} here, but "
                        f"{_describe(fact)} in pack '{pack.id}' ({_where(pack, fact)}): "
                        "a fact name means the same in every pack",
                    )
                )
    return problems


def check_links(pack: Pack, installed: Iterable[str]) -> list[Problem]:
    """A warning per ``see_also`` link to a pack that is not installed (it is shown without
    a title; the link itself may be right for a site that installs that pack)."""
    known = set(installed)
    problems: list[Problem] = []
    for node in pack.nodes.values():
        if not isinstance(node, Outcome):
            continue
        for link in node.see_also:
            if link.pack and link.pack not in known and link.pack != pack.id:
                problems.append(
                    Problem(
                        pack.path,
                        link.line,
                        f"outcome '{node.id}' see_also names pack '{link.pack}', which is not "
                        f"installed (installed: {listing(tuple(sorted(known))) or 'none'})",
                        warning=True,
                    )
                )
    return problems
