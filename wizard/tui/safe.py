"""Provides showing untrusted text (pasted scripts, notes, pack text) literally, never as markup."""

from __future__ import annotations

from rich.text import Text

from wizard.report.sanitize import visible


def plain(text: str, style: str = "") -> Text:
    """A Rich Text that displays ``text`` exactly: no markup, no escape sequences."""
    return Text(visible(text), style=style, end="")


def joined(*parts: tuple[str, str] | str) -> Text:
    """Several pieces of untrusted text with their own styles, as one Text."""
    out = Text(end="")
    for part in parts:
        if isinstance(part, str):
            out.append(visible(part))
        else:
            out.append(visible(part[0]), style=part[1])
    return out
