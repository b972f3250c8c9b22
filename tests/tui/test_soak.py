"""Soak: the real TUI in tmux through many complete sessions with random answers, backs and
evidence pastes. No crash, bounded memory, every session file valid.

The suite runs 15 sessions; the full soak is: KBWIZARD_SOAK=200 .venv/bin/python -m pytest
tests/tui/test_soak.py (figures in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest

from tests.tui.test_terminal import ONE_ARTICLE, Terminal, _env, pytestmark  # noqa: F401
from wizard.kb.registry import open_pack
from wizard.store import list_sessions, load_case

SESSIONS = int(os.environ.get("KBWIZARD_SOAK", "15"))
MEMORY_GROWTH_BOUND_KB = 60 * 1024
"""RSS may grow this much between the first sessions and the last (render caches filling)."""
WARM_GROWTH_BOUND_KB = 8 * 1024
"""And this much from session 50 to the end of a long soak (200 sessions: 1.8 MB measured)."""

PASTES = [
    "MAP S1:=SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n",
    "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\nMAP S1:=NODE1/SYS:\n[bold]x[/] \x07 ```\n",
    'IF MEMBER OF "SALES" THEN\n MAP G:=10.1.1.11/SYS:\nEND\nMAP F:=C1_P1_SERVER/V:\n',
]
OUTCOME_MARKS = ("Fix 1:", "Not this issue", "Not enough information", "[not-this-issue]")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.mark.long
def test_soak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3438100)
    data_dir = tmp_path / "data"
    # Keep the pane open if the wizard ever exits, so the failure shows its last words.
    script = f"sh -c '{ONE_ARTICLE}; echo KBWIZARD-EXITED $?; sleep 600'"
    term = Terminal("soak", script, _env(data_dir), rows=40)
    try:
        term.wait_for("Paste evidence first")
        shell = term.pid()
        pid = int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])
        baseline = warm = 0
        for number in range(SESSIONS):
            term.keys("Enter")
            for _ in range(40):
                screen = term.screen()
                assert "KBWIZARD-EXITED" not in screen, f"session {number}:\n{screen}"
                if any(mark in screen for mark in OUTCOME_MARKS):
                    break
                roll = rng.random()
                if "Paste evidence first" in screen:
                    term.keys("Enter")  # back-ed out to the start screen: start again
                elif roll < 0.08:
                    term.keys("Escape")
                elif roll < 0.12 and "Path so far" in screen and "primary IP address" not in screen:
                    # (not on the typed question: there the address field has the focus and
                    # takes the "e" as text)
                    term.keys("e")
                    term.wait_for("Load script")
                    term.paste(rng.choice(PASTES))
                    time.sleep(0.3)
                    term.keys("Escape")
                    term.wait_for_any(("Path so far", *OUTCOME_MARKS))
                elif "primary IP address of the" in screen:
                    term.keys("C-u")  # clear an earlier typo, then type
                    for char in rng.choice(["10.1.1.11", "10.1.1.11", "10.1.1"]):
                        term.keys(char)
                    term.keys("Enter")
                else:
                    key = rng.choice(["1", "1", "2", "0"])
                    term.keys(key)
                    if f"{key}  Set to one address (type it)" in screen:
                        time.sleep(0.2)  # the address field has the focus now: type one
                        for char in "10.1.1.11":
                            term.keys(char)
                        term.keys("Enter")
                time.sleep(0.05)
            else:
                pytest.fail(f"session {number} never reached an outcome:\n{term.screen()}")
            assert os.path.exists(f"/proc/{pid}"), "the wizard died"
            if number == 4:
                baseline = _rss_kb(pid)
            if number == 49:
                warm = _rss_kb(pid)
            if number % 25 == 24:
                print(f"soak: after {number + 1} sessions RSS {_rss_kb(pid)} kB", flush=True)
            term.keys("C-n")
            term.wait_for("Paste evidence first")
        final = _rss_kb(pid)
        growth = final - baseline
        print(f"soak: {SESSIONS} sessions, RSS after 5: {baseline} kB, at end: {final} kB")
        assert growth < MEMORY_GROWTH_BOUND_KB, f"RSS grew {growth} kB over {SESSIONS} sessions"
        if SESSIONS >= 100:
            # Warm (render caches full) after 50 calls: from then on memory stays flat.
            late = final - warm
            assert late < WARM_GROWTH_BOUND_KB, f"RSS grew {late} kB after session 50"
        term.keys("q")
    finally:
        term.close()
    monkeypatch.setenv("KBWIZARD_DATA_DIR", str(data_dir))
    infos, skipped = list_sessions()
    assert skipped == [] and len(infos) >= SESSIONS
    pack = open_pack()
    for info in infos:
        json.loads(info.path.read_text())
        load_case(pack, info.id)
    # A random "back" key still queued when the outcome appeared can reopen a case just
    # before ctrl+n; such a case is saved, valid and in progress, which is right.
    assert {i.status for i in infos} <= {"decided", "in-progress"}
    assert sum(1 for i in infos if i.status == "decided") >= SESSIONS * 0.8
