"""Bounded resources: every path the program reads is a regular file within its limit.

Each entry point is given /dev/zero, a FIFO, a folder, a character device
(/dev/null) and a sparse file one byte over its limit. Each must answer with
one line and exit 2 (or skip and report, where a folder is scanned), within a
wall-clock bound: a hang fails the test through the subprocess timeout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.conftest import PACK_FILE
from tests.hardening.helpers import assert_no_traceback, assert_one_line_error, kbwizard
from tests.tui.drive import answer, start
from wizard.engine.intake import MAX_ANSWERS_BYTES
from wizard.evidence import MAX_EVIDENCE_BYTES
from wizard.kb.model import Pack
from wizard.kb.packfile import MAX_PACK_BYTES
from wizard.safeio import ReadError, read_bounded
from wizard.store import MAX_SESSION_BYTES
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.evidence import EvidenceScreen

SHAPES = ["dev-zero", "fifo", "folder", "char-device", "sparse-over-limit"]
TIMEOUT = 30


def hostile(tmp_path: Path, shape: str, limit: int, name: str = "input.yaml") -> Path:
    """A path of the given shape (never a readable small file)."""
    if shape == "dev-zero":
        return Path("/dev/zero")
    if shape == "char-device":
        return Path("/dev/null")
    path = tmp_path / name
    if shape == "fifo":
        os.mkfifo(path)
    elif shape == "folder":
        path.mkdir()
    else:
        with path.open("wb") as handle:
            handle.truncate(limit + 1)  # sparse: no disk used, but over the limit
    return path


def expect_refusal(args: list[str], path: Path) -> str:
    result = kbwizard(*args, timeout=TIMEOUT)
    assert result.returncode == 2, (result.returncode, result.stdout[:300], result.stderr)
    line = assert_one_line_error(result)
    assert str(path) in line, line
    return line


@pytest.mark.parametrize("shape", SHAPES)
def test_the_reader_refuses_every_shape(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, 1000)
    with pytest.raises(ReadError) as caught:
        read_bounded(path, 1000, "thing")
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot read thing: ") and "\n" not in message


def test_the_reader_reads_a_file_at_the_limit_and_refuses_a_lying_one(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_bytes(b"x" * 1000)
    assert read_bounded(path, 1000) == b"x" * 1000
    with pytest.raises(ReadError, match="over the 999 bytes limit"):
        read_bounded(path, 999)


@pytest.mark.parametrize("shape", SHAPES)
def test_diagnose_evidence(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_EVIDENCE_BYTES, "login.txt")
    line = expect_refusal(["diagnose", "--evidence", f"login-script={path}"], path)
    assert "login-script evidence" in line


@pytest.mark.parametrize("shape", SHAPES)
def test_diagnose_answers_file(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_ANSWERS_BYTES)
    assert "answers file" in expect_refusal(["diagnose", "--answers", str(path)], path)


@pytest.mark.parametrize("shape", SHAPES)
def test_evidence_named_in_an_answers_file(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_EVIDENCE_BYTES, "login.txt")
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"evidence:\n  login-script: {json.dumps(str(path))}\n")
    expect_refusal(["diagnose", "--answers", str(answers)], path)


@pytest.mark.parametrize("shape", SHAPES)
def test_diagnose_pack_file(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_PACK_BYTES, "pack.yaml")
    expect_refusal(["diagnose", "--pack", str(path), "--fact", "reconnect_fails=yes"], path)


@pytest.mark.parametrize("shape", SHAPES)
def test_validate(tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_PACK_BYTES, "pack.yaml")
    result = kbwizard("validate", str(path), timeout=TIMEOUT)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert str(path) in assert_one_line_error(result)
    assert result.stdout == ""


@pytest.mark.parametrize("shape", ["fifo", "folder", "sparse-over-limit"])
def test_a_pack_folder_skips_what_is_not_a_pack_file(tmp_path: Path, shape: str) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    hostile(folder, shape, MAX_PACK_BYTES, "planted.yaml")
    (folder / "copy.yaml").write_bytes(PACK_FILE.read_bytes())
    for args in (["packs"], ["validate"], ["graph", "--pack", "planted"]):
        result = kbwizard(*args, "--pack-dir", str(folder), timeout=TIMEOUT)
        assert_no_traceback(result)
        if shape == "sparse-over-limit":  # a regular file: listed, and refused when read
            assert result.returncode in (0, 2), result
            assert "over the 5 MiB limit" in result.stdout + result.stderr or args == ["packs"]
        elif args[0] == "graph":
            assert result.returncode == 2 and "no pack named 'planted'" in result.stderr
        else:
            assert result.returncode == 0, result
            assert "planted" not in result.stdout + result.stderr


def _saved_session(tmp_path: Path) -> None:
    answers = tmp_path / "ok.yaml"
    answers.write_text("facts: {reconnect_fails: 'yes'}\n")
    # `run` needs a terminal; a session is written the way the wizard writes one.
    from wizard.engine.intake import build_case, read_answers_file
    from wizard.kb.registry import open_pack
    from wizard.store import save_case

    save_case(build_case(open_pack(), read_answers_file(answers)))


@pytest.mark.parametrize("shape", ["fifo", "folder", "sparse-over-limit"])
def test_sessions_and_export_skip_a_planted_file(tmp_path: Path, shape: str) -> None:
    from wizard.paths import sessions_dir

    _saved_session(tmp_path)
    planted = hostile(sessions_dir(), shape, MAX_SESSION_BYTES, "planted.json")
    listed = kbwizard("sessions", timeout=TIMEOUT)
    assert listed.returncode == 0, listed
    assert_no_traceback(listed)
    assert f"skipped {planted}" in listed.stderr
    assert len(listed.stdout.splitlines()) == 2  # the header and the good session
    exported = kbwizard("export", "last", timeout=TIMEOUT)
    assert exported.returncode == 0, exported
    assert exported.stdout.startswith("# Case summary")


@pytest.mark.parametrize("shape", SHAPES)
async def test_tui_load_file_field(pack: Pack, tmp_path: Path, shape: str) -> None:
    path = hostile(tmp_path, shape, MAX_EVIDENCE_BYTES, "login.txt")
    app = KBWizardApp(pack)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        original = screen.notify

        def notify(message: str, **kwargs: object) -> None:
            notes.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        screen.notify = notify  # type: ignore[method-assign]
        field = screen.query_one("#path-login-script", Input)
        field.value = str(path)
        field.focus()
        await pilot.press("enter")  # a FIFO or /dev/zero would block or fill memory here
        await pilot.pause()
        assert "login-script" not in screen.loaded
        assert app.is_running
    assert len(notes) == 1 and notes[0].startswith(f"{path}: cannot read evidence: "), notes
