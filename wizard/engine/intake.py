"""Provides turning command-line and answers-file input into a Case.

One input format serves unattended runs (``diagnose --answers``), pre-filling
the wizard (``run --answers``) and test fixtures:

```yaml
pack: tid-3438100            # optional
case: {reference: INC-1042, agent: Dana, contact: "ops@example.com"}
facts:
  reconnect_fails: yes
  node_names: [NODE1, NODE2]  # or "NODE1,NODE2"
evidence:                     # paths relative to this file
  login-script: login.txt
notes:
  reconnect_fails: Caller says drive H: dies after every migration.
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.engine.case import Case, CaseHeader
from wizard.engine.session import Given, SessionError
from wizard.evidence import MAX_EVIDENCE_BYTES
from wizard.kb.model import UNKNOWN, Pack
from wizard.kb.values import parse_value, shown

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


def read_answers_file(path: Path) -> Intake:
    """Read an answers file (YAML or JSON); SessionError with file and line on bad input."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SessionError(f"{path}: cannot read: {exc.strerror or exc}") from None
    import yaml  # only with an answers file: a warm diagnose reads no YAML at all

    try:
        # BaseLoader: every scalar stays text ("yes" is the word yes), nothing is constructed.
        raw = yaml.load(data.decode("utf-8-sig"), Loader=yaml.BaseLoader)
    except UnicodeDecodeError:
        raise SessionError(f"{path}: not UTF-8 text") from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise SessionError(f"{path}:{line}: {exc.problem or 'invalid YAML'}") from None
    except yaml.YAMLError as exc:
        raise SessionError(f"{path}: invalid YAML/JSON ({' '.join(str(exc).split())})") from None
    if not isinstance(raw, dict):
        raise SessionError(
            f"{path}: expected a mapping with keys {', '.join(sorted(ANSWERS_KEYS))}"
        )
    unknown = set(raw) - ANSWERS_KEYS
    if unknown:
        raise SessionError(
            f"{path}: unknown key '{sorted(unknown)[0]}' "
            f"(allowed: {', '.join(sorted(ANSWERS_KEYS))})"
        )
    intake = Intake(pack=raw.get("pack") or None)
    facts = _mapping(raw.get("facts", {}), path, "facts")
    intake.facts = [(name, value, "answers") for name, value in facts.items()]
    for kind, rel in _mapping(raw.get("evidence", {}), path, "evidence").items():
        if not isinstance(rel, str):
            raise SessionError(f"{path}: evidence '{kind}' must be a file path")
        intake.evidence.append((kind, (path.parent / rel)))
    intake.notes = {k: str(v) for k, v in _mapping(raw.get("notes", {}), path, "notes").items()}
    header = _mapping(raw.get("case", {}), path, "case")
    intake.header = CaseHeader(
        str(header.get("reference", "")),
        str(header.get("agent", "")),
        str(header.get("contact", "")),
    )
    return intake


def _mapping(value: Any, path: Path, key: str) -> dict[str, Any]:
    if value in ("", None):
        return {}
    if not isinstance(value, dict):
        raise SessionError(f"{path}: '{key}' must be a mapping")
    return value


def read_evidence_file(kind: str, path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            raise SessionError(
                f"{path}: {size} bytes is over the {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB "
                f"limit for {kind} evidence"
            )
        return path.read_bytes()
    except OSError as exc:
        raise SessionError(f"{path}: cannot read {kind} evidence: {exc.strerror or exc}") from None


def given_facts(
    pack: Pack, facts: Iterable[tuple[str, Any, str]], notes: Mapping[str, str]
) -> list[Given]:
    """Check names and values; SessionError (one line) for the first bad one."""
    out = []
    for name, raw, source in facts:
        fact = pack.facts.get(name)
        if fact is None:
            known = ", ".join(pack.facts)
            raise SessionError(f"unknown fact '{shown(name)}' (from {source}; known: {known})")
        if isinstance(raw, str) and raw.strip() in (UNKNOWN, ""):
            continue
        if not isinstance(raw, (str, list)):
            raise SessionError(f"{name}: expected a value or a list (from {source})")
        try:
            value = parse_value(fact, raw)
        except ValueError as exc:
            raise SessionError(f"{exc} (from {source})") from None
        out.append(Given(name, value, source, note=notes.get(name)))
    for name in notes:
        if name not in pack.facts:
            raise SessionError(f"note for unknown fact '{shown(name)}'")
    return out


def build_case(pack: Pack, intake: Intake) -> Case:
    """A Case with every given fact and artifact applied (the evidence read once)."""
    case = Case.start(pack, given_facts(pack, intake.facts, intake.notes))
    case.header = intake.header
    for kind, path in intake.evidence:
        if kind not in pack.evidence:  # before reading the file: say the kind is wrong first
            case.store_artifact(kind, b"", str(path))
        case.store_artifact(kind, read_evidence_file(kind, path), str(path))
    case.refresh_evidence()
    return case
