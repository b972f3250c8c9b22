"""Provides neutralising untrusted text (pasted scripts, notes, pack text) for every output.

Control characters and ANSI escape sequences are made visible instead of
being passed to a terminal or a ticket system; each output format then
escapes its own markup on top of this.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")
_BACKTICKS = re.compile(r"`+")


def visible(text: str) -> str:
    """Replace control characters (ESC, bidi overrides …) with a visible ``\\xNN`` form."""

    def show(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(show, text.replace("\r\n", "\n").replace("\r", "\n"))


def md_text(text: str) -> str:
    """Inline Markdown on one line: characters that could start markup, links or HTML are
    escaped (and a leading ``#``, ``-``, ``1.`` … so the line cannot become a heading or list).
    """
    flat = " ".join(visible(text).split("\n"))
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)

    def guard(m: re.Match[str]) -> str:
        lead, mark = m.group(1), m.group(2)
        if mark[0].isdigit():  # "1." -> "1\." (digits cannot be escaped)
            return lead + mark[:-1] + "\\" + mark[-1]
        return lead + "\\" + mark

    return _MD_LINE_START.sub(guard, escaped)


def md_code(text: str) -> str:
    """Inline code span whose fence is longer than any backtick run inside it."""
    text = visible(text).replace("\n", " ")
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_block(text: str, info: str = "") -> str:
    """Fenced code block that no line of ``text`` (a pasted line of backticks, say) can close."""
    body = visible(text)
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    if not body.endswith("\n"):
        body += "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def html_text(text: str) -> str:
    import html  # only the HTML export needs it, never the wizard's start

    return html.escape(visible(text), quote=True)


def plain(text: str) -> str:
    return visible(text)
