"""Helpers that drive the wizard through real key presses (Pilot)."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from wizard.kb.model import UNKNOWN, Question
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.question import TYPED, QuestionScreen


async def start(pilot: Pilot[None]) -> None:
    await pilot.press("enter")
    await pilot.pause()


async def answer(pilot: Pilot[None], value: str) -> None:
    """Answer the current question the way a person would: number keys, or type and Enter."""
    app = pilot.app
    assert isinstance(app, KBWizardApp)
    assert isinstance(app.screen, QuestionScreen)  # a case's question, or the triage's
    question = app.screen.question
    assert isinstance(question, Question)
    if value == UNKNOWN:
        await pilot.press("0")
    else:
        choices = app.screen.query_one("#choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        if value in ids:
            await pilot.press(str(ids.index(value) + 1))
        else:
            if TYPED in ids and not app.screen.query_one("#typed", Input).display:
                await pilot.press(str(ids.index(TYPED) + 1))
            await pilot.pause()
            app.screen.query_one("#typed", Input).focus()
            await pilot.press(*value, "enter")
    await pilot.pause()


async def answer_all(pilot: Pilot[None], answers: dict[str, str]) -> None:
    app = pilot.app
    assert isinstance(app, KBWizardApp) and app.case is not None
    for _ in range(20):
        node = app.case.session.current
        if not isinstance(node, Question):
            return
        await answer(pilot, answers.get(node.fact, UNKNOWN))


async def settle(pilot: Pilot[None]) -> None:
    """Let analysis workers (and the UI updates they post) finish."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)


def screen_lines(app: App[None]) -> list[str]:
    """The screen's lines as a person would read them (no styles)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


def footer_text(app: App[None]) -> str:
    """What the footer (the screen's last line) shows."""
    return "".join(screen_lines(app)[-1:])
