"""The wizard's screens, each reached by real key presses: for snapshots and screenshots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import TextArea

from tests.tui.drive import answer, answer_all, settle, start
from wizard.tui.app import KBWizardApp

CONFIRMED = {
    "reconnect_fails": "yes",
    "mapping_shows": "node",
    "vip_method": "bind",
    "ncp_include_ip": "all",
    "login_order": "node-first",
    "primary_ip": "10.1.1.11",
}
LOGIN = (
    "REM Container login script\n"
    "MAP DISPLAY OFF\n"
    "MAP S1:=SYS:PUBLIC\n"
    "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    "[bold red]pasted markup stays literal[/]\n"
)


async def _start_screen(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def _question(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer(pilot, "yes")
    await pilot.press("w")


async def _evidence(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer(pilot, "yes")
    await pilot.press("e")
    await pilot.pause()
    await settle(pilot)
    area = pilot.app.screen.query_one("#text-login-script", TextArea)
    area.cursor_blink = False  # a blinking cursor would make the snapshot flaky
    area.load_text(LOGIN)
    await settle(pilot)


async def _row_question(pilot: Pilot[None]) -> None:
    await _evidence(pilot)
    await pilot.press("escape")
    await pilot.pause()
    for value in ("node", "bind", "all"):
        await answer(pilot, value)
    await settle(pilot)


async def _outcome_confirmed(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer_all(pilot, CONFIRMED)


async def _outcome_not(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer_all(pilot, {**CONFIRMED, "vip_method": "secondary"})


async def _outcome_more(pilot: Pilot[None]) -> None:
    await start(pilot)
    await answer_all(pilot, {"reconnect_fails": "yes"})


async def _export(pilot: Pilot[None]) -> None:
    await _outcome_confirmed(pilot)
    app = pilot.app
    assert isinstance(app, KBWizardApp) and app.case is not None
    app.case.header.reference = "INC-1042"  # the default file name comes from it
    await pilot.press("x")
    await pilot.pause()


SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "start": _start_screen,
    "question": _question,
    "evidence": _evidence,
    "row-question": _row_question,
    "outcome-confirmed": _outcome_confirmed,
    "outcome-not-this-issue": _outcome_not,
    "outcome-needs-more": _outcome_more,
    "export": _export,
}


# --- triage (several packs installed: KBWizardApp(index=...)) ------------------------


async def _triage_report(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press(*"INC-2001", "enter")
    await pilot.pause()
    await pilot.press("1")  # the caller reports the first symptom
    await pilot.pause()


async def _triage_question(pilot: Pilot[None]) -> None:
    await _triage_report(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


async def _triage_articles(pilot: Pilot[None]) -> None:
    await _triage_question(pilot)
    await answer(pilot, "yes")
    await pilot.press("a")
    await pilot.pause()
    await pilot.press("down")  # a ruled-out article: why, and the article it points to
    await pilot.pause()


async def _triage_outcome(pilot: Pilot[None]) -> None:
    await _triage_question(pilot)
    for value in ("yes", "yes", "no"):
        await answer(pilot, value)
    await pilot.press("enter")  # continue in the leading article
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    body = screen.query_one("#outcome-body")
    body.scroll_to_widget(screen.query_one("#extra"), animate=False, top=True)
    await pilot.pause()


TRIAGE_SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "triage-start": _start_screen,
    "triage-report": _triage_report,
    "triage-question": _triage_question,
    "triage-articles": _triage_articles,
    "triage-outcome": _triage_outcome,
}
"""The triage's screens, on the three small packs of ``tests.tui.triage_packs``."""
