"""Provides the export dialog: choose a format and a path, write atomically, or copy."""

from __future__ import annotations

import os
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from wizard.atomic import WriteError, write_atomic
from wizard.engine.case import Case
from wizard.paths import exports_dir
from wizard.report.formats import export_name, render
from wizard.report.summary import summarize
from wizard.tui.dialogs.keys import KEY_LIST_BINDINGS, key_list_state, open_key_list
from wizard.tui.safe import plain

FORMAT_LABELS = {"markdown": "Markdown", "html": "HTML", "json": "JSON", "text": "Plain text"}


class ExportDialog(ModalScreen[Path | None]):
    """Returns the path written (None when cancelled or copied)."""

    BINDINGS = [
        *KEY_LIST_BINDINGS,
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+y", "copy", "Copy"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = key_list_state(self, action)
        return True if state is None else state

    def action_list_keys(self) -> None:
        self.action_show_keys()

    def action_show_keys(self) -> None:
        open_key_list(self, "export")

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.fmt = "markdown"

    def default_path(self) -> Path:
        stem = self.case.header.reference or f"case-{self.case.id}"
        return exports_dir() / export_name(stem, self.fmt)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("Export the case summary")
            with RadioSet(id="formats"):
                for fmt, label in FORMAT_LABELS.items():
                    yield RadioButton(label, value=fmt == self.fmt, id=f"fmt-{fmt}")
            yield Label("Save to")
            yield Input(str(self.default_path()), id="export-path")
            yield Static(id="export-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Copy (ctrl+y)", id="copy")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-error").display = False
        self.query_one("#save", Button).focus()

    @on(RadioSet.Changed)
    def _format(self, event: RadioSet.Changed) -> None:
        button_id = event.pressed.id or "fmt-markdown"
        old_default = str(self.default_path())
        self.fmt = button_id.removeprefix("fmt-")
        path_input = self.query_one("#export-path", Input)
        if path_input.value == old_default:
            path_input.value = str(self.default_path())

    def _text(self) -> str:
        return render(summarize(self.case), self.fmt)

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_save(self, overwrite: bool = False) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            return self._error("Give a file path.")
        path = os.path.expanduser(raw)  # a str: a trailing "/" still names a folder
        try:
            write_atomic(path, self._text().encode("utf-8"), overwrite=overwrite)
        except WriteError as exc:
            if "exists" in str(exc) and not overwrite:
                from wizard.tui.dialogs.confirm import ConfirmDialog

                def decide(replace: bool | None) -> None:
                    if replace:
                        self.action_save(overwrite=True)

                self.app.push_screen(ConfirmDialog(f"{path} exists. Replace it?"), decide)
                return None
            return self._error(str(exc))
        self.notify(f"Saved {path}")
        self.dismiss(Path(path))
        return None

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._text())
        self.notify(f"Copied the {FORMAT_LABELS[self.fmt]} summary to the clipboard.")
        self.dismiss(None)

    def _error(self, message: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(plain(message))
        error.display = True
