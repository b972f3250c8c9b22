"""Provides the key list dialog (``?``): every key of the screen below, from its own bindings."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static, TextArea

from wizard.tui.safe import joined

KEYS_TOOLTIP = "List every key of this screen"
KEY_LIST_BINDINGS: list[BindingType] = [
    Binding("question_mark", "show_keys", "keys", key_display="?", tooltip=KEYS_TOOLTIP),
    Binding("f1", "list_keys", "keys", key_display="f1", tooltip=KEYS_TOOLTIP),
]
"""``?`` lists every key of a screen; in a text field, where ``?`` is typed, F1 does."""


def key_list_state(screen: Screen[Any], action: str) -> bool | None:
    """For a screen's ``check_action``: which of the two keys works (and shows) now;
    None for any other action (the screen decides)."""
    if action not in ("show_keys", "list_keys"):
        return None
    in_field = isinstance(screen.focused, Input | TextArea)
    return in_field == (action == "list_keys")


def open_key_list(screen: Screen[Any], title: str) -> None:
    """Show the key list of ``screen``."""
    screen.app.push_screen(KeysDialog(title, screen_keys(screen)))


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """``(key, what it does)`` for every key active on ``screen``, the app's included.

    Built from the screen's and the app's bindings and their descriptions, so the list cannot
    drift from the keys: keys that share one description (``escape``, ``backspace``, ``b``)
    are listed together. A widget's own keys (arrows, page up …) work as everywhere.
    """
    app = screen.app
    rows: dict[str, list[str]] = {}
    # Textual's own screen keys (focus next/previous, copy) come last: they work as in
    # every Textual app, the wizard's keys are what a user looks for.
    textual_actions = {
        binding.action if isinstance(binding, Binding) else binding[1]
        for cls in type(screen).__mro__
        if cls.__module__.startswith("textual.")
        for binding in getattr(cls, "BINDINGS", ())
        if isinstance(binding, Binding) or len(binding) >= 2
    }
    last: set[str] = set()

    def add(binding: Binding) -> None:
        description = binding.tooltip or binding.description or binding.action
        shown = app.get_key_display(binding)
        keys = rows.setdefault(description, [])
        if shown not in keys:
            keys.append(shown)
        if binding.action in textual_actions:
            last.add(description)

    # The screen's own keys, each whether or not it works right now (F1 works only in a
    # text field, ``?`` everywhere else), then the app's keys that reach this screen.
    for bindings in screen._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.system or (
                # A key that does nothing on this screen now (switched off by the screen,
                # like the triage's keys in one article alone) is not listed; ``?`` and F1
                # are, though only one of them works at a time.
                binding.action not in ("show_keys", "list_keys")
                and screen.check_action(binding.action, ()) is False
            ):
                continue
            add(binding)
    for active in screen.active_bindings.values():
        if active.node is app and not active.binding.system:
            add(active.binding)
    listed = sorted(rows.items(), key=lambda row: row[0] in last)
    return _numbered_together([(" / ".join(keys), description) for description, keys in listed])


_NUMBERED = re.compile(r"(.*\S) (\d)")


def _numbered_together(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Rows ``N: What N`` for a run of digits shown as one row ``1-9: What (by number)``."""
    result: list[tuple[str, str]] = []
    run: list[str] = []
    what = ""

    def flush() -> None:
        if len(run) > 1:
            result.append((f"{run[0]}-{run[-1]}", f"{what} (by its number)"))
        elif run:
            result.append((run[0], f"{what} {run[0]}"))
        run.clear()

    for key, description in rows:
        match = _NUMBERED.fullmatch(description)
        if match and key == match.group(2) and (not run or match.group(1) == what):
            what = match.group(1)
            run.append(key)
            continue
        flush()
        if match and key == match.group(2):
            what = match.group(1)
            run.append(key)
            continue
        result.append((key, description))
    flush()
    return result


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
