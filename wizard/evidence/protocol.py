"""Provides the analyzer protocol: what a plugin declares, what it is given, what it returns.

An analyzer reads one kind of pasted artifact (a script, a command's output)
and returns a ``Reading``: the facts it found (each with the line that decided
it), remarks, and optionally a table a person can correct and artifacts a fix
can show (a corrected script, its diff). It declares, before it is ever run:

- ``reads``: the facts it uses as context (the engine gives it every value
  known for each of them: stated, answered, or found or offered by another
  analyzer; analyzers that read nothing run first);
- ``supplies``: the facts it can find (a pack picks among them);
- ``produces``: the artifacts it can make for a fix;
- ``corrections``: the values a person may give a row of its table (empty
  when its table cannot be corrected).

Optionally an analyzer also has ``combine`` (see ``Combining``): what it makes of all
the artifacts of its kind together (a value two artifacts share, say). The engine calls
it once per kind, after reading each artifact, with every reading of that kind.

The engine, the report and the front ends know nothing else about it.
Analyzers are pure: no printing, no UI, never raising on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol, runtime_checkable

from wizard.evidence.model import EvidenceReport, Remark
from wizard.evidence.text import DecodedText

Tone = Literal["good", "bad", "warn", ""]
"""How a front end may colour a table row's value: good, bad, doubtful, or plain."""


@dataclass(frozen=True)
class Context:
    """What the engine gives an analyzer besides the artifact."""

    facts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each fact the analyzer ``reads``: every value known from any source
    (stated, answered, found by an analyzer that ran before), list facts flattened."""
    corrections: Mapping[str, str] = field(default_factory=dict)
    """A person's corrections of table rows: row key -> one of ``corrections``."""
    brief: tuple[str, ...] | None = None
    """None (the wizard, ``diagnose``): everything. A tuple (``kbwizard audit``, one
    artifact of many): only the findings, the decisive lines and the products named here
    are used, so an analyzer may skip its table, records, row questions, the ``marked``
    lines and any other product. Findings never depend on it."""


@dataclass(frozen=True)
class Produced:
    """An artifact an analyzer makes for a fix (a corrected script, its diff)."""

    name: str
    """One of the analyzer's ``produces`` names."""
    text: str
    format: Literal["text", "diff"] = "text"
    marked: tuple[int, ...] = ()
    """1-based numbers of the lines of ``text`` worth marking (lines moved, say)."""
    notes: tuple[str, ...] = ()
    """What a person should know about it (what was left alone, and why)."""
    data: bytes | None = None
    """The same in the artifact's own encoding, when it differs from UTF-8 text."""


@dataclass(frozen=True)
class Row:
    """One row of a reading's table."""

    cells: tuple[str, ...]
    line: int = 0
    """The artifact line the row is about (0: none)."""
    tone: Tone = ""
    key: str | None = None
    """What a correction of this row is stored under (None: the row cannot be corrected)."""
    value: str = ""
    """The row's current value among ``corrections`` (what a correction replaces)."""
    decisive: bool = False
    detail: str = ""
    """The row in full, in words (shown for the selected row; cells may be clipped)."""


@dataclass(frozen=True)
class RowQuestion:
    """A row whose value decides something but is not known for sure: the wizard asks it.

    Answering sets the correction of ``key`` (or, when ``fact`` names a fact the pack
    has a question for, states that fact instead, with the pack's own question).
    """

    key: str
    text: str
    why: str
    choices: tuple[tuple[str, str], ...]
    """(value, label) pairs: values among the analyzer's ``corrections``."""
    line: int = 0
    line_text: str = ""
    """The artifact line that makes the answer matter."""
    current: str = ""
    """The value the analyzer took (a guess, or nothing)."""
    fact: str | None = None


@dataclass(frozen=True)
class Table:
    """Rows a front end shows (and lets a person correct) or a report prints."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    tone_column: int = -1
    """The column coloured by each row's tone (-1: none)."""


@dataclass(frozen=True)
class Reading:
    """What one analyzer made of one artifact; never fatal, always complete."""

    report: EvidenceReport
    decoded: DecodedText
    decisive: tuple[int, ...] = ()
    """Lines that decided something, besides the lines of the findings."""
    headline: str = ""
    """One line above the table (e.g. what the rows decide)."""
    table: Table | None = None
    """For front ends: rows a person checks and may correct."""
    report_table: Table | None = None
    """For exported documents (None: ``table``)."""
    records_name: str = ""
    records: tuple[Mapping[str, str | int | bool | None], ...] = ()
    """For the JSON summary: rows as objects, under the evidence entry's ``records_name``."""
    produced: tuple[Produced, ...] = ()
    questions: tuple[RowQuestion, ...] = ()
    """Rows the wizard should ask about, in the order to ask them."""
    offers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Values for other analyzers' context that are not facts a pack shows (e.g. the
    volume names a load script mounts), by the name the readers ``read``."""
    detail: object = None
    """The analyzer's own result, for its own tests; opaque to everything else."""

    def product(self, name: str) -> Produced | None:
        return next((p for p in self.produced if p.name == name), None)


@runtime_checkable
class Analyzer(Protocol):
    """A plugin that reads one kind of artifact (see the module docstring)."""

    name: str
    title: str
    reads: tuple[str, ...]
    supplies: tuple[str, ...]
    produces: tuple[str, ...]
    corrections: tuple[str, ...]

    def analyze(self, data: bytes, context: Context) -> Reading:
        """Read ``data`` (at most ``MAX_EVIDENCE_BYTES``); never raises on bad input."""
        ...


class Place(NamedTuple):
    """A line of one of the artifacts given to ``combine``."""

    reading: int
    """The index of the artifact's reading in the sequence ``combine`` was given."""
    line: int


@dataclass(frozen=True)
class CombinedFinding:
    """A fact found in the artifacts of one kind together, with every line that shows it."""

    fact: str
    value: str | tuple[str, ...]
    places: tuple[Place, ...]
    """Where it shows, first the line it is cited from (at least one place)."""
    detail: str


@dataclass(frozen=True)
class Combination:
    """What ``combine`` makes of the artifacts of one kind together.

    A fact among ``findings`` replaces what the single readings say of that fact."""

    findings: tuple[CombinedFinding, ...] = ()
    remarks: tuple[tuple[int, Remark], ...] = ()
    """(index of a reading, remark): shown with that artifact's own remarks."""


@runtime_checkable
class Combining(Protocol):
    """An analyzer that also reads all the artifacts of its kind together (optional)."""

    def combine(self, readings: Sequence[tuple[str, Reading]]) -> Combination:
        """Every (provenance label, reading) of the kind, in order; never raises."""
        ...
