"""Provides running a pack's case files and measuring what they cover.

A pack file ``DIR/<id>.yaml`` keeps its case files in ``DIR/<id>.cases/``. Each case
file gives inputs as an answers file does (facts, evidence files beside it, notes)
and the result it expects. A case runs the way a person would meet it: every fact
is given up front, as ``diagnose --answers`` gives it, except a fact whose value is
``"?"``: that one is answered "don't know" by the real interactive session when its
question is asked, so the question's don't-know route is taken. The result is then
the unattended summary, exactly what ``diagnose`` reports.

Coverage: which outcome nodes the cases reach, and which edges (each question's
choices, its typed ``other`` answer and its don't-know route; each decision rule and
default) they take. Nothing here prints; the command line shows the results.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wizard.engine.case import Case
from wizard.engine.intake import (
    CaseFile,
    Expected,
    given_facts,
    read_case_file,
    read_evidence_file,
)
from wizard.engine.session import SessionError, Step
from wizard.kb.model import UNKNOWN, Decision, FactValue, Outcome, Pack, Question
from wizard.kb.values import parse_value, shown

CASES_SUFFIX = ".cases"
"""A pack ``<id>.yaml`` keeps its case files in the folder ``<id>.cases`` beside it."""

CASE_SUFFIXES = (".yaml", ".yml")

MAX_CASE_FILES = 1000
"""Case files one folder may hold (a pack needs a few dozen at most)."""

SCHEMA_VERSION = 1
"""Version of the JSON form (``PackRun.to_dict``)."""


class CaseTestError(SessionError):
    """A case file, case folder or pack that cannot be run: one line, ``FILE:LINE``."""


# --- edges ----------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One way out of a question or decision node."""

    node: str
    index: int
    """Its place in the node's ``routes()``."""
    via: str
    """``choice``, ``other``, ``unknown``, ``rule`` or ``default``."""
    label: str
    """The choice's value, or the rule's label; empty for the others."""
    target: str

    def describe(self) -> str:
        """``q_x [yes] -> q_y``, ``d_x [rule 2: label] -> o_z``, ``q_x [don't know] -> …``."""
        if self.via == "choice":
            how = self.label
        elif self.via == "other":
            how = "other (typed)"
        elif self.via == "unknown":
            how = "don't know"
        elif self.via == "rule":
            how = f"rule {self.index + 1}: {self.label}"
        else:
            how = "default"
        return f"{self.node} [{how}] -> {self.target}"


def edges_of(pack: Pack) -> list[Edge]:
    """Every edge of the pack's graph, node by node in the pack's order."""
    out: list[Edge] = []
    for node_id, node in pack.nodes.items():
        if isinstance(node, Question):
            for index, choice in enumerate(node.choices):
                out.append(Edge(node_id, index, "choice", choice.value, choice.next))
            index = len(node.choices)
            if node.other is not None:
                out.append(Edge(node_id, index, "other", "", node.other.next))
                index += 1
            if node.unknown is not None:
                out.append(Edge(node_id, index, "unknown", "", node.unknown))
        elif isinstance(node, Decision):
            for index, rule in enumerate(node.rules):
                label = rule.label or rule.when.describe()
                out.append(Edge(node_id, index, "rule", label, rule.next))
            out.append(Edge(node_id, len(node.rules), "default", "", node.default))
    return out


def outcomes_of(pack: Pack) -> list[str]:
    return [node_id for node_id, node in pack.nodes.items() if isinstance(node, Outcome)]


def _taken(pack: Pack, steps: Iterable[Step], facts: dict[str, FactValue]) -> set[tuple[str, int]]:
    """(node, route index) of every edge the walk took (decisions re-read on ``facts``, the
    facts the walk decided on)."""
    taken: set[tuple[str, int]] = set()
    for step in steps:
        node = pack.nodes.get(step.node)
        if isinstance(node, Decision):
            index = next(
                (i for i, rule in enumerate(node.rules) if rule.when.holds(facts)),
                len(node.rules),
            )
            taken.add((node.id, index))
        elif isinstance(node, Question):
            route = _question_route(node, step.value)
            if route is not None:
                taken.add((node.id, route))
    return taken


def _question_route(node: Question, value: FactValue | None) -> int | None:
    after_choices = len(node.choices) + (1 if node.other is not None else 0)
    if value is None:
        return None
    if value == UNKNOWN:
        return after_choices if node.unknown is not None else None
    for index, choice in enumerate(node.choices):
        if choice.value == value:
            return index
    return len(node.choices) if node.other is not None else None


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    """One case file run: what it got, and every expectation it did not meet."""

    name: str
    path: Path
    description: str
    status: str
    diagnosis: str
    outcome: str | None
    fixes: tuple[str, ...]
    missing: tuple[str, ...]
    problems: tuple[str, ...]
    """Expectations not met, one sentence each; empty when the case passed."""
    edges: frozenset[tuple[str, int]] = frozenset()
    path_taken: tuple[str, ...] = ()
    """The nodes the walk went through, the outcome last."""

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Coverage:
    """What a pack's cases reached, against everything its graph has."""

    outcomes: tuple[str, ...]
    reached: frozenset[str]
    edges: tuple[Edge, ...]
    taken: frozenset[tuple[str, int]]

    @property
    def missing_outcomes(self) -> list[str]:
        return [o for o in self.outcomes if o not in self.reached]

    @property
    def missing_edges(self) -> list[Edge]:
        return [e for e in self.edges if (e.node, e.index) not in self.taken]

    @property
    def edges_taken(self) -> int:
        return len(self.edges) - len(self.missing_edges)


@dataclass
class PackRun:
    """Every case of one pack run, with its coverage."""

    pack: str
    path: Path
    cases_dir: Path
    complete: bool
    """True when the whole case folder ran (coverage then decides too)."""
    cases: list[CaseResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Case files (or the pack) that could not be run: ``FILE:LINE: message``."""
    coverage: Coverage | None = None

    def failures(self, require_edges: bool = True) -> list[str]:
        """Why this pack fails (beyond its cases' own problems and errors)."""
        out: list[str] = []
        if self.coverage is None or not self.complete:
            return out
        if not self.cases and not self.errors:
            out.append(f"no case files in {self.cases_dir}")
        missing = self.coverage.missing_outcomes
        if missing:
            out.append(f"outcome never reached: {', '.join(missing)}")
        if require_edges and self.coverage.missing_edges:
            count = len(self.coverage.missing_edges)
            out.append(f"{count} edge{'s' if count != 1 else ''} never taken")
        return out

    def passed(self, require_edges: bool = True) -> bool:
        return (
            not self.errors
            and all(c.passed for c in self.cases)
            and not self.failures(require_edges)
        )

    def to_dict(self, require_edges: bool = True) -> dict[str, Any]:
        coverage: dict[str, Any] | None = None
        if self.coverage is not None:
            cov = self.coverage
            coverage = {
                "outcomes": {
                    "reached": len(cov.outcomes) - len(cov.missing_outcomes),
                    "total": len(cov.outcomes),
                    "never_reached": cov.missing_outcomes,
                },
                "edges": {
                    "taken": cov.edges_taken,
                    "total": len(cov.edges),
                    "never_taken": [e.describe() for e in cov.missing_edges],
                },
            }
        return {
            "pack": self.pack,
            "path": str(self.path),
            "cases_dir": str(self.cases_dir),
            "complete": self.complete,
            "passed": self.passed(require_edges),
            "cases": [
                {
                    "case": c.name,
                    "file": str(c.path),
                    "description": c.description,
                    "passed": c.passed,
                    "status": c.status,
                    "diagnosis": c.diagnosis,
                    "outcome": c.outcome,
                    "fixes": list(c.fixes),
                    "missing": list(c.missing),
                    "problems": list(c.problems),
                    "path": list(c.path_taken),
                }
                for c in self.cases
            ],
            "errors": list(self.errors),
            "failures": self.failures(require_edges),
            "coverage": coverage,
        }


# --- finding the cases --------------------------------------------------------------


def cases_dir_of(pack_path: Path) -> Path:
    """``DIR/<id>.cases`` for the pack file ``DIR/<id>.yaml``."""
    return pack_path.with_name(pack_path.stem + CASES_SUFFIX)


def pack_file_of(cases_dir: Path) -> Path:
    """The pack file beside the case folder ``DIR/<id>.cases``; CaseTestError if none."""
    stem = cases_dir.name[: -len(CASES_SUFFIX)]
    for suffix in CASE_SUFFIXES:
        candidate = cases_dir.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise CaseTestError(f"{cases_dir}: no pack file {stem}.yaml beside this case folder")


def case_files(cases_dir: Path) -> list[Path]:
    """The case files of a folder (regular ``*.yaml``/``*.yml`` files, by name); none when
    the folder does not exist. Entries are stat'ed, never opened: a FIFO is passed over."""
    try:
        with os.scandir(cases_dir) as entries:
            names = []
            for entry in entries:
                if not entry.name.endswith(CASE_SUFFIXES) or not _regular(entry):
                    continue
                names.append(entry.name)
                if len(names) > MAX_CASE_FILES:
                    raise CaseTestError(
                        f"{cases_dir}: more than {MAX_CASE_FILES} case files; split the pack"
                    )
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise CaseTestError(f"{cases_dir}: not a folder") from None
    except OSError as exc:
        raise CaseTestError(f"{cases_dir}: cannot list ({exc.strerror or exc})") from None
    return [cases_dir / name for name in sorted(names)]


def _regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


@dataclass(frozen=True)
class Target:
    """A pack to test, and which of its case files (None: the whole case folder)."""

    pack_path: Path
    cases: tuple[Path, ...] | None = None


def target_of_path(path: Path) -> Target:
    """A PATH on the command line: a pack file, a case folder, or one case file."""
    if path.is_dir():
        if not path.name.endswith(CASES_SUFFIX):
            raise CaseTestError(
                f"{path}: a folder to test must be a case folder (<pack id>{CASES_SUFFIX})"
            )
        return Target(pack_file_of(path))
    if not path.exists():
        raise CaseTestError(f"{path}: no such file or folder")
    if path.parent.name.endswith(CASES_SUFFIX):
        return Target(pack_file_of(path.parent), (path,))
    return Target(path)


def merge_targets(targets: Sequence[Target]) -> list[Target]:
    """One target per pack file, in the order first named; a whole folder wins."""
    merged: dict[Path, Target] = {}
    for target in targets:
        key = Path(os.path.abspath(target.pack_path))
        old = merged.get(key)
        if old is None:
            merged[key] = target
        elif old.cases is None or target.cases is None:
            merged[key] = Target(old.pack_path)
        else:
            merged[key] = Target(old.pack_path, tuple(dict.fromkeys(old.cases + target.cases)))
    return list(merged.values())


# --- running ------------------------------------------------------------------------


def run_pack(pack: Pack, pack_path: Path, cases: Sequence[Path] | None = None) -> PackRun:
    """Run the given case files of ``pack`` (default: its whole case folder) and measure
    coverage. A case file that cannot be run is recorded in ``errors``, not raised."""
    folder = cases_dir_of(pack_path)
    run = PackRun(pack.id, pack_path, folder, complete=cases is None)
    try:
        paths = list(cases) if cases is not None else case_files(folder)
    except CaseTestError as exc:
        run.errors.append(str(exc))
        paths = []
    for path in paths:
        try:
            run.cases.append(run_case(pack, read_case_file(path)))
        except SessionError as exc:
            run.errors.append(" ".join(str(exc).split()))
    run.coverage = Coverage(
        tuple(outcomes_of(pack)),
        frozenset(c.outcome for c in run.cases if c.outcome is not None),
        tuple(edges_of(pack)),
        frozenset(edge for c in run.cases for edge in c.edges),
    )
    return run


def run_case(pack: Pack, case_file: CaseFile) -> CaseResult:
    """Run one case; CaseTestError (``FILE:LINE``) when the file names what the pack lacks."""
    from wizard.report.summary import summarize

    path = case_file.path
    _check_inputs(pack, case_file)
    _check_expected(pack, case_file)
    intake = case_file.intake
    try:
        given = given_facts(pack, intake.facts, intake.notes)
    except SessionError as exc:
        raise CaseTestError(f"{path}:{case_file.expect_line}: {exc}") from None
    case = Case.start(pack, given)
    for (kind, evidence), line in zip(intake.evidence, case_file.evidence_lines, strict=True):
        try:
            case.store_artifact(kind, read_evidence_file(kind, evidence), str(evidence))
        except SessionError as exc:
            raise CaseTestError(f"{path}:{line}: {exc}") from None
    case.refresh_evidence()
    _answer_dont_knows(pack, case, case_file)
    summary = summarize(case, unattended=True)
    walk = case.session.walk(unattended=True)
    outcome = walk.node.id if isinstance(walk.node, Outcome) else None
    got_missing = tuple(m.fact for m in summary.missing)
    result = CaseResult(
        name=path.stem,
        path=path,
        description=case_file.description,
        status=summary.outcome_status,
        diagnosis=summary.diagnosis,
        outcome=outcome,
        fixes=tuple(f.id for f in summary.fixes),
        missing=got_missing,
        problems=(),
        edges=frozenset(_taken(pack, walk.steps, case.session.known_facts())),
        path_taken=(*(step.node for step in walk.steps), walk.node.id),
    )
    problems = _compare(case_file.expect, result, summary)
    return replace(result, problems=tuple(problems))


def _unknowns(case_file: CaseFile) -> set[str]:
    return {
        name
        for name, raw, _source in case_file.intake.facts
        if isinstance(raw, str) and raw.strip() == UNKNOWN
    }


def _answer_dont_knows(pack: Pack, case: Case, case_file: CaseFile) -> None:
    """Answer "don't know" to each question the interactive session asks whose fact the
    case gives as ``"?"``; stop at the first question it does not (the unattended walk
    then passes it as a ``diagnose`` run would)."""
    unknowns = _unknowns(case_file)
    for _ in range(len(pack.nodes) + 1):
        node = case.session.current
        if not isinstance(node, Question) or node.fact not in unknowns:
            return
        if node.unknown is None:
            line = case_file.fact_lines.get(node.fact, case_file.expect_line)
            raise CaseTestError(
                f"{case_file.path}:{line}: fact '{node.fact}' is '?' (don't know), but question "
                f"'{node.id}' offers no don't-know answer"
            )
        case.session.dont_know()


def _check_inputs(pack: Pack, case_file: CaseFile) -> None:
    path = case_file.path
    for name, raw, _source in case_file.intake.facts:
        line = case_file.fact_lines.get(name, 1)
        fact = pack.facts.get(name)
        if fact is None:
            raise CaseTestError(
                f"{path}:{line}: unknown fact '{shown(name)}' (pack {pack.id} has: "
                f"{', '.join(pack.facts)})"
            )
        if isinstance(raw, str) and raw.strip() in (UNKNOWN, ""):
            continue
        try:
            parse_value(fact, raw)
        except ValueError as exc:
            raise CaseTestError(f"{path}:{line}: {exc}") from None
    for name, line in case_file.note_lines.items():
        if name not in pack.facts:
            raise CaseTestError(f"{path}:{line}: note for unknown fact '{shown(name)}'")
    for (kind, _evidence), line in zip(
        case_file.intake.evidence, case_file.evidence_lines, strict=True
    ):
        if kind not in pack.evidence:
            known = ", ".join(pack.evidence) or "none"
            raise CaseTestError(
                f"{path}:{line}: unknown evidence kind '{shown(kind)}' (pack {pack.id} reads: "
                f"{known})"
            )


def _check_expected(pack: Pack, case_file: CaseFile) -> None:
    """Names in ``expect`` that the pack does not have are errors in the case file."""
    expect = case_file.expect
    path, lines = case_file.path, expect.lines
    outcomes = {n.id: n for n in pack.nodes.values() if isinstance(n, Outcome)}

    def fail(key: str, message: str) -> None:
        raise CaseTestError(f"{path}:{lines.get(key, case_file.expect_line)}: {message}")

    if expect.outcome is not None and expect.outcome not in outcomes:
        fail("outcome", f"'{shown(expect.outcome)}' is not an outcome of pack {pack.id}")
    diagnoses = {o.diagnosis for o in outcomes.values()}
    if expect.diagnosis is not None and expect.diagnosis not in diagnoses:
        fail("diagnosis", f"'{shown(expect.diagnosis)}' is not a diagnosis of pack {pack.id}")
    for fix in expect.fixes or ():
        if fix not in pack.fixes:
            fail("fixes", f"'{shown(fix)}' is not a fix of pack {pack.id}")
    for fix in expect.commands or {}:
        if fix not in pack.fixes:
            fail(f"commands.{fix}", f"'{shown(fix)}' is not a fix of pack {pack.id}")
    for name in expect.missing or ():
        if name not in pack.facts:
            fail("missing", f"'{shown(name)}' is not a fact of pack {pack.id}")


def _listed(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _see_also(summary: Any) -> tuple[str, ...]:
    """The pack ids a summary points to (``see_also``: objects or mappings with ``pack``)."""
    found = getattr(summary, "see_also", None) or ()
    out = []
    for item in found:
        pack = item.get("pack") if isinstance(item, dict) else getattr(item, "pack", item)
        out.append(str(pack))
    return tuple(out)


def _compare(expect: Expected, got: CaseResult, summary: Any) -> list[str]:
    problems: list[str] = []
    if expect.status != got.status:
        detail = [got.outcome or "no outcome"]
        if got.missing:
            detail.append(f"missing: {', '.join(got.missing)}")
        problems.append(f"expected status {expect.status}, got {got.status} ({'; '.join(detail)})")
    if expect.diagnosis is not None and expect.diagnosis != got.diagnosis:
        problems.append(f"expected diagnosis {expect.diagnosis}, got {got.diagnosis}")
    if expect.outcome is not None and expect.outcome != got.outcome:
        problems.append(f"expected outcome {expect.outcome}, got {got.outcome or 'none'}")
    if expect.fixes is not None and expect.fixes != got.fixes:
        problems.append(f"expected fixes {_listed(expect.fixes)}, got {_listed(got.fixes)}")
    rendered = {f.id: f for f in summary.fixes}
    for fix, commands in (expect.commands or {}).items():
        found = rendered.get(fix)
        if found is None:
            problems.append(f"expected commands of fix {fix}, but the result has no such fix")
            continue
        if tuple(found.commands) != commands:
            why = f" (missing: {', '.join(found.missing)})" if found.missing else ""
            problems.append(
                f"fix {fix}: expected commands {_listed(commands)}, got "
                f"{_listed(found.commands)}{why}"
            )
    if expect.missing is not None and expect.missing != got.missing:
        problems.append(f"expected missing {_listed(expect.missing)}, got {_listed(got.missing)}")
    if expect.see_also is not None:
        see_also = _see_also(summary)
        if expect.see_also != see_also:
            problems.append(
                f"expected see_also {_listed(expect.see_also)}, got {_listed(see_also)}"
            )
    return problems
