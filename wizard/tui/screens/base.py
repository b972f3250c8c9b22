"""Provides typed access from a screen to the application and its open case."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, TextArea

from wizard.engine.case import Case
from wizard.tui.watchers import forget_closed_watchers

if TYPE_CHECKING:
    from wizard.tui.app import KBWizardApp

ResultType = TypeVar("ResultType")
KEYS_TOOLTIP = "List every key of this screen"


class WizardScreen(Screen[ResultType]):
    """A screen of KB Wizard."""

    BINDINGS = [
        Binding("question_mark", "show_keys", "keys", key_display="?", tooltip=KEYS_TOOLTIP),
        Binding("f1", "list_keys", "keys", key_display="f1", tooltip=KEYS_TOOLTIP),
    ]
    """``?`` lists every key of the screen; in a text field, where ``?`` is typed, F1 does."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_keys", "list_keys"):
            in_field = isinstance(self.focused, Input | TextArea)
            return in_field == (action == "list_keys")
        return True

    def action_list_keys(self) -> None:
        self.action_show_keys()

    def action_show_keys(self) -> None:
        from wizard.tui.dialogs.keys import KeysDialog, screen_keys

        title = type(self).__name__.removesuffix("Screen").lower()
        self.app.push_screen(KeysDialog(f"the {title} screen", screen_keys(self)))

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
