"""Terminal safety of the evidence screen: evidence is data, shown, never interpreted.

A file or paste with control bytes (ESC sequences that blank the screen or retitle the
window, VT/FF, C1 controls, bidi overrides) is shown with each control character visible,
split into lines exactly where `kbwizard diagnose` splits it, and analysed and saved as
the original bytes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.tui.drive import answer, screen_lines, settle, start
from tests.tui.test_terminal import ONE_ARTICLE, Terminal
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.evidence_text import EvidenceText

HOSTILE = (
    b"REM a\x0bb\x0cc\x1c\n"  # VT, FF and FS: no line ends here
    b"\x1b]0;PWNED\x07\x1b[2J\xc2\x9b2J \xe2\x80\xaeevil\n"  # OSC 0 title, ESC[2J, C1 CSI, RLO
    b"MAP S1:=SYS:PUBLIC\n"
    b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
)
RAW = {chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))} | {
    "\u202e",
    "\u2028",
    "\u2029",
}


def _raw_controls(app: KBWizardApp) -> set[str]:
    """Every control character in what the screen would send to the terminal."""
    found: set[str] = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            found |= RAW & set(segment.text)
    return found


def _diagnose(path: Path, data_dir: Path) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "wizard",
            "diagnose",
            "--evidence",
            f"login-script={path}",
            "--fact",
            "reconnect_fails=yes",
        ],
        capture_output=True,
        text=True,
        env={"KBWIZARD_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode in (0, 3), out.stderr
    result = json.loads(out.stdout)
    assert isinstance(result, dict)
    return result


async def _open_evidence(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer(pilot, "yes")
    await pilot.press("e")
    await settle(pilot)


async def test_loaded_control_bytes_are_shown_not_sent_and_lines_match_diagnose(
    pack: Pack, tmp_path: Path
) -> None:
    path = tmp_path / "login.txt"
    path.write_bytes(HOSTILE)
    diagnosed = _diagnose(path, tmp_path / "cli")
    provenance = diagnosed["provenance"]
    assert isinstance(provenance, dict)
    decided_at = int(str(provenance["login_order"]).rsplit(":", 1)[1])

    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_evidence(pilot)
        await pilot.press("ctrl+l")
        app.screen.query_one("#path-login-script", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)

        assert _raw_controls(app) == set()
        area = app.screen.query_one("#text-login-script", EvidenceText)
        lines = area.text.split("\n")
        assert lines[0] == "REM a\\x0bb\\x0cc\\x1c"  # VT/FF/FS shown, not line breaks
        assert lines[1].startswith("\\x1b]0;PWNED\\x07\\x1b[2J\\x9b2J \\u202eevil")
        # The editor's line N is the line diagnose names.
        assert lines[decided_at - 1] == "MAP S1:=SYS:PUBLIC"
        order = app.screen.query_one("#headline-login-script", Static)
        assert f"lines {decided_at}, " in str(order.render())
        table = app.screen.query_one("#table-login-script", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            str(decided_at),
            str(decided_at + 1),
        ]
        # The analysis names the escape characters instead of reading scrambled text silently.
        result = str(app.screen.query_one("#result-login-script", Static).render())
        assert "terminal escape characters" in result

        # What is saved is the original, byte for byte.
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.case is not None
        assert app.case.artifacts_of("login-script")[0].data == HOSTILE


async def test_a_paste_with_escapes_is_flagged_kept_and_shown_visibly(pack: Pack) -> None:
    from textual import events

    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_evidence(pilot)
        area = app.screen.query_one("#text-login-script", EvidenceText)
        area.focus()
        pasted = HOSTILE.decode("utf-8")
        area.post_message(events.Paste(pasted))
        await settle(pilot)

        assert _raw_controls(app) == set()
        assert area.text.split("\n")[2] == "MAP S1:=SYS:PUBLIC"
        assert any("escape characters" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.case is not None
        assert app.case.artifacts_of("login-script")[0].data == pasted.encode("utf-8")
        remarks = app.case.analysis().readings[0].reading.report.remarks
        assert any("terminal escape characters" in m.text for m in remarks)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/tmux").exists(), reason="tmux is not installed")
def test_loading_hostile_evidence_neither_blanks_nor_retitles_the_terminal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "login.txt"
    path.write_bytes(HOSTILE)
    env = {
        "KBWIZARD_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    term = Terminal("hostile", ONE_ARTICLE, env, rows=30)
    try:
        socket = term.socket
        subprocess.run(
            ["tmux", *socket, "set-option", "-g", "allow-rename", "on"], capture_output=True
        )

        def title() -> str:
            return subprocess.run(
                ["tmux", *socket, "display", "-p", "-t", term.name, "#{pane_title}"],
                capture_output=True,
                text=True,
            ).stdout.strip()

        term.wait_for("Paste evidence first")
        term.keys("Enter")
        term.wait_for("clients unable")
        term.keys("e")
        term.wait_for("Load script")
        before = title()
        term.keys("C-l")
        time.sleep(0.8)  # let the path field take the focus before typing into it
        subprocess.run(["tmux", *socket, "send-keys", "-t", term.name, "-l", str(path)], check=True)
        term.keys("Enter")
        screen = term.wait_for("MAP F:=CLUSTER1_POOL1_SERVER/VOL1:", timeout=30)
        time.sleep(1.0)  # a few more redraws
        screen = term.screen()
        assert "\\x1b]0;PWNED" in screen  # shown as data
        assert "Login order" in screen and "Load script" in screen  # not blanked
        assert "PWNED" not in title() and title() == before
        term.keys("q")
    finally:
        term.close()


async def test_at_80x24_each_mapping_shows_line_drive_target_role_and_why(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_evidence(pilot)
        area = app.screen.query_one("#text-login-script", EvidenceText)
        area.load_text("MAP S1:=SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n")
        await settle(pilot)
        shown = screen_lines(app)
        header = next(line for line in shown if "Drive" in line)
        for column in ("Line", "Drive", "Target", "Role", "Why"):
            assert column in header
        row = next(
            line for line in shown if "CLUSTER1_POOL1_SERVER/VOL1:" in line and "MAP" not in line
        )
        assert "virtual" in row
        # The selected mapping's whole reason, wrapped below the table.
        assert any("Line 1: S1: SYS:PUBLIC is node (a hint" in line for line in shown)


async def test_a_restored_draft_with_escapes_is_shown_safely_and_kept_as_given(
    pack: Pack,
) -> None:
    from wizard.engine.case import Case

    case = Case.start(pack)
    draft = HOSTILE.decode("utf-8")
    case.drafts.set_evidence("login-script", draft)
    app = KBWizardApp(pack, autosave=False, case=case)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # a case with an evidence draft reopens the evidence screen
        await settle(pilot)
        assert _raw_controls(app) == set()
        area = app.screen.query_one("#text-login-script", EvidenceText)
        assert area.text.split("\n")[2] == "MAP S1:=SYS:PUBLIC"
        assert area.original_text() == draft
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.case is not None
        assert app.case.artifacts_of("login-script")[0].data == HOSTILE
