"""Provides fields that Esc only leaves: typing never triggers the screen's Back.

A key a focused widget does not use goes on to its screen; Esc in a text field or a
side list reached the screen's Back and undid an answer (dropping the note being
typed). These widgets take Esc themselves, and say in the footer what Esc and Enter do.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList


class FieldLeft(Message):
    """Esc in a field: its screen puts the focus back on the answers."""


class FieldInput(Input):
    """A text field that Esc leaves (the text stays) instead of going back."""

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        # Coming back to a field must not select its text: the next key would replace it.
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)

    def action_leave(self) -> None:
        self.post_message(FieldLeft())


class NoteInput(FieldInput):
    """The note for a step: Enter keeps it and goes back to the answers."""

    BINDINGS = [Binding("enter", "submit", "Keep note")]


class ValueInput(FieldInput):
    """A typed answer: Enter answers with it."""

    BINDINGS = [Binding("enter", "submit", "Answer")]


class SideList(OptionList):
    """A list beside the answers (the path so far) that Esc, Backspace and b leave."""

    BINDINGS = [
        Binding("enter", "select", "Revise this step"),
        Binding("escape,backspace,b", "leave", "Back to answers"),
    ]

    def action_leave(self) -> None:
        self.post_message(FieldLeft())
