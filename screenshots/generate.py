"""Regenerates the SVG screenshots of every screen: .venv/bin/python screenshots/generate.py

Each screen is reached by real key presses (the same scenarios as the
snapshot tests), in a 100x32 terminal, light and dark themes for the
question screen; the triage's screens at 80x24 on the installed packs (a
caller whose drives, mapped to the hosting node, are gone after a failover),
or on the small packs of the triage tests when the shipped packs do not lead
there. Run from the repository root.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from tests.tui.drive import answer  # noqa: E402
from tests.tui.scenarios import SCREENS, TRIAGE_SCREENS  # noqa: E402
from tests.tui.triage_packs import index_of  # noqa: E402
from wizard.kb.index import PackIndex  # noqa: E402
from wizard.kb.registry import open_pack  # noqa: E402
from wizard.tui.app import KBWizardApp  # noqa: E402

SIZE = (100, 32)
TRIAGE_SIZE = (80, 24)
"""The triage's screens are shown at the size they are designed for."""


async def shoot(name: str, theme: str | None = None) -> Path:
    app = KBWizardApp(open_pack(), autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        if theme:
            app.theme = theme
        await SCREENS[name](pilot)
        await pilot.pause()
        suffix = f"-{theme}" if theme else ""
        path = ROOT / "screenshots" / f"{name}{suffix}.svg"
        app.save_screenshot(filename=path.name, path=str(path.parent))
        return path


SITE = {
    "cluster_volume_target": "node",
    "cluster_name": "my-cluster",
    "cluster_context": "Corp.EMA",
    "cluster_volume": "VOL2",
    "drive": "O",
}
"""The site of TID 7014886's example: drives mapped to the node hosting the volume."""

REPORTED = ("reconnect_fails=yes", "mapping_shows=node")
"""What the caller reports: drives gone after the failover, shown as the node's."""


async def _report(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.pause()
    await pilot.press(*"INC-2001", "enter")
    await pilot.pause()
    assert isinstance(app, KBWizardApp) and app.triage is not None
    keys = [s.key for s in app.triage.symptoms()]
    for key in REPORTED:
        await pilot.press(str(keys.index(key) + 1))
    await pilot.pause()


async def _question(pilot: Pilot[None]) -> None:
    await _report(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


async def _answer_site(pilot: Pilot[None]) -> None:
    """Answer the questions on screen that the site's values answer, while there are."""
    from wizard.tui.screens.question import QuestionScreen

    for _ in range(len(SITE)):
        screen = pilot.app.screen
        if not isinstance(screen, QuestionScreen) or screen.question is None:
            break
        if screen.question.fact not in SITE:
            break
        await answer(pilot, SITE[screen.question.fact])
        await pilot.pause()


async def _site_answered(pilot: Pilot[None]) -> None:
    """The triage's questions the site's values answer, then the articles (a)."""
    await _question(pilot)
    await _answer_site(pilot)
    await pilot.press("a")
    await pilot.pause()


async def _articles(pilot: Pilot[None]) -> None:
    await _site_answered(pilot)
    await pilot.press("end")  # the ruled-out article pointing to the one that fits
    await pilot.pause()


async def _outcome(pilot: Pilot[None]) -> None:
    await _site_answered(pilot)
    await pilot.press("enter")  # continue in the leading article
    await pilot.pause()
    await pilot.pause()
    await _answer_site(pilot)  # what its fixes need (the cluster's name, context …)
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#outcome-body").scroll_to_widget(
        screen.query_one("#extra"), animate=False, top=True
    )
    await pilot.pause()


REAL = {
    "triage-start": TRIAGE_SCREENS["triage-start"],
    "triage-report": _report,
    "triage-question": _question,
    "triage-articles": _articles,
    "triage-outcome": _outcome,
}
"""The triage's screens on the shipped packs."""


async def shoot_triage(name: str, index: PackIndex, real: bool) -> Path:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=TRIAGE_SIZE) as pilot:
        await (REAL if real else TRIAGE_SCREENS)[name](pilot)
        await pilot.pause()
        path = ROOT / "screenshots" / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(path.parent))
        return path


async def main() -> None:
    # A fixed folder, emptied first: the export dialog shows this path, and a random one
    # would change export.svg on every run.
    data_dir = Path(tempfile.gettempdir()) / "kbwizard-screenshots"
    shutil.rmtree(data_dir, ignore_errors=True)
    os.environ["KBWIZARD_DATA_DIR"] = str(data_dir)
    for name in SCREENS:
        print(await shoot(name))
    print(await shoot("question", theme="textual-light"))
    installed = PackIndex.build()
    symptoms = {f"{s.fact}={s.value}" for e in installed.entries for s in e.symptoms}
    real = len(installed.entries) > 1 and set(REPORTED) <= symptoms
    with tempfile.TemporaryDirectory() as packs:
        for name in TRIAGE_SCREENS:
            index = installed if real else index_of(Path(packs) / name)
            print(await shoot_triage(name, index, real), "" if real else "(test packs)")


if __name__ == "__main__":
    asyncio.run(main())
