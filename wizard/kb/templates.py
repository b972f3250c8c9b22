"""Provides a pack's ``{fact}`` templates: read in one linear pass, filled without str.format.

A template is text with plain fields, ``{fact_name}``, and ``{{`` / ``}}`` for
literal braces. Nothing else is a field: a format spec (``{ip:>99}``), a
conversion (``{x!r}``), an attribute or index (``{a.b}``, ``{a[0]}``), a nested
or positional field (``{}``, ``{0}``) is an error, so an author's template can
never make the renderer pad, repr or look anything up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACE = re.compile(r"[{}]")

Piece = tuple[str, str | None]
"""Literal text, then the name of the field after it (None at the end)."""


def parse_template(template: str) -> list[Piece]:
    """The template as (literal, field) pieces; ValueError naming the first bad field.

    One pass: each search starts where the last piece ended, so the work is
    linear in the template's length whatever its braces.
    """
    pieces: list[Piece] = []
    literal: list[str] = []
    i = 0
    end = len(template)
    while i < end:
        found = _BRACE.search(template, i)
        if found is None:
            literal.append(template[i:])
            break
        brace = found.start()
        literal.append(template[i:brace])
        ch = template[brace]
        if brace + 1 < end and template[brace + 1] == ch:  # "{{" or "}}"
            literal.append(ch)
            i = brace + 2
            continue
        if ch == "}":
            raise ValueError("single '}' (write '}}' for a brace)")
        close = template.find("}", brace + 1)
        if close < 0:
            raise ValueError("'{' is never closed (write '{{' for a brace)")
        name = template[brace + 1 : close]
        if not _FIELD.fullmatch(name):
            raise ValueError(
                f"'{{{_short(name)}}}' is not a plain {{fact}} field "
                "(no format specs, conversions, attributes, indexes or positions)"
            )
        pieces.append(("".join(literal), name))
        literal = []
        i = close + 1
    pieces.append(("".join(literal), None))
    return pieces


def _short(text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return shown.encode("unicode_escape").decode("ascii")


def template_fields(template: str) -> list[str]:
    """The placeholder names in a ``{fact}`` template (raises ValueError if malformed)."""
    return [name for _, name in parse_template(template) if name is not None]


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each field replaced by its value (every field must have one)."""
    return "".join(
        literal + (values[name] if name is not None else "")
        for literal, name in parse_template(template)
    )
