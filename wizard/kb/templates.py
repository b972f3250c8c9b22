"""Provides reading the ``{fact}`` placeholders of a pack's templates."""

from __future__ import annotations

import string


def template_fields(template: str) -> list[str]:
    """The placeholder names in a ``{fact}`` template (raises ValueError if malformed)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
