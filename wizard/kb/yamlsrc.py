"""Provides safe YAML reading that keeps the line of every value.

Packs are read from PyYAML's parser events only: no object is ever constructed
from a tag, aliases are refused (so alias bombs cannot expand), and every
mapping key and value keeps its source line so each later error can say
``FILE:LINE: message``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from wizard.gcpause import paused_gc
from wizard.kb.packfile import MAX_PACK_BYTES
from wizard.kb.problems import Problem

MAX_DEPTH = 40
"""Deeper nesting than any pack needs; refusing it bounds recursion."""

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"


class LinedMap(dict[str, Any]):
    """A mapping read from YAML, carrying the line of each key: ``lines``, in key order.

    The lines travel with the container (not in a table keyed by ``id`` as large
    as the pack, whose lookups miss the CPU caches on big packs), and as a list
    (half the memory of a dict, no hashing): most are never read, and those that
    are, are read in order or from mappings of a few keys.
    """

    __slots__ = ("lines",)
    lines: list[int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, which must be in the mapping."""
        for name, line in zip(self, self.lines, strict=True):
            if name == key:
                return line
        raise KeyError(key)


class LinedList(list[Any]):
    """A list read from YAML, carrying the line of each of its items."""

    __slots__ = ("lines",)
    lines: list[int]


@dataclass
class Located:
    """Plain data read from YAML: every mapping is a ``LinedMap``, every list a ``LinedList``."""

    data: Any
    root_line: int = 1
    raw: dict[tuple[int, str | int], str] = field(default_factory=dict)
    """Source text of plain scalars that YAML resolved to bool/int/float/null, by
    (``id`` of their container, key or index), so ``yes`` can still be read as the
    string "yes" where a string is meant."""
    dropped: list[Any] = field(default_factory=list)
    """Values of duplicate keys: not part of ``data``, but kept alive so that no later
    container can be given the ``id`` of one of them and so inherit its ``raw`` texts."""

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        line = self.root_line
        value = self.data
        for part in path:
            if isinstance(value, LinedMap):
                if not isinstance(part, str) or part not in value:
                    break
                line = value.line_of(part)
            elif isinstance(value, LinedList) and isinstance(part, int) and 0 <= part < len(value):
                line = value.lines[part]
            else:
                break
            value = value[part]
        return line

    def raw_text(self, container: dict[str, Any] | list[Any], key: str | int) -> str | None:
        """The source text of ``container[key]`` when YAML resolved it to a non-string."""
        return self.raw.get((id(container), key))


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (much faster), else the pure-Python one."""


class _Reader:
    """Builds plain data straight from the parser's event stream.

    Working on events (not composed nodes) keeps the line of every alias,
    needs no recursion however deep the input nests, and never constructs
    an object from a tag. (PyYAML's C composer is no faster: it runs the
    pure-Python resolver on every scalar, and it recurses in C.) The loop is
    written flat, one identity test per event class and locals for
    everything, because it runs once per event: some 20 times per pack node.
    """

    def __init__(self, filename: str, kind: str = "pack") -> None:
        self.filename = filename
        self.kind = kind
        """What the file is, as messages name it ("pack", "answers file")."""
        self.problems: list[Problem] = []
        self.out = Located(None)
        self._resolved: dict[str, tuple[str, Any]] = {}
        self._implicit, self._wildcard = _implicit_kinds()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message))

    def _plain(self, text: str) -> tuple[str, Any]:
        """The kind ("str", "int", ...) an untagged plain scalar resolves to, and its value."""
        patterns = self._implicit.get(text[:1], self._wildcard)
        kind = next((kind for kind, pattern in patterns if pattern.match(text)), "str")
        found = self._resolved[text] = (kind, _typed(kind, text))
        return found

    def build(self, parser: Any) -> None:
        """Consume ``parser``'s events (``get_event`` until the stream ends)."""
        # The open container is kept in locals (the rest on ``stack``): its value,
        # whether it is a mapping, its line table, and for mappings the pending
        # key and that key's line.
        stack: list[tuple[Any, bool, Any, Any, int]] = []
        current: Any = None
        is_map = False
        table: Any = None
        key: Any = None
        key_line = 0
        out = self.out
        raw = out.raw
        problem = self.problem
        # Plain scalars whose first character no implicit resolver looks at are text.
        may_resolve = None if self._wildcard else frozenset(self._implicit)
        resolved = self._resolved
        # One string per distinct key (a pack repeats a few dozen keys thousands of
        # times): the data holds less, and stays in the CPU caches.
        keys: dict[str, str] = {}
        same_key = keys.setdefault
        get_event = parser.get_event
        scalar_event = yaml.ScalarEvent
        map_start, map_end = yaml.MappingStartEvent, yaml.MappingEndEvent
        seq_start, seq_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        documents = 0
        while True:
            event = get_event()
            cls = type(event)
            value: Any
            if cls is scalar_event:
                text = event.value
                if key is None and is_map:
                    # This scalar is a mapping key.
                    key_line = event.start_mark.line + 1
                    if text in current:
                        first = current.line_of(text)
                        problem(key_line, f"duplicate key '{text}' (first defined on line {first})")
                        key = _DUPLICATE
                    else:
                        key = same_key(text, text)
                    continue
                tag = event.tag
                if tag is None and not event.style and event.implicit[0]:
                    # An untagged plain scalar: words no resolver looks at are text.
                    if may_resolve is not None and text and text[0] not in may_resolve:
                        value = text
                    else:
                        kind, value = resolved.get(text) or self._plain(text)
                        if kind != "str" and current is not None:
                            raw[(id(current), key if is_map else len(current))] = text
                elif tag is not None and tag != "!" and not tag.startswith(_CORE):
                    problem(event.start_mark.line + 1, f"tag {tag} is not allowed in {self.kind}s")
                    value = None
                elif not event.implicit[0] or event.style or tag == _STR or tag == "!":
                    value = text
                else:
                    kind = tag[len(_CORE) :]
                    value = _typed(kind, text)
                    if current is not None:
                        raw[(id(current), key if is_map else len(current))] = text
                # Place the scalar in its container.
                if is_map:
                    if key is not _DUPLICATE:
                        current[key] = value
                        table.append(key_line)
                    key = None
                elif current is not None:
                    table.append(event.start_mark.line + 1)
                    current.append(value)
                else:
                    out.data = value
                continue
            if cls is map_start or cls is seq_start:
                line = event.start_mark.line + 1
                mapping = cls is map_start
                if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                    problem(line, f"tag {event.tag} is not allowed in {self.kind}s")
                if len(stack) >= MAX_DEPTH:
                    problem(line, f"nesting deeper than {MAX_DEPTH} levels")
                    return
                if current is None:
                    out.root_line = line
                elif not is_map:
                    table.append(line)
                elif key is None:
                    problem(line, "mapping keys must be plain names")
                    return  # a mapping or sequence used as a key
                stack.append((current, is_map, table, key, key_line))
                current = LinedMap() if mapping else LinedList()
                table = current.lines = []
                is_map, key = mapping, None
                continue
            if cls is map_end or cls is seq_end:
                value = current
                current, is_map, table, key, key_line = stack.pop()
                if current is None:
                    out.data = value
                    continue
                if not is_map:
                    # Its line was kept when it started.
                    current.append(value)
                    continue
            elif cls is yaml.AliasEvent:
                problem(
                    _line(event),
                    f"YAML aliases (*name) are not allowed in {self.kind}s; write the value out",
                )
                value = None
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problem(
                        _line(event), f"a {self.kind} is one YAML document; remove the extra '---'"
                    )
                    return
                continue
            elif cls is yaml.StreamEndEvent or event is None:
                return
            else:
                continue
            # Place the finished value in its container.
            if current is None:
                out.data = value
            elif not is_map:
                table.append(_line(event))
                current.append(value)
            else:
                if key is _DUPLICATE:
                    out.dropped.append(value)
                else:
                    if key is None and None in current:
                        # An alias used as a key, again: it replaces the first.
                        table[list(current).index(None)] = key_line
                    else:
                        table.append(key_line)
                    current[key] = value
                key = None


def _line(event: Any) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark else 1


_DUPLICATE = object()


_Kinds = tuple[tuple[str, re.Pattern[str]], ...]


def _implicit_kinds() -> tuple[dict[str, _Kinds], _Kinds]:
    """PyYAML's implicit resolvers as (kind, pattern) pairs, in the order its resolver
    tries them: per first character of a plain scalar, and those tried on any."""
    implicit = yaml.resolver.Resolver.yaml_implicit_resolvers

    def kinds(resolvers: list[tuple[str, re.Pattern[str]]]) -> _Kinds:
        return tuple((t[len(_CORE) :] if t.startswith(_CORE) else "str", p) for t, p in resolvers)

    wildcard = implicit.get(None, [])
    per_first = {k: kinds(v + wildcard) for k, v in implicit.items() if k is not None}
    return per_first, kinds(wildcard)


_STR = _CORE + "str"
_MAP = _CORE + "map"
_SEQ = _CORE + "seq"


def _typed(kind: str, text: str) -> Any:
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() in ("yes", "true", "on", "y")
    if kind in ("int", "float"):
        try:
            return int(text.replace("_", ""), 0) if kind == "int" else float(text.replace("_", ""))
        except ValueError:
            return text
    return text  # timestamps and the like stay text


def read_yaml(
    data: bytes, filename: str, kind: str = "pack", limit: int | None = None
) -> tuple[Located, list[Problem]]:
    """Read ``data`` as one YAML document; never raises, returns every problem.

    ``kind`` names the file in messages ("pack", "answers file"); ``limit`` bounds its
    size (default ``MAX_PACK_BYTES``).
    """
    reader = _Reader(filename, kind)
    if limit is None:
        limit = MAX_PACK_BYTES
    if len(data) > limit:
        reader.problem(1, f"file is {len(data)} bytes; {kind}s are limited to {limit} bytes")
        return reader.out, reader.problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reader.problem(
            line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the {kind} as UTF-8"
        )
        return reader.out, reader.problems
    try:
        parser = _Loader(text)
        try:
            with paused_gc():
                reader.build(parser)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark is not None and exc.problem_mark is not None:
            what += f" ({exc.context} on line {exc.context_mark.line + 1})"
        reader.problem(line, f"YAML syntax error: {what}")
    except yaml.YAMLError as exc:
        reader.problem(1, f"YAML error: {' '.join(str(exc).split())}")
    if reader.out.data is None and not reader.problems:
        reader.problem(1, "the file is empty")
    return reader.out, reader.problems
