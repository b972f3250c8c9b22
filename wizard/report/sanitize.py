"""Provides neutralising untrusted text (pasted scripts, notes, pack text) for every output.

Control characters and ANSI escape sequences are made visible instead of
being passed to a terminal or a ticket system; each output format then
escapes its own markup on top of this.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi controls (marks,
# embeddings, overrides, isolates) that reorder what a reader sees, and the Unicode line and
# paragraph separators (a text widget would break the line there).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# The same plus tab and newline: what may not
# appear in one line of a terminal's output (a CLI message, a table cell).
_NOT_IN_A_LINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # "&" too: "&lt;" must not become "<"
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")
_BACKTICKS = re.compile(r"`+")


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Replace control characters (ESC, bidi overrides, line/paragraph separators …) with a
    visible ``\\xNN`` form."""
    return _CONTROL.sub(_show, text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Untrusted text for one line of terminal output: every control character visible.

    ESC, C1 controls, DEL, bidi controls, tab, CR, LF and the Unicode line separators
    become ``\\x1b`` / ``\\u202e`` escapes, so nothing in ``text`` can move the cursor,
    change the terminal, reorder the line or start a new one. The command line prints
    every message, path, name and table cell through this.
    """
    return _NOT_IN_A_LINE.sub(_show, text)


# What json.dumps(ensure_ascii=False) leaves raw but a terminal or a viewer would act on:
# DEL, C1 controls (U+009B is a one-byte CSI), bidi controls, the Unicode line separators.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with those characters as ``\\uXXXX`` escapes.

    They can only occur inside JSON strings, where the escape means the same character:
    the JSON stays valid and loads back to the same data.
    """
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def md_text(text: str, line_start: bool = True) -> str:
    """Inline Markdown on one line: characters that could start markup, links or HTML are
    escaped (and, when the text starts a line, a leading ``#``, ``-``, ``1.`` … so the line
    cannot become a heading or list; inside a table cell nothing starts a line, so
    ``10.1.1.11`` stays as it is).
    """
    flat = " ".join(visible(text).split("\n"))
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    if not line_start:
        return escaped

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
