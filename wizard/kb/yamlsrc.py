"""Provides safe YAML reading that keeps the line of every value.

Packs are read with PyYAML's *composer* only: no object is ever constructed
from a tag, aliases are refused (so alias bombs cannot expand), and every
mapping key and value keeps its source line so each later error can say
``FILE:LINE: message``.
"""

from __future__ import annotations

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
    an object from a tag.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.out = Located(None)
        self._resolver = yaml.resolver.Resolver()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message))

    def build(self, events: Any) -> None:
        # Each open container: (value, path, pending key for mappings, key line).
        stack: list[list[Any]] = []
        documents = 0
        for event in events:
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problem(line, "a pack is one YAML document; remove the extra '---'")
                    return
                continue
            if isinstance(event, yaml.AliasEvent):
                self.problem(
                    line, "YAML aliases (*name) are not allowed in packs; write the value out"
                )
                value: Any = None
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                mapping = isinstance(event, yaml.MappingStartEvent)
                expected = _CORE + ("map" if mapping else "seq")
                if event.tag not in (None, "!", expected):
                    self.problem(line, f"tag {event.tag} is not allowed in packs")
                if len(stack) >= MAX_DEPTH:
                    self.problem(line, f"nesting deeper than {MAX_DEPTH} levels")
                    return
                path = self._child_path(stack)
                if path is None:
                    self.problem(line, "mapping keys must be plain names")
                    return
                self.out.lines.setdefault(path, line)
                stack.append([{} if mapping else [], path, None, 0])
                continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                value = stack.pop()[0]
                if not stack:
                    self.out.data = value
                    continue
            elif isinstance(event, yaml.ScalarEvent):
                value = self._scalar(event, stack, line)
                if value is _KEY:
                    continue
            else:
                continue
            self._place(stack, value, line)

    def _child_path(self, stack: list[list[Any]]) -> Path | None:
        if not stack:
            return ()
        container, path, key, _ = stack[-1]
        if isinstance(container, list):
            return (*path, len(container))
        if key is None:
            return None  # a mapping or sequence used as a key
        return (*path, key)

    def _place(self, stack: list[list[Any]], value: Any, line: int) -> None:
        if not stack:
            self.out.data = value
            return
        top = stack[-1]
        container, path, key, key_line = top
        if isinstance(container, list):
            self.out.lines.setdefault((*path, len(container)), line)
            container.append(value)
            return
        top[2] = None
        if key is _DUPLICATE:
            return
        container[key] = value
        self.out.lines[(*path, key)] = key_line

    def _scalar(self, event: Any, stack: list[list[Any]], line: int) -> Any:
        text = str(event.value)
        if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
            # This scalar is a mapping key.
            container, path = stack[-1][0], stack[-1][1]
            if text in container:
                first = self.out.lines.get((*path, text), line)
                self.problem(line, f"duplicate key '{text}' (first defined on line {first})")
                stack[-1][2], stack[-1][3] = _DUPLICATE, line
            else:
                stack[-1][2], stack[-1][3] = text, line
            return _KEY
        tag = event.tag
        plain = bool(event.implicit[0]) and not event.style
        if tag not in (None, "!") and not tag.startswith(_CORE):
            self.problem(line, f"tag {tag} is not allowed in packs")
            return None
        if not plain or tag == _CORE + "str" or tag == "!":
            return text
        path = self._child_path(stack) or ()
        resolved: str = tag or self._resolver.resolve(  # type: ignore[no-untyped-call]
            yaml.ScalarNode, text, (True, False)
        )
        kind = resolved[len(_CORE) :] if resolved.startswith(_CORE) else "str"
        if kind != "str":
            self.out.raw[path] = text
        return _typed(kind, text)


_KEY = object()
_DUPLICATE = object()


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
