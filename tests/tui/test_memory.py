"""A long shift must not keep old calls in memory: closed widgets are freed, case after case.

Textual keeps a closed widget alive while it is still listed as a watcher of something that
lives on (Textualize/textual#6666): the footer's keys, the evidence screen's text areas and
every Header watch long-lived objects. The wizard prunes those lists; these tests fail if a
case, a screen or its widgets survive the next case.
"""

from __future__ import annotations

import gc
from collections import Counter

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import TextArea

from tests.tui.drive import answer_all, settle, start
from tests.tui.scenarios import CONFIRMED
from wizard.engine.case import Case
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.watchers import forget_closed_watchers


def live_widgets() -> Counter[str]:
    gc.collect()
    return Counter(type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget))


def live_cases() -> int:
    gc.collect()
    return sum(isinstance(o, Case) for o in gc.get_objects())


async def one_call(pilot: Pilot[None], app: KBWizardApp, number: int) -> None:
    """A whole call: start, paste a login script, answer, open export, next caller."""
    await start(pilot)
    if number % 2:
        await pilot.press("e")
        await settle(pilot)
        area = app.screen.query_one("#text-login-script", TextArea)
        area.load_text("MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\nMAP S1:=NODE1/SYS:\n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    await answer_all(pilot, CONFIRMED)
    await pilot.press("x")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("ctrl+n")
    await pilot.pause()


@pytest.mark.long
async def test_a_shift_of_calls_leaves_no_widgets_or_cases_behind(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for number in range(4):  # warm up: every screen and dialog made once
            await one_call(pilot, app, number)
        before = live_widgets()
        for number in range(4, 10):
            await one_call(pilot, app, number)
        after = live_widgets()
        assert after - before == Counter(), f"widgets kept alive: {after - before}"
        assert live_cases() <= 1  # at most the one on screen; older calls are gone


class Watched:
    """Stands in for any long-lived object with Textual's watcher table."""


class Node:
    def __init__(self, closing: bool = False, closed: bool = False) -> None:
        self._closing = closing
        self._closed = closed


def test_forget_closed_watchers_keeps_only_open_widgets() -> None:
    watched = Watched()
    open_node, closing, closed = Node(), Node(closing=True), Node(closed=True)
    entries = [(open_node, print), (closing, print), (closed, print)]
    setattr(watched, "__watchers", {"theme": entries, "title": [(closed, print)]})
    forget_closed_watchers(watched)
    table = getattr(watched, "__watchers")
    assert table == {"theme": [(open_node, print)], "title": []}
    assert table["theme"] is entries  # pruned in place: Textual holds this very list


def test_forget_closed_watchers_on_an_object_nobody_watches() -> None:
    forget_closed_watchers(object())  # no table: nothing to do, and no error
