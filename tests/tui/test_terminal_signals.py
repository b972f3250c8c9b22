"""Terminal safety and lost input in a real terminal (tmux): signals, a closed terminal, kill -9.

The installed `kbwizard` runs in a tmux pane under a shell that stays after it, so the
terminal's state can be read once it is gone: the alternate screen, mouse tracking, the
cursor (tmux's own flags) and the line discipline (`stty -a` run in the same pane).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.test_terminal import KBWIZARD, Terminal, _env
from wizard.tui.app import DRAFT_DELAY

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Pane(Terminal):
    """kbwizard run by a shell that records its exit code and then stays for `stty -a`."""

    def __init__(self, name: str, data_dir: Path, args: str = "run --pack tid-3438100") -> None:
        self.rc_file = data_dir.parent / f"{name}.rc"
        data_dir.mkdir(parents=True, exist_ok=True)
        script = f"{KBWIZARD} {args}; echo $? > {self.rc_file}; exec sh"
        super().__init__(name, f"sh -c '{script}'", _env(data_dir), rows=30)

    def flags(self) -> str:
        """tmux's view of the pane: alternate screen, mouse tracking, cursor shown."""
        return subprocess.run(
            [
                "tmux",
                *self.socket,
                "display",
                "-p",
                "-t",
                self.name,
                "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def wizard_pid(self) -> int:
        out = subprocess.run(
            ["pgrep", "-P", str(self.pid())], capture_output=True, text=True, check=True
        ).stdout.split()
        return int(out[0])

    def exit_code(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.rc_file.exists() and self.rc_file.read_text().strip():
                return int(self.rc_file.read_text())
            time.sleep(0.1)
        raise AssertionError(f"kbwizard did not exit; screen:\n{self.screen()}")

    def line_modes(self, out: Path) -> set[str]:
        self.keys(f"stty -a > {out}", "Enter")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (out.exists() and out.read_text()):
            time.sleep(0.1)
        return set(out.read_text().split())


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def _type_a_note(term: Terminal, note: str) -> None:
    term.wait_for("Paste evidence first")
    term.keys(*"INC-13", "Enter")
    term.wait_for("clients unable")
    term.keys("1")
    term.wait_for("show its server")
    term.keys("n")
    time.sleep(0.3)
    _literal(term, note)


def _literal(term: Terminal, text: str) -> None:
    subprocess.run(["tmux", *term.socket, "send-keys", "-t", term.name, "-l", text], check=True)


def _drafts(data_dir: Path) -> dict[str, dict[str, str]]:
    (path,) = (data_dir / "sessions").glob("*.json")
    drafts: dict[str, dict[str, str]] = json.loads(path.read_text())["drafts"]
    return drafts


def _resume_shows(data_dir: Path, terminals: list[Terminal], text: str) -> None:
    again = Terminal(f"resumed-{len(terminals)}", f"{KBWIZARD} run --resume last", _env(data_dir))
    terminals.append(again)
    again.wait_for(text)
    again.keys("q")


SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGINT]


@pytest.mark.parametrize("signum", SIGNALS, ids=[s.name for s in SIGNALS])
def test_a_signal_saves_the_draft_then_restores_the_terminal(
    signum: signal.Signals, tmp_path: Path, terminals: list[Terminal]
) -> None:
    data_dir = tmp_path / "data"
    term = Pane(f"sig-{signum.name}", data_dir)
    terminals.append(term)
    _type_a_note(term, "lost daily")
    term.wait_for("lost daily")
    assert term.flags() == "1 1 0"  # the wizard's own state: alternate screen, mouse, no cursor
    os.kill(term.wizard_pid(), signum)  # at once: before the draft's own save is due
    assert term.exit_code() == 128 + signum
    assert term.flags() == "0 0 1"
    modes = term.line_modes(tmp_path / "stty.txt")
    assert {"icanon", "echo", "isig"} <= modes and not {"-icanon", "-echo"} & modes
    assert _drafts(data_dir)["notes"] == {"mapping_shows": "lost daily"}
    _resume_shows(data_dir, terminals, "lost daily")


def test_a_closed_terminal_keeps_the_pasted_evidence(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    data_dir = tmp_path / "data"
    term = Pane("closed", data_dir)
    terminals.append(term)
    term.wait_for("Paste evidence first")
    term.keys("Enter")
    term.wait_for("clients unable")
    term.keys("e")
    term.wait_for("Load script")
    term.paste("MAP S1:=SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n")
    term.wait_for("CLUSTER1_POOL1_SERVER")
    pid = term.wizard_pid()
    subprocess.run(["tmux", *term.socket, "kill-window", "-t", term.name], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists(), "kbwizard outlived its terminal"
    drafts = _drafts(data_dir)
    assert drafts["evidence"]["login-script"].startswith("MAP S1:=SYS:PUBLIC\n")
    _resume_shows(data_dir, terminals, "CLUSTER1_POOL1_SERVER")  # the evidence screen again


def test_kill_9_keeps_a_draft_typed_half_a_second_before(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    data_dir = tmp_path / "data"
    term = Pane("nine", data_dir)
    terminals.append(term)
    _type_a_note(term, "caller on site")
    term.wait_for("caller on site")
    time.sleep(DRAFT_DELAY + 0.5)
    os.kill(term.wizard_pid(), signal.SIGKILL)
    assert term.exit_code() == 128 + signal.SIGKILL
    assert _drafts(data_dir)["notes"] == {"mapping_shows": "caller on site"}
    _resume_shows(data_dir, terminals, "caller on site")


def test_a_paste_right_after_e_lands_in_the_evidence(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    data_dir = tmp_path / "data"
    term = Pane("paste", data_dir)
    terminals.append(term)
    term.wait_for("Paste evidence first")
    term.keys("Enter")
    term.wait_for("Path so far")
    time.sleep(0.5)  # the question screen settled: only the evidence screen is new
    subprocess.run(
        ["tmux", *term.socket, "load-buffer", "-"], input=b"MAP S1:=SYS:PUBLIC\n", check=True
    )
    subprocess.run(["tmux", *term.socket, "send-keys", "-t", term.name, "e"], check=True)
    subprocess.run(["tmux", *term.socket, "paste-buffer", "-p", "-t", term.name], check=True)
    term.wait_for("MAP S1:=SYS:PUBLIC")
    term.keys("Escape")
    term.wait_for("clients unable")
    term.keys("q")
    assert term.exit_code() == 0
    (path,) = (data_dir / "sessions").glob("*.json")
    (artifact,) = json.loads(path.read_text())["artifacts"]
    assert artifact["kind"] == "login-script"
