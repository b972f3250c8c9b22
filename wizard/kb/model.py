"""Provides the typed model of a knowledge pack: facts, nodes, fixes, evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

FactType = Literal["choice", "ipv4", "list", "text"]
Status = Literal["confirmed", "ruled-out", "undecided"]
STATUSES: tuple[Status, ...] = ("confirmed", "ruled-out", "undecided")
"""What an outcome says about the article's problem: present (its fixes apply), not
present, or not settled by what is known. Wording, styles, exit codes follow it."""

STATUS_WORDS: dict[str, str] = {
    "confirmed": "Confirmed",
    "ruled-out": "Not this issue",
    "undecided": "Needs more information",
}
"""How an outcome's status reads when the outcome gives no ``label`` of its own."""
FactValue: TypeAlias = "str | tuple[str, ...]"

NO_CHECK = "The article gives no check for this."
"""Said where a pack leaves out a check (``how_to_check``, ``verify``) its article does not give."""

UNKNOWN = "?"
"""The answer "don't know / can't check now"; never a valid fact value."""


@dataclass(frozen=True)
class Fact:
    """A variable a case collects."""

    name: str
    type: FactType
    description: str
    values: tuple[str, ...] = ()
    """For choice facts: the allowed values."""
    keywords: tuple[str, ...] = ()
    """For ipv4 facts: words allowed besides an address (e.g. ``all``)."""
    item: Literal["text", "ipv4"] = "text"
    """For list facts: what each item is."""
    excludes: tuple[str, ...] = ()
    """Facts that can never hold one of this fact's values (a node is never a virtual
    server): a value in both is a conflict, and no command is built from it."""
    line: int = 0
    label: str = ""
    """A few words a person reads in place of the fact's name ("the node's primary IP")."""
    chars: str = ""
    """For text facts and text list items: the characters a value may hold, as the pack
    writes them (``A-Za-z0-9_-``: ``X-Y`` is a range, a ``-`` first or last is itself);
    empty: any. Checked in linear time (``wizard.kb.values``), never as a regex."""
    char_ranges: tuple[tuple[int, int], ...] = ()
    """``chars`` parsed: sorted, merged code-point ranges (inclusive)."""
    max_length: int = 0
    """For text facts and text list items: the longest value allowed; 0: no limit."""

    @property
    def words(self) -> str:
        """What people see for this fact: its label, or else its description."""
        return self.label or self.description.rstrip(".")


@dataclass(frozen=True)
class Condition:
    """A rule over facts, as data: ``fact`` tests, or ``all``/``any``/``not`` of others."""

    op: Literal["equals", "in", "known", "all", "any", "not"]
    fact: str = ""
    values: tuple[str, ...] = ()
    known: bool = True
    parts: tuple[Condition, ...] = ()
    line: int = 0

    def facts(self) -> set[str]:
        """Every fact the condition reads."""
        found = {self.fact} if self.fact else set()
        for part in self.parts:
            found |= part.facts()
        return found

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        """True when the condition holds; a test on an unknown fact is false."""
        if self.op == "all":
            return all(p.holds(facts) for p in self.parts)
        if self.op == "any":
            return any(p.holds(facts) for p in self.parts)
        if self.op == "not":
            return not self.parts[0].holds(facts)
        value = facts.get(self.fact)
        if self.op == "known":
            return (value is not None) == self.known
        if value is None:
            return False
        if isinstance(value, tuple):
            return any(v in self.values for v in value)
        return value in self.values

    def describe(self) -> str:
        """A short readable form, for graph labels and transcripts."""
        if self.op in ("all", "any"):
            joiner = " and " if self.op == "all" else " or "
            return "(" + joiner.join(p.describe() for p in self.parts) + ")"
        if self.op == "not":
            return "not " + self.parts[0].describe()
        if self.op == "known":
            return f"{self.fact} {'known' if self.known else 'unknown'}"
        if len(self.values) == 1:
            return f"{self.fact} = {self.values[0]}"
        return f"{self.fact} in {{{', '.join(self.values)}}}"


@dataclass(frozen=True)
class Choice:
    """One answer a question offers, and where it leads."""

    value: str
    label: str
    next: str
    line: int = 0


@dataclass(frozen=True)
class Question:
    """Asks for one fact."""

    id: str
    fact: str
    text: str
    why: str
    how_to_check: str
    """Empty when the article gives no check: the wizard says so."""
    tid: str
    choices: tuple[Choice, ...] = ()
    other: Choice | None = None
    """For ipv4/text/list facts: a typed answer (value ``*``), and where it leads."""
    unknown: str | None = None
    """Where "don't know / can't check now" leads."""
    unknown_line: int = 0
    optional: bool = False
    """Unattended runs pass an unknown optional question instead of stopping:
    the case is settled without it (a fix may still need it)."""
    line: int = 0
    kind: Literal["question"] = "question"

    def routes(self) -> list[tuple[str, str, str]]:
        """(via, value-or-label, target) for every way out."""
        out = [("choice", c.value, c.next) for c in self.choices]
        if self.other is not None:
            out.append(("other", self.other.label, self.other.next))
        if self.unknown is not None:
            out.append(("unknown", "don't know", self.unknown))
        return out

    def targets(self) -> list[str]:
        """The target of every way out, in ``routes()`` order (without building labels)."""
        out = [c.next for c in self.choices]
        if self.other is not None:
            out.append(self.other.next)
        if self.unknown is not None:
            out.append(self.unknown)
        return out

    def target_lines(self) -> list[int]:
        """The line of every way out, in ``targets()`` order (for messages about an edge)."""
        out = [c.line or self.line for c in self.choices]
        if self.other is not None:
            out.append(self.other.line or self.line)
        if self.unknown is not None:
            out.append(self.unknown_line or self.line)
        return out


@dataclass(frozen=True)
class Rule:
    """One rule of a decision node."""

    when: Condition
    next: str
    label: str
    line: int = 0


@dataclass(frozen=True)
class Decision:
    """Routes on facts already known; rules in order, then the default."""

    id: str
    rules: tuple[Rule, ...]
    default: str
    tid: str
    line: int = 0
    default_line: int = 0
    kind: Literal["decision"] = "decision"

    def routes(self) -> list[tuple[str, str, str]]:
        out = [("rule", r.label or r.when.describe(), r.next) for r in self.rules]
        out.append(("default", "otherwise", self.default))
        return out

    def targets(self) -> list[str]:
        """The target of every way out, in ``routes()`` order (without describing rules)."""
        out = [r.next for r in self.rules]
        out.append(self.default)
        return out

    def target_lines(self) -> list[int]:
        """The line of every way out, in ``targets()`` order."""
        return [*(r.line or self.line for r in self.rules), self.default_line or self.line]


@dataclass(frozen=True)
class Outcome:
    """Ends a case with a diagnosis and the fixes that may apply."""

    id: str
    diagnosis: str
    title: str
    summary: str
    tid: str
    status: Status = "undecided"
    label: str = ""
    """How the outcome's status reads (default: ``STATUS_WORDS``)."""
    fixes: tuple[str, ...] = ()
    collect: tuple[str, ...] = ()
    """What to collect before escalating (for outcomes that are not a fix)."""
    risks: tuple[Caveat, ...] = ()
    """Latent risks worth fixing anyway, each shown when its condition holds."""
    see_also: tuple[SeeAlso, ...] = ()
    """Other packs (articles) that may fit, each shown when its condition holds."""
    line: int = 0
    kind: Literal["outcome"] = "outcome"

    def routes(self) -> list[tuple[str, str, str]]:
        return []

    def targets(self) -> list[str]:
        return []

    def target_lines(self) -> list[int]:
        return []

    @property
    def words(self) -> str:
        """The outcome's status in words."""
        return self.label or STATUS_WORDS[self.status]


Node: TypeAlias = "Question | Decision | Outcome"


@dataclass(frozen=True)
class Fix:
    """A remedy: commands and steps as templates over facts, with its reasoning."""

    id: str
    title: str
    tid: str
    explanation: str
    applies_when: Condition | None = None
    commands: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    verify: tuple[str, ...] = ()
    """Empty when the article gives no check: the wizard says so."""
    warnings: tuple[str, ...] = ()
    artifacts: tuple[FixArtifact, ...] = ()
    """Artifacts the fix shows, made by the analyzer of an evidence kind."""
    line: int = 0


@dataclass(frozen=True)
class FixArtifact:
    """An artifact a fix shows (a corrected script, its diff), made by an evidence analyzer."""

    evidence: str
    """The evidence kind whose analyzer makes it."""
    artifact: str
    """The name the analyzer gives it (one of its ``produces``)."""
    title: str
    field: str = ""
    """Also put it at the top of the JSON summary under this name (null when not made)."""
    notes_field: str = ""
    """Also put its notes at the top of the JSON summary under this name."""
    step: str = ""
    """A step the fix shows (before its last one) only when the artifact is made."""
    step_unmade: str = ""
    """The step instead when the evidence was given but the artifact cannot be made;
    ``{reason}`` is replaced by the analyzer's notes (why not)."""
    step_no_evidence: str = ""
    """The step instead when no evidence of the kind was given."""
    line: int = 0


@dataclass(frozen=True)
class EvidenceKind:
    """Which analyzer reads a kind of pasted text, and which facts it can supply."""

    kind: str
    analyzer: str
    title: str
    description: str
    supplies: tuple[str, ...]
    """The pack's facts the analyzer fills (as the pack names them)."""
    line: int = 0
    renames: Mapping[str, str] = field(default_factory=dict)
    """Pack fact -> the analyzer's name for it, where the pack renames one."""
    tab: str = ""
    """A short title (for tabs); default: ``title``."""

    def source_of(self, fact: str) -> str:
        """The analyzer's name for the pack's ``fact``."""
        return self.renames.get(fact, fact)


@dataclass(frozen=True)
class AuditSpec:
    """What ``kbwizard audit`` checks across a site: one evidence kind, many artifacts.

    Each artifact (a file of a folder, an entry of a directory export) is read by the
    kind's analyzer with the site's context; the audit counts the values of ``fact``,
    lists the artifacts whose value is in ``at_risk`` first, and writes the analyzer's
    ``artifact`` (a corrected version) for each one that has it.
    """

    evidence: str
    """The evidence kind audited (its analyzer reads each artifact)."""
    fact: str
    """The fact summarised per artifact (a ``choice`` fact the kind supplies)."""
    at_risk: tuple[str, ...] = ()
    """The values of ``fact`` that call for action (listed first, counted as at risk)."""
    artifact: str = ""
    """The analyzer's product written by ``--write-fixed`` ('' : none)."""
    diff: str = ""
    """The analyzer's product shown beside it in reports (a diff; '' : none)."""
    attribute: str = ""
    """The directory attribute that holds the artifact in an LDIF export ('' : none)."""
    title: str = ""
    """What one artifact is called in reports (default: the evidence kind's title)."""
    line: int = 0


@dataclass(frozen=True)
class AnalyzerSpec:
    """What a pack may rely on from an analyzer (its declarations, without its code)."""

    name: str
    reads: tuple[str, ...]
    supplies: frozenset[str]
    produces: frozenset[str]
    title: str = ""


@dataclass(frozen=True)
class Caveat:
    """A text that applies when a condition on the facts holds.

    Used for scope checks (a case outside the article is flagged, never
    refused) and for latent risks worth fixing even when ruled out.
    """

    when: Condition
    text: str
    line: int = 0


@dataclass(frozen=True)
class SeeAlso:
    """A link from an outcome to another pack: why that article may fit this case."""

    pack: str
    """The id of the other pack."""
    text: str
    when: Condition | None = None
    """Shown only when this holds (always when absent)."""
    line: int = 0

    def applies(self, facts: Mapping[str, FactValue]) -> bool:
        """True when the link is shown for these facts."""
        return self.when is None or self.when.holds(facts)


@dataclass(frozen=True)
class Source:
    """The document the pack encodes."""

    document: str
    title: str
    published: str
    updated: str
    products: tuple[str, ...]
    url: str = ""


@dataclass(frozen=True)
class Symptom:
    """A symptom as the article lists it, and the fact that captures it."""

    id: str
    text: str
    fact: str
    value: str
    line: int = 0


@dataclass(frozen=True, eq=False)
class Pack:
    """A whole knowledge pack, as loaded and checked."""

    id: str
    version: str
    title: str
    summary: str
    source: Source
    facts: Mapping[str, Fact]
    start: str
    nodes: Mapping[str, Node]
    fixes: Mapping[str, Fix]
    evidence: Mapping[str, EvidenceKind]
    explanation: tuple[str, ...]
    explanation_title: str = ""
    symptoms: tuple[Symptom, ...] = ()
    scope: tuple[Caveat, ...] = ()
    references: tuple[str, ...] = ()
    audit: AuditSpec | None = None
    """What ``kbwizard audit`` checks across a site (None: the pack is not audited)."""
    path: str = ""
    sha256: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each top-level section, for messages about the pack as a whole."""
    remaining: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Per node, the fewest/most questions left (filled in once the pack is checked)."""

    @property
    def questions(self) -> list[Question]:
        return [n for n in self.nodes.values() if isinstance(n, Question)]

    def question_for(self, fact: str) -> Question | None:
        """The first question that asks for ``fact``."""
        return next((q for q in self.questions if q.fact == fact), None)
