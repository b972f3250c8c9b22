"""The outcome screen at 80x24: it opens at the top after a revision, and the selected
fix is always on screen."""

from __future__ import annotations

from textual.containers import VerticalScroll

from tests.tui.drive import answer_all, screen_text, start
from tests.tui.scenarios import CONFIRMED
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.outcome import OutcomeScreen


async def test_tab_brings_each_selected_fix_into_view(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        assert isinstance(app.screen, OutcomeScreen) and app.screen.summary is not None
        count = len(app.screen.summary.fixes)
        assert count >= 3
        for number in [*range(2, count + 1), 1]:
            await pilot.press("tab")
            await pilot.pause(0.2)
            assert f"▶ Fix {number}:" in screen_text(app), number


async def test_not_fixed_brings_the_next_fix_into_view(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("n")
        await pilot.pause(0.2)
        assert "▶ Fix 2:" in screen_text(app)


async def test_after_a_revision_the_outcome_opens_at_the_top(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        body = app.screen.query_one("#outcome-body", VerticalScroll)
        body.scroll_end(animate=False)
        await pilot.pause(0.2)
        assert body.scroll_y > 0
        await pilot.press("b")  # back to the last question, a revision
        await pilot.pause()
        await pilot.press(*"10.1.1.12", "enter")  # a digit starts a new value
        await pilot.pause(0.2)
        assert isinstance(app.screen, OutcomeScreen)
        assert app.screen.query_one("#outcome-body", VerticalScroll).scroll_y == 0
        assert "Confirmed" in screen_text(app)


async def test_escalating_keeps_not_fixed_and_shows_escalated(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("n")  # fix 1 did not help; fix 2 is offered
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause(0.2)
        assert app.case is not None
        assert [(v.fix, v.verdict) for v in app.case.verifications] == [
            ("set-ncp-include-ip-address", "not-fixed"),
            ("case", "escalated"),
        ]
        screen = app.screen
        assert isinstance(screen, OutcomeScreen) and screen.summary is not None
        assert screen.summary.status == "escalated"
        body = screen.query_one("#outcome-body", VerticalScroll)
        body.scroll_home(animate=False)
        await pilot.pause(0.2)
        assert "Escalated" in screen_text(app)
        assert "[not fixed]" in str(screen._slots[0][0].render())


async def test_f_marks_only_the_selected_fix(pack: Pack) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("tab")
        await pilot.press("f")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen) and screen.summary is not None
        marked = [v.fix for v in screen.summary.verification if v.verdict]
        assert marked == ["reorder-login-script"]
        titles = [str(slot[0].render()) for slot in screen._slots]
        assert ["[fixed]" in t for t in titles] == [False, True, False][: len(titles)]
        from wizard.report.formats import render

        assert "[x]" not in render(screen.summary, "markdown")  # no check ticked for it
