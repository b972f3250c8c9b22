"""Provides the key list dialog (``?``): every key of the screen below, from its own bindings."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from wizard.tui.safe import joined


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """``(key, what it does)`` for every key active on ``screen``, the app's included.

    Built from the screen's and the app's bindings and their descriptions, so the list cannot
    drift from the keys: keys that share one description (``escape``, ``backspace``, ``b``)
    are listed together.
    """
    app = screen.app
    rows: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if (active.node is not screen and active.node is not app) or binding.system:
            continue  # a widget's own keys (arrows, page up …) work as everywhere
        description = binding.tooltip or binding.description or binding.action
        shown = app.get_key_display(binding)
        keys = rows.setdefault(description, [])
        if shown not in keys:
            keys.append(shown)
    return [(" / ".join(keys), description) for description, keys in rows.items()]


class KeysDialog(ModalScreen[None]):
    """The keys of one screen, each with what it does."""

    BINDINGS = [Binding("escape,q,enter,question_mark,f1", "dismiss", "Close")]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.keys), default=4)
        text = joined((f"Keys: {self.title_text}\n\n", "bold"))
        for key, description in self.keys:
            text.append_text(joined((f"{key:>{width}}  ", "bold"), f"{description}\n"))
        text.append_text(joined(("\n(Esc closes)", "dim")))
        with VerticalScroll(classes="dialog", id="keys"):
            yield Static(text)
