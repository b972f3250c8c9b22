"""The reorder-login-script fix: map the virtual servers first, the node last.

Provides ``reorder_login_script``: from an analysed login script it moves the
unconditional lines that map a cluster node before the virtual-server mappings
to just after the last top-level virtual-server mapping line, keeping every
other line byte-for-byte (comments, blank lines, casing, IF blocks, each line's
own ending, the original encoding). Where moving would change what the script
does, it leaves the line alone and says what to change by hand.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import compress, repeat
from operator import attrgetter

from wizard.evidence.text import split_at_ending, texts_and_endings
from wizard.gcpause import paused_gc

from .login_script import (
    _BARE,
    _CODES,
    _WEIGHED,
    MAX_NESTING,
    BlockPath,
    LoginScriptAnalysis,
    Mapping,
    RawMapping,
    _drive_parts,
    _Order,
    _Scanner,
    block_paths,
    decide_order,
    parse_target,
)
from .script_diff import Unit as _Unit
from .script_diff import joined, kept_apart, moves_diff, unified_diff

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
    unavailable: str = ""
    """Why no corrected script can be given although the node is mapped first ("" when
    one is given, or when no reorder applies)."""


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


def _unavailable(analysis: LoginScriptAnalysis, warnings: list[str]) -> Reordering:
    """Node-first, but no corrected script: ``unavailable`` says why, for the fix."""
    result = _unchanged(analysis, warnings)
    reasons = [w for w in _capped(warnings)]
    return replace(result, unavailable="; ".join(reasons) or "no safe reorder exists")


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
            return _remapped(line, raw.letter, anchor)
        if raw.ref_letter and raw.ref_letter in mapped:
            return _recopied(line, raw.ref_letter, anchor)
        if raw.letter and raw.letter in referenced:
            return _copied(line, raw.letter, anchor)
        if (raw.search is not None and raw.search < 16) or "INS" in raw.options:
            other = between.dependent(raw)
            if other is not None:
                return _renumbered(line, raw.drive, other.line, other.drive)
    return None


def _remapped(line: int, letter: str, anchor: int) -> str:
    return (
        f"line {line} maps drive {letter}:, which a later line (before line "
        f"{anchor}) maps again; moving it would change which mapping {letter}: keeps"
    )


def _recopied(line: int, letter: str, anchor: int) -> str:
    return (
        f"line {line} copies drive {letter}:, which a later line (before line "
        f"{anchor}) maps again; moving it would copy a different mapping"
    )


def _copied(line: int, letter: str, anchor: int) -> str:
    return (
        f"line {line} maps drive {letter}:, which a later line copies "
        f"(MAP x:={letter}:) before line {anchor}"
    )


def _renumbered(line: int, drive: str, other_line: int, other_drive: str) -> str:
    return (
        f"line {line} maps search drive {drive} and line {other_line} maps "
        f"{other_drive}, which assumes the earlier search drives already exist; "
        "moving it would renumber the search drives. Change it by hand: map the "
        "virtual servers first, or make the node mapping S16: (next free) and put "
        "it last"
    )


@dataclass(slots=True)
class _Block:
    """An IF block kept whole: its header, its branches, its ELSE and END lines."""

    ident: int
    header: _Unit
    branches: list[list[_Item]]
    else_unit: _Unit | None = None
    end: _Unit | None = None

    def units(self) -> Iterator[_Unit]:
        yield self.header
        for index, branch in enumerate(self.branches):
            if index == 1 and self.else_unit is not None:
                yield self.else_unit
            for item in branch:
                yield from _units(item)
        if self.end is not None:
            yield self.end


_Item = _Unit | _Block


def _units(item: _Item) -> Iterator[_Unit]:
    if isinstance(item, _Unit):
        yield item
    else:
        yield from item.units()


def _flatten(items: list[_Item], out: list[_Unit]) -> list[_Unit]:
    """Every line of ``items`` appended to ``out`` in order (``_units`` of each, without
    a generator per block)."""
    for item in items:
        if isinstance(item, _Unit):
            out.append(item)
            continue
        out.append(item.header)
        for index, branch in enumerate(item.branches):
            if index == 1 and item.else_unit is not None:
                out.append(item.else_unit)
            _flatten(branch, out)
        if item.end is not None:
            out.append(item.end)
    return out


def _first_unit(item: _Item) -> _Unit:
    """The first line of an item (a block's header): ``next(_units(item))``, without the
    generators."""
    return item if isinstance(item, _Unit) else item.header


class _NoSafeReorder(Exception):
    """The script's structure is beyond what is reordered safely (the message says why)."""


def _tree(
    texts: list[str], endings: list[str], infos: dict[int, BlockPath], parts: dict[int, list[int]]
) -> list[_Item]:
    """The script as items: lines, and IF blocks holding their own lines (linear).

    Only the lines that map something or change the block path are looked at one by one;
    the lines between two of them map nothing and stay in one block: they become one unit
    (``span`` lines), which never moves on its own.
    """
    root: list[_Item] = []
    stack: list[tuple[_Block, list[_Item]]] = []
    current = root
    path: BlockPath = ()
    done = 0  # the lines before index ``done`` have their place
    for number in sorted(infos.keys() | parts.keys()):
        start = number - 1
        if start > done:
            current.append(_run(texts, endings, done, start))
        done = number
        unit = _Unit(number, texts[start], endings[start], parts.get(number, []))
        new = infos.get(number, path)
        if new == path:
            current.append(unit)
        elif len(new) == len(path) + 1 and new[:-1] == path and new[-1][1] == 0:
            block = _Block(new[-1][0], unit, [[]])
            current.append(block)
            stack.append((block, current))
            current = block.branches[0]
        elif len(new) + 1 == len(path) and new == path[:-1] and stack:
            block, current = stack.pop()
            block.end = unit
        elif (
            len(new) == len(path) and new[:-1] == path[:-1] and stack
            and new[-1] == (path[-1][0], 1) and path[-1][1] == 0
        ):  # fmt: skip
            block = stack[-1][0]
            block.else_unit = unit
            block.branches.append([])
            current = block.branches[1]
        else:
            raise _NoSafeReorder(
                f"line {number} opens or closes several IF blocks at once; reorder this "
                "script by hand"
            )
        path = new
    if done < len(texts):
        current.append(_run(texts, endings, done, len(texts)))
    return root


def _run(texts: list[str], endings: list[str], start: int, stop: int) -> _Unit:
    """Lines ``start`` to ``stop`` (indices) as one unit that maps nothing."""
    last = stop - 1
    if start == last:
        return _Unit(stop, texts[last], endings[last], [])
    text = "".join(map(str.__add__, texts[start:last], endings[start:last])) + texts[last]
    return _Unit(start + 1, text, endings[last], [], -1, stop - start)


def _expanded(units: list[_Unit], texts: list[str], endings: list[str]) -> list[_Unit]:
    """``units`` with every run of lines (``span``) as one unit per line, for the diff."""
    out: list[_Unit] = []
    for unit in units:
        if unit.span == 1:
            out.append(unit)
            continue
        first = unit.number - 1
        for index in range(first, first + unit.span - 1):
            out.append(_Unit(index + 1, texts[index], endings[index], []))
        last = first + unit.span - 1
        out.append(_Unit(last + 1, texts[last], unit.ending, []))
    return out


class _Reorderer:
    """Applies the safe moves to each sequence of statements, innermost blocks first."""

    def __init__(
        self,
        pairs: list[tuple[Mapping, RawMapping]],
        moved: set[tuple[int, int]],
        problems: list[str],
        fallback_ending: str,
    ) -> None:
        self.pairs = pairs
        self.moved = moved
        self.problems = problems
        self.fallback = fallback_ending
        self.block_parts: dict[int, list[int]] = {}
        """A block's mapping indices, by the block's id: a block is asked for them only
        once its own branches are in their final order (``sequence`` does inner blocks
        first), and every level above asks again."""

    def active(self, index: int) -> bool:
        return self.pairs[index][0].form != "del"

    def role(self, index: int) -> str:
        return self.pairs[index][0].role

    def item_parts(self, item: _Item) -> list[int]:
        if isinstance(item, _Unit):
            return item.parts
        parts = self.block_parts.get(id(item))
        if parts is None:
            parts = [index for unit in _flatten([item], []) for index in unit.parts]
            self.block_parts[id(item)] = parts
        return parts

    def kind(self, item: _Item, level: BlockPath) -> str:
        """V (unconditional virtual), W (conditional virtual, no node), N (unconditional
        node), C (conditional node: an IF block or one-line IF), M (node and virtual on one
        line), X (neither)."""
        pairs = self.pairs
        if isinstance(item, _Unit) and len(item.parts) <= 1:  # most lines: one mapping
            if not item.parts:
                return "X"
            mapping, raw = pairs[item.parts[0]]
            if mapping.form == "del":
                return "X"
            role = mapping.role
            if role == "node":
                return "N" if raw.path == level else "C"
            if role == "virtual":
                return "V" if raw.path == level else "W"
            return "X"
        parts = [i for i in self.item_parts(item) if pairs[i][0].form != "del"]
        if not parts:
            return "X"
        roles = {pairs[i][0].role for i in parts}
        if isinstance(item, _Block):
            if "node" in roles:
                return "C"
            return "W" if "virtual" in roles else "X"
        unconditional = all(self.pairs[i][1].path == level for i in parts)
        if "node" in roles:
            if not unconditional:
                return "C"
            return "N" if "virtual" not in roles else "M"
        if "virtual" in roles:
            return "V" if unconditional else "W"
        return "X"

    def sequence(self, items: list[_Item], level: BlockPath) -> list[_Item]:
        pairs = self.pairs
        plain = True  # lines only, none mapping a node: nothing here splits or moves
        for item in items:
            if isinstance(item, _Block):
                plain = False
                for index, branch in enumerate(item.branches):
                    branch[:] = self.sequence(branch, (*level, (item.ident, index)))
            elif plain:
                for part in item.parts:
                    mapping = pairs[part][0]
                    if mapping.role == "node" and mapping.form != "del":
                        plain = False
                        break
        if plain:
            return items
        items, kinds = self.split(items, level)
        items, kinds = self.virtual_up(items, kinds)
        return self.node_down(items, kinds)

    def split(self, items: list[_Item], level: BlockPath) -> tuple[list[_Item], list[str]]:
        """Each line joining node and virtual-server mappings with ';' becomes one MAP line
        per mapping, in the same order, each with the original line's ending."""
        out: list[_Item] = []
        kinds: list[str] = []
        for item in items:
            kind = self.kind(item, level)
            if not isinstance(item, _Unit) or kind != "M":
                kinds.append(kind)
                if isinstance(item, _Unit) and kind == "C":
                    roles = {self.role(i) for i in item.parts if self.active(i)}
                    if "virtual" in roles:
                        self.problems.append(
                            f"line {item.number} joins a node and a virtual-server mapping "
                            "behind a one-line IF; split it by hand into one IF line per "
                            "mapping, the node's last"
                        )
                out.append(item)
                continue
            pieces = _pieces(item, self.pairs)
            if pieces is None:
                self.problems.append(
                    f"line {item.number} joins a node and a virtual-server mapping with ';' "
                    "in a form that cannot be split safely; split it by hand, the node's "
                    "mapping last"
                )
                out.append(item)
                kinds.append("X")
                continue
            count = len(pieces)
            for k, (text, parts) in enumerate(pieces):
                ending = item.ending if (item.ending or k == count - 1) else self.fallback
                unit = _Unit(item.number, text, ending, parts, k)
                self.moved.add((item.number, k))
                out.append(unit)
                kinds.append(self.kind(unit, level))
        return out, kinds

    def virtual_up(self, items: list[_Item], kinds: list[str]) -> tuple[list[_Item], list[str]]:
        """Unconditional virtual mappings after the first IF block (or one-line IF) that
        maps a node move above that block; the block stays whole."""
        first = next((i for i, kind in enumerate(kinds) if kind == "C"), None)
        if first is None:
            return items, kinds
        ups = [i for i in range(first + 1, len(items)) if kinds[i] == "V"]
        if not ups:
            return items, kinds
        up_set = set(ups)
        passed = [i for i in range(first, ups[-1]) if i not in up_set]
        reason = _conflict(
            [p for i in ups for p in self.item_parts(items[i])],
            [p for i in passed for p in self.item_parts(items[i])],
            self.pairs,
        )
        header = items[first]
        line = header.header.number if isinstance(header, _Block) else header.number
        if reason is not None:
            self.problems.append(
                f"the virtual-server mappings after the IF block on line {line} cannot move "
                f"above it: {reason}. Change it by hand: map the virtual servers before the "
                "block"
            )
            return items, kinds
        for i in ups:
            for unit in _units(items[i]):
                self.moved.add((unit.number, unit.piece))
        order = [*range(first), *ups, *passed, *range(ups[-1] + 1, len(items))]
        return [items[i] for i in order], [kinds[i] for i in order]

    def node_down(self, items: list[_Item], kinds: list[str]) -> list[_Item]:
        """Unconditional node mappings before the last unconditional virtual mapping move
        just below it, unless moving one would change what a drive letter ends up as."""
        if "N" not in kinds:
            return items  # no unconditional node mapping here: nothing moves, nothing to say
        # The last statement that maps a virtual server (an IF block that maps only
        # virtual servers counts: a node mapping may move below it).
        anchor = next((i for i in range(len(items) - 1, -1, -1) if kinds[i] in "VW"), None)
        if anchor is None:
            return items
        anchor_line = _first_unit(items[anchor]).number
        between = _Between()
        moving: list[int] = []
        for i in range(anchor, -1, -1):
            parts = self.item_parts(items[i])
            if kinds[i] == "N":
                own = [self.pairs[p][1] for p in parts]
                unit = _first_unit(items[i])
                reason = _blocker(unit.number, own, anchor_line, between)
                if reason is None:
                    moving.append(i)
                    continue
                self.problems.append(reason + "; it was not moved")
            for p in reversed(parts):
                between.add(p, self.pairs[p][1])
        if not moving:
            return items
        moving.reverse()
        for i in moving:
            for unit in _units(items[i]):
                self.moved.add((unit.number, unit.piece))
        staying = set(moving)
        out: list[_Item] = []
        for i, item in enumerate(items):
            if i in staying:
                continue
            out.append(item)
            if i == anchor:
                out.extend(items[j] for j in moving)
        return out


def _pieces(
    unit: _Unit, pairs: list[tuple[Mapping, RawMapping]]
) -> list[tuple[str, list[int]]] | None:
    """The MAP lines a ``;``-joined line splits into, each with the mappings it makes."""
    text = unit.text
    stripped = text.lstrip()
    indent = text[: len(text) - len(stripped)]
    word, body = stripped[:3], stripped[3:]
    if word.upper() != "MAP" or body[:1] not in (" ", "\t"):
        return None
    scanner = _Scanner()
    remaining = list(unit.parts)
    out: list[tuple[str, list[int]]] = []
    for piece in body.split(";"):
        piece = piece.strip()
        if not piece:
            continue
        made = scanner.map_part(unit.number, piece, None)
        parts: list[int] = []
        if made is not None and made.form:  # a real mapping, not a display-only part
            if not remaining:
                return None
            parts.append(remaining.pop(0))
        out.append((f"{indent}{word} {piece}", parts))
    return out if not remaining else None


def _conflict(
    moving: list[int], passed: list[int], pairs: list[tuple[Mapping, RawMapping]]
) -> str | None:
    """Why mappings ``moving`` cannot change places with ``passed`` (drive letters, search
    drive numbering), or None. Conservative: any shared letter or search drive blocks."""

    def letters(indices: list[int]) -> tuple[set[str], set[str], bool]:
        mapped: set[str] = set()
        referenced: set[str] = set()
        search = False
        for index in indices:
            raw = pairs[index][1]
            if raw.letter:
                mapped.add(raw.letter)
            if raw.search is not None:
                mapped.add(f"S{raw.search}")
            if raw.ref_letter:
                referenced.add(raw.ref_letter)
            if (raw.search is not None and raw.search < 16) or "INS" in raw.options:
                search = True
        return mapped, referenced, search

    moved_letters, moved_refs, moved_search = letters(moving)
    passed_letters, passed_refs, passed_search = letters(passed)
    shared = (moved_letters & passed_letters) | (moved_letters & passed_refs)
    shared |= moved_refs & passed_letters
    if shared:
        drive = sorted(shared)[0]
        return f"drive {drive}: is mapped or copied on both sides, so moving would change it"
    if moved_search and passed_search:
        return "both sides map search drives, so moving would renumber them"
    return None


def reorder_login_script(analysis: LoginScriptAnalysis, diff: bool = True) -> Reordering:
    """Produce the corrected script with node mappings after the virtual-server ones
    (``diff=False``: without its diff, which is then empty)."""
    if analysis.login_order == "node-first" and len(analysis.paths) == len(analysis.mappings):
        # The quick way makes a few lists and sets, whatever the script's size: pausing
        # the collector would cost more than it saves.
        quick = _quick(analysis, diff)
        if quick is not None:
            return quick
    # The bulk work builds no cycles: the collector's passes over a large script's
    # objects would cost more than the work (as in the analyzers).
    with paused_gc():
        return _reorder(analysis, diff)


def _reorder(analysis: LoginScriptAnalysis, with_diff: bool) -> Reordering:
    """``reorder_login_script`` once the quick way has declined: nothing to move, or the
    general way."""
    warnings: list[str] = []
    if analysis.login_order != "node-first":
        if analysis.login_order is None:
            warnings.append("the login order could not be decided, so nothing was moved")
        return _unchanged(analysis, warnings)
    return _general(analysis, with_diff)


def _general(analysis: LoginScriptAnalysis, with_diff: bool = True) -> Reordering:
    """The reorder of a node-first analysis, any shape (the quick way's reference)."""
    warnings: list[str] = []
    if len(analysis.paths) == len(analysis.mappings):
        raws = _raws(analysis)
        changes: list[tuple[int, BlockPath]] | tuple[tuple[int, BlockPath], ...] = (
            analysis.path_changes
        )
    else:  # an analysis built by hand, without its paths: read the script again
        raws, changes = block_paths(analysis.decoded)
    if len(raws) != len(analysis.mappings):
        warnings.append("the analysis does not match its script; nothing was moved")
        return _unavailable(analysis, warnings)
    pairs: list[tuple[Mapping, RawMapping]] = list(zip(analysis.mappings, raws, strict=True))
    if not any(m.role == "virtual" and m.form != "del" for m, _ in pairs):
        warnings.append(
            "the script maps no virtual server, so there is nothing to map first; the "
            "node connection comes first regardless"
        )
        return _unavailable(analysis, warnings)
    infos: dict[int, BlockPath] = {}
    for number, path in changes:
        if len(path) >= MAX_NESTING:
            warnings.append(
                f"IF blocks are nested {MAX_NESTING} deep or more; reorder this script by hand"
            )
            return _unavailable(analysis, warnings)
        infos[number] = path
    by_line: dict[int, list[int]] = {}
    for index, (_, raw) in enumerate(pairs):
        by_line.setdefault(raw.line, []).append(index)
    texts, endings = analysis.decoded.texts_and_endings()
    fallback = next((ending for ending in reversed(endings) if ending), "\n")
    try:
        tree = _tree(texts, endings, infos, by_line)
    except _NoSafeReorder as exc:
        warnings.append(str(exc))
        return _unavailable(analysis, warnings)
    moved: set[tuple[int, int]] = set()
    problems: list[str] = []
    units = _flatten(_Reorderer(pairs, moved, problems, fallback).sequence(tree, ()), [])
    warnings.extend(problems)
    order = [index for unit in units for index in unit.parts]
    again: _Order | None = None
    if not moved or not _settled(pairs, order):
        again = decide_order([pairs[i][0] for i in order], [pairs[i][1].path for i in order], 1, 0)
    refused = _checked(analysis, warnings, bool(moved), again)
    if refused is not None:
        return refused
    _fix_endings(units, endings)
    text = joined(units)
    diff = ""
    if with_diff:
        diff = unified_diff(texts, _expanded(units, texts, endings), moved, "corrected")
    shown = [*_capped(warnings), LOGIN_THROUGH_NODE_CAVEAT]
    data = analysis.decoded.encode(text)
    numbers = tuple(sorted({number for number, _ in moved}))
    return Reordering(text, data, diff, numbers, tuple(shown), True)


def _settled(pairs: list[tuple[Mapping, RawMapping]], order: list[int]) -> bool:
    """True when ``decide_order`` is sure to find the mappings in ``order`` virtual-first:
    no unknown target, every node after every virtual-server mapping (so no node has a
    virtual one after it), and a top-level virtual mapping among them (so it comes before
    every node on every route: no undominated node). False: decide it."""
    roles = [pairs[i][0].role if pairs[i][0].form != "del" else "" for i in order]
    if "unknown" in roles or "node" not in roles or "virtual" not in roles:
        return False
    last_virtual = len(roles) - 1 - roles[::-1].index("virtual")
    if last_virtual > roles.index("node"):
        return False
    paths = [pairs[i][1].path for i, role in zip(order, roles, strict=True) if role == "virtual"]
    return () in paths


def _checked(
    analysis: LoginScriptAnalysis, warnings: list[str], moved: bool, again: _Order | None
) -> Reordering | None:
    """The reorder refused (no safe reorder), or None with ``warnings`` completed.

    ``again`` is the order the mappings give after the moves (None: proven
    virtual-first without deciding it again)."""
    if again is not None:
        if not moved or again.value not in ("virtual-first", None):
            why = again.detail if again.value == "node-first" else ""
            warnings.append(
                "no safe reorder exists: "
                + (f"after every safe move, {why[0].lower()}{why[1:]} " if why else "")
                + "Move that mapping by hand (inside its own IF block, below the virtual-server "
                "mappings), map a virtual server unconditionally before any node, or use the "
                "SET fix instead"
            )
            return _unavailable(analysis, warnings)
        if again.value is None:
            names = ", ".join(
                dict.fromkeys(f"{_label(m)} (line {m.line})" for m in again.unsettled)
            )
            warnings.append(
                f"the roles of {names} are not known; if one of them is a cluster node, move "
                "its mapping below the virtual-server mappings too"
            )
    for line, name in analysis.includes[:5]:
        warnings.append(
            f"line {line} runs the INCLUDEd script {name}: if it maps a cluster node before a "
            "virtual server, reorder it the same way"
        )
    return None


class _DriveLetters(dict[str, tuple[str, int | None]]):
    """The drive letter and search number of a drive as ``LoginScriptAnalysis.raw`` gives
    them (``S1:=G:`` has the letter ""), by the drive as written: a small set (letters,
    search and relative drives), so it is kept, up to a bound."""

    def __missing__(self, drive: str) -> tuple[str, int | None]:
        parts = _drive_parts(drive)
        if len(self) < _MAX_DRIVES:
            self[drive] = parts
        return parts


_MAX_DRIVES = 4096
_DRIVES = _DriveLetters()
_line_of = attrgetter("line")
_form_of = attrgetter("form")
_drive_of = attrgetter("drive")
_options_of = attrgetter("options")
_new_tuple = tuple.__new__
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)


def _raws(analysis: LoginScriptAnalysis) -> list[RawMapping]:
    """``[analysis.raw(i) for i in range(len(analysis.mappings))]`` in one loop: the
    drive letters from the memo by drive, each tuple made without the named tuple's
    Python-level ``__new__``."""
    out: list[RawMapping] = []
    append = out.append
    drives = _DRIVES
    for mapping, path in zip(analysis.mappings, analysis.paths, strict=True):
        drive = mapping.drive
        letter, search = drives[drive]
        form = mapping.form
        target = mapping.target
        ref = ""
        if form == "drive":
            parsed = parse_target(target)
            ref = parsed[3] if parsed is not None else ""
        fields = (
            mapping.line, drive, target, mapping.server, mapping.volume, form,
            mapping.options, mapping.condition, path, letter, ref, search,
        )  # fmt: skip
        append(_new_tuple(RawMapping, fields))
    return out


_ROLE_BYTES = bytes(code & 7 for code in range(256))
"""``bytes.translate`` table: a reading's code to its role digit (1 node, 2 virtual,
3 unknown, 4 other, 5 anything else; 0 for a DEL)."""
_NODE, _VIRTUAL, _UNKNOWN = 1, 2, 3
_NODES = bytes(code & 7 == _NODE for code in range(256))
"""``bytes.translate`` table: 1 for a code of a node mapping (not a DEL), else 0."""
_OTHERS = bytes(code & 7 != _NODE for code in range(256))
_VIRTUALS = bytes(code & 7 == _VIRTUAL for code in range(256))
_UNKNOWNS = bytes(code & 7 == _UNKNOWN for code in range(256))


def _codes(analysis: LoginScriptAnalysis) -> bytes:
    """The reading's code of each mapping (``LoginScriptAnalysis.codes``), made from the
    mappings where the analysis was built without them: only the role digit and
    ``_BARE`` are read here, which ``_code`` gives alike."""
    codes = analysis.codes
    if len(codes) == len(analysis.mappings):
        return codes
    return bytes(map(_CODES.__getitem__, map(_WEIGHED, analysis.mappings)))


def _top_blocks(
    changes: Sequence[tuple[int, BlockPath]], total: int
) -> tuple[list[int], list[int]] | None:
    """The top-level IF blocks (first lines, last lines) of a script of ``total`` lines from
    its block-path changes, or None where a change is not one step (one block opened, one
    closed, one turned to its ELSE branch: what ``_tree`` takes), nests ``MAX_NESTING`` deep
    or the lines are not in order. The steps at the top level, most of a script's, are
    told apart first."""
    firsts: list[int] = []
    lasts: list[int] = []
    path: BlockPath = ()
    previous = 0
    for number, new in changes:
        if number <= previous:
            return None
        previous = number
        if not path:  # at the top level a change can only open a block
            if not new:
                continue
            if len(new) != 1 or new[0][1]:
                return None
            firsts.append(number)
            path = new
            continue
        depth = len(path)
        if not new:  # back at the top level: one block closed
            if depth != 1:
                return None
            lasts.append(number)
            path = new
            continue
        if depth == 1 and len(new) == 1:  # a top-level block turned to its ELSE branch
            if new != path:
                last, now = path[0], new[0]
                if last[1] or now[1] != 1 or now[0] != last[0]:
                    return None
                path = new
            continue
        if new == path:
            continue
        if len(new) >= MAX_NESTING:
            return None
        if len(new) == depth + 1 and new[:-1] == path and new[-1][1] == 0:
            pass
        elif len(new) + 1 == depth and new == path[:-1]:
            pass  # (depth 1 was told above)
        elif not (
            len(new) == depth and new[:-1] == path[:-1]
            and new[-1] == (path[-1][0], 1) and path[-1][1] == 0
        ):  # fmt: skip
            return None
        path = new
    if previous > total:
        return None
    if path:  # the last block is never closed: it runs to the end of the script
        lasts.append(total)
    return firsts, lasts


def _quick(analysis: LoginScriptAnalysis, with_diff: bool) -> Reordering | None:
    """The reorder of the common shape, or None: then the general way gives the result.

    The shape: every node mapping before the statement holding the last virtual-server
    mapping (the anchor) is unconditional (top level, no one-line IF) and alone on its
    line, and there is one. Then no line is split, no virtual mapping moves up, the IF
    blocks up to the anchor (which map no node) and the lines between the mappings stay
    as they are, and what follows the anchor (which maps no virtual server) is inert in
    every step of the general way: the reorder is "move these node lines just below the
    anchor", done on line and mapping indices with the same checks as
    ``_Reorderer.node_down`` and the text built once. The order after the moves is
    decided again only when a cheap check cannot prove it virtual-first.
    """
    mappings = analysis.mappings
    count = len(mappings)
    codes = _codes(analysis)
    roles = codes.translate(_ROLE_BYTES)  # the role digit of each mapping, 0 for a DEL
    last_virtual = roles.rfind(_VIRTUAL)
    if last_virtual < 0:
        return None
    lines = list(map(_line_of, mappings))
    body = analysis.decoded.text
    split = analysis.decoded.split_once  # the analyzer's own split, shared
    texts, ending = split if split is not None else split_at_ending(body)
    endings: list[str] = []
    if ending:  # most scripts: one ending throughout, one split, no list of endings
        unterminated = texts[-1]
        if not unterminated:
            texts = texts[:-1]  # a copy: the shared list is never changed
    else:
        texts, endings = texts_and_endings(body)
        unterminated = texts[-1] if texts and not endings[-1] else ""
    total = len(texts)
    if lines[0] < 1 or lines[-1] > total:
        return None
    one_per_line = all(map(operator.lt, lines, lines[1:]))  # (most scripts)
    if not one_per_line and not all(map(operator.le, lines, lines[1:])):
        return None
    # The top-level IF blocks, the transitions checked as _tree does.
    blocks = _top_blocks(analysis.path_changes, total)
    if blocks is None:
        return None
    firsts, lasts = blocks
    # The anchor: the statement holding the last virtual-server mapping (a line, or the
    # IF block it sits in). What follows it maps no virtual server: nothing there moves
    # or is said.
    anchor = anchor_last = lines[last_virtual]
    opened = bisect_right(firsts, anchor)  # the blocks opened up to the anchor
    if opened and anchor <= lasts[opened - 1]:
        anchor, anchor_last = firsts[opened - 1], lasts[opened - 1]
    anchor_end = bisect_right(lines, anchor_last)
    paths = analysis.paths
    candidates = list(compress(range(anchor_end), codes.translate(_NODES)))
    if not candidates or any(map(paths.__getitem__, candidates)):
        return None  # no node before the anchor, or a conditional one (a one-line IF)
    candidate_lines = list(map(lines.__getitem__, candidates))
    noded = _marked(candidate_lines, anchor_last + 1)  # by line number
    if opened:
        # A block up to the anchor holding a node mapping is beyond this shape: each node
        # mapping in one is a candidate (it lies before the anchor's end), so no block may
        # hold a candidate's line.
        ends = map(_plus_one, lasts[:opened])
        if any(map((-1).__lt__, map(noded.find, repeat(1), firsts[:opened], ends))):
            return None
    if not one_per_line:  # some line makes several mappings: none with a node here
        for index in candidates:
            line = lines[index]
            if (index and lines[index - 1] == line) or (
                index + 1 < count and lines[index + 1] == line
            ):
                return None
    problems: list[str] = []
    if _all_move(mappings, codes, candidates, anchor_end):
        moving = candidates
    else:
        moving = _movable(mappings, lines, candidates, anchor, anchor_end, problems)
        if not moving:
            return None
    warnings = problems
    again: _Order | None = None
    if not _virtual_first(roles, codes, paths, problems, last_virtual, anchor_end):
        staying = set(moving)
        order = [i for i in range(anchor_end) if i not in staying]
        order += moving
        order += range(anchor_end, count)
        again = decide_order([mappings[i] for i in order], [paths[i] for i in order], 1, 0)
    refused = _checked(analysis, warnings, True, again)
    if refused is not None:
        return refused
    moved_lines = candidate_lines
    if moving is not candidates:
        moved_lines = list(map(lines.__getitem__, moving))
        noded = _marked(moved_lines, anchor_last + 1)
    moving_sources = list(map(_minus_one, moved_lines))
    # The lines that stay before the anchor's end (by index), then the moved ones, then
    # the rest.
    staying_mask = noded[1:].translate(_FLIPPED)
    if ending:  # the lines' texts in the new order, joined once
        ordered = list(compress(texts, staying_mask))
        ordered += map(texts.__getitem__, moving_sources)
        ordered += texts[anchor_last:]
        # Every line keeps the one ending but the last of the new text: it has one if
        # the script's last line had one (when the anchor holds that line, the last moved
        # line comes last and the old last line takes its ending: _fix_endings).
        if not unterminated:
            ordered.append("")  # the join ends with the ending (no copy to add it)
        text = ending.join(ordered)
    else:
        pieces = list(map(str.__add__, texts, endings))
        if unterminated and anchor_last == total:
            last_moved = moved_lines[-1] - 1
            pieces[-1] = texts[-1] + endings[last_moved]
            pieces[last_moved] = texts[last_moved]
        ordered = list(compress(pieces, staying_mask))
        ordered += map(pieces.__getitem__, moving_sources)
        ordered += pieces[anchor_last:]
        kept_apart(ordered)
        text = "".join(ordered)
    diff = ""
    if with_diff:
        # The moved lines deleted where they were, inserted after the anchor's last line.
        diff = moves_diff(texts, moving_sources, anchor_last, "corrected")
    shown = [*_capped(warnings), LOGIN_THROUGH_NODE_CAVEAT]
    data = analysis.decoded.encode(text)
    return Reordering(text, data, diff, tuple(moved_lines), tuple(shown), True)


_minus_one = (-1).__add__
_FLIPPED = bytes([1, 0, *range(2, 256)])
"""``bytes.translate`` table: 0 and 1 change places."""


def _marked(numbers: list[int], size: int) -> bytearray:
    """``size`` bytes, 1 at each of ``numbers`` (each below ``size``), 0 elsewhere."""
    marks = bytearray(size)
    for number in numbers:
        marks[number] = 1
    return marks


_plus_one = (1).__add__


def _all_move(
    mappings: tuple[Mapping, ...], codes: bytes, candidates: list[int], anchor_end: int
) -> bool:
    """True when every candidate (the node mappings before ``anchor_end``) is sure to pass
    ``_movable``'s checks, proven with sets once instead of per candidate.

    When every later candidate moves, what lies between a candidate and the anchor is the
    other mappings after it (not a node's); so it is enough that no candidate's drive
    letter is mapped or copied by any of the others after the first candidate, no
    candidate copies a letter one of them maps, and none of them maps a search drive or
    inserts one (then no candidate's search drive has one that assumes it)."""
    low = candidates[0] + 1
    others = list(compress(mappings[low:anchor_end], codes[low:anchor_end].translate(_OTHERS)))
    if not others:
        return True
    drives = _DRIVES
    mapped: set[str] = set()
    copies = False
    for drive, form, options in set(map(_drive_form_options, others)):  # a few
        letter, search = drives[drive]
        if search is not None or "INS" in options:
            return False
        mapped.add(letter)
        copies = copies or form == "drive"
    moved = list(map(mappings.__getitem__, candidates))
    letters = {drives[drive][0] for drive in set(map(_drive_of, moved))}
    letters.discard("")
    if not letters.isdisjoint(mapped):
        return False
    if copies and not letters.isdisjoint(_copied_letters(others)):
        return False
    if "drive" in set(map(_form_of, moved)):
        return _copied_letters(moved).isdisjoint(mapped)
    return True


_drive_form_options = attrgetter("drive", "form", "options")


def _copied_letters(mappings: list[Mapping]) -> set[str]:
    """The letters the drive copies among ``mappings`` copy (``MAP K:=G:``: G)."""
    copied: set[str] = set()
    for mapping in mappings:
        if mapping.form == "drive":
            parsed = parse_target(mapping.target)
            if parsed is not None and parsed[3]:
                copied.add(parsed[3])
    return copied


def _movable(
    mappings: tuple[Mapping, ...],
    lines: list[int],
    candidates: list[int],
    anchor: int,
    anchor_end: int,
    problems: list[str],
) -> list[int]:
    """The candidates that move below the anchor, in order, each checked against what lies
    between it and the anchor (as ``_Between``, kept per mapping index); why each of the
    others stays is added to ``problems``."""
    count = len(mappings)
    forms = list(map(_form_of, mappings))
    drives: list[tuple[str, int | None]] = list(map(_DRIVES.__getitem__, map(_drive_of, mappings)))
    letters: list[str] = list(map(_first, drives))
    searches: list[int | None] = list(map(_second, drives))
    refs: list[str] = []
    if "drive" in forms:
        refs = [""] * count
        for index in compress(range(count), map("drive".__eq__, forms)):
            parsed = parse_target(mappings[index].target)
            refs[index] = parsed[3] if parsed is not None else ""
    ins = list(map(operator.contains, map(_options_of, mappings), repeat("INS")))
    searching = list(
        compress(
            range(anchor_end),
            map(operator.or_, map(operator.is_not, searches, repeat(None)), ins),
        )
    )
    waiting = len(searching)
    mapped: set[str] = set()
    referenced: set[str] = set()
    first_search = first_ins = -1
    first_by_number: dict[int, int] = {}
    moving: list[int] = []
    high = anchor_end  # the mappings from ``high`` to the anchor's end are taken in
    for index in reversed(candidates):
        low = index + 1
        if low < high:
            mapped.update(letters[low:high])
            if refs:
                referenced.update(refs[low:high])
            while waiting and searching[waiting - 1] >= low:
                waiting -= 1
                other = searching[waiting]
                if other >= high:  # a node mapping that moves: not in between
                    continue
                first_search = other
                if ins[other]:
                    first_ins = other
                drive_number = searches[other]
                if drive_number is not None:
                    first_by_number[drive_number] = other
        line = lines[index]
        letter = letters[index]
        reason: str | None = None
        if letter and letter in mapped:
            reason = _remapped(line, letter, anchor)
        elif refs and refs[index] and refs[index] in mapped:
            reason = _recopied(line, refs[index], anchor)
        elif letter and letter in referenced:
            reason = _copied(line, letter, anchor)
        else:
            search = searches[index]
            if (search is not None and search < 16) or ins[index]:
                if ins[index]:
                    other = first_search
                else:
                    found = [first_ins] if first_ins >= 0 else []
                    if search is not None:
                        found.extend(o for n, o in first_by_number.items() if n > search)
                    other = min(found) if found else -1
                if other >= 0:
                    reason = _renumbered(
                        line, mappings[index].drive, lines[other], mappings[other].drive
                    )
        if reason is None:
            moving.append(index)
            high = index
        else:
            problems.append(reason + "; it was not moved")
            high = low
    moving.reverse()
    return moving


def _virtual_first(
    roles: bytes,
    codes: bytes,
    paths: tuple[BlockPath, ...],
    problems: list[str],
    last_virtual: int,
    anchor_end: int,
) -> bool:
    """True when ``decide_order`` is sure to find the quick reorder's new order
    virtual-first; False when it cannot be told so cheaply (then it is decided).

    The new order: the mappings before the anchor's end but the moved ones, the moved
    ones, the rest. With no node left unmoved (no problem), every node comes after every
    virtual-server mapping, and all are unconditional: no node can come before a virtual
    one, and a top-level virtual mapping dominates every node. An unknown target after
    the last virtual mapping decides nothing as long as no later one may be a virtual
    server and, unless it is a bare volume (never a virtual server), no node or unknown
    comes before it: so every unknown but a bare volume must be the first unknown and sit
    before the moved nodes (inside the anchor).
    """
    if problems or () not in compress(paths, roles.translate(_VIRTUALS)):
        return False
    if _UNKNOWN in roles:
        unknowns = list(compress(range(len(roles)), roles.translate(_UNKNOWNS)))
        if unknowns[0] <= last_virtual:
            return False
        for rank, index in enumerate(unknowns):
            if not codes[index] & _BARE and (rank or index >= anchor_end):
                return False
    return True


def _label(mapping: Mapping) -> str:
    if mapping.server:
        return mapping.server
    if mapping.volume:
        return f"{mapping.volume}: on the default server"
    return mapping.target.strip()


def _fix_endings(units: list[_Unit], endings: list[str]) -> None:
    """An unterminated last line that moved up takes the ending of the line now last,
    which gives its own up, unless that line is empty: without its ending an empty last
    line would be lost, so it keeps it (the new text then ends with a line ending)."""
    if not units or not endings or endings[-1]:
        return
    open_index = next((i for i, unit in enumerate(units) if not unit.ending), None)
    if open_index is None or open_index == len(units) - 1:
        return
    last = units[-1]
    units[open_index].ending = last.ending
    if last.text[-1:] not in ("", "\n", "\r"):  # the last line has text of its own
        last.ending = ""
