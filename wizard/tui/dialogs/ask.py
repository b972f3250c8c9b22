"""Provides a dialog asking for one fact a fix still needs."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from wizard.kb.model import Fact
from wizard.kb.values import parse_value
from wizard.tui.safe import joined, plain


class AskFactDialog(ModalScreen[str | tuple[str, ...] | None]):
    """Returns the checked value, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, fact: Fact, question: str = "") -> None:
        super().__init__()
        self.fact = fact
        self.question = question
        """The pack's question for the fact, shown above it when there is one."""

    def compose(self) -> ComposeResult:
        hint = " (several: separate with commas)" if self.fact.type == "list" else ""
        with Vertical(classes="dialog"):
            if self.question:
                yield Static(plain(self.question, "bold"))
            yield Static(joined((self.fact.words, "bold"), f": {self.fact.description}{hint}"))
            yield Input(id="ask-value", placeholder="value, then Enter (Esc cancels)")
            yield Static(id="ask-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#ask-error").display = False
        self.query_one("#ask-value", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            value = parse_value(self.fact, event.value)
        except ValueError as exc:
            error = self.query_one("#ask-error", Static)
            error.update(plain(str(exc)))
            error.display = True
            return
        self.dismiss(value)
