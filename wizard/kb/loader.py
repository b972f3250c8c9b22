"""Provides reading a pack file into the typed model, reporting every problem with its line.

Structure (unknown keys, wrong types, missing fields) is checked here; the
graph questions (reachability, cycles, references) are in ``validate``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any, Literal, TypeVar, cast

from wizard.kb.model import (
    Caveat,
    Choice,
    Condition,
    Decision,
    EvidenceKind,
    Fact,
    FactType,
    Fix,
    Node,
    Outcome,
    Pack,
    Question,
    Rule,
    Source,
    Symptom,
)
from wizard.kb.problems import PackError, Problem
from wizard.kb.yamlsrc import Located, Path, paused_gc, read_yaml

T = TypeVar("T")

TOP_KEYS = {
    "id": True,
    "version": True,
    "title": True,
    "summary": True,
    "source": True,
    "facts": True,
    "start": True,
    "nodes": True,
    "fixes": True,
    "evidence": False,
    "explanation": True,
    "symptoms": False,
    "scope": False,
    "references": False,
    "$schema": False,
}
"""Top-level keys and whether each is required."""

FACT_TYPES: tuple[FactType, ...] = ("choice", "ipv4", "list", "text")
NODE_KINDS = ("question", "decision", "outcome")


class _Builder:
    """Walks the located data, building model objects and collecting problems."""

    def __init__(self, src: Located, filename: str) -> None:
        self.src = src
        self.filename = filename
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.filename, self.src.line(path), message))

    def at(self, path: Path) -> Any:
        value: Any = self.src.data
        for part in path:
            value = value[part]
        return value

    def name(self, path: Path) -> str:
        return ".".join(str(p) for p in path) or "pack"

    def mapping(
        self, path: Path, keys: dict[str, bool], what: str | None = None
    ) -> dict[str, Any] | None:
        """The mapping at ``path``, after reporting unknown and missing keys."""
        value = self.at(path)
        what = what or self.name(path)
        if not isinstance(value, dict):
            self.problem(path, f"{what} must be a mapping, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                allowed = ", ".join(sorted(keys))
                self.problem((*path, key), f"unknown key '{key}' in {what} (allowed: {allowed})")
        for key, required in keys.items():
            if required and key not in value:
                self.problem(path, f"{what} is missing required key '{key}'")
        return value

    def text(self, path: Path, default: str | None = None) -> str:
        """A string; plain YAML scalars such as ``yes`` or ``1.0`` are taken as written."""
        try:
            value = self.at(path)
        except (KeyError, IndexError, TypeError):
            return default if default is not None else ""
        if isinstance(value, str):
            return value
        if path in self.src.raw and value is not None:
            return self.src.raw[path]
        if value is None and default is not None:
            return default
        self.problem(path, f"{self.name(path)} must be text, not {_kind(value)}")
        return ""

    def opt_text(self, path: Path) -> str | None:
        try:
            self.at(path)
        except (KeyError, IndexError, TypeError):
            return None
        return self.text(path)

    def texts(self, path: Path) -> tuple[str, ...]:
        """A list of strings (absent means empty)."""
        try:
            value = self.at(path)
        except (KeyError, IndexError, TypeError):
            return ()
        if not isinstance(value, list):
            self.problem(path, f"{self.name(path)} must be a list, not {_kind(value)}")
            return ()
        return tuple(self.text((*path, i)) for i in range(len(value)))

    def flag(self, path: Path) -> bool:
        try:
            value = self.at(path)
        except (KeyError, IndexError, TypeError):
            return False
        if not isinstance(value, bool):
            self.problem(path, f"{self.name(path)} must be true or false")
            return False
        return value

    def each(self, path: Path, build: Callable[[Path, str], T | None]) -> dict[str, T]:
        """Build every entry of a mapping of named items."""
        value = self.at(path)
        if not isinstance(value, dict):
            self.problem(path, f"{self.name(path)} must be a mapping of names, not {_kind(value)}")
            return {}
        out: dict[str, T] = {}
        for key in value:
            item = build((*path, key), key)
            if item is not None:
                out[key] = item
        return out

    def items(self, path: Path, build: Callable[[Path], T | None]) -> tuple[T, ...]:
        try:
            value = self.at(path)
        except (KeyError, IndexError, TypeError):
            return ()
        if not isinstance(value, list):
            self.problem(path, f"{self.name(path)} must be a list, not {_kind(value)}")
            return ()
        built = (build((*path, i)) for i in range(len(value)))
        return tuple(b for b in built if b is not None)

    # --- sections -------------------------------------------------------

    def fact(self, path: Path, name: str) -> Fact | None:
        keys = {
            "type": True,
            "description": True,
            "values": False,
            "keywords": False,
            "item": False,
        }
        data = self.mapping(path, keys, f"fact '{name}'")
        if data is None:
            return None
        kind = self.text((*path, "type"))
        if kind not in FACT_TYPES:
            self.problem(
                (*path, "type"),
                f"fact '{name}' has unknown type '{kind}' (one of: {', '.join(FACT_TYPES)})",
            )
            return None
        values = self.texts((*path, "values"))
        if kind == "choice" and not values:
            self.problem(path, f"choice fact '{name}' needs a list of values")
        if kind != "choice" and values:
            self.problem((*path, "values"), f"only choice facts have values ('{name}' is {kind})")
        item = self.text((*path, "item"), "text")
        if item not in ("text", "ipv4"):
            self.problem((*path, "item"), f"list item type must be text or ipv4, not '{item}'")
            item = "text"
        return Fact(
            name=name,
            type=kind,
            description=self.text((*path, "description")),
            values=values,
            keywords=self.texts((*path, "keywords")),
            item=cast(Any, item),
            line=self.src.line(path),
        )

    def condition(self, path: Path) -> Condition | None:
        value = self.at(path)
        line = self.src.line(path)
        if not isinstance(value, dict):
            self.problem(path, f"condition must be a mapping, not {_kind(value)}")
            return None
        if "all" in value or "any" in value:
            op: Literal["all", "any"] = "all" if "all" in value else "any"
            self.mapping(path, {op: True}, "condition")
            parts = self.items((*path, op), self.condition)
            return Condition(op=op, parts=parts, line=line)
        if "not" in value:
            self.mapping(path, {"not": True}, "condition")
            inner = self.condition((*path, "not"))
            return None if inner is None else Condition(op="not", parts=(inner,), line=line)
        keys = {"fact": True, "equals": False, "in": False, "known": False}
        data = self.mapping(path, keys, "condition")
        if data is None or "fact" not in data:
            return None
        fact = self.text((*path, "fact"))
        tests = [k for k in ("equals", "in", "known") if k in data]
        if len(tests) != 1:
            self.problem(path, "a condition needs exactly one of equals, in, known")
            return None
        if tests[0] == "equals":
            return Condition("equals", fact, (self.text((*path, "equals")),), line=line)
        if tests[0] == "in":
            return Condition("in", fact, self.texts((*path, "in")), line=line)
        return Condition("known", fact, known=self.flag((*path, "known")), line=line)

    def choice(self, path: Path) -> Choice | None:
        data = self.mapping(path, {"value": True, "label": True, "next": True}, "choice")
        if data is None:
            return None
        return Choice(
            value=self.text((*path, "value")),
            label=self.text((*path, "label")),
            next=self.text((*path, "next")),
            line=self.src.line(path),
        )

    def node(self, path: Path, node_id: str) -> Question | Decision | Outcome | None:
        value = self.at(path)
        if not isinstance(value, dict):
            self.problem(path, f"node '{node_id}' must be a mapping, not {_kind(value)}")
            return None
        kind = self.text((*path, "kind")) if "kind" in value else ""
        line = self.src.line(path)
        what = f"{kind or 'node'} '{node_id}'"
        common = {"kind": True, "tid": True}
        if kind == "question":
            keys = {
                **common,
                "fact": True,
                "text": True,
                "why": True,
                "how_to_check": True,
                "choices": False,
                "other": False,
                "unknown": False,
                "optional": False,
            }
            if self.mapping(path, keys, what) is None:
                return None
            other = None
            if "other" in value:
                data = self.mapping((*path, "other"), {"label": True, "next": True}, "other")
                if data is not None:
                    other = Choice(
                        "*",
                        self.text((*path, "other", "label")),
                        self.text((*path, "other", "next")),
                        self.src.line((*path, "other")),
                    )
            return Question(
                id=node_id,
                fact=self.text((*path, "fact")),
                text=self.text((*path, "text")),
                why=self.text((*path, "why")),
                how_to_check=self.text((*path, "how_to_check")),
                tid=self.text((*path, "tid")),
                choices=self.items((*path, "choices"), self.choice),
                other=other,
                unknown=self.opt_text((*path, "unknown")),
                optional=self.flag((*path, "optional")),
                line=line,
            )
        if kind == "decision":
            keys = {**common, "rules": True, "default": True}
            if self.mapping(path, keys, what) is None:
                return None
            return Decision(
                id=node_id,
                rules=self.items((*path, "rules"), self.rule),
                default=self.text((*path, "default")),
                tid=self.text((*path, "tid")),
                line=line,
            )
        if kind == "outcome":
            keys = {
                **common,
                "diagnosis": True,
                "title": True,
                "summary": True,
                "fixes": False,
                "collect": False,
                "risks": False,
            }
            if self.mapping(path, keys, what) is None:
                return None
            return Outcome(
                id=node_id,
                diagnosis=self.text((*path, "diagnosis")),
                title=self.text((*path, "title")),
                summary=self.text((*path, "summary")),
                tid=self.text((*path, "tid")),
                fixes=self.texts((*path, "fixes")),
                collect=self.texts((*path, "collect")),
                risks=self.items((*path, "risks"), self.caveat),
                line=line,
            )
        where = (*path, "kind") if "kind" in value else path
        self.problem(where, f"node '{node_id}' needs kind: one of {', '.join(NODE_KINDS)}")
        return None

    def rule(self, path: Path) -> Rule | None:
        data = self.mapping(path, {"when": True, "next": True, "label": False}, "rule")
        if data is None or "when" not in data:
            return None
        when = self.condition((*path, "when"))
        if when is None:
            return None
        return Rule(
            when, self.text((*path, "next")), self.text((*path, "label"), ""), self.src.line(path)
        )

    def fix(self, path: Path, fix_id: str) -> Fix | None:
        keys = {
            "title": True,
            "tid": True,
            "explanation": True,
            "applies_when": False,
            "commands": False,
            "steps": False,
            "verify": True,
            "warnings": False,
        }
        data = self.mapping(path, keys, f"fix '{fix_id}'")
        if data is None:
            return None
        applies = self.condition((*path, "applies_when")) if "applies_when" in data else None
        return Fix(
            id=fix_id,
            title=self.text((*path, "title")),
            tid=self.text((*path, "tid")),
            explanation=self.text((*path, "explanation")),
            applies_when=applies,
            commands=self.texts((*path, "commands")),
            steps=self.texts((*path, "steps")),
            verify=self.texts((*path, "verify")),
            warnings=self.texts((*path, "warnings")),
            line=self.src.line(path),
        )

    def evidence(self, path: Path, kind: str) -> EvidenceKind | None:
        keys = {"analyzer": True, "title": True, "description": True, "supplies": True}
        if self.mapping(path, keys, f"evidence '{kind}'") is None:
            return None
        return EvidenceKind(
            kind=kind,
            analyzer=self.text((*path, "analyzer")),
            title=self.text((*path, "title")),
            description=self.text((*path, "description")),
            supplies=self.texts((*path, "supplies")),
            line=self.src.line(path),
        )

    def symptom(self, path: Path) -> Symptom | None:
        keys = {"id": True, "text": True, "fact": True, "value": True}
        if self.mapping(path, keys, "symptom") is None:
            return None
        return Symptom(
            self.text((*path, "id")),
            self.text((*path, "text")),
            self.text((*path, "fact")),
            self.text((*path, "value")),
            self.src.line(path),
        )

    def caveat(self, path: Path) -> Caveat | None:
        if self.mapping(path, {"when": True, "text": True}, "caveat") is None:
            return None
        when = self.condition((*path, "when"))
        if when is None:
            return None
        return Caveat(when, self.text((*path, "text")), self.src.line(path))

    def pack(self) -> Pack | None:
        top = self.mapping((), TOP_KEYS, "the pack")
        if top is None:
            return None
        src = ("source",)
        source_keys = {
            "document": True,
            "title": True,
            "published": True,
            "updated": True,
            "products": True,
            "url": False,
        }
        source = Source("", "", "", "", ())
        if "source" in top and self.mapping(src, source_keys, "source") is not None:
            source = Source(
                self.text((*src, "document")),
                self.text((*src, "title")),
                self.text((*src, "published")),
                self.text((*src, "updated")),
                self.texts((*src, "products")),
                self.text((*src, "url"), ""),
            )
        facts = self.each(("facts",), self.fact) if "facts" in top else {}
        nodes: dict[str, Node] = self.each(("nodes",), self.node) if "nodes" in top else {}
        fixes = self.each(("fixes",), self.fix) if "fixes" in top else {}
        evidence = self.each(("evidence",), self.evidence) if "evidence" in top else {}
        expl_title, expl_steps = "", tuple[str, ...]()
        if "explanation" in top:
            data = self.mapping(("explanation",), {"title": True, "steps": True}, "explanation")
            if data is not None:
                expl_title = self.text(("explanation", "title"))
                expl_steps = self.texts(("explanation", "steps"))
        return Pack(
            id=self.text(("id",)),
            version=self.text(("version",)),
            title=self.text(("title",)),
            summary=self.text(("summary",)),
            source=source,
            facts=facts,
            start=self.text(("start",)),
            nodes=nodes,
            fixes=fixes,
            evidence=evidence,
            explanation=expl_steps,
            explanation_title=expl_title,
            symptoms=self.items(("symptoms",), self.symptom),
            scope=self.items(("scope",), self.caveat),
            references=self.texts(("references",)),
            lines={key: self.src.line((key,)) for key in top},
        )


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def parse_pack(data: bytes, filename: str) -> tuple[Pack | None, list[Problem]]:
    """Parse pack bytes into the model; structural problems only (see ``validate``)."""
    located, problems = read_yaml(data, filename)
    if located.data is None:
        return None, problems
    builder = _Builder(located, filename)
    with paused_gc():
        pack = builder.pack()
    if pack is not None:
        pack = _with_identity(pack, filename, data)
    return pack, problems + builder.problems


def _with_identity(pack: Pack, filename: str, data: bytes) -> Pack:
    from dataclasses import replace

    return replace(pack, path=filename, sha256=hashlib.sha256(data).hexdigest())


def load_pack(path: str | FsPath, analyzers: frozenset[str] | None = None) -> Pack:
    """Load and fully validate a pack; raises PackError listing every problem."""
    from wizard.kb.validate import validate_pack

    name = str(path)
    try:
        data = FsPath(path).read_bytes()
    except OSError as exc:
        raise PackError([Problem(name, 1, f"cannot read pack: {exc.strerror or exc}")]) from None
    pack, problems = parse_pack(data, name)
    if pack is not None:
        problems += validate_pack(pack, analyzers)
    if problems or pack is None:
        raise PackError(problems)
    return pack
