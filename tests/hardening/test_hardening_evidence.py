"""Hostile evidence files through `kbwizard diagnose --evidence KIND=FILE`.

Unreadable or oversized input: exit 2 with one line on stderr. Readable junk:
a result (exit 0 or 3, JSON on stdout). Never a traceback.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from wizard.analyzers.netware import KINDS, MAX_EVIDENCE_BYTES

from .helpers import assert_no_traceback, assert_one_line_error, kbwizard

FACTS = ["--fact", "reconnect_fails=yes"]


def diagnose(kind: str, path: Path) -> tuple[int, str, str]:
    result = kbwizard("diagnose", *FACTS, "--evidence", f"{kind}={path}")
    assert_no_traceback(result)
    return result.returncode, result.stdout, result.stderr


def assert_result(kind: str, path: Path) -> None:
    code, out, err = diagnose(kind, path)
    assert code in (0, 3), (code, err)
    data = json.loads(out)
    assert data["diagnosis"] in ("tid3438100-confirmed", "not-this-issue", "needs-more-information")
    assert [e["kind"] for e in data["evidence"]] == [kind]


def assert_refused(kind: str, path: Path, *words: str) -> str:
    result = kbwizard("diagnose", *FACTS, "--evidence", f"{kind}={path}")
    assert result.returncode == 2, (result.returncode, result.stderr)
    line = assert_one_line_error(result)
    assert result.stdout == ""
    for word in words:
        assert word in line, line
    return line


@pytest.mark.parametrize("kind", KINDS)
def test_random_bytes_give_a_result(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(random.Random(kind).randbytes(64 * 1024))
    assert_result(kind, path)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_file_gives_a_result(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_result(kind, path)


def test_nul_and_control_characters_give_a_result(tmp_path: Path) -> None:
    path = tmp_path / "login.txt"
    path.write_bytes(b"MAP S1:=10.1.1.11/SYS:\x00\x1b[2J\r\nMAP F:=\xff\xfe\x00/VOL1:\r\n" * 100)
    assert_result("login-script", path)


def test_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no disk used
    assert path.stat().st_size > MAX_EVIDENCE_BYTES
    assert_refused("login-script", path, str(path), "10 MiB")


def test_file_just_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_EVIDENCE_BYTES + 1)
    assert_refused("load-script", path, "limit")


def test_missing_file(tmp_path: Path) -> None:
    assert_refused("login-script", tmp_path / "nope.txt", "nope.txt")


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    assert_refused("set-parameters", tmp_path, str(tmp_path))


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_file_without_read_permission(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n")
    path.chmod(0)
    try:
        assert_refused("login-script", path, "secret.txt")
    finally:
        path.chmod(0o600)


def test_unknown_kind_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("x")
    assert_refused("autoexec", path, "autoexec")


def test_evidence_without_path() -> None:
    result = kbwizard("diagnose", "--evidence", "login-script")
    assert result.returncode == 2
    assert_one_line_error(result)
