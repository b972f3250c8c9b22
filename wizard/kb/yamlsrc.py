"""Provides safe YAML reading that keeps the line of every value.

Packs are read with PyYAML's *composer* only: no object is ever constructed
from a tag, aliases are refused (so alias bombs cannot expand), and every
mapping key and value keeps its source line so each later error can say
``FILE:LINE: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from wizard.gcpause import paused_gc
from wizard.kb.problems import Problem

MAX_PACK_BYTES = 5 * 1024 * 1024
"""Larger pack files are refused outright: no real pack comes near this."""

MAX_DEPTH = 40
"""Deeper nesting than any pack needs; refusing it bounds recursion."""

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"

LineTable = dict[str, int] | list[int]
"""The line of every key of a mapping, or of every item of a list."""


@dataclass
class Located:
    """Plain Python data read from YAML, with the line of every key and list item in it.

    Lines are kept per container (``tables``, keyed by the container's ``id``:
    the containers live as long as ``data``), not per path, so reading costs
    one small store per value instead of a path tuple and a dict entry.
    """

    data: Any
    tables: dict[int, LineTable] = field(default_factory=dict)
    root_line: int = 1
    raw: dict[tuple[int, str | int], str] = field(default_factory=dict)
    """Source text of plain scalars that YAML resolved to bool/int/float/null, by
    (``id`` of their container, key or index), so ``yes`` can still be read as the
    string "yes" where a string is meant."""

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        line = self.root_line
        value = self.data
        for part in path:
            table = self.tables.get(id(value))
            if table is None:
                break
            if isinstance(table, dict):
                if not isinstance(part, str) or part not in table:
                    break
                line = table[part]
            elif isinstance(part, int) and 0 <= part < len(table):
                line = table[part]
            else:
                break
            value = value[part]
        return line

    def key_lines(self, mapping: dict[str, Any]) -> dict[str, int]:
        """The line of every key of ``mapping`` (a mapping of ``data``)."""
        return cast(dict[str, int], self.tables[id(mapping)])

    def item_lines(self, items: list[Any]) -> list[int]:
        """The line of every item of ``items`` (a list of ``data``)."""
        return cast(list[int], self.tables[id(items)])

    def raw_text(self, container: dict[str, Any] | list[Any], key: str | int) -> str | None:
        """The source text of ``container[key]`` when YAML resolved it to a non-string."""
        return self.raw.get((id(container), key))


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (much faster), else the pure-Python one."""


class _Reader:
    """Builds plain data straight from the parser's event stream.

    Working on events (not composed nodes) keeps the line of every alias,
    needs no recursion however deep the input nests, and never constructs
    an object from a tag. The loop is written flat (one dispatch on the
    event's class, locals for everything) because it runs once per event.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.out = Located(None)
        self._resolver = yaml.resolver.Resolver()
        self._resolved: dict[str, tuple[str, Any]] = {}
        implicit = type(self._resolver).yaml_implicit_resolvers
        # Plain scalars whose first character no implicit resolver looks at are strings.
        self._may_resolve: frozenset[str] | None = (
            None if None in implicit else frozenset(k for k in implicit if k is not None)
        )

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message))

    def _plain(self, text: str) -> tuple[str, Any]:
        """The kind ("str", "int", ...) an untagged plain scalar resolves to, and its value."""
        found = self._resolved.get(text)
        if found is None:
            resolved: str = self._resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, text, (True, False)
            )
            kind = resolved[len(_CORE) :] if resolved.startswith(_CORE) else "str"
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
        tables = out.tables
        raw = out.raw
        problem = self.problem
        may_resolve = self._may_resolve
        get_event = parser.get_event
        scalar_event, end_event = yaml.ScalarEvent, yaml.StreamEndEvent
        documents = 0
        while True:
            event = get_event()
            cls = event.__class__
            value: Any
            if cls is scalar_event:
                text = event.value
                if is_map and key is None:
                    # This scalar is a mapping key.
                    mark = event.start_mark
                    key_line = mark.line + 1 if mark else 1
                    if text in current:
                        first = table.get(text, key_line)
                        problem(key_line, f"duplicate key '{text}' (first defined on line {first})")
                        key = _DUPLICATE
                    else:
                        key = text
                    continue
                tag = event.tag
                if tag is None and event.implicit[0] and not event.style:
                    # An untagged plain scalar: words no resolver looks at are text.
                    if may_resolve is not None and text[:1] not in may_resolve:
                        value, kind = text, "str"
                    else:
                        kind, value = self._plain(text)
                elif tag is not None and tag != "!" and not tag.startswith(_CORE):
                    problem(_line(event), f"tag {tag} is not allowed in packs")
                    value, kind = None, "str"
                elif not event.implicit[0] or event.style or tag == _STR or tag == "!":
                    value, kind = text, "str"
                else:
                    kind = tag[len(_CORE) :]
                    value = _typed(kind, text)
                if kind != "str" and current is not None:
                    raw[(id(current), key if is_map else len(current))] = text
            elif cls in _STARTS:
                line = _line(event)
                mapping = cls is yaml.MappingStartEvent
                if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                    problem(line, f"tag {event.tag} is not allowed in packs")
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
                current = {} if mapping else []
                table = {} if mapping else []
                tables[id(current)] = table
                is_map, key = mapping, None
                continue
            elif cls in _ENDS:
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
                    "YAML aliases (*name) are not allowed in packs; write the value out",
                )
                value = None
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problem(_line(event), "a pack is one YAML document; remove the extra '---'")
                    return
                continue
            elif cls is end_event or event is None:
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
                if key is not _DUPLICATE:
                    current[key] = value
                    table[key] = key_line
                key = None


def _line(event: Any) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark else 1


_DUPLICATE = object()
_STARTS = frozenset({yaml.MappingStartEvent, yaml.SequenceStartEvent})
_ENDS = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})
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


def read_yaml(data: bytes, filename: str) -> tuple[Located, list[Problem]]:
    """Read ``data`` as one YAML document; never raises, returns every problem."""
    reader = _Reader(filename)
    if len(data) > MAX_PACK_BYTES:
        reader.problem(1, f"file is {len(data)} bytes; packs are limited to {MAX_PACK_BYTES} bytes")
        return reader.out, reader.problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reader.problem(
            line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the pack as UTF-8"
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
