"""The reorder-login-script fix: map the virtual servers first, the node last.

Provides ``reorder_login_script``: from an analysed login script it moves the
unconditional lines that map a cluster node before the virtual-server mappings
to just after the last top-level virtual-server mapping line, keeping every
other line byte-for-byte (comments, blank lines, casing, IF blocks, each line's
own ending, the original encoding). Where moving would change what the script
does, it leaves the line alone and says what to change by hand.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .login_script import LoginScriptAnalysis, Mapping, RawMapping, scan_login_script
from .text import SourceLine

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


def _unchanged(analysis: LoginScriptAnalysis, warnings: list[str]) -> Reordering:
    lines = analysis.decoded.lines
    text = "".join(line.text + line.ending for line in lines)
    warnings.append(LOGIN_THROUGH_NODE_CAVEAT)
    return Reordering(text, analysis.decoded.encode_lines(lines), "", (), tuple(warnings), False)


def _letters_between(
    raws: list[RawMapping], start: int, end: int, excluded: set[int]
) -> tuple[set[str], set[str], list[RawMapping]]:
    """Drive letters mapped/removed and referenced, and search mappings, on lines (start, end]."""
    mapped: set[str] = set()
    referenced: set[str] = set()
    search: list[RawMapping] = []
    for raw in raws:
        if raw.line <= start or raw.line > end or raw.line in excluded:
            continue
        if raw.letter:
            mapped.add(raw.letter)
        if raw.ref_letter:
            referenced.add(raw.ref_letter)
        if raw.search is not None or "INS" in raw.options:
            search.append(raw)
    return mapped, referenced, search


def _blocker(
    line: int, own: list[RawMapping], raws: list[RawMapping], anchor: int, moving: set[int]
) -> str | None:
    """Why moving ``line`` past ``anchor`` would change the script's meaning, if it would."""
    mapped, referenced, search = _letters_between(raws, line, anchor, moving)
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
            dependent = [
                other
                for other in search
                if "INS" in raw.options
                or "INS" in other.options
                or (
                    other.search is not None
                    and raw.search is not None
                    and other.search > raw.search
                )
            ]
            if dependent:
                other = dependent[0]
                return (
                    f"line {line} maps search drive {raw.drive} and line {other.line} maps "
                    f"{other.drive}, which assumes the earlier search drives already exist; "
                    "moving it would renumber the search drives. Change it by hand: map the "
                    "virtual servers first, or make the node mapping S16: (next free) and put "
                    "it last"
                )
    return None


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


def reorder_login_script(analysis: LoginScriptAnalysis) -> Reordering:
    """Produce the corrected script with node mappings after the virtual-server ones."""
    warnings: list[str] = []
    if analysis.login_order != "node-first":
        if analysis.login_order is None:
            warnings.append("the login order could not be decided, so nothing was moved")
        return _unchanged(analysis, warnings)
    scan = scan_login_script(analysis.decoded)
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
    moving = set(candidates)
    changed = True
    blocked: dict[int, str] = {}
    while changed:
        changed = False
        for number in sorted(moving):
            own = [raw for _, raw in by_line[number]]
            reason = _blocker(number, own, raws, anchor, moving)
            if reason is not None:
                moving.discard(number)
                blocked[number] = reason
                changed = True
    warnings.extend(reason + "; it was not moved" for _, reason in sorted(blocked.items()))
    moved = sorted(moving)
    if not moved:
        return _unchanged(analysis, warnings)
    lines = analysis.decoded.lines
    new_lines = _moved_lines(lines, moved, anchor)
    text = "".join(line.text + line.ending for line in new_lines)
    diff = "".join(
        difflib.unified_diff(
            [line.text + "\n" for line in lines],
            [line.text + "\n" for line in new_lines],
            fromfile="login-script (original)",
            tofile="login-script (corrected)",
        )
    )
    warnings.append(LOGIN_THROUGH_NODE_CAVEAT)
    data = analysis.decoded.encode_lines(new_lines)
    return Reordering(text, data, diff, tuple(moved), tuple(warnings), True)
