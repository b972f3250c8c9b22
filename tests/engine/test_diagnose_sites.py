"""`kbwizard diagnose` on realistic sites (tests/data/sites): each site's files give the
right diagnosis, exactly the fixes that apply, commands only from uncontradicted values,
no spurious conflicts, and the corrected script whenever the reorder fix applies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
SITES = sorted((DATA / "sites").glob("*.yaml"))


def _diagnose(site: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    args = [str(a) for a in site.get("args", [])]
    for kind, name in (site.get("evidence") or {}).items():
        args += ["--evidence", f"{kind}={DATA / 'evidence' / name}"]
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "diagnose", *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 3), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_there_is_a_site_for_each_case() -> None:
    assert len(SITES) >= 9


@pytest.mark.parametrize("path", SITES, ids=lambda p: p.stem)
def test_site(path: Path) -> None:
    site = yaml.safe_load(path.read_text())
    expect = site["expect"]
    code, data = _diagnose(site)
    if "exit" in expect:
        assert code == expect["exit"]
    if "diagnosis" in expect:
        assert data["diagnosis"] == expect["diagnosis"]
    if "fixes" in expect:
        assert [f["id"] for f in data["fixes"]] == expect["fixes"]
    commands = [c for f in data["fixes"] for c in f["commands"]]
    if "commands" in expect:
        assert commands == expect["commands"]
    # Never a command built from a value the evidence contradicts.
    for conflict in data["conflicts"]:
        assert not any(str(conflict["value"]) in c for c in commands if "NCP include" in c)
    if "conflicts" in expect:
        got = [{k: c[k] for k in ("fact", "value", "source")} for c in data["conflicts"]]
        assert got == [{k: str(v) for k, v in c.items()} for c in expect["conflicts"]]
    withheld = " | ".join(w for f in data["fixes"] for w in f["withheld"])
    for needle in expect.get("withheld_contains", []):
        assert needle in withheld
    for name, value in (expect.get("facts") or {}).items():
        wanted = [str(v) for v in value] if isinstance(value, list) else str(value)
        assert data["facts"][name] == wanted, name
    for name, value in (expect.get("provenance") or {}).items():
        assert data["provenance"][name] == value, name
    if "missing" in expect:
        assert data["missing"] == expect["missing"]
    if "reordered_login_script" in expect:
        wanted = expect["reordered_login_script"]
        if wanted is None:
            assert data["reordered_login_script"] is None
        else:
            fixed = (DATA / "evidence" / wanted).read_bytes().decode("utf-8")
            assert data["reordered_login_script"] == fixed
    remarks = " | ".join(data["remarks"])
    for needle in expect.get("remarks_contain", []):
        assert needle in remarks


def test_markdown_names_the_conflict_and_the_withheld_command() -> None:
    load = DATA / "evidence" / "load-one-of-two.ncf"
    done = subprocess.run(
        [
            sys.executable, "-m", "wizard", "diagnose", "--fact", "reconnect_fails=yes",
            "--fact", "ncp_include_ip=all", "--fact", "login_order=node-first",
            "--fact", "primary_ip=10.1.1.181", "--evidence", f"load-script={load}",
            "--format", "md",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "10.1.1.181 (fact) is also listed by load-script:3 (the resources' virtual IP addresses)"
    ) in done.stdout
    assert "Command withheld: 10.1.1.181 is given as the node's primary IP address" in done.stdout
    assert "set NCP include IP address = 10.1.1.181" not in done.stdout
