"""Provides turning command-line and answers-file input into a Case.

One input format serves unattended runs (``diagnose --answers``), pre-filling
the wizard (``run --answers``) and test fixtures:

```yaml
pack: PACK-ID                # optional
case: {reference: INC-1042, agent: Dana, contact: "ops@example.com"}
facts:
  reconnect_fails: yes
  node_names: [NODE1, NODE2]  # or "NODE1,NODE2"
evidence:                     # paths relative to this file (a list for several)
  KIND: file.txt
notes:
  reconnect_fails: Caller says drive H: dies after every migration.
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from wizard.engine.case import Case, CaseHeader
from wizard.engine.session import Given, SessionError, stated_givens
from wizard.kb.model import FactValue, Pack
from wizard.kb.values import parse_value, shown
from wizard.safeio import MAX_EVIDENCE_BYTES, ReadError, read_bounded

if TYPE_CHECKING:  # yamlsrc imports yaml, which only an answers file needs
    from wizard.kb.yamlsrc import LinedList, LinedMap, Located

ANSWERS_KEYS = {"pack", "case", "facts", "evidence", "notes"}


@dataclass
class Intake:
    """Everything given up front, before any question is asked."""

    pack: str | None = None
    facts: list[tuple[str, Any, str]] = field(default_factory=list)
    """(name, raw value, source)"""
    evidence: list[tuple[str, Path]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    header: CaseHeader = field(default_factory=CaseHeader)


def split_pair(text: str, what: str) -> tuple[str, str]:
    """``NAME=VALUE`` -> (NAME, VALUE); SessionError naming the option otherwise."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise SessionError(f"{what} takes NAME=VALUE, got '{shown(text)}'")
    return name.strip(), value.strip()


MAX_ANSWERS_BYTES = 1024 * 1024
"""Answers files larger than this are refused: a real one is a few hundred bytes."""

MAX_LIST_ITEMS = 4096
"""Items a list fact may have in an answers file (a site has a few dozen servers)."""


def read_answers_file(path: Path) -> Intake:
    """Read an answers file (YAML or JSON); SessionError with file and line on bad input.

    It is read as packs are (``wizard.kb.yamlsrc``): from parser events, with no
    alias, no tag and no deep nesting, so no file can expand or recurse; every
    value keeps its line for the message that refuses it.
    """
    return _Answers(_read_located(path, "answers file"), path).intake()


def _read_located(path: Path, what: str) -> Located:
    """The located YAML of an answers-format file; SessionError (FILE:LINE) on bad input."""
    try:
        data = read_bounded(path, MAX_ANSWERS_BYTES, what)
    except ReadError as exc:
        raise SessionError(str(exc)) from None
    from wizard.kb.yamlsrc import read_yaml  # only with an answers file: a warm start reads no YAML

    located, problems = read_yaml(data, str(path), what, MAX_ANSWERS_BYTES)
    if problems:
        raise SessionError(str(min(problems, key=lambda p: p.line)))
    return located


class _Answers:
    """Turns the located data of an answers file into an Intake, refusing wrong shapes."""

    def __init__(
        self, located: Located, path: Path, keys: frozenset[str] | set[str] = ANSWERS_KEYS
    ) -> None:
        self.located = located
        self.path = path
        self.keys = keys
        self.fact_lines: dict[str, int] = {}
        """The line of each fact read (for messages about its name or value)."""
        self.evidence_lines: list[int] = []
        """The line of each evidence path read, in ``Intake.evidence`` order."""
        self.note_lines: dict[str, int] = {}

    def fail(self, line: int, message: str) -> NoReturn:
        raise SessionError(f"{self.path}:{line}: {message}")

    def text(self, container: LinedMap | LinedList, key: str | int, line: int, what: str) -> str:
        """A scalar as the text written (``yes`` stays the word yes, as for packs)."""
        value = container[key]  # type: ignore[index]
        if isinstance(value, str):
            return value
        if isinstance(value, (dict, list)):
            self.fail(line, f"{what} must be a single value, not a {_shape(value)}")
        raw = self.located.raw_text(container, key)
        return raw if raw is not None else ("" if value is None else str(value))

    def mapping(self, top: LinedMap, key: str) -> LinedMap | None:
        if key not in top:
            return None
        value = top[key]
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            self.fail(top.line_of(key), f"'{key}' must be a mapping, not a {_shape(value)}")
        return cast("LinedMap", value)

    def intake(self) -> Intake:
        data = self.located.data
        if not isinstance(data, dict):
            self.fail(
                self.located.root_line,
                f"expected a mapping with keys {', '.join(sorted(self.keys))}",
            )
        top = cast("LinedMap", data)
        for key, line in zip(top, top.lines, strict=True):
            if key not in self.keys:
                self.fail(
                    line,
                    f"unknown key '{shown(key)}' (allowed: {', '.join(sorted(self.keys))})",
                )
        intake = Intake()
        if "pack" in top:
            intake.pack = self.text(top, "pack", top.line_of("pack"), "'pack'") or None
        facts = self.mapping(top, "facts")
        if facts is not None:
            for name, line in zip(facts, facts.lines, strict=True):
                intake.facts.append((name, self.fact(facts, name, line), "answers"))
                self.fact_lines[name] = line
        evidence = self.mapping(top, "evidence")
        if evidence is not None:
            for kind, line in zip(evidence, evidence.lines, strict=True):
                found = evidence[kind]
                if isinstance(found, list):  # several artifacts of one kind
                    paths = cast("LinedList", found)
                    if len(paths) > MAX_LIST_ITEMS:
                        self.fail(line, f"evidence '{shown(kind)}' lists too many files")
                    rels = [
                        (self.text(paths, i, item_line, f"evidence '{shown(kind)}'"), item_line)
                        for i, item_line in enumerate(paths.lines)
                    ]
                else:
                    rels = [(self.text(evidence, kind, line, f"evidence '{shown(kind)}'"), line)]
                for rel, rel_line in rels:
                    if not rel:
                        self.fail(rel_line, f"evidence '{shown(kind)}' must be a file path")
                    intake.evidence.append((kind, self.path.parent / rel))
                    self.evidence_lines.append(rel_line)
        notes = self.mapping(top, "notes")
        if notes is not None:
            intake.notes = {
                name: self.text(notes, name, line, f"note '{shown(name)}'")
                for name, line in zip(notes, notes.lines, strict=True)
            }
            self.note_lines = dict(zip(notes, notes.lines, strict=True))
        header = self.mapping(top, "case")
        if header is not None:
            fields = {"reference", "agent", "contact"}
            values: dict[str, str] = {}
            for key, line in zip(header, header.lines, strict=True):
                if key not in fields:
                    self.fail(
                        line,
                        f"unknown key '{shown(key)}' in 'case' (allowed: agent, contact, "
                        "reference)",
                    )
                values[key] = self.text(header, key, line, f"case '{key}'")
            intake.header = CaseHeader(
                values.get("reference", ""), values.get("agent", ""), values.get("contact", "")
            )
        return intake

    def fact(self, facts: LinedMap, name: str, line: int) -> str | list[str]:
        found = facts[name]
        if not isinstance(found, list):
            return self.text(facts, name, line, f"fact '{shown(name)}'")
        value = cast("LinedList", found)
        if len(value) > MAX_LIST_ITEMS:
            self.fail(
                line, f"fact '{shown(name)}' has {len(value)} items; the limit is {MAX_LIST_ITEMS}"
            )
        return [
            self.text(value, i, item_line, f"an item of fact '{shown(name)}'")
            for i, item_line in enumerate(value.lines)
        ]


CASE_KEYS = frozenset({"description", "facts", "evidence", "notes", "expect"})
"""The keys of a pack's case file: an answers file's inputs, a description and ``expect``."""

EXPECT_KEYS = ("status", "diagnosis", "outcome", "fixes", "commands", "missing", "see_also")
"""The keys of a case file's ``expect`` (only ``status`` is required)."""


@dataclass(frozen=True)
class Expected:
    """What a case file expects of the result; None where it expects nothing."""

    status: str
    diagnosis: str | None = None
    outcome: str | None = None
    fixes: tuple[str, ...] | None = None
    commands: dict[str, tuple[str, ...]] | None = None
    missing: tuple[str, ...] | None = None
    see_also: tuple[str, ...] | None = None
    lines: dict[str, int] = field(default_factory=dict)
    """The line of each key given (``commands.FIX`` for each fix under ``commands``)."""


@dataclass
class CaseFile:
    """One case file of a pack: inputs as in an answers file, and the expected result."""

    path: Path
    description: str
    intake: Intake
    expect: Expected
    fact_lines: dict[str, int]
    """The line of each fact."""
    evidence_lines: list[int]
    """The line of each evidence path, in ``intake.evidence`` order."""
    expect_line: int
    note_lines: dict[str, int] = field(default_factory=dict)


def read_case_file(path: Path) -> CaseFile:
    """Read a case file; SessionError ``FILE:LINE: message`` for any bad shape.

    Read exactly as an answers file is (same size limit, no alias, no tag, no deep
    nesting); the keys ``pack`` and ``case`` are not part of it (the pack is the one
    the case folder belongs to), ``description`` and ``expect`` are.
    """
    reader = _Answers(_read_located(path, "case file"), path, CASE_KEYS)
    intake = reader.intake()
    top = cast("LinedMap", reader.located.data)
    description = ""
    if "description" in top:
        description = reader.text(top, "description", top.line_of("description"), "'description'")
    if "expect" not in top:
        reader.fail(reader.located.root_line, "a case file needs 'expect' (at least its status)")
    expect = reader.mapping(top, "expect")
    if expect is None:
        reader.fail(top.line_of("expect"), "'expect' needs at least 'status'")
    return CaseFile(
        path,
        description,
        intake,
        _expected(reader, expect),
        dict(reader.fact_lines),
        list(reader.evidence_lines),
        top.line_of("expect"),
        dict(reader.note_lines),
    )


def _expected(reader: _Answers, expect: LinedMap) -> Expected:
    from wizard.kb.model import STATUSES

    lines: dict[str, int] = {}
    for key, line in zip(expect, expect.lines, strict=True):
        if key not in EXPECT_KEYS:
            reader.fail(
                line, f"unknown key '{shown(key)}' in 'expect' (allowed: {', '.join(EXPECT_KEYS)})"
            )
        lines[key] = line
    if "status" not in expect:
        reader.fail(_first(expect), "'expect' needs 'status'")
    status = reader.text(expect, "status", lines["status"], "'status'")
    if status not in STATUSES:
        reader.fail(
            lines["status"],
            f"status must be one of {', '.join(STATUSES)}, not '{shown(status)}'",
        )

    def one(key: str) -> str | None:
        if key not in expect:
            return None
        value = reader.text(expect, key, lines[key], f"'{key}'")
        if not value:
            reader.fail(lines[key], f"'{key}' must not be empty")
        return value

    def items(container: LinedMap, key: str, line: int, what: str) -> tuple[str, ...]:
        value = container[key]
        if value is None:
            return ()
        if not isinstance(value, list):
            reader.fail(line, f"{what} must be a list, not a {_shape(value)}")
        found = cast("LinedList", value)
        if len(found) > MAX_LIST_ITEMS:
            reader.fail(line, f"{what} has {len(found)} items; the limit is {MAX_LIST_ITEMS}")
        return tuple(
            reader.text(found, i, item_line, f"an item of {what}")
            for i, item_line in enumerate(found.lines)
        )

    def listed(key: str) -> tuple[str, ...] | None:
        return items(expect, key, lines[key], f"'{key}'") if key in expect else None

    commands: dict[str, tuple[str, ...]] | None = None
    if "commands" in expect:
        found = reader.mapping(expect, "commands")
        commands = {}
        if found is not None:
            for fix, line in zip(found, found.lines, strict=True):
                commands[fix] = items(found, fix, line, f"the commands of '{shown(fix)}'")
                lines[f"commands.{fix}"] = line
    return Expected(
        status,
        one("diagnosis"),
        one("outcome"),
        listed("fixes"),
        commands,
        listed("missing"),
        listed("see_also"),
        lines,
    )


def _first(mapping: LinedMap) -> int:
    return mapping.lines[0] if mapping.lines else 1


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "single value"


def read_evidence_file(kind: str, path: Path) -> bytes:
    """The bytes of an evidence file; SessionError (one line) for anything but a small file."""
    try:
        return read_bounded(path, MAX_EVIDENCE_BYTES, f"{kind} evidence")
    except ReadError as exc:
        raise SessionError(str(exc)) from None


def given_facts(
    pack: Pack, facts: Iterable[tuple[str, Any, str]], notes: Mapping[str, str]
) -> list[Given]:
    """Check names and values; SessionError (one line) for the first bad one."""

    def check_name(name: str, source: str) -> None:
        if name not in pack.facts:
            known = ", ".join(pack.facts)
            raise SessionError(f"unknown fact '{shown(name)}' (from {source}; known: {known})")

    def parse(name: str, raw: str | list[str], source: str) -> FactValue:
        try:
            return parse_value(pack.facts[name], raw)
        except ValueError as exc:
            raise SessionError(f"{exc} (from {source})") from None

    return stated_givens(facts, notes, parse, check_name, pack.facts.__contains__)


def build_case(pack: Pack, intake: Intake) -> Case:
    """A Case with every given fact and artifact applied (the evidence read once)."""
    case = Case.start(pack, given_facts(pack, intake.facts, intake.notes))
    case.header = intake.header
    for kind, path in intake.evidence:
        if kind not in pack.evidence:  # before reading the file: say the kind is wrong first
            case.make_artifact(kind, b"", str(path))
        case.store_artifact(kind, read_evidence_file(kind, path), str(path))
    case.refresh_evidence()
    return case
