"""Provides safe YAML reading that keeps the line of every value.

Packs are read with PyYAML's *composer* only: no object is ever constructed
from a tag, aliases are refused (so alias bombs cannot expand), and every
mapping key and value keeps its source line so each later error can say
``FILE:LINE: message``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from wizard.kb.problems import Problem

MAX_PACK_BYTES = 5 * 1024 * 1024
"""Larger pack files are refused outright: no real pack comes near this."""

MAX_DEPTH = 40
"""Deeper nesting than any pack needs; refusing it bounds recursion."""

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"


@dataclass
class Located:
    """Plain Python data read from YAML, with the line of every path in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    """Source text of plain scalars that YAML resolved to bool/int/float/null,
    so ``yes`` can still be read as the string "yes" where a string is meant."""

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


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

    def build(self, events: Any) -> None:
        # Each open container: [value, path, pending key for mappings, key line].
        stack: list[list[Any]] = []
        lines = self.out.lines
        raw = self.out.raw
        problem = self.problem
        documents = 0
        for event in events:
            what = _EVENTS.get(event.__class__)
            if what is None:
                continue
            # The line is worked out only where it is kept: keys, list items, containers.
            value: Any
            if what is _SCALAR:
                text = event.value
                top = stack[-1] if stack else None
                if top is not None and top[2] is None and top[0].__class__ is dict:
                    # This scalar is a mapping key.
                    line = _line(event)
                    if text in top[0]:
                        first = lines.get((*top[1], text), line)
                        problem(line, f"duplicate key '{text}' (first defined on line {first})")
                        top[2], top[3] = _DUPLICATE, line
                    else:
                        top[2], top[3] = text, line
                    continue
                tag = event.tag
                if tag is not None and tag != "!" and not tag.startswith(_CORE):
                    problem(_line(event), f"tag {tag} is not allowed in packs")
                    value = None
                elif not event.implicit[0] or event.style or tag == _STR or tag == "!":
                    value = text
                else:
                    if tag is None:
                        kind, value = self._plain(text)
                    else:
                        kind = tag[len(_CORE) :]
                        value = _typed(kind, text)
                    if kind != "str":
                        if top is None:
                            raw[()] = text
                        elif top[0].__class__ is list:
                            raw[(*top[1], len(top[0]))] = text
                        else:
                            raw[(*top[1], top[2])] = text
            elif what is _START:
                line = _line(event)
                mapping = event.__class__ is yaml.MappingStartEvent
                if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                    problem(line, f"tag {event.tag} is not allowed in packs")
                if len(stack) >= MAX_DEPTH:
                    problem(line, f"nesting deeper than {MAX_DEPTH} levels")
                    return
                if not stack:
                    path: Path = ()
                else:
                    top = stack[-1]
                    if top[0].__class__ is list:
                        path = (*top[1], len(top[0]))
                    elif top[2] is None:
                        problem(line, "mapping keys must be plain names")
                        return  # a mapping or sequence used as a key
                    else:
                        path = (*top[1], top[2])
                lines.setdefault(path, line)
                stack.append([{} if mapping else [], path, None, 0])
                continue
            elif what is _END:
                value = stack.pop()[0]
                if not stack:
                    self.out.data = value
                    continue
                top = stack[-1]
                if top[0].__class__ is list:
                    # Its line was kept when it started.
                    top[0].append(value)
                    continue
            elif what is _ALIAS:
                problem(
                    _line(event),
                    "YAML aliases (*name) are not allowed in packs; write the value out",
                )
                value = None
            else:  # document start
                documents += 1
                if documents > 1:
                    problem(_line(event), "a pack is one YAML document; remove the extra '---'")
                    return
                continue
            # Place the finished value in its container.
            if not stack:
                self.out.data = value
                continue
            top = stack[-1]
            container = top[0]
            if container.__class__ is list:
                lines.setdefault((*top[1], len(container)), _line(event))
                container.append(value)
                continue
            key = top[2]
            top[2] = None
            if key is _DUPLICATE:
                continue
            container[key] = value
            lines[(*top[1], key)] = top[3]


def _line(event: Any) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark else 1


_DUPLICATE = object()
_SCALAR, _START, _END, _ALIAS, _DOCUMENT = (object() for _ in range(5))
_EVENTS: dict[type, object] = {
    yaml.ScalarEvent: _SCALAR,
    yaml.MappingStartEvent: _START,
    yaml.SequenceStartEvent: _START,
    yaml.MappingEndEvent: _END,
    yaml.SequenceEndEvent: _END,
    yaml.AliasEvent: _ALIAS,
    yaml.DocumentStartEvent: _DOCUMENT,
}
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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a pack is read and checked.

    Reading builds hundreds of thousands of small, acyclic objects; every one
    counts towards the collector's thresholds, and its full passes over the
    growing heap cost more than the reading itself on large packs. Nothing
    here makes cycles, so nothing is lost by collecting afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        with paused_gc():
            reader.build(yaml.parse(text, Loader=_Loader))
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
