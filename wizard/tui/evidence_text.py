"""Provides the evidence editor: a TextArea that shows pasted or loaded text as data.

A terminal interprets control characters (ESC starts a sequence that can blank
the screen or retitle the window), and Textual's own document splits lines on
VT, FF and the Unicode separators. So the editor never holds such characters:
each is shown in its visible form (``\\x1b``), and lines end only where
``split_lines`` (the analyzers' own splitter) ends them, so the editor's line
numbers are the ones ``kbwizard diagnose`` reports. The original text is kept:
``original_text`` gives it back for every line the user has not edited.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from wizard.evidence.text import SourceLine, split_lines
from wizard.report.sanitize import visible


def display_lines(lines: tuple[SourceLine, ...]) -> tuple[str, dict[str, str]]:
    """The text to show for ``lines`` and, for each shown line that differs from its
    original, the original (shown line -> original line)."""
    shown: list[str] = []
    originals: dict[str, str] = {}
    for line in lines:
        text = visible(line.text)
        if text != line.text:
            originals[text] = line.text
        shown.append(text)
    body = "\n".join(shown)
    if lines and lines[-1].ending:
        body += "\n"
    return body, originals


class EvidenceText(TextArea):
    """The editor of one evidence kind: control characters shown, the original kept."""

    class EscapePasted(Message):
        """A paste held ESC: what the terminal passed on may be scrambled."""

        def __init__(self, area: EvidenceText) -> None:
            super().__init__()
            self.area = area

    def __init__(self, *, id: str, classes: str) -> None:
        super().__init__(id=id, classes=classes, show_line_numbers=True, soft_wrap=False)
        self.originals: dict[str, str] = {}
        """Shown line -> original line, for the lines shown differently from what was given."""

    def show_text(self, lines: tuple[SourceLine, ...]) -> str:
        """Replace the content with ``lines`` (as decoded); returns the text shown."""
        body, self.originals = display_lines(lines)
        self.load_text(body)
        return body

    def original_text(self) -> str:
        """The content with each unedited line as it was given (control characters and all)."""
        if not self.originals:
            return self.text
        originals = self.originals
        return "\n".join(originals.get(line, line) for line in self.text.split("\n"))

    async def _on_paste(self, event: events.Paste) -> None:
        """Insert a paste in its shown form, remembering the original lines."""
        if self.read_only:
            return
        event.prevent_default()
        event.stop()
        lines = split_lines(event.text)
        body, originals = display_lines(lines)
        self.originals.update(originals)
        if "\x1b" in event.text:
            self.post_message(self.EscapePasted(self))
        if result := self._replace_via_keyboard(body, *self.selection):
            self.move_cursor(result.end_location)
            self.focus()
