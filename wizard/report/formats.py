"""Provides the summary formats by name (long and short forms) and rendering by format."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.report.summary import CaseSummary

FORMATS: dict[str, str] = {
    "json": "json",
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
    "htm": "html",
    "text": "text",
    "txt": "text",
}
"""Every accepted name -> the canonical format."""

EXTENSIONS = {"json": ".json", "markdown": ".md", "html": ".html", "text": ".txt"}

MAX_STEM_CHARS = 60
MAX_STEM_BYTES = 120
"""Characters and bytes of a case reference kept in a default export name (a file name
is limited to 255 bytes, and the temporary file of an atomic write adds a few)."""


def export_name(reference: str, fmt: str) -> str:
    """A file name for an export of the case ``reference``: letters, digits, ``-_.`` only
    (anything else becomes ``_``), cut on a character boundary to ``MAX_STEM_BYTES``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in reference[:MAX_STEM_CHARS])
    stem = safe.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore").lstrip(".") or "case"
    return stem + EXTENSIONS[fmt]


def canonical(name: str) -> str:
    """The canonical format for ``name``; ValueError listing the choices otherwise."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})") from None


def renderer(fmt: str) -> Callable[[CaseSummary], str]:
    fmt = canonical(fmt)
    if fmt == "json":
        from wizard.report.render_json import render_json

        return render_json
    if fmt == "markdown":
        from wizard.report.render_markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from wizard.report.render_html import render_html

        return render_html
    from wizard.report.render_text import render_text

    return render_text


def render(summary: CaseSummary, fmt: str) -> str:
    return renderer(fmt)(summary)
