"""`kbwizard audit` in a real terminal (tmux): the progress bar, then Ctrl+C.

The installed `kbwizard` runs in a tmux pane under a shell that records its exit code.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.genlogin import generate_login_script
from tests.audit.gen import SITE
from tests.tui.test_terminal import KBWIZARD, Terminal, _env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SCRIPTS = 4000


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def test_progress_bar_then_ctrl_c_writes_a_partial_report(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    folder = tmp_path / "site"
    for index in range(SCRIPTS):
        sub = folder / f"ou{index // 500}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"c{index:05d}.txt").write_bytes(generate_login_script(4096 + index))
    out = tmp_path / "report.json"
    rc = tmp_path / "rc"
    args = " ".join([str(folder), *SITE, "-o", str(out)])
    # The shell ignores Ctrl+C (as an interactive shell does while a job runs), so it
    # lives to record the exit code; kbwizard sets its own SIGINT handler.
    command = f"sh -c 'trap \"\" INT; {KBWIZARD} audit {args}; echo $? > {rc}; exec sh'"
    term = Terminal("audit", command, _env(tmp_path / "data"), rows=20)
    terminal.append(term)
    screen = term.wait_for("Auditing", timeout=60)
    assert "%" in screen and " read" in screen  # the bar: percentage and scripts read
    term.keys("C-c")
    deadline = time.monotonic() + 60
    while not rc.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rc.read_text().strip() == "130"
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["partial"] is True
    assert 0 < report["scripts"] < SCRIPTS
    assert all(r["error"] is None for r in report["results"])
    screen = term.wait_for("interrupted: the report is partial")
    assert "Traceback" not in screen


def test_no_progress_bar_with_quiet(tmp_path: Path, terminal: list[Terminal]) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for index in range(300):
        (folder / f"c{index}.txt").write_bytes(generate_login_script(4096))
    out = tmp_path / "report.json"
    rc = tmp_path / "rc"
    args = " ".join([str(folder), *SITE, "-o", str(out), "--quiet"])
    command = f"sh -c '{KBWIZARD} audit {args}; echo $? > {rc}; exec sh'"
    term = Terminal("quiet", command, _env(tmp_path / "data"), rows=20)
    terminal.append(term)
    seen = ""
    deadline = time.monotonic() + 60
    while not rc.exists() and time.monotonic() < deadline:
        seen += term.screen()
        time.sleep(0.05)
    assert rc.read_text().strip() == "0"
    assert "Auditing" not in seen + term.screen()
    assert json.loads(out.read_text(encoding="utf-8"))["scripts"] == 300
