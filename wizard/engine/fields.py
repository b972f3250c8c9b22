"""Checked readers of the fields of a saved session, case or triage.

A saved file is hostile input: every reader checks the type of what it reads and
raises TypeError (KeyError for a missing required field) with the field's name, which
the loader turns into one line for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(raw: Mapping[str, Any], key: str, default: str | None = None) -> str:
    """``raw[key]`` as text; required unless a ``default`` is given."""
    value = raw[key] if default is None else raw.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"'{key}' is not text")
    return value


def note(raw: Mapping[str, Any]) -> str | None:
    """The optional ``note`` of ``raw``: text or None."""
    value = raw.get("note")
    if value is not None and not isinstance(value, str):
        raise TypeError("'note' is not text")
    return value


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` when it is a mapping (``what`` names it in the error)."""
    if not isinstance(value, dict):
        raise TypeError(f"'{what}' is not a mapping")
    return value


def mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The optional mapping ``raw[key]`` (empty when absent)."""
    return as_mapping(raw.get(key, {}), key)


def items(raw: Mapping[str, Any], key: str, most: int | None = None) -> list[Mapping[str, Any]]:
    """The optional list of mappings ``raw[key]`` (empty when absent), at most ``most`` long."""
    value = raw.get(key, [])
    if (
        not isinstance(value, list)
        or (most is not None and len(value) > most)
        or not all(isinstance(v, dict) for v in value)
    ):
        raise TypeError(f"'{key}' is not a list of mappings")
    return value


def names(raw: Any, key: str) -> list[str]:
    """``raw`` as a list of text (``key`` names it in the error)."""
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise TypeError(f"'{key}' is not a list of names")
    return raw


def texts(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """The optional list of text ``raw[key]`` (empty when absent)."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{key}' is not a list of text")
    return tuple(value)


def reason(exc: Exception) -> str:
    """An exception as one short line for the user."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__
