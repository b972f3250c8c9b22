"""End to end: `kbwizard diagnose` from evidence alone, asking for nothing but the symptom."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LOGIN = (
    b"REM Container login script\r\n"
    b"MAP DISPLAY OFF\r\n"
    b"MAP S1:=10.1.1.11/SYS:PUBLIC\r\n"
    b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"
    b"MAP G:=CLUSTER1_POOL1_SERVER/VOL1:APPS\r\n"
    b'WRITE "Gr\x81\xe1 Gott, %LOGIN_NAME"\r\n'  # cp850 umlauts must survive
)
LOAD = (
    b"nss /poolactivate=POOL1\n"
    b"mount VOL1 VOLID=254\n"
    b"CLUSTER CVSBIND ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
    b"NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
    b"BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
)
AUTOEXEC = (
    b"LOAD CE1000 NAME=CE1000_1_EII FRAME=ETHERNET_II\n"
    b"BIND IP CE1000_1_EII ADDRESS=10.1.1.11 MASK=255.255.255.0\n"
    b"set NCP Include IP Address = all\n"
)


@pytest.fixture
def evidence(tmp_path: Path) -> list[str]:
    files = {"login-script": LOGIN, "load-script": LOAD, "set-parameters": AUTOEXEC}
    args = []
    for kind, data in files.items():
        path = tmp_path / f"{kind}.txt"
        path.write_bytes(data)
        args += ["--evidence", f"{kind}={path}"]
    return args


def diagnose(*args: str) -> tuple[int, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "diagnose", *args], capture_output=True, text=True
    )
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def test_evidence_settles_everything_but_the_symptom(evidence: list[str]) -> None:
    code, data = diagnose(*evidence, "--fact", "reconnect_fails=yes")
    assert code == 0
    assert data["diagnosis"] == "tid3438100-confirmed"
    expected = {
        "reconnect_fails": "fact",
        "vip_method": "load-script:5",
        "ncp_include_ip": "set-parameters:3",
        "primary_ip": "set-parameters:2",
        "login_order": "login-script:3",
    }
    provenance = data["provenance"]
    assert isinstance(provenance, dict)
    assert {k: provenance.get(k) for k in expected} == expected
    assert data["missing"] == []
    commands = [c for f in data["fixes"] for c in f["commands"]]  # type: ignore[union-attr]
    assert "set NCP include IP address = 10.1.1.11" in commands
    assert "add secondary ipaddress 10.1.1.180" in commands
    script = data["reordered_login_script"]
    assert isinstance(script, str)
    lines = script.split("\r\n")
    assert lines.index("MAP S1:=10.1.1.11/SYS:PUBLIC") > lines.index(
        "MAP G:=CLUSTER1_POOL1_SERVER/VOL1:APPS"
    )
    assert "Grüß Gott" in script  # decoded from cp850, kept
    assert script.count("\r\n") == LOGIN.count(b"\r\n")
    diff = data["login_script_diff"]
    assert isinstance(diff, str) and "+MAP S1:=10.1.1.11/SYS:PUBLIC" in diff


def test_without_the_symptom_only_symptoms_are_missing(evidence: list[str]) -> None:
    code, data = diagnose(*evidence)
    assert code == 3
    assert data["diagnosis"] == "needs-more-information"
    assert data["missing"] == ["reconnect_fails", "mapping_shows", "trace_target"]


def test_conflict_with_a_stated_fact_is_reported_and_the_fact_wins(evidence: list[str]) -> None:
    code, data = diagnose(
        *evidence, "--fact", "reconnect_fails=yes", "--fact", "vip_method=secondary"
    )
    assert code == 0
    assert data["diagnosis"] == "not-this-issue"
    assert data["conflicts"] == [
        {
            "fact": "vip_method",
            "value": "secondary",
            "source": "fact",
            "evidence_value": "bind",
            "evidence_source": "load-script:5",
        }
    ]


def test_secondary_addresses_rule_it_out(tmp_path: Path) -> None:
    load = tmp_path / "load.ncf"
    load.write_bytes(
        LOAD.replace(
            b"BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0",
            b"add secondary ipaddress 10.1.1.180",
        )
    )
    code, data = diagnose("--evidence", f"load-script={load}", "--fact", "reconnect_fails=yes")
    assert code == 0
    assert data["diagnosis"] == "not-this-issue"
    assert data["path"][-1]["node"] == "q_vip"  # type: ignore[index]


def test_virtual_first_script_is_not_this_issue_and_no_reorder(
    tmp_path: Path, evidence: list[str]
) -> None:
    fixed = tmp_path / "fixed.txt"
    fixed.write_bytes(b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\nMAP S1:=10.1.1.11/SYS:PUBLIC\n")
    args = [a if not a.startswith("login-script=") else f"login-script={fixed}" for a in evidence]
    code, data = diagnose(*args, "--fact", "reconnect_fails=yes")
    assert code == 0
    assert data["facts"]["login_order"] == "virtual-first"  # type: ignore[index]
    assert data["diagnosis"] == "not-this-issue"
    assert data["reordered_login_script"] is None and data["fixes"] == []
    assert data["risks"]  # BIND + all is still a latent risk
