"""The shared part of the login-script fixes that rewrite a script (reorder, remap).

Provides ``Unit`` (one line of a rewritten script: its text, its own line ending, the
mappings it makes), ``joined`` (the new script's text) and ``unified_diff`` (the diff from
the script as given, built from the changes themselves, so linear in the script's size).
The caller encodes the text in the original encoding (``DecodedText.encode``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class Unit:
    """One line of the corrected script: a source line, or one piece of a split line."""

    number: int
    text: str
    ending: str
    parts: list[int]
    """Indices (in script order) of the mappings this line makes."""
    piece: int = -1
    """-1 for a whole source line; k for the k-th MAP of a split ``;``-joined line."""
    span: int = 1
    """Source lines it holds: more than 1 for a run of lines that map nothing and open or
    close no block (``text`` then holds them with their endings but the last one's, which
    is ``ending``); such a run never moves on its own."""


def unified_diff(
    lines: Sequence[str], units: list[Unit], moved: set[tuple[int, int]], name: str
) -> str:
    """The unified diff from ``lines`` (the script as given: line N's text is
    ``lines[N - 1]``) to ``units`` (the new script, one unit per line),
    built from the changes themselves (linear): the lines whose numbers are in ``moved``
    are deleted where they were, and the units whose ``(number, piece)`` is in ``moved``
    are inserted where they are now (a line rewritten in place is both). ``name`` names the
    new side (``login-script (NAME)``)."""
    gone = {number for number, _ in moved}
    opcodes: list[Opcode] = []
    old = new = 0
    old_count, new_count = len(lines), len(units)
    while old < old_count or new < new_count:
        # One run of a kind at a time: deleted, inserted, or unchanged lines.
        start_old, start_new = old, new
        if old < old_count and old + 1 in gone:
            while old < old_count and old + 1 in gone:
                old += 1
            opcodes.append(("delete", start_old, old, new, new))
        elif new < new_count and (units[new].number, units[new].piece) in moved:
            while new < new_count and (units[new].number, units[new].piece) in moved:
                new += 1
            opcodes.append(("insert", old, old, start_new, new))
        elif old < old_count and new < new_count:
            while (
                old < old_count and new < new_count and old + 1 not in gone
                and (units[new].number, units[new].piece) not in moved
            ):  # fmt: skip
                old += 1
                new += 1
            opcodes.append(("equal", start_old, old, start_new, new))
        else:  # cannot happen: the lines that stay are in the same order on both sides
            break
    out = ["--- login-script (original)\n", f"+++ login-script ({name})\n"]
    for group in _hunks(opcodes, 3):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + text + "\n" for text in lines[i1:i2])
            elif tag == "delete":
                out.extend("-" + text + "\n" for text in lines[i1:i2])
            else:
                out.extend("+" + unit.text + "\n" for unit in units[j1:j2])
    return "".join(out) if len(out) > 2 else ""


Opcode = tuple[str, int, int, int, int]


def _hunks(opcodes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """Opcodes grouped into hunks with ``context`` lines around each change (as difflib)."""
    codes = list(opcodes)
    if codes and codes[0][0] == "equal":  # trim the leading and trailing context
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes and codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:  # a long unchanged run ends a hunk
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (difflib's own rule)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def joined(units: list[Unit]) -> str:
    """The rewritten script's text: every unit with its own line ending."""
    return "".join(unit.text + unit.ending for unit in units)
