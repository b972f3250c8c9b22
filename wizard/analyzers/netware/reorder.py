"""The reorder-login-script fix: map the virtual servers first, the node last.

Provides ``reorder_login_script``: from an analysed login script it moves the
unconditional lines that map a cluster node before the virtual-server mappings
to just after the last top-level virtual-server mapping line, keeping every
other line byte-for-byte (comments, blank lines, casing, IF blocks, each line's
own ending, the original encoding). Where moving would change what the script
does, it leaves the line alone and says what to change by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wizard.evidence.text import SourceLine
from wizard.gcpause import paused_gc

from .login_script import LoginScriptAnalysis, Mapping, RawMapping, scan_login_script

LOGIN_THROUGH_NODE_CAVEAT = (
    "If users log in through a cluster node (their preferred server is a node), the login "
    "itself is a connection to that node, made before any mapping: reordering cannot help "
    "them. Use the SET fix (set NCP include IP address = <the node's primary IP>) or assign "
    "the virtual IPs as secondary addresses instead."
)


@dataclass(frozen=True)
class Reordering:
    """The corrected script (text and original-encoding bytes) and what was done."""

    text: str
    data: bytes
    diff: str
    moved: tuple[int, ...]
    warnings: tuple[str, ...]
    changed: bool


MAX_LINE_WARNINGS = 20
"""At most this many warnings about single lines; the rest are counted in one more."""


def _capped(warnings: list[str]) -> list[str]:
    """The warnings as shown: the first ``MAX_LINE_WARNINGS``, then how many more."""
    if len(warnings) <= MAX_LINE_WARNINGS:
        return warnings
    more = len(warnings) - MAX_LINE_WARNINGS
    return [*warnings[:MAX_LINE_WARNINGS], f"and {more} more lines like these were not moved"]


def _unchanged(analysis: LoginScriptAnalysis, warnings: list[str]) -> Reordering:
    decoded = analysis.decoded
    shown = [*_capped(warnings), LOGIN_THROUGH_NODE_CAVEAT]
    return Reordering(decoded.text, decoded.encode(decoded.text), "", (), tuple(shown), False)


class _Between:
    """What the lines after a candidate, up to the anchor, do with drive letters.

    Filled from the anchor downwards, one line at a time, so each candidate is checked
    against what lies between it and the anchor without walking those lines again.
    """

    def __init__(self) -> None:
        self.mapped: set[str] = set()
        self.referenced: set[str] = set()
        # The earliest search mappings so far, each with its place in the script.
        self.first_search: tuple[int, RawMapping] | None = None
        self.first_ins: tuple[int, RawMapping] | None = None
        self.first_by_number: dict[int, tuple[int, RawMapping]] = {}  # search number -> earliest

    def add(self, place: int, raw: RawMapping) -> None:
        """Take in one mapping; mappings arrive in reverse script order."""
        if raw.letter:
            self.mapped.add(raw.letter)
        if raw.ref_letter:
            self.referenced.add(raw.ref_letter)
        if raw.search is not None or "INS" in raw.options:
            self.first_search = place, raw
            if "INS" in raw.options:
                self.first_ins = place, raw
            if raw.search is not None:
                self.first_by_number[raw.search] = place, raw

    def dependent(self, raw: RawMapping) -> RawMapping | None:
        """The earliest search mapping that assumes ``raw``'s search drive exists."""
        if "INS" in raw.options:
            return self.first_search[1] if self.first_search is not None else None
        found = [self.first_ins] if self.first_ins is not None else []
        if raw.search is not None:
            found.extend(
                other for number, other in self.first_by_number.items() if number > raw.search
            )
        return min(found, key=lambda item: item[0])[1] if found else None


def _blocker(line: int, own: list[RawMapping], anchor: int, between: _Between) -> str | None:
    """Why moving ``line`` past ``anchor`` would change the script's meaning, if it would."""
    mapped, referenced = between.mapped, between.referenced
    for raw in own:
        if raw.letter and raw.letter in mapped:
            return (
                f"line {line} maps drive {raw.letter}:, which a later line (before line "
                f"{anchor}) maps again; moving it would change which mapping {raw.letter}: keeps"
            )
        if raw.ref_letter and raw.ref_letter in mapped:
            return (
                f"line {line} copies drive {raw.ref_letter}:, which a later line (before line "
                f"{anchor}) maps again; moving it would copy a different mapping"
            )
        if raw.letter and raw.letter in referenced:
            return (
                f"line {line} maps drive {raw.letter}:, which a later line copies "
                f"(MAP x:={raw.letter}:) before line {anchor}"
            )
        if (raw.search is not None and raw.search < 16) or "INS" in raw.options:
            other = between.dependent(raw)
            if other is not None:
                return (
                    f"line {line} maps search drive {raw.drive} and line {other.line} maps "
                    f"{other.drive}, which assumes the earlier search drives already exist; "
                    "moving it would renumber the search drives. Change it by hand: map the "
                    "virtual servers first, or make the node mapping S16: (next free) and put "
                    "it last"
                )
    return None


def _unblocked(
    candidates: list[int], raws: list[RawMapping], by_line: dict[int, list[RawMapping]], anchor: int
) -> tuple[list[int], dict[int, str]]:
    """The candidates that can move below ``anchor``, and why each other one cannot.

    Whether a line can move depends only on the lines after it that stay, so one pass
    from the last candidate up decides every line; linear in the script.
    """
    moving = set(candidates)
    between = _Between()
    pending = [(place, raw) for place, raw in enumerate(raws) if raw.line <= anchor]
    pending.reverse()  # script order backwards: latest line first
    position = 0
    blocked: dict[int, str] = {}
    for number in sorted(candidates, reverse=True):
        while position < len(pending) and pending[position][1].line > number:
            place, raw = pending[position]
            if raw.line not in moving:
                between.add(place, raw)
            position += 1
        reason = _blocker(number, by_line[number], anchor, between)
        if reason is not None:
            moving.discard(number)
            blocked[number] = reason
    return sorted(moving), blocked


def _moved_lines(lines: tuple[SourceLine, ...], moved: list[int], anchor: int) -> list[SourceLine]:
    """The new line order: moved lines (original order) right after the anchor line."""
    moving = set(moved)
    kept = [line for line in lines if line.number not in moving]
    block = [line for line in lines if line.number in moving]
    result: list[SourceLine] = []
    for line in kept:
        if line.number != anchor:
            result.append(line)
            continue
        if line.ending:
            result.append(line)
            result.extend(block)
            continue
        # The anchor was the unterminated last line: it takes the first moved line's
        # ending and the last moved line becomes the unterminated one.
        endings = [item.ending for item in block]
        result.append(SourceLine(line.number, line.text, endings[0]))
        shifted = [*endings[1:], ""]
        result.extend(
            SourceLine(item.number, item.text, ending)
            for item, ending in zip(block, shifted, strict=True)
        )
    return result


def _move_diff(
    lines: tuple[SourceLine, ...], new_lines: list[SourceLine], moved: list[int], anchor: int
) -> str:
    """The unified diff of moving ``moved`` below ``anchor``, built from the move itself.

    The edit is known, so it is not searched for (difflib's matcher is quadratic on a
    long script of repeated lines): the moved lines are deleted where they were and
    inserted after the anchor, in hunks with three lines of context as ``diff -u`` has.
    """
    moving = set(moved)
    opcodes: list[Opcode] = []
    old = new = 0  # positions in the old and the new line lists

    def add(tag: str, old_end: int, new_end: int) -> None:
        nonlocal old, new
        if opcodes and opcodes[-1][0] == tag:
            start = opcodes.pop()
            opcodes.append((tag, start[1], old_end, start[3], new_end))
        else:
            opcodes.append((tag, old, old_end, new, new_end))
        old, new = old_end, new_end

    for index, line in enumerate(lines):
        if line.number in moving:
            add("delete", index + 1, new)
        else:
            add("equal", index + 1, new + 1)
        if line.number == anchor:
            add("insert", old, new + len(moved))
    out = ["--- login-script (original)\n", "+++ login-script (corrected)\n"]
    for group in _hunks(opcodes, 3):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line.text + "\n" for line in lines[i1:i2])
            elif tag == "delete":
                out.extend("-" + line.text + "\n" for line in lines[i1:i2])
            else:
                out.extend("+" + line.text + "\n" for line in new_lines[j1:j2])
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


def reorder_login_script(analysis: LoginScriptAnalysis) -> Reordering:
    """Produce the corrected script with node mappings after the virtual-server ones."""
    # The bulk work builds no cycles: the collector's passes over a large script's
    # objects would cost more than the work (as in the analyzers).
    with paused_gc():
        return _reorder(analysis)


def _reorder(analysis: LoginScriptAnalysis) -> Reordering:
    warnings: list[str] = []
    if analysis.login_order != "node-first":
        if analysis.login_order is None:
            warnings.append("the login order could not be decided, so nothing was moved")
        return _unchanged(analysis, warnings)
    scan = scan_login_script(analysis.decoded, keep_lines=False)
    if len(scan.mappings) != len(analysis.mappings):
        warnings.append("the analysis does not match its script; nothing was moved")
        return _unchanged(analysis, warnings)
    pairs: list[tuple[Mapping, RawMapping]] = list(
        zip(analysis.mappings, scan.mappings, strict=True)
    )
    raws = [raw for _, raw in pairs]
    top_virtual = [
        m.line for m, raw in pairs if m.role == "virtual" and m.form != "del" and not raw.path
    ]
    if not top_virtual:
        if any(m.role == "virtual" for m, _ in pairs):
            warnings.append(
                "every virtual-server mapping is inside an IF block, so users outside those "
                "conditions reach the node first whatever the order; move the node mappings "
                "into the same blocks after the virtual-server mappings by hand, or map a "
                "virtual server unconditionally first"
            )
        else:
            warnings.append(
                "the script maps no virtual server, so there is nothing to map first; the "
                "node connection comes first regardless"
            )
        return _unchanged(analysis, warnings)
    first_virtual, anchor = min(top_virtual), max(top_virtual)
    by_line: dict[int, list[tuple[Mapping, RawMapping]]] = {}
    for mapping, raw in pairs:
        by_line.setdefault(mapping.line, []).append((mapping, raw))
    candidates: list[int] = []
    for number, items in by_line.items():
        if number > first_virtual:
            continue
        nodes: list[Mapping] = []
        for mapping, _ in items:
            if number == first_virtual and mapping.role == "virtual":
                break  # on the first virtual line, only node parts before it matter
            if mapping.role == "node" and mapping.form != "del":
                nodes.append(mapping)
        if not nodes:
            continue
        conditional = [m for m, raw in items if raw.path]
        if conditional:
            warnings.append(
                f"line {number} maps node {nodes[0].server or nodes[0].target} inside "
                f"{conditional[0].condition}; it was not moved — move it by hand below line "
                f"{anchor} (inside its own IF block) so the virtual servers are mapped first"
            )
            continue
        if any(m.role == "virtual" for m, _ in items):
            warnings.append(
                f"line {number} maps both a node and a virtual server (';'-joined); split it by "
                f"hand and put the node part after line {anchor}"
            )
            continue
        candidates.append(number)
    raws_by_line = {number: [raw for _, raw in items] for number, items in by_line.items()}
    moved, blocked = _unblocked(candidates, raws, raws_by_line, anchor)
    warnings.extend(reason + "; it was not moved" for _, reason in sorted(blocked.items()))
    if not moved:
        return _unchanged(analysis, warnings)
    lines = analysis.decoded.lines
    new_lines = _moved_lines(lines, moved, anchor)
    text = "".join(line.text + line.ending for line in new_lines)
    diff = _move_diff(lines, new_lines, moved, anchor)
    shown = [*_capped(warnings), LOGIN_THROUGH_NODE_CAVEAT]
    data = analysis.decoded.encode(text)
    return Reordering(text, data, diff, tuple(moved), tuple(shown), True)
