"""Provides the one-line title bar every screen shows: the wizard and the open pack."""

from __future__ import annotations

from textual.app import RenderResult
from textual.widgets import Static


class TitleBar(Static):
    """The app's title and subtitle, docked at the top.

    Textual's Header is four widgets with an icon, a clock space and watchers on the
    titles; the wizard's titles are set once, so one line of text does the job and keeps
    the first frame of every screen cheaper. The command palette stays on ctrl+p.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def render(self) -> RenderResult:
        return self.app.format_title(self.app.title, self.app.sub_title)  # plain text, no markup
