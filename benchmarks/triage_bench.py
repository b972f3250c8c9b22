"""The triage group: start-up and `kbwizard triage` with 200 generated packs installed.

Two rows, each a ratio to a baseline measured in the same run (interleaved):
- the wizard's start to whatever ``KBWizardApp()`` shows first (the TUI hook
  ``auto_exit_on_first_question``; with several packs installed, the triage's first
  screen) with 200 generated packs on ``KBWIZARD_PACK_PATH``, against the single-pack
  start (the default pack opened directly, to its first question): target <= 1.3x;
- ``kbwizard triage --pack-dir DIR`` on facts against a single-pack
  ``kbwizard diagnose`` on the same facts: target <= 2x.

The packs are unrelated to the facts given (each has facts of its own), as most of a
large knowledge base is to one caller: the index keeps their state with nothing known,
so they are never loaded. The warm-up run of each command fills the index cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.genpack import generate_packs

if TYPE_CHECKING:
    from benchmarks.run import Row

PACKS = 200

APP_WITH_PATH = """
import os
os.environ["KBWIZARD_PACK_PATH"] = {folder!r}
from wizard.tui.app import KBWizardApp
KBWizardApp(auto_exit_on_first_question=True).run(headless=True, size=(80, 24))
"""

APP_ALONE = """
import os
os.environ.pop("KBWIZARD_PACK_PATH", None)
from wizard.kb.registry import open_pack
from wizard.tui.app import KBWizardApp
KBWizardApp(open_pack(), auto_exit_on_first_question=True).run(headless=True, size=(80, 24))
"""
"""The single-pack start: the default pack opened directly (as with one pack installed,
whatever else ships), to its first question."""

FIRST_QUESTION_TRIAGE = """
from wizard.engine.triage import Triage
from wizard.kb.index import PackIndex
assert Triage.start(PackIndex.build([{folder!r}])).next_question() is not None
"""

FIRST_QUESTION_PACK = """
from wizard.engine.session import Session
from wizard.kb.registry import open_pack
assert Session(open_pack()).current is not None
"""
"""Reference: what a front end starting in triage pays before its first question (the
index of every pack and triage's question), against opening the bundled pack alone."""


def triage_cases(work: Path, env: dict[str, str], tui_runs: int, runs: int) -> list[Row]:
    from benchmarks.run import FACTS, PYTHON, Row, median_children

    folder = work / "packs-200"
    generate_packs(folder, PACKS)
    rows: list[Row] = []
    apps = [
        [PYTHON, "-c", APP_ALONE],
        [PYTHON, "-c", APP_WITH_PATH.format(folder=str(folder))],
    ]
    (alone, _, code_alone), (many, many_rss, code_many) = median_children(apps, env, work, tui_runs)
    name = f"wizard start to first screen, {PACKS} packs installed"
    if code_alone or code_many:
        rows.append(Row("triage", name, None, note=f"n/a: the app exited {code_alone}/{code_many}"))
    else:
        row = Row(
            "triage",
            name,
            many,
            "single-pack start (default pack)",
            alone,
            peak_rss_mib=many_rss,
            rss_how="launcher wait4 maxrss",
            target="<= 1.3x",
            runs=tui_runs,
        )
        row.met = row.ratio is not None and row.ratio <= 1.3
        rows.append(row)
    commands = [
        [PYTHON, "-m", "wizard", "diagnose", *FACTS],
        [PYTHON, "-m", "wizard", "triage", "--pack-dir", str(folder), *FACTS],
    ]
    commands += [
        [PYTHON, "-c", FIRST_QUESTION_PACK],
        [PYTHON, "-c", FIRST_QUESTION_TRIAGE.format(folder=str(folder))],
    ]
    measured = median_children(commands, env, work, runs)
    (diagnose, _, _), (triage, triage_rss, code) = measured[:2]
    (pack_start, _, _), (triage_start, triage_start_rss, start_code) = measured[2:]
    row = Row(
        "triage",
        f"kbwizard triage (facts only), {PACKS} packs installed",
        triage,
        "kbwizard diagnose (facts only)",
        diagnose,
        peak_rss_mib=triage_rss,
        rss_how="launcher wait4 maxrss",
        target="<= 2x",
        runs=runs,
        note=f"exit {code}",
    )
    row.met = row.ratio is not None and row.ratio <= 2.0
    rows.append(row)
    rows.append(
        Row(
            "triage",
            f"  reference: index + triage's first question, {PACKS} packs (no UI)",
            triage_start if start_code == 0 else None,
            "open the bundled pack, its first question",
            pack_start,
            peak_rss_mib=triage_start_rss,
            rss_how="launcher wait4 maxrss",
            runs=runs,
            note="" if start_code == 0 else f"n/a: exit {start_code}",
        )
    )
    return rows
