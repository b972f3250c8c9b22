"""Provides checking and normalising fact values against their declared type."""

from __future__ import annotations

from bisect import bisect_right

from wizard.kb.model import UNKNOWN, Fact, FactValue


def is_ipv4(text: str) -> bool:
    """A dotted quad with four octets 0-255 (no leading junk, no CIDR)."""
    parts = text.split(".")
    return len(parts) == 4 and all(
        p.isascii() and p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts
    )


def value_text(value: FactValue | None) -> str:
    """A fact value as people read it."""
    if value is None:
        return ""
    if value == UNKNOWN:
        return "don't know"
    return ", ".join(value) if isinstance(value, tuple) else value


def shown(text: str, limit: int = 60) -> str:
    """A value as an error message quotes it: one line, control characters escaped, short."""
    escaped = text.encode("unicode_escape").decode("ascii")
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def listing(values: tuple[str, ...], limit: int = 10) -> str:
    """Allowed values as a message lists them: the first ``limit``, then how many in all."""
    if len(values) <= limit:
        return ", ".join(values)
    return f"{', '.join(values[:limit])}, … ({len(values)} in all)"


def _ipv4(text: str, fact: str) -> str:
    text = text.strip()
    if is_ipv4(text):
        return ".".join(str(int(p)) for p in text.split("."))
    parts = text.split(".")
    if all(p.isdigit() for p in parts if p) and len(parts) < 4:
        raise ValueError(
            f"{fact}: '{shown(text)}' is not a full IPv4 address (it has {len(parts)} of 4 parts, "
            "e.g. 10.1.1.11)"
        )
    raise ValueError(
        f"{fact}: '{shown(text)}' is not an IPv4 address (four numbers 0-255, e.g. 10.1.1.11)"
    )


def char_ranges(spec: str) -> tuple[tuple[int, int], ...]:
    """The code-point ranges a ``chars`` set allows, sorted and merged; ValueError if bad.

    ``X-Y`` is the range from X to Y (X not after Y); a ``-`` first or last stands for
    itself. One pass over ``spec``, then a sort: linear-logarithmic in its length, never a
    regex (a pack is hostile input).
    """
    if not spec:
        raise ValueError("chars is empty (leave it out to allow any character)")
    ranges: list[tuple[int, int]] = []
    i, size = 0, len(spec)
    while i < size:
        if i + 2 < size and spec[i + 1] == "-":
            low, high = ord(spec[i]), ord(spec[i + 2])
            if low > high:
                raise ValueError(
                    f"chars has the range '{shown(spec[i : i + 3])}' backwards "
                    f"(write the lower character first)"
                )
            ranges.append((low, high))
            i += 3
        else:
            ranges.append((ord(spec[i]), ord(spec[i])))
            i += 1
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return tuple(merged)


def _allowed(ranges: tuple[tuple[int, int], ...], starts: list[int], char: str) -> bool:
    at = bisect_right(starts, ord(char)) - 1
    return at >= 0 and ord(char) <= ranges[at][1]


def check_text(fact: Fact, text: str) -> str:
    """``text`` if it fits the fact's ``max_length`` and ``chars``; else ValueError naming
    the first character not allowed. Linear in ``text`` (a binary search per character)."""
    if fact.max_length and len(text) > fact.max_length:
        raise ValueError(
            f"{fact.name}: '{shown(text)}' is longer than {fact.max_length} characters"
        )
    ranges = fact.char_ranges
    if ranges:
        starts = [low for low, _high in ranges]
        for position, char in enumerate(text, 1):
            if not _allowed(ranges, starts, char):
                what = "a space" if char == " " else f"'{shown(char)}'"
                raise ValueError(
                    f"{fact.name}: '{shown(text)}' has {what} (character {position}), "
                    f"which it cannot hold (allowed: {shown(fact.chars)})"
                )
    return text


def parse_value(fact: Fact, raw: str | list[str] | tuple[str, ...]) -> FactValue:
    """The normalised value of ``raw`` for ``fact``; ValueError with a one-line reason if bad.

    Lists may come as a sequence or as comma-separated text.
    """
    if fact.type == "list":
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        cleaned = [str(i).strip() for i in items if str(i).strip()]
        if fact.item == "ipv4":
            cleaned = [_ipv4(i, fact.name) for i in cleaned]
        elif fact.char_ranges or fact.max_length:
            cleaned = [check_text(fact, i) for i in cleaned]
        return tuple(cleaned)
    if not isinstance(raw, str):
        raise ValueError(f"{fact.name}: expected one value, got a list")
    text = raw.strip()
    if fact.type == "choice":
        for value in fact.values:
            if text.lower() == value.lower():
                return value
        raise ValueError(f"{fact.name}: '{shown(text)}' is not one of {listing(fact.values)}")
    if fact.type == "ipv4":
        for word in fact.keywords:
            if text.lower() == word.lower():
                return word
        try:
            return _ipv4(text, fact.name)
        except ValueError as exc:
            if not fact.keywords:
                raise
            words = " or ".join(repr(w) for w in fact.keywords)
            raise ValueError(f"{exc} (or {words})") from None
    if not text:
        raise ValueError(f"{fact.name}: empty value")
    return check_text(fact, text)
