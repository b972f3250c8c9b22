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
from dataclasses import dataclass, replace

from wizard.gcpause import paused_gc

from .login_script import (
    MAX_NESTING,
    BlockPath,
    LoginScriptAnalysis,
    Mapping,
    RawMapping,
    _Scanner,
    block_paths,
    decide_order,
)
from .script_diff import Unit as _Unit
from .script_diff import joined, unified_diff

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
    # The bulk work builds no cycles: the collector's passes over a large script's
    # objects would cost more than the work (as in the analyzers).
    with paused_gc():
        return _reorder(analysis, diff)


def _reorder(analysis: LoginScriptAnalysis, with_diff: bool = True) -> Reordering:
    warnings: list[str] = []
    if analysis.login_order != "node-first":
        if analysis.login_order is None:
            warnings.append("the login order could not be decided, so nothing was moved")
        return _unchanged(analysis, warnings)
    if len(analysis.paths) == len(analysis.mappings):
        raws = [analysis.raw(index) for index in range(len(analysis.mappings))]
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
    again = decide_order([pairs[i][0] for i in order], [pairs[i][1].path for i in order], 1, 0)
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
        names = ", ".join(dict.fromkeys(f"{_label(m)} (line {m.line})" for m in again.unsettled))
        warnings.append(
            f"the roles of {names} are not known; if one of them is a cluster node, move its "
            "mapping below the virtual-server mappings too"
        )
    for line, name in analysis.includes[:5]:
        warnings.append(
            f"line {line} runs the INCLUDEd script {name}: if it maps a cluster node before a "
            "virtual server, reorder it the same way"
        )
    _fix_endings(units, endings)
    text = joined(units)
    diff = ""
    if with_diff:
        diff = unified_diff(texts, _expanded(units, texts, endings), moved, "corrected")
    shown = [*_capped(warnings), LOGIN_THROUGH_NODE_CAVEAT]
    data = analysis.decoded.encode(text)
    numbers = tuple(sorted({number for number, _ in moved}))
    return Reordering(text, data, diff, numbers, tuple(shown), True)


def _label(mapping: Mapping) -> str:
    if mapping.server:
        return mapping.server
    if mapping.volume:
        return f"{mapping.volume}: on the default server"
    return mapping.target.strip()


def _fix_endings(units: list[_Unit], endings: list[str]) -> None:
    """An unterminated last line that moved up takes the ending of the line now last."""
    if not units or not endings or endings[-1]:
        return
    open_index = next((i for i, unit in enumerate(units) if not unit.ending), None)
    if open_index is None or open_index == len(units) - 1:
        return
    last = units[-1]
    units[open_index].ending, last.ending = last.ending, ""
