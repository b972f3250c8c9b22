"""The shared part of the login-script fixes that rewrite a script (reorder, remap).

Provides ``Unit`` (one line of a rewritten script: its text, its own line ending, the
mappings it makes), ``joined`` (the new script's text, its lines ``kept_apart``),
``unified_diff`` (the diff from the script as given, built from the changes themselves,
so linear in the script's size) and ``moves_diff`` (the same diff when the change is
"these lines moved down to there", made from the moves alone). The caller encodes the
text in the original encoding (``DecodedText.encode``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress


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
    built from the changes themselves: the lines whose numbers are in ``moved``
    are deleted where they were, and the units whose ``(number, piece)`` is in ``moved``
    are inserted where they are now (a line rewritten in place is both). ``name`` names the
    new side (``login-script (NAME)``).

    Linear, with little Python work but per change: the inserted units are found by one
    comprehension over the units, an unchanged run between changes is counted, not
    walked, and each run of lines is written by one ``join``. Hunks as
    ``difflib.unified_diff`` makes them (3 lines of context).
    """
    if not moved:
        return ""
    opcodes = _opcodes(lines, units, moved)
    if not opcodes:
        return ""
    context = 3
    tag, i1, i2, j1, j2 = opcodes[0]
    if tag == "equal":  # trim the leading and trailing context
        opcodes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    tag, i1, i2, j1, j2 = opcodes[-1]
    if tag == "equal":
        opcodes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    out = ["--- login-script (original)\n", f"+++ login-script ({name})\n"]
    append = out.append
    # A long unchanged run ends a hunk: its first lines close it, its last lines open the
    # next one. A hunk's header goes in the place kept for it when the hunk closes.
    header = -1
    start_old = start_new = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if header < 0:
            header, start_old, start_new = len(out), i1, j1
            append("")
        if tag == "equal":
            if i2 - i1 > 2 * context:
                append(" " + "\n ".join(lines[i1 : i1 + context]) + "\n")
                out[header] = _header(start_old, i1 + context, start_new, j1 + context)
                i1, j1 = i2 - context, j2 - context
                header, start_old, start_new = len(out), i1, j1
                append("")
            if i1 < i2:
                append(" " + "\n ".join(lines[i1:i2]) + "\n")
        elif tag == "delete":
            append("-" + "\n-".join(lines[i1:i2]) + "\n")
        else:
            append("+" + "\n+".join([unit.text for unit in units[j1:j2]]) + "\n")
    if len(opcodes) > 1 or opcodes[0][0] != "equal":  # not one unchanged run alone
        out[header] = _header(start_old, i2, start_new, j2)
        return "".join(out)
    return ""


Opcode = tuple[str, int, int, int, int]


def _opcodes(lines: Sequence[str], units: list[Unit], moved: set[tuple[int, int]]) -> list[Opcode]:
    """``difflib``-style opcodes (tag, old start, old stop, new start, new stop) of the
    change: deleted, inserted and unchanged runs in order (a deletion before an insertion
    at the same place)."""
    old_count, new_count = len(lines), len(units)
    gone = {number for number, _ in moved}
    deleted = sorted(number - 1 for number in gone if 0 < number <= old_count)
    # Only a unit whose line number is in ``gone`` can be inserted: the key is made for
    # those alone (the attribute read in the loop is faster than ``map(attrgetter)``).
    inserted = [
        j
        for j, unit in enumerate(units)
        if unit.number in gone and (unit.number, unit.piece) in moved
    ]
    opcodes: list[Opcode] = []
    old = new = at_gone = at_added = 0
    gone_count, added_count = len(deleted), len(inserted)
    while old < old_count or new < new_count:
        # One run of a kind at a time: deleted, inserted, or unchanged lines.
        if at_gone < gone_count and deleted[at_gone] == old:
            start = old
            while at_gone < gone_count and deleted[at_gone] == old:
                at_gone += 1
                old += 1
            opcodes.append(("delete", start, old, new, new))
        elif at_added < added_count and inserted[at_added] == new:
            start = new
            while at_added < added_count and inserted[at_added] == new:
                at_added += 1
                new += 1
            opcodes.append(("insert", old, old, start, new))
        elif old < old_count and new < new_count:
            # Up to the next change on either side (never past one: the lists are sorted).
            stop_old = deleted[at_gone] if at_gone < gone_count else old_count
            stop_new = inserted[at_added] if at_added < added_count else new_count
            step = min(stop_old - old, stop_new - new)
            opcodes.append(("equal", old, old + step, new, new + step))
            old += step
            new += step
        else:  # cannot happen: the lines that stay are in the same order on both sides
            break
    return opcodes


_CONTEXT = 3
_FAR = 2 * _CONTEXT + 1
"""A deleted line and the next change further apart than this lie in two hunks."""
_SPACE = "\n "
_MINUS = "\n-"
_PLUS = "\n+"
_DECIMALS: tuple[str, ...] = ()
"""``str(n)`` at index ``n``, for the hunk headers (a lookup costs a third of making the
digits): replaced by a longer table, never changed in place (a thread reading the old one
still reads right), as diffs need it, up to ``_MAX_DECIMALS`` numbers."""
_MAX_DECIMALS = 1 << 13


def _decimals(stop: int) -> tuple[str, ...]:
    """A ``_DECIMALS`` table holding ``0`` to ``stop`` where the bound allows (its
    length doubles each time it grows)."""
    global _DECIMALS
    table = _DECIMALS
    if len(table) <= stop and len(table) < _MAX_DECIMALS:
        size = 64
        while size <= stop:
            size *= 2
        table = _DECIMALS = tuple(map(str, range(min(size, _MAX_DECIMALS))))
    return table


def moves_diff(lines: Sequence[str], deleted: list[int], at: int, name: str) -> str:
    """``unified_diff`` of moving the lines at the indices ``deleted`` (sorted, each
    below ``at``), in their order, to just before index ``at`` (``len(lines)``: to the
    end), every other line staying where it is: byte for byte what ``unified_diff``
    gives for that change.

    Made from the moves, with Python work per hunk and per run of moved lines only,
    linear: the hunks come from the gaps between the changes; each run of context or
    deleted lines is one ``join`` of their slice with the prefix as separator, and a
    hunk of one run of deleted lines between context (most of them) is written by one
    f-string, header and all.
    """
    count = len(deleted)
    if not count:
        return ""
    # The changes in order: each deleted line, then the insertion at ``at``. A hunk ends
    # after a deleted line when the next change is more than ``_FAR`` lines further.
    nexts = [*deleted[1:], at]
    far = list(map(_FAR.__lt__, map(operator.sub, nexts, deleted)))
    firsts = [deleted[0], *compress(nexts, far)]  # each hunk's first change
    lasts = list(compress(deleted, far))  # the last deleted line of each hunk but the last
    befores = [0, *compress(range(1, count + 1), far)]  # the deleted lines before each hunk
    total = len(lines)
    digits = _decimals(total + 1)
    out = [f"--- login-script (original)\n+++ login-script ({name})\n"]
    append = out.append
    # Every hunk but the last: its deleted lines with context on both sides (more than
    # one line each: both ranges are START,LENGTH).
    short = total + 1 < len(digits)  # every number in the table
    closed = zip(firsts, lasts, befores, befores[1:], strict=False)  # (firsts: one more)
    for first, last, before, after in closed:
        start = first - _CONTEXT if first > _CONTEXT else 0
        stop = last + _CONTEXT + 1
        old = stop - start
        new = old + before - after
        if short and last - first + 1 == after - before and start < first:  # one run
            header = (
                f"@@ -{digits[start + 1]},{digits[old]} +{digits[start + 1 - before]},"
                f"{digits[new]} @@"
            )
            gone = lines[first] if first == last else _MINUS.join(lines[first : last + 1])
            if first - start == _CONTEXT == 3:  # the usual hunk: its context written out
                append(
                    f"{header}\n {lines[start]}\n {lines[start + 1]}\n {lines[start + 2]}\n-"
                    f"{gone}\n {lines[last + 1]}\n {lines[last + 2]}\n {lines[last + 3]}\n"
                )
                continue
            append(
                f"{header}\n {_SPACE.join(lines[start:first])}\n-{gone}\n "
                f"{_SPACE.join(lines[last + 1 : stop])}\n"
            )
            continue
        append(f"@@ -{start + 1},{old} +{start + 1 - before},{new} @@\n")
        _hunk_lines(lines, deleted[before:after], start, stop, append)
    # The last hunk, with the insertion: its header as unified_diff's.
    first = firsts[-1]
    before = befores[-1]
    start = first - _CONTEXT if first > _CONTEXT else 0
    end = min(total, at + _CONTEXT)
    new_start = start - before
    append(_header(start, end, new_start, new_start + end - start + before))
    _hunk_lines(lines, deleted[before:], start, at, append)
    append(f"+{_PLUS.join(map(lines.__getitem__, deleted))}\n")
    if at < end:
        append(f" {_SPACE.join(lines[at:end])}\n")
    return "".join(out)


def _hunk_lines(
    lines: Sequence[str], deleted: list[int], start: int, stop: int, append: Callable[[str], None]
) -> None:
    """The lines ``start`` to ``stop`` of a hunk, the ``deleted`` ones (sorted, in the
    range) marked "-", the others " ": one string per run of either."""
    run = start
    for index in deleted:
        if index > start:  # context before this deleted line: the run before ends
            if run < start:
                append(f"-{_MINUS.join(lines[run:start])}\n")
            append(f" {_SPACE.join(lines[start:index])}\n")
            run = index
        start = index + 1
    if run < start:
        append(f"-{_MINUS.join(lines[run:start])}\n")
    if start < stop:
        append(f" {_SPACE.join(lines[start:stop])}\n")


def _header(old_start: int, old_stop: int, new_start: int, new_stop: int) -> str:
    old, new = old_stop - old_start, new_stop - new_start
    if old > 1 and new > 1:  # the usual hunk: both ranges as START,LENGTH
        return f"@@ -{old_start + 1},{old} +{new_start + 1},{new} @@\n"
    return f"@@ -{_range(old_start, old_stop)} +{_range(new_start, new_stop)} @@\n"


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
    """The rewritten script's text: every unit with its own line ending (``kept_apart``)."""
    pieces = [unit.text + unit.ending for unit in units]
    kept_apart(pieces)
    return "".join(pieces)


def kept_apart(pieces: list[str]) -> None:
    """Keep the lines of a rewritten script apart once ``pieces`` (each line or run of
    lines with its endings) are joined: a piece ending in a bare CR followed by one
    starting with LF (an empty LF-ended line) would be read as one CR LF and a line
    lost; that CR ending becomes CR LF. In a script as read a CR ending is never followed
    by an LF (that is one CR LF), so this happens only where a move made them neighbours."""
    for index in range(len(pieces) - 1):
        if pieces[index][-1:] == "\r" and pieces[index + 1][:1] == "\n":
            pieces[index] += "\n"
