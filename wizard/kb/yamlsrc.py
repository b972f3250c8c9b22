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


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.out = Located(None)
        self._seen: set[int] = set()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message))

    def convert(self, node: yaml.Node, path: Path, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.out.lines.setdefault(path, line)
        if id(node) in self._seen:
            self.problem(line, "YAML aliases (*name) are not allowed in packs; write the value out")
            return None
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            self.problem(line, f"nesting deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                self.problem(line, f"tag {node.tag} is not allowed in packs")
                return None
            return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path, line)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> Any:
        line = node.start_mark.line + 1
        if node.tag != _CORE + "map":
            self.problem(line, f"tag {node.tag} is not allowed in packs")
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _CORE + "merge":
                self.problem(key_line, "mapping keys must be plain names")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.out.lines.get((*path, key), key_line)
                self.problem(key_line, f"duplicate key '{key}' (first defined on line {first})")
                continue
            self.out.lines[(*path, key)] = key_line
            result[key] = self.convert(value_node, (*path, key), depth + 1)
            # Keys are located at the key, which is where authors look.
            self.out.lines[(*path, key)] = key_line
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path, line: int) -> Any:
        tag = node.tag
        text = str(node.value)
        if node.style in ("'", '"', "|", ">") or tag == _CORE + "str":
            return text
        if not tag.startswith(_CORE):
            self.problem(line, f"tag {tag} is not allowed in packs")
            return None
        self.out.raw[path] = text
        kind = tag[len(_CORE) :]
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() in ("yes", "true", "on", "y")
        if kind == "int":
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if kind == "float":
            try:
                return float(text.replace("_", ""))
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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "invalid YAML"
        reader.problem(line, f"YAML syntax error: {what}")
        return reader.out, reader.problems
    except yaml.YAMLError as exc:
        reader.problem(1, f"YAML error: {exc}")
        return reader.out, reader.problems
    except RecursionError:
        reader.problem(1, "YAML nesting too deep")
        return reader.out, reader.problems
    if node is None:
        reader.problem(1, "the file is empty")
        return reader.out, reader.problems
    reader.out.data = reader.convert(node, (), 0)
    return reader.out, reader.problems
