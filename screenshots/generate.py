"""Regenerates the SVG screenshots of every screen: .venv/bin/python screenshots/generate.py

Each screen is reached by real key presses (the same scenarios as the
snapshot tests), in a 100x32 terminal, light and dark themes for the
question screen; the triage's screens at 80x24, on the small packs of the
triage tests (three articles whose content the scenarios rely on). Run from
the repository root.
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

from tests.tui.scenarios import SCREENS, TRIAGE_SCREENS  # noqa: E402
from tests.tui.triage_packs import index_of  # noqa: E402
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


async def shoot_triage(name: str, packs: Path) -> Path:
    app = KBWizardApp(index=index_of(packs), autosave=False)
    async with app.run_test(size=TRIAGE_SIZE) as pilot:
        await TRIAGE_SCREENS[name](pilot)
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
    with tempfile.TemporaryDirectory() as packs:
        for name in TRIAGE_SCREENS:
            print(await shoot_triage(name, Path(packs) / name))


if __name__ == "__main__":
    asyncio.run(main())
