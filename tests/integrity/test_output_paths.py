"""-o PATH (and the TUI's export path): only a regular file or a new path is ever written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.hardening.helpers import assert_one_line_error, kbwizard
from tests.tui.drive import answer_all, start
from wizard.atomic import NAME_MAX, WriteError, write_atomic
from wizard.kb.model import Pack
from wizard.report.formats import export_name
from wizard.tui.app import KBWizardApp
from wizard.tui.dialogs.export import ExportDialog
from wizard.tui.screens.outcome import OutcomeScreen

BOLD_A = "\U0001d400"
"""MATHEMATICAL BOLD CAPITAL A: a letter (kept in names) of four UTF-8 bytes."""

FACTS = ["--fact", "reconnect_fails=yes", "--fact", "vip_method=secondary"]


def _diagnose_to(target: str, *extra: str) -> str:
    result = kbwizard("diagnose", *FACTS, "-o", target, "--force", *extra, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stderr)
    return assert_one_line_error(result)


def test_a_fifo_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    assert "FIFO" in _diagnose_to(str(fifo))
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    assert "a folder" in _diagnose_to(str(tmp_path))
    assert tmp_path.is_dir()


def test_a_device_node_is_refused_not_replaced(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert "a device" in _diagnose_to(str(node))
    assert stat.S_ISCHR(os.stat(node).st_mode)
    with pytest.raises(WriteError, match="a device, not a file"):
        write_atomic(Path("/dev/null"), b"x", overwrite=True)  # refused before any write
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("present", [False, True])
def test_a_trailing_slash_never_writes_a_file_of_that_name(
    tmp_path: Path, present: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "newdir"
    if present:
        target.mkdir()
    monkeypatch.chdir(tmp_path)
    assert "names a folder" in _diagnose_to("newdir/")
    assert target.is_dir() if present else not target.exists()


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    result = kbwizard("diagnose", *FACTS, "-o", str(target), "--force", timeout=60)
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("{")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_without_force_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    result = kbwizard("diagnose", *FACTS, "-o", str(target), timeout=60)
    assert result.returncode == 2 and "use --force" in result.stderr
    assert target.read_text() == "old"


def test_a_name_of_255_bytes_can_be_written(tmp_path: Path) -> None:
    name = BOLD_A * 62 + ".txt"  # 4-byte letters: 252 bytes, the temporary name must not overflow
    assert len(name.encode()) <= NAME_MAX
    write_atomic(tmp_path / name, b"x")
    assert (tmp_path / name).read_bytes() == b"x"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("reference", [BOLD_A * 300, "é" * 300, "a" * 300, "../../" * 60, "..", ""])
def test_default_export_names_stay_short_and_whole(tmp_path: Path, reference: str) -> None:
    for fmt in ("markdown", "html", "json", "text"):
        name = export_name(reference, fmt)
        assert len(name.encode("utf-8")) <= 200
        assert "/" not in name and not name.startswith(".")
        name.encode("utf-8").decode("utf-8")  # cut on a character boundary
        write_atomic(tmp_path / name, b"x")


async def test_tui_export_refuses_a_fifo_and_a_folder_path(pack: Pack, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(
            pilot, {"reconnect_fails": "no", "mapping_shows": "?", "trace_target": "?"}
        )
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        for target, message in ((str(fifo), "FIFO"), (f"{tmp_path}/newdir/", "names a folder")):
            path_input = dialog.query_one("#export-path", Input)
            path_input.value = target
            path_input.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog  # no "Replace it?" question, no write
            assert message in str(dialog.query_one("#export-error", Static).render())
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not (tmp_path / "newdir").exists()


def test_tui_default_export_path_for_a_long_unicode_reference(pack: Pack) -> None:
    from wizard.engine.case import Case

    case = Case.start(pack)
    case.header.reference = BOLD_A * 300
    name = ExportDialog(case).default_path().name
    assert len(name.encode("utf-8")) + len(".") + 8 + len(".tmp") <= NAME_MAX
