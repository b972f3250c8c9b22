"""Provides typed access from a screen to the application and its open case."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding
from textual.screen import Screen

from wizard.engine.case import Case
from wizard.tui.dialogs.keys import KEY_LIST_BINDINGS, key_list_state, open_key_list
from wizard.tui.watchers import forget_closed_watchers

if TYPE_CHECKING:
    from wizard.tui.app import KBWizardApp

ResultType = TypeVar("ResultType")

TRIAGE_ACTIONS = frozenset({"back_to_triage", "articles", "see_also"})
"""Actions that work only in triage: hidden (from the footer and the key list) outside it."""

TRIAGE_BINDINGS = [
    Binding("t", "back_to_triage", "Triage", tooltip="Back to the triage's questions (all kept)"),
    Binding("a", "articles", "Articles", tooltip="Articles considered: why, switch to one"),
]
"""The keys of an article opened from triage (its question and outcome screens)."""


class WizardScreen(Screen[ResultType]):
    """A screen of KB Wizard."""

    BINDINGS = [*KEY_LIST_BINDINGS]
    """``?`` lists every key of the screen; in a text field, where ``?`` is typed, F1 does."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TRIAGE_ACTIONS and self.wizard.triage is None:
            return False
        state = key_list_state(self, action)
        return True if state is None else state

    def action_back_to_triage(self) -> None:
        self.wizard.action_back_to_triage()

    def action_articles(self) -> None:
        self.wizard.action_articles()

    def action_list_keys(self) -> None:
        self.action_show_keys()

    def action_show_keys(self) -> None:
        title = type(self).__name__.removesuffix("Screen").lower()
        open_key_list(self, f"the {title} screen")

    def on_screen_resume(self) -> None:
        # Whatever screen closed to uncover this one has closed its widgets by the next idle.
        self.app.call_later(forget_closed_watchers, self.app)

    @property
    def wizard(self) -> KBWizardApp:
        from wizard.tui.app import KBWizardApp

        app = self.app
        assert isinstance(app, KBWizardApp)
        return app

    @property
    def case(self) -> Case:
        case = self.wizard.case
        assert case is not None, "this screen needs an open case"
        return case
