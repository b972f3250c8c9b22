"""The `?` key (F1 in a text field) lists every key of the screen, from its own bindings."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.drive import answer, answer_all, footer_text, settle, start
from tests.tui.scenarios import CONFIRMED
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.dialogs.export import ExportDialog
from wizard.tui.dialogs.keys import KeysDialog, _numbered_together
from wizard.tui.screens.base import TRIAGE_ACTIONS
from wizard.tui.screens.evidence import EvidenceScreen
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen
from wizard.tui.screens.start import StartScreen


async def _start(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def _question(pilot: Pilot[None]) -> None:
    await start(pilot)


async def _evidence(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer(pilot, "yes")
    await pilot.press("e")
    await settle(pilot)


async def _outcome(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer_all(pilot, CONFIRMED)


async def _export(pilot: Pilot[None]) -> None:
    await _outcome(pilot)
    await pilot.press("x")
    await pilot.pause()


SCREENS: dict[str, tuple[type, Callable[[Pilot[None]], Awaitable[None]], str]] = {
    # screen class, how to reach it, the key that opens the list there
    "start": (StartScreen, _start, "f1"),  # the ticket field has the focus: "?" is typed
    "question": (QuestionScreen, _question, "question_mark"),
    "evidence": (EvidenceScreen, _evidence, "f1"),  # the text area has the focus
    "outcome": (OutcomeScreen, _outcome, "question_mark"),
    "export": (ExportDialog, _export, "question_mark"),  # the Save button has the focus
}


@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_key_list_names_every_key_of_the_screen(pack: Pack, name: str) -> None:
    screen_type, reach, key = SCREENS[name]
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot)
        screen = app.screen
        assert isinstance(screen, screen_type)
        footer = footer_text(app)
        shown = "f1 keys" if key == "f1" else "? keys"
        assert shown in footer  # early, so 80 columns never cut it off
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, KeysDialog)
        listed = str(app.screen.query_one(Static).render())
        # Every key the screen declares, hidden or not, with what it does.
        for binding in screen_type.BINDINGS:
            assert not isinstance(binding, tuple)
            description = binding.tooltip or binding.description
            if binding.action in TRIAGE_ACTIONS:  # one article alone: no triage to go to
                assert description and description not in listed, (name, binding.key)
                continue
            numbered = re.fullmatch(r"(.*) (\d)", description or "")
            if numbered and numbered.group(2) == binding.key:  # "Answer 1" … as one row
                assert f"{numbered.group(1)} (by its number)" in listed, (name, binding.key)
                continue
            assert description and description in listed, (name, binding.key)
            for each in binding.key.split(","):
                shown = app.get_key_display(binding.__class__(each, binding.action))
                assert shown in listed, (name, each)
        if name != "export":
            assert "Quit" in listed  # the app's own keys too (a dialog has only its own)
            # Textual's own focus keys work as in any app: listed after the wizard's.
            if "Focus Next" in listed:
                assert listed.index("Focus Next") > listed.index("Quit")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_outcome_hidden_keys_are_listed(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _outcome(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        listed = str(app.screen.query_one(Static).render())
        for word in ("Copy script", "Next fix", "Give missing fact"):
            assert word in listed


def test_numbered_keys_are_one_row() -> None:
    rows = _numbered_together(
        [("?", "Keys"), ("1", "Answer 1"), ("2", "Answer 2"), ("3", "Answer 3"), ("0", "Skip")]
    )
    assert rows == [("?", "Keys"), ("1-3", "Answer (by its number)"), ("0", "Skip")]
    assert _numbered_together([("1", "Answer 1"), ("x", "Export")]) == [
        ("1", "Answer 1"),
        ("x", "Export"),
    ]
