"""`kbwizard diagnose` through a real subprocess: every diagnosis, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CONFIRMED = [
    "--fact", "reconnect_fails=yes", "--fact", "vip_method=bind", "--fact", "ncp_include_ip=all",
    "--fact", "login_order=node-first", "--fact", "primary_ip=10.1.1.11",
]  # fmt: skip


def kbwizard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args], capture_output=True, text=True, cwd=cwd
    )


def test_done_when_confirmed_json() -> None:
    result = kbwizard("diagnose", *CONFIRMED, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "pack",
        "diagnosis",
        "fixes",
        "facts",
        "provenance",
        "missing",
        "path",
        "conflicts",
        "reordered_login_script",
    ):
        assert key in data
    assert data["pack"] == "tid-3438100"
    assert data["diagnosis"] == "tid3438100-confirmed"
    commands = [c for f in data["fixes"] for c in f["commands"]]
    assert "set NCP include IP address = 10.1.1.11" in commands
    assert data["missing"] == [] and data["conflicts"] == []
    assert data["facts"]["primary_ip"] == "10.1.1.11"
    assert data["provenance"]["vip_method"] == "fact"
    assert data["reordered_login_script"] is None


def test_not_this_issue_has_no_fixes_but_what_to_collect() -> None:
    result = kbwizard("diagnose", *CONFIRMED, "--fact", "vip_method=secondary")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["diagnosis"] == "not-this-issue"
    assert data["fixes"] == [] and data["collect"]


def test_needs_more_information_lists_missing_in_order() -> None:
    result = kbwizard("diagnose", "--fact", "reconnect_fails=yes", "--fact", "mapping_shows=node")
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert data["diagnosis"] == "needs-more-information"
    assert data["missing"] == ["vip_method", "ncp_include_ip", "login_order"]
    assert data["fixes"] == []
    assert all(h["how_to_check"] for h in data["missing_help"])


def test_list_facts_and_short_format_names() -> None:
    result = kbwizard(
        "diagnose",
        *CONFIRMED,
        "--fact",
        "virtual_ips=10.1.1.180,10.1.1.181",
        "--fact",
        "node_names=NODE1,NODE2",
        "--format",
        "md",
    )
    assert result.returncode == 0
    assert "add secondary ipaddress 10.1.1.181" in result.stdout
    assert result.stdout.startswith("# Case summary")
    data = json.loads(kbwizard("diagnose", *CONFIRMED, "--fact", "node_names=NODE1,NODE2").stdout)
    assert data["facts"]["node_names"] == ["NODE1", "NODE2"]


@pytest.mark.parametrize("fmt", ["html", "htm", "text", "txt", "markdown"])
def test_every_format_renders(fmt: str) -> None:
    result = kbwizard("diagnose", *CONFIRMED, "--format", fmt)
    assert result.returncode == 0
    assert "set NCP include IP address = 10.1.1.11" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fact", "colour=red"], "unknown fact 'colour'"),
        (["--fact", "primary_ip=10.1.1"], "not a full IPv4 address"),
        (["--fact", "vip_method=glue"], "not one of bind, secondary"),
        (["--fact", "nonsense"], "--fact takes NAME=VALUE"),
        (["--evidence", "login-script=/nonexistent/login.txt"], "cannot read login-script"),
        (["--evidence", "horoscope=x.txt"], "unknown evidence kind 'horoscope'"),
        (["--format", "pdf"], "unknown format 'pdf'"),
        (["--pack", "no-such-pack"], "no pack named 'no-such-pack'"),
        (["--answers", "/nonexistent.yaml"], "cannot read"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    result = kbwizard("diagnose", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_output_file_is_atomic_and_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "case.md"
    assert kbwizard("diagnose", *CONFIRMED, "--format", "md", "-o", str(out)).returncode == 0
    first = out.read_text()
    assert "set NCP include IP address = 10.1.1.11" in first
    again = kbwizard("diagnose", *CONFIRMED, "--fact", "primary_ip=10.9.9.9", "-o", str(out))
    assert again.returncode == 2 and "exists" in again.stderr
    assert out.read_text() == first
    forced = kbwizard(
        "diagnose",
        *CONFIRMED,
        "--fact",
        "primary_ip=10.9.9.9",
        "--format",
        "md",
        "-o",
        str(out),
        "--force",
    )
    assert forced.returncode == 0 and "10.9.9.9" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["case.md"]  # no temp files left


def test_answers_file(tmp_path: Path) -> None:
    (tmp_path / "set.txt").write_text("NCP Include IP Address: all\n")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "case: {reference: INC-1042, agent: Dana}\n"
        "facts:\n  reconnect_fails: yes\n  vip_method: bind\n  login_order: node-first\n"
        "  primary_ip: 10.1.1.11\n"
        "evidence:\n  set-parameters: set.txt\n"
        'notes:\n  reconnect_fails: "Caller says H: dies after every migration."\n'
    )
    result = kbwizard("diagnose", "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["diagnosis"] == "tid3438100-confirmed"
    assert data["provenance"]["ncp_include_ip"].startswith("set-parameters:")
    assert data["case"]["reference"] == "INC-1042"
    assert data["path"][0]["note"] == "Caller says H: dies after every migration."
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts:\n  reconnect_fails: [yes\n")
    result = kbwizard("diagnose", "--answers", str(bad))
    assert result.returncode == 2 and f"{bad}:" in result.stderr


def test_commands_without_ui_import_no_textual() -> None:
    """`diagnose` and `validate` must stay fast: no Textual, and no analyzers without evidence."""
    for args in (["diagnose", *CONFIRMED], ["validate"], ["packs"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "wizard", *args],
            capture_output=True,
            text=True,
        )
        imported = {
            line.split("|")[-1].strip()
            for line in result.stderr.splitlines()
            if line.startswith("import time:")
        }
        assert not {m for m in imported if m.split(".")[0] in ("textual", "rich")}, args
        # The registry reads the plugins' declarations; no parser is imported without evidence.
        parsers = ("login_script", "load_script", "set_parameters", "reorder")
        assert not {m for m in imported if m.rsplit(".", 1)[-1] in parsers}, args
