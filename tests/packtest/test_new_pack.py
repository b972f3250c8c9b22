"""`kbwizard new`: a skeleton that validates and passes `kbwizard test` as written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.engine.casetest import edges_of, outcomes_of
from wizard.kb.loader import load_pack


def test_new_then_validate_then_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "tid-1234567", "--dir", str(tmp_path)]) == 0
    pack_file = tmp_path / "tid-1234567.yaml"
    assert pack_file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    cases = sorted(p.name for p in (tmp_path / "tid-1234567.cases").iterdir())
    assert cases == ["confirmed.yaml", "dont-know.yaml", "ruled-out.yaml"]
    capsys.readouterr()
    assert main(["validate", str(pack_file)]) == 0
    assert capsys.readouterr().out == ""
    pack = load_pack(pack_file)
    statuses = sorted(pack.nodes[o].status for o in outcomes_of(pack))  # type: ignore[union-attr]
    assert statuses == ["confirmed", "ruled-out", "undecided"]
    assert len(pack.fixes) == 1 and len(pack.questions) == 1
    assert main(["test", str(pack_file)]) == 0
    out = capsys.readouterr().out
    total_edges, total_outcomes = len(edges_of(pack)), len(outcomes_of(pack))
    assert (
        f"ok tid-1234567: outcomes {total_outcomes}/{total_outcomes}, "
        f"edges {total_edges}/{total_edges}"
    ) in out
    assert out.count("PASS tid-1234567/") == 3


def test_the_schema_line_points_at_the_schema(tmp_path: Path) -> None:
    assert main(["new", "abc", "--dir", str(tmp_path)]) == 0
    first = (tmp_path / "abc.yaml").read_text(encoding="utf-8").splitlines()[0]
    ref = first.split("$schema=", 1)[1]
    assert (tmp_path / ref).resolve().is_file()


@pytest.mark.parametrize(
    "bad", ["Tid-1", "tid_1", "tid 1", "-tid", "tid-", "../x", "a/b", "", "é", "x" * 65, "a\nb"]
)
def test_a_bad_id_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    assert main(["new", bad, "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "kbwizard: error:" in err
    assert list(tmp_path.iterdir()) == []


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "mine.cases" / "confirmed.yaml"
    case.parent.mkdir()
    case.write_text("my own case\n", encoding="utf-8")
    assert main(["new", "mine", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{case} exists; nothing written" in err
    assert case.read_text(encoding="utf-8") == "my own case\n"
    assert not (tmp_path / "mine.yaml").exists()  # nothing half-written
    assert main(["new", "mine", "--dir", str(tmp_path), "--force"]) == 0
    assert "expect:" in case.read_text(encoding="utf-8")
    assert main(["test", str(tmp_path / "mine.yaml")]) == 0


def test_dir_is_created_and_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["new", "deep", "--dir", str(tmp_path / "a" / "b")]) == 0
    assert (tmp_path / "a" / "b" / "deep.yaml").is_file()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "here"]) == 0
    assert (tmp_path / "here.yaml").is_file() and (tmp_path / "here.cases").is_dir()
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))
