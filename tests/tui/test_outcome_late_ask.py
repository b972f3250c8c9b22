"""The outcome asks for a fact its fixes still need after it is drawn; by then the person
may have left for a new case (the soak found it: the deferred ask met no open case)."""

from __future__ import annotations

from tests.tui.drive import answer_all, start
from tests.tui.scenarios import CONFIRMED
from wizard.engine.case import Case
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.outcome import OutcomeScreen


async def test_a_late_ask_for_a_case_no_longer_open_does_nothing(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.pause()
        outcome = app.get_screen("outcome")
        assert isinstance(outcome, OutcomeScreen)
        shown = app.case
        assert shown is not None
        screens = len(app.screen_stack)
        # Another case is open now: the ask made for the one drawn does nothing.
        app.case = Case.start(pack)
        outcome.ask_what_fixes_need(shown)
        # No case open at all (the start screen): nothing either, and no error.
        app.case = None
        outcome.ask_what_fixes_need(shown)
        outcome.ask_what_fixes_need()
        await pilot.pause()
        assert len(app.screen_stack) == screens
