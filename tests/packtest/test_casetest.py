"""`kbwizard test`: a pack's case files run, expectations are checked, coverage is counted.

Every test writes its own small pack (or uses the shipped reference pack and its
cases) and drives the command line in-process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wizard.cli import main
from wizard.engine.casetest import MAX_CASE_FILES, edges_of, outcomes_of, run_case, run_pack
from wizard.engine.intake import MAX_ANSWERS_BYTES, read_case_file
from wizard.kb.loader import load_pack
from wizard.kb.model import Decision, Question

# A pack with one question (two choices and don't know) and one decision (one rule and the
# default): 5 edges, 3 outcomes.
MINI = """\
id: mini
version: "1.0.0"
title: Mini
summary: A small pack for the case runner.
source: {document: Mini, title: Mini, published: "2020-01-01", updated: "2020-01-01",
         products: [X]}
facts:
  seen:
    type: choice
    values: ["yes", "no"]
    description: The symptom is seen.
  level:
    type: choice
    values: [high, low]
    description: The level.
  target:
    type: text
    description: The name the command needs.
start: q_seen
nodes:
  q_seen:
    kind: question
    tid: Symptoms
    fact: seen
    text: Is it seen?
    why: Because.
    how_to_check: Look.
    choices:
      - {value: "yes", label: "Yes", next: d_level}
      - {value: "no", label: "No", next: o_no}
    unknown: o_maybe
  d_level:
    kind: decision
    tid: Cause
    rules:
      - when: {fact: level, equals: high}
        next: o_yes
        label: level is high
    default: o_maybe
  o_yes:
    kind: outcome
    tid: Cause
    diagnosis: mini-yes
    status: confirmed
    title: "Yes"
    summary: It is.
    fixes: [do-it]
  o_no:
    kind: outcome
    tid: Cause
    diagnosis: mini-no
    status: ruled-out
    title: "No"
    summary: It is not.
  o_maybe:
    kind: outcome
    tid: Cause
    diagnosis: mini-maybe
    status: undecided
    title: Maybe
    summary: Not known.
fixes:
  do-it:
    title: Do it
    tid: Resolution
    commands: ["do it to {target}"]
    explanation: It helps.
explanation:
  title: Why
  steps: [Because.]
"""

CONFIRMED = """\
description: seen, high level
facts:
  seen: "yes"
  level: high
  target: SRV1
expect:
  status: confirmed
  diagnosis: mini-yes
  outcome: o_yes
  fixes: [do-it]
  commands:
    do-it: ["do it to SRV1"]
  missing: []
"""
RULED_OUT = 'facts:\n  seen: "no"\nexpect:\n  status: ruled-out\n  outcome: o_no\n'
DONT_KNOW = (
    'facts:\n  seen: "?"\nexpect:\n  status: undecided\n  outcome: o_maybe\n  missing: [seen]\n'
)
LOW = 'facts:\n  seen: "yes"\n  level: low\nexpect:\n  status: undecided\n  outcome: o_maybe\n'


def write_pack(folder: Path, cases: dict[str, str], pack: str = MINI) -> Path:
    """``folder/mini.yaml`` and its case files ``folder/mini.cases/NAME``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mini.yaml"
    path.write_text(pack, encoding="utf-8")
    cases_dir = folder / "mini.cases"
    cases_dir.mkdir(exist_ok=True)
    for name, text in cases.items():
        (cases_dir / name).write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["test", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


ALL_CASES = {
    "confirmed.yaml": CONFIRMED,
    "ruled-out.yaml": RULED_OUT,
    "dont-know.yaml": DONT_KNOW,
    "low.yaml": LOW,
}


def test_all_cases_pass_at_full_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pack(tmp_path, ALL_CASES)
    code, out, _ = run(capsys, str(path))
    assert code == 0, out
    assert out.splitlines() == [
        "PASS mini/confirmed",
        "PASS mini/dont-know",
        "PASS mini/low",
        "PASS mini/ruled-out",
        "ok mini: outcomes 3/3, edges 5/5",
    ]


def test_a_failing_expectation_is_reported_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = CONFIRMED.replace("level: high", "level: low")
    path = write_pack(tmp_path, {**ALL_CASES, "confirmed.yaml": wrong})
    code, out, _ = run(capsys, str(path))
    assert code == 1
    (line,) = [line for line in out.splitlines() if line.startswith("FAIL mini/confirmed")]
    assert line.startswith(
        "FAIL mini/confirmed: expected status confirmed, got undecided (o_maybe)"
    ), line
    assert "expected outcome o_yes, got o_maybe" in line
    assert "expected fixes [do-it], got []" in line
    assert "expected commands of fix do-it, but the result has no such fix" in line


def test_wrong_commands_and_missing_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = CONFIRMED.replace('["do it to SRV1"]', '["do it to SRV2"]').replace(
        "missing: []", "missing: [level]"
    )
    path = write_pack(tmp_path, {**ALL_CASES, "confirmed.yaml": wrong})
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert (
        "fix do-it: expected commands [do it to SRV2], got [do it to SRV1]; "
        "expected missing [level], got []"
    ) in out


def test_an_outcome_never_reached_exits_1_with_its_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {k: v for k, v in ALL_CASES.items() if k != "ruled-out.yaml"}
    path = write_pack(tmp_path, cases)
    code, out, _ = run(capsys, str(path), "--no-require-edges")
    assert code == 1
    assert "FAIL mini: outcomes 2/3, edges 4/5" in out
    assert "  outcome never reached: o_no" in out
    assert "  edge never taken: q_seen [no] -> o_no" in out


def test_coverage_counts_each_edge_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two cases on the same path: still one edge each; the rule and the default count apart.
    cases = {"a.yaml": CONFIRMED, "b.yaml": CONFIRMED, "c.yaml": RULED_OUT}
    path = write_pack(tmp_path, cases)
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert "FAIL mini: outcomes 2/3, edges 3/5" in out
    never = [line.strip() for line in out.splitlines() if "never" in line]
    assert never == [
        "outcome never reached: o_maybe",
        "edge never taken: q_seen [don't know] -> o_maybe",
        "edge never taken: d_level [default] -> o_maybe",
    ]


def test_edges_below_full_fail_unless_no_require_edges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every outcome reached, but the decision's default never taken.
    cases = {k: v for k, v in ALL_CASES.items() if k != "low.yaml"}
    path = write_pack(tmp_path, cases)
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert "FAIL mini: outcomes 3/3, edges 4/5" in out
    assert "edge never taken: d_level [default] -> o_maybe" in out
    code, out, _ = run(capsys, str(path), "--no-require-edges")
    assert code == 0
    assert "ok mini: outcomes 3/3, edges 4/5" in out


def test_counts_match_the_graph_of_the_reference_pack(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pack = load_pack(ROOT / "knowledge" / "tid-3438100.yaml")
    edges = sum(
        len(node.routes()) for node in pack.nodes.values() if isinstance(node, Question | Decision)
    )
    outcomes = sum(1 for node in pack.nodes.values() if node.kind == "outcome")
    assert len(edges_of(pack)) == edges and len(outcomes_of(pack)) == outcomes
    code, out, _ = run(capsys, "tid-3438100")
    assert code == 0, out
    assert f"ok tid-3438100: outcomes {outcomes}/{outcomes}, edges {edges}/{edges}" in out


def test_question_mark_takes_the_unknown_route_of_the_question_asked(tmp_path: Path) -> None:
    path = write_pack(tmp_path, ALL_CASES)
    pack = load_pack(path)
    result = run_case(pack, read_case_file(tmp_path / "mini.cases" / "dont-know.yaml"))
    assert result.passed, result.problems
    unknown = next(e for e in edges_of(pack) if e.via == "unknown")
    assert result.edges == {(unknown.node, unknown.index)}
    assert result.path_taken == ("q_seen", "o_maybe")
    # A "?" for a question the walk never asks changes nothing.
    (tmp_path / "other.yaml").write_text(
        'facts:\n  seen: "no"\n  level: "?"\nexpect:\n  status: ruled-out\n', encoding="utf-8"
    )
    assert run_case(pack, read_case_file(tmp_path / "other.yaml")).passed


def test_question_mark_where_no_dont_know_is_offered_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = MINI.replace("    unknown: o_maybe\n", "")
    bad = 'description: x\nfacts:\n  seen: "?"\nexpect:\n  status: undecided\n'
    path = write_pack(tmp_path, {"bad.yaml": bad}, pack=pack)
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert f"{tmp_path / 'mini.cases' / 'bad.yaml'}:3: fact 'seen' is '?'" in err


def test_evidence_paths_are_relative_to_the_case_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = ROOT / "knowledge" / "tid-3438100.cases" / "confirmed-by-evidence.yaml"
    assert "evidence:" in case.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # nothing resolves against the current folder
    code, out, err = run(capsys, str(case))
    assert code == 0, out + err
    assert out.splitlines()[0] == "PASS tid-3438100/confirmed-by-evidence"
    assert "only the case files named; coverage not enforced" in out


def test_a_missing_evidence_file_is_file_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "packs"
    pack = (ROOT / "knowledge" / "tid-3438100.yaml").read_text(encoding="utf-8")
    (folder / "tid-3438100.cases").mkdir(parents=True)
    (folder / "tid-3438100.yaml").write_text(pack, encoding="utf-8")
    case = folder / "tid-3438100.cases" / "gone.yaml"
    case.write_text(
        'facts:\n  reconnect_fails: "yes"\nevidence:\n  login-script: nowhere.txt\n'
        "expect:\n  status: confirmed\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(case))
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"kbwizard: error: {case}:4: ")
    assert "nowhere.txt" in first


BAD_CASES = [
    ('facts: &f {seen: "yes"}\nnotes: *f\nexpect: {status: confirmed}\n', 2, "aliases"),
    ("facts: [seen]\nexpect: {status: confirmed}\n", 1, "'facts' must be a mapping, not a list"),
    ("facts: {}\nexpect: [confirmed]\n", 2, "'expect' must be a mapping, not a list"),
    ("facts: {}\n", 1, "a case file needs 'expect'"),
    ("expect:\n  outcome: o_yes\n", 2, "'expect' needs 'status'"),
    ("expect:\n  status: done\n", 2, "status must be one of confirmed, ruled-out, undecided"),
    ("expect:\n  status: confirmed\n  colour: red\n", 3, "unknown key 'colour' in 'expect'"),
    ("expect:\n  status: confirmed\n  fixes: do-it\n", 3, "'fixes' must be a list"),
    ("expect:\n  status: confirmed\n  fixes: [nope]\n", 3, "'nope' is not a fix of pack mini"),
    ("expect:\n  status: confirmed\n  outcome: q_seen\n", 3, "'q_seen' is not an outcome"),
    ("expect:\n  status: confirmed\n  commands: {do-it: x}\n", 3, "must be a list"),
    ("pack: mini\nexpect: {status: confirmed}\n", 1, "unknown key 'pack'"),
    ('facts:\n  colour: "red"\nexpect: {status: confirmed}\n', 2, "unknown fact 'colour'"),
    ('facts:\n  seen: "maybe"\nexpect: {status: confirmed}\n', 2, "maybe"),
    ("evidence:\n  scan: a.txt\nexpect: {status: confirmed}\n", 2, "unknown evidence kind"),
    ("facts:\n  seen: " + "[" * 60 + "]" * 60 + "\n", 2, "nesting deeper than"),
    ("expect: {status: confirmed\n", 2, "YAML syntax error"),
    ("notes: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "nesting"),
    ("notes: " + "{a: " * 50_000 + "}" * 50_000 + "\n", 1, "nesting"),
    ("facts:\n  seen: !!python/object:os.system {}\n", 2, "tag"),
    ("facts:\n  seen: [" + "a, " * 5000 + "a]\nexpect: {status: confirmed}\n", 2, "limit is"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), BAD_CASES, ids=[str(i) for i in range(len(BAD_CASES))]
)
def test_a_bad_case_file_is_file_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, message: str
) -> None:
    path = write_pack(tmp_path, {**ALL_CASES, "bad.yaml": text})
    code, out, err = run(capsys, str(path))
    assert code == 2, out + err
    errors = [e for e in err.splitlines() if e.startswith("kbwizard: error:")]
    assert len(errors) == 1, err
    assert errors[0].startswith(f"kbwizard: error: {tmp_path / 'mini.cases' / 'bad.yaml'}:{line}: ")
    assert message in errors[0]
    assert "PASS mini/confirmed" in out  # the other cases still ran


def test_a_huge_case_file_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "description: " + "x" * (MAX_ANSWERS_BYTES + 10) + "\nexpect: {status: confirmed}\n"
    path = write_pack(tmp_path, {**ALL_CASES, "huge.yaml": huge})
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert "huge.yaml" in err and "limit" in err.lower()


def test_too_many_case_files_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_pack(tmp_path, ALL_CASES)
    for number in range(MAX_CASE_FILES):
        (tmp_path / "mini.cases" / f"n{number}.yaml").write_text("", encoding="utf-8")
    code, out, err = run(capsys, str(path))
    assert code == 2
    assert f"more than {MAX_CASE_FILES} case files" in err
    assert "PASS" not in out  # refused before reading any


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_the_case_folder_is_passed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pack(tmp_path, ALL_CASES)
    os.mkfifo(tmp_path / "mini.cases" / "pipe.yaml")
    code, out, _ = run(capsys, str(path))
    assert code == 0, out


def test_untrusted_text_is_shown_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pack(
        tmp_path, {**ALL_CASES, "evil\x1b[31m.yaml": RULED_OUT.replace("ruled-out", "undecided")}
    )
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert "\x1b" not in out
    assert "FAIL mini/evil\\x1b[31m: expected status undecided, got ruled-out" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {k: v for k, v in ALL_CASES.items() if k != "low.yaml"}
    path = write_pack(tmp_path, cases)
    code, out, _ = run(capsys, str(path), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] is False and data["require_edges"] is True
    (mini,) = data["packs"]
    assert [c["case"] for c in mini["cases"]] == ["confirmed", "dont-know", "ruled-out"]
    assert all(c["passed"] for c in mini["cases"])
    assert mini["cases"][0]["fixes"] == ["do-it"]
    assert mini["coverage"]["outcomes"] == {"reached": 3, "total": 3, "never_reached": []}
    assert mini["coverage"]["edges"] == {
        "taken": 4,
        "total": 5,
        "never_taken": ["d_level [default] -> o_maybe"],
    }
    assert mini["failures"] == ["1 edge never taken"]


def test_targets_pack_id_case_folder_and_all_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pack(tmp_path / "extra", ALL_CASES)
    code, out, _ = run(capsys, str(path.parent / "mini.cases"))
    assert code == 0 and "ok mini: outcomes 3/3, edges 5/5" in out
    code, out, _ = run(capsys, "--pack-dir", str(path.parent), "mini")
    assert code == 0 and "ok mini:" in out
    code, out, _ = run(capsys, "--pack-dir", str(path.parent))
    assert code == 0
    assert "ok mini:" in out and "ok tid-3438100:" in out
    code, _, err = run(capsys, "no-such-pack")
    assert code == 2 and "no pack named 'no-such-pack'" in err


def test_a_pack_without_cases_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path / "mini.yaml"))
    assert code == 1
    assert "FAIL mini: outcomes 0/3, edges 0/5" in out
    assert f"no case files in {tmp_path / 'mini.cases'}" in out


def test_run_pack_records_errors_and_keeps_going(tmp_path: Path) -> None:
    path = write_pack(tmp_path, {**ALL_CASES, "bad.yaml": "facts: [x]\n"})
    result = run_pack(load_pack(path), path)
    assert len(result.cases) == 4 and len(result.errors) == 1
    assert not result.passed()


def test_an_invalid_pack_or_a_lone_case_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pack(tmp_path, ALL_CASES, pack=MINI.replace("start: q_seen", "start: q_nowhere"))
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert f"kbwizard: error: {path}: cannot test an invalid pack: {path}:" in err
    assert "q_nowhere" in err
    lone = tmp_path / "other" / "lost.cases"
    lone.mkdir(parents=True)
    code, _, err = run(capsys, str(lone))
    assert code == 2
    assert err.strip() == f"kbwizard: error: {lone}: no pack file lost.yaml beside this case folder"
