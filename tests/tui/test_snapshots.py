"""Snapshot tests: every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended UI change with: .venv/bin/python -m pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.scenarios import SCREENS, TRIAGE_SCREENS
from tests.tui.triage_packs import index_of
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def fixed_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The export dialog shows its default path: keep it the same on every machine.
    monkeypatch.setenv("KBWIZARD_DATA_DIR", "/tmp/kbwizard-snapshots")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Callable[..., bool],
    pack: Pack,
    screen: str,
    size: tuple[int, int],
    fixed_data_dir: None,
) -> None:
    app = KBWizardApp(pack, autosave=False)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("screen", list(TRIAGE_SCREENS))
def test_triage_screen_snapshot(
    snap_compare: Callable[..., bool], tmp_path: Path, screen: str, fixed_data_dir: None
) -> None:
    app = KBWizardApp(index=index_of(tmp_path / "packs"), autosave=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=TRIAGE_SCREENS[screen])
