"""The installed `kbwizard` in a real terminal (tmux): first question to the fix, and kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

KBWIZARD = str(Path(sys.executable).with_name("kbwizard"))
ONE_ARTICLE = f"{KBWIZARD} run --pack tid-3438100"
"""The wizard on the reference article (with several packs installed, the bare
``kbwizard`` starts from the caller's report instead)."""


class Terminal:
    """A tmux session running one command, read with capture-pane."""

    def __init__(self, name: str, command: str, env: dict[str, str], rows: int = 60) -> None:
        self.name = name
        self.socket = ["-L", f"kbw-test-{os.getpid()}"]
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(
            [
                "tmux",
                *self.socket,
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "120",
                "-y",
                str(rows),
                f"env -u COLUMNS -u LINES {exports} {command}",
            ],
            check=True,
        )
        subprocess.run(
            ["tmux", *self.socket, "resize-window", "-t", name, "-x", "120", "-y", str(rows)],
            check=True,
        )

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", *self.socket, "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def paste(self, text: str) -> None:
        subprocess.run(["tmux", *self.socket, "load-buffer", "-"], input=text.encode(), check=True)
        subprocess.run(["tmux", *self.socket, "paste-buffer", "-p", "-t", self.name], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", *self.socket, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def wait_for_any(self, texts: tuple[str, ...], timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(text in screen for text in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"none of {texts!r} appeared; screen:\n{self.screen()}")

    def pid(self) -> int:
        out = subprocess.run(
            ["tmux", *self.socket, "display", "-p", "-t", self.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return int(out.strip())

    def close(self) -> None:
        subprocess.run(["tmux", *self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def _env(data_dir: Path) -> dict[str, str]:
    return {"KBWIZARD_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "LANG": "C.UTF-8"}


LOGIN = "REM container script\nMAP S1:=SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"


def test_first_question_to_the_fix_with_a_pasted_login_script(
    data_dir: Path, terminals: list[Terminal]
) -> None:
    term = Terminal("e2e", ONE_ARTICLE, _env(data_dir))
    terminals.append(term)
    term.wait_for("Paste evidence first")
    term.keys("Enter")
    term.wait_for("clients unable")
    term.keys("1")
    term.wait_for("show its server")
    term.keys("1")
    term.wait_for("addresses assigned")
    term.keys("1")
    term.wait_for("NCP Include IP Address")
    term.keys("1")
    term.wait_for("node itself mapped")
    term.keys("e")
    term.wait_for("Load script")
    term.paste(LOGIN)
    term.wait_for("node-first")
    term.keys("Escape")
    # SYS:PUBLIC is on the server users log in through: the wizard asks which it is.
    term.wait_for("Which server do users log in through")
    term.keys("1")  # a cluster node
    # No load script: CLUSTER1_POOL1_SERVER is a virtual server only by its name.
    term.wait_for("Is CLUSTER1_POOL1_SERVER a virtual server")
    term.keys("2")  # yes, a virtual server
    deadline = time.monotonic() + 15
    while "The line that makes it matter" in term.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    term.wait_for("primary IP address of the")
    for char in "10.1.1.11":
        term.keys(char)
    term.keys("Enter")
    screen = term.wait_for("set NCP include IP address = 10.1.1.11")
    assert "Confirmed" in screen
    screen = term.wait_for("Corrected login script (whole)")
    lines = screen[screen.index("Corrected login script (whole)") :].splitlines()
    moved = next(i for i, line in enumerate(lines) if "▶ MAP S1:=SYS:PUBLIC" in line)
    virtual = next(i for i, line in enumerate(lines) if "MAP F:=CLUSTER1_POOL1_SERVER" in line)
    assert virtual < moved  # the virtual-server mapping now comes first, the node last
    term.keys("q")


def test_kill_9_mid_session_then_resume_and_export(
    data_dir: Path, terminals: list[Terminal]
) -> None:
    env = _env(data_dir)
    term = Terminal("killed", ONE_ARTICLE, env)
    terminals.append(term)
    term.wait_for("Paste evidence first")
    for char in "INC-77":
        term.keys(char)
    term.keys("Enter")
    term.wait_for("clients unable")
    term.keys("n")
    time.sleep(0.8)  # let the note field take the focus before typing into it
    for word in ("H:", "Space", "lost", "Space", "daily"):  # no letter is a key binding
        term.keys(word)
    term.keys("Enter", "1")
    term.wait_for("show its server")
    term.keys("1")
    term.wait_for("addresses assigned")
    os.kill(term.pid(), signal.SIGKILL)
    time.sleep(0.5)

    listing = subprocess.run(
        [KBWIZARD, "sessions"], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert "INC-77" in listing.stdout and "in-progress" in listing.stdout
    saved = json.loads(next((data_dir / "sessions").glob("*.json")).read_text())
    assert [a["value"] for a in saved["session"]["state"]["answers"]] == ["yes", "node"]

    again = Terminal("resumed", f"{KBWIZARD} run --resume last", env)
    terminals.append(again)
    again.wait_for("addresses assigned")
    for key in ("1", "1", "1"):
        again.keys(key)
        time.sleep(0.4)
    again.wait_for("primary IP address of the")
    for char in "10.1.1.11":
        again.keys(char)
    again.keys("Enter")
    again.wait_for("set NCP include IP address = 10.1.1.11")
    again.keys("q")
    time.sleep(0.5)

    for fmt in ("md", "json", "html", "txt"):
        out = subprocess.run(
            [KBWIZARD, "export", "last", "--format", fmt],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        )
        assert out.returncode == 0, out.stderr
        for needle in (
            "INC-77",
            "H: lost daily",
            "set NCP include IP address = 10.1.1.11",
            "node-first",
        ):
            assert needle in out.stdout, (fmt, needle)
