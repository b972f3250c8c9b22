"""Provides showing untrusted text (pasted scripts, notes, pack text) literally, never as markup."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

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


def plain_content(text: str, style: str = "") -> Content:
    """``plain`` as Textual's own Content, which widgets draw without converting it first."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def joined_content(*parts: tuple[str, str] | str) -> Content:
    """``joined`` as Textual's own Content."""
    return Content.assemble(
        *(visible(part) if isinstance(part, str) else (visible(part[0]), part[1]) for part in parts)
    )
