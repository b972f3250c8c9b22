"""`kbwizard triage`: the JSON contract, the order, exit codes, formats and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.test_triage import LOAD
from tests.engine.triage_packs import (  # reference_only: autouse, the reference pack alone
    reference_only,  # noqa: F401
    small_pack,
    write_packs,
)
from wizard.cli import main

REFERENCE = "tid-3438100"
CONFIRMED = [
    "--fact", "reconnect_fails=yes", "--fact", "vip_method=bind", "--fact", "ncp_include_ip=all",
    "--fact", "login_order=node-first", "--fact", "primary_ip=10.1.1.11",
]  # fmt: skip
HOSTILE = "<script>alert(1)</script> **bold** [x](http://e.vil) `tick` \u202eevil\u202c"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return write_packs(
        tmp_path / "packs",
        {
            "demo-alpha": small_pack("demo-alpha", "alpha_cause"),
            "demo-beta": small_pack("demo-beta", "beta_cause"),
        },
    )


def triage(
    capsys: pytest.CaptureFixture[str], *args: str, fmt: str = "json"
) -> tuple[int, Any, str]:
    code = main(["triage", *args, "--format", fmt])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if fmt == "json" and out else out), err


def test_json_contract_and_order(capsys: pytest.CaptureFixture[str], pack_dir: Path) -> None:
    code, data, _ = triage(
        capsys,
        "--pack-dir", str(pack_dir),
        "--fact", "reconnect_fails=yes", "--fact", "alpha_cause=yes", "--fact", "beta_cause=no",
        "--fact", "server=NODE1",
    )  # fmt: skip
    assert code == 0
    for key in ("schema_version", "articles", "matches", "facts", "provenance", "conflicts"):
        assert key in data
    assert [(a["pack"], a["status"]) for a in data["articles"]] == [
        ("demo-alpha", "confirmed"),
        (REFERENCE, "undecided"),
        ("demo-beta", "ruled-out"),
    ]
    for article in data["articles"]:
        assert {"pack", "title", "status", "diagnosis", "fixes", "missing", "why", "see_also"} <= (
            set(article)
        )
    alpha, reference, beta = data["articles"]
    assert data["matches"] == ["demo-alpha"]
    assert alpha["fixes"][0]["commands"] == ["fix it on NODE1"]
    assert alpha["missing"] == [] and beta["fixes"] == [] and reference["fixes"] == []
    assert reference["missing"][0] == "mapping_shows"
    assert beta["see_also"] == [
        {
            "pack": "demo-alpha",
            "title": "Test article demo-alpha",
            "text": beta["see_also"][0]["text"],
        }
    ]
    assert data["facts"]["server"] == "NODE1"
    assert data["provenance"]["alpha_cause"] == "fact"
    assert data["conflicts"] == []


def test_fixes_have_the_shape_and_content_diagnose_gives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "load.ncf").write_bytes(LOAD)
    evidence = ["--evidence", f"load-script={tmp_path / 'load.ncf'}"]
    assert main(["diagnose", *CONFIRMED, *evidence]) == 0
    diagnosed = json.loads(capsys.readouterr().out)
    code, data, _ = triage(capsys, *CONFIRMED, *evidence)
    assert code == 0
    (article,) = data["articles"]
    assert article["status"] == "confirmed" and data["matches"] == [REFERENCE]
    assert article["fixes"] == diagnosed["fixes"]
    assert article["diagnosis"] == diagnosed["diagnosis"]
    assert data["facts"] == diagnosed["facts"]
    assert data["provenance"] == diagnosed["provenance"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (["--fact", "reconnect_fails=yes", "--fact", "alpha_cause=yes"], 0),  # one confirmed
        (["--fact", "reconnect_fails=no"], 0),  # all ruled out
        (["--fact", "reconnect_fails=yes"], 3),  # none confirmed, some undecided
        ([], 3),
    ],
)
def test_exit_codes(
    capsys: pytest.CaptureFixture[str], pack_dir: Path, facts: list[str], expected: int
) -> None:
    code, data, _ = triage(capsys, "--pack-dir", str(pack_dir), *facts)
    assert code == expected
    statuses = {a["status"] for a in data["articles"]}
    assert ("confirmed" in statuses or statuses == {"ruled-out"}) == (expected == 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fact", "no_such_fact=yes"], "unknown fact 'no_such_fact'"),
        (["--fact", "alpha_cause=perhaps"], "alpha_cause"),
        (["--evidence", "no-such-kind=/dev/null"], "unknown evidence kind 'no-such-kind'"),
        (["--evidence", "load-script=/no/such/file"], "/no/such/file"),
        (["--format", "pdf"], "unknown format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], pack_dir: Path, args: list[str], message: str
) -> None:
    code = main(["triage", "--pack-dir", str(pack_dir), *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_fact_only_another_pack_knows_is_accepted(
    capsys: pytest.CaptureFixture[str], pack_dir: Path
) -> None:
    code, _, err = triage(capsys, "--fact", "alpha_cause=yes")  # without the test packs
    assert code == 2 and "no installed pack knows it" in err
    code, data, _ = triage(capsys, "--pack-dir", str(pack_dir), "--fact", "alpha_cause=yes")
    assert code == 0  # the cause alone confirms the test article
    assert data["facts"] == {"alpha_cause": "yes"}
    assert data["matches"] == ["demo-alpha"]


def test_answers_file(capsys: pytest.CaptureFixture[str], pack_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "load.ncf").write_bytes(LOAD)
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "case: {reference: INC-7}\nfacts:\n  reconnect_fails: 'yes'\n  beta_cause: 'yes'\n"
        "evidence:\n  load-script: load.ncf\nnotes:\n  beta_cause: seen on the console\n",
        encoding="utf-8",
    )
    code, data, _ = triage(capsys, "--pack-dir", str(pack_dir), "--answers", str(answers))
    assert code == 0
    assert data["matches"] == ["demo-beta"]
    assert data["case"]["reference"] == "INC-7"
    assert data["provenance"]["vip_method"] == "load-script:3"


def hostile_dir(tmp_path: Path) -> Path:
    return write_packs(
        tmp_path / "hostile",
        {
            "demo-hostile": small_pack(
                "demo-hostile",
                "hostile_cause",
                title=HOSTILE,
                command="rm -rf {server} <b>now</b>",
            )
        },
    )


@pytest.mark.parametrize("fmt", ["md", "markdown", "html", "htm", "text", "txt"])
def test_hostile_pack_text_is_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    folder = hostile_dir(tmp_path)
    code, out, _ = triage(
        capsys,
        "--pack-dir", str(folder),
        "--fact", "reconnect_fails=yes", "--fact", "hostile_cause=yes", "--fact", "server=<i>x</i>",
        fmt=fmt,
    )  # fmt: skip
    assert code == 0
    assert "\u202e" not in out and "\x1b" not in out
    assert "\\u202e" in out  # shown, not obeyed
    if fmt in ("html", "htm"):
        assert "<script>" not in out and "&lt;script&gt;" in out
        assert "<b>now</b>" not in out and "<i>x</i>" not in out
    elif fmt in ("md", "markdown"):
        assert "<script>" not in out and "\\<script\\>" in out
        assert "**bold**" not in out and "](http" not in out.replace("\\](http", "")
        assert "rm -rf <i>x</i> <b>now</b>" in out  # a command in a code block, as written
    else:
        assert "<script>alert(1)</script>" in out  # plain text takes no markup


def test_the_output_file_is_never_replaced_without_force(
    capsys: pytest.CaptureFixture[str], pack_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.md"
    target.write_text("keep me", encoding="utf-8")
    args = ["triage", "--pack-dir", str(pack_dir), "--format", "md", "-o", str(target)]
    assert main(args) == 2
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main([*args, "--force"]) == 3
    assert target.read_text(encoding="utf-8").startswith("# Triage")
    capsys.readouterr()


def test_packs_on_the_pack_path_are_triaged_too(
    capsys: pytest.CaptureFixture[str], pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBWIZARD_PACK_PATH", str(pack_dir))
    code, data, _ = triage(capsys, "--fact", "reconnect_fails=yes", "--fact", "beta_cause=yes")
    assert code == 0
    assert data["matches"] == ["demo-beta"]
    assert {a["pack"] for a in data["articles"]} == {"demo-alpha", "demo-beta", REFERENCE}


def test_a_broken_pack_is_reported_once_and_the_others_are_triaged(
    capsys: pytest.CaptureFixture[str], pack_dir: Path
) -> None:
    (pack_dir / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    code, data, err = triage(capsys, "--pack-dir", str(pack_dir), "--fact", "reconnect_fails=no")
    assert code == 0
    assert len(data["problems"]) == 1 and data["problems"][0].startswith(str(pack_dir))
    assert err.count("pack not used") == 1
    assert "broken" not in {a["pack"] for a in data["articles"]}
