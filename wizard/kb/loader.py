"""Provides reading a pack file into the typed model, reporting every problem with its line.

Structure (unknown keys, wrong types, missing fields) is checked here; the
graph questions (reachability, cycles, references) are in ``validate``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from wizard.gcpause import paused_gc
from wizard.kb.model import (
    STATUSES,
    AuditSpec,
    Caveat,
    Choice,
    Condition,
    Decision,
    EvidenceKind,
    Fact,
    FactType,
    Fix,
    FixArtifact,
    Node,
    Outcome,
    Pack,
    Question,
    Rule,
    SeeAlso,
    Source,
    Symptom,
)
from wizard.kb.packfile import read_pack_file
from wizard.kb.problems import PackError, Problem
from wizard.kb.values import char_ranges
from wizard.kb.yamlsrc import LinedList, LinedMap, Located, Path, read_yaml

if TYPE_CHECKING:
    from wizard.kb.validate import Analyzers

T = TypeVar("T")


class Fields:
    """The keys a mapping may have, and which of them it must have."""

    def __init__(self, keys: dict[str, bool]) -> None:
        self.allowed = keys
        self.required = tuple(key for key, required in keys.items() if required)
        self.required_set = frozenset(self.required)
        self.names = ", ".join(sorted(keys))


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
    "audit": False,
    "$schema": False,
}
"""Top-level keys and whether each is required."""

FACT_TYPES: tuple[FactType, ...] = ("choice", "ipv4", "list", "text")
NODE_KINDS = ("question", "decision", "outcome")

_TOP = Fields(TOP_KEYS)
_SOURCE = Fields(
    {
        "document": True,
        "title": True,
        "published": True,
        "updated": True,
        "products": True,
        "url": False,
    }
)
_EXPLANATION = Fields({"title": True, "steps": True})
_FACT = Fields(
    {
        "type": True,
        "description": True,
        "label": False,
        "values": False,
        "keywords": False,
        "item": False,
        "excludes": False,
        "chars": False,
        "max_length": False,
    }
)
_CONDITION = Fields({"fact": True, "equals": False, "in": False, "known": False})
_CONDITION_OPS = {op: Fields({op: True}) for op in ("all", "any", "not")}
_CHOICE = Fields({"value": True, "label": True, "next": True})
_OTHER = Fields({"label": True, "next": True})
_QUESTION = Fields(
    {
        "kind": True,
        "tid": True,
        "fact": True,
        "text": True,
        "why": False,
        "how_to_check": False,
        "choices": False,
        "other": False,
        "unknown": False,
        "optional": False,
    }
)
_DECISION = Fields({"kind": True, "tid": True, "rules": True, "default": True})
_OUTCOME = Fields(
    {
        "kind": True,
        "tid": True,
        "diagnosis": True,
        "status": True,
        "label": False,
        "title": True,
        "summary": True,
        "fixes": False,
        "collect": False,
        "risks": False,
        "see_also": False,
    }
)
_SEE_ALSO = Fields({"pack": True, "text": True, "when": False})
_RULE = Fields({"when": True, "next": True, "label": False})
_FIX = Fields(
    {
        "title": True,
        "tid": True,
        "explanation": True,
        "applies_when": False,
        "commands": False,
        "steps": False,
        "verify": False,
        "warnings": False,
        "artifacts": False,
    }
)
_FIX_ARTIFACT = Fields(
    {
        "evidence": True,
        "artifact": True,
        "title": True,
        "field": False,
        "notes_field": False,
        "step": False,
        "step_unmade": False,
        "step_no_evidence": False,
    }
)
_EVIDENCE = Fields(
    {"analyzer": True, "title": True, "description": True, "supplies": True, "tab": False}
)
_AUDIT = Fields(
    {
        "evidence": True,
        "fact": True,
        "at_risk": False,
        "artifact": False,
        "diff": False,
        "attribute": False,
        "title": False,
    }
)
_SUPPLY = Fields({"fact": True, "from": True})
_SYMPTOM = Fields({"id": True, "text": True, "fact": True, "value": True})
_CAVEAT = Fields({"when": True, "text": True})

_MISSING: Any = object()

Data = LinedMap
"""A mapping read from the pack (keys are always text)."""


class _Builder:
    """Walks the located data, building model objects and collecting problems.

    Every section builder gets the value, its path (for messages only) and its
    line; fields are read from the mapping at hand, so no path is walked or
    built unless a problem has to be reported.
    """

    def __init__(self, src: Located, filename: str) -> None:
        self.src = src
        self.filename = filename
        self.problems: list[Problem] = []
        self.shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        """One tuple for each distinct list of texts (most repeat: fixes, condition
        values): fewer objects to allocate, to hold, and for the collector to walk."""

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.filename, self.src.line(path), message))

    def name(self, path: Path) -> str:
        return ".".join(str(p) for p in path) or "pack"

    def mapping(
        self, value: Any, path: Path, fields: Fields, what: str, name: str | None = None
    ) -> Data | None:
        """``value`` as a mapping, after reporting unknown and missing keys.

        Messages call it ``what`` (``what 'name'`` when a name is given); that
        text is only built when there is a problem to report.
        """
        if (
            isinstance(value, LinedMap)
            and value.keys() <= fields.allowed.keys()
            and fields.required_set <= value.keys()
        ):
            return value  # the usual case: nothing to report
        if name is not None:
            what = f"{what} '{name}'"
        if not isinstance(value, LinedMap):
            self.problem(path, f"{what} must be a mapping, not {_kind(value)}")
            return None
        allowed = fields.allowed
        for key in value:
            if key not in allowed:
                self.problem(
                    (*path, key), f"unknown key '{key}' in {what} (allowed: {fields.names})"
                )
        for key in fields.required:
            if key not in value:
                self.problem(path, f"{what} is missing required key '{key}'")
        return value

    def line(self, mapping: LinedMap, key: str) -> int:
        return mapping.line_of(key)

    def text(self, parent: Any, key: str | int, at: Path, default: str | None = None) -> str:
        """``parent[key]`` as a string; plain YAML scalars such as ``yes`` or ``1.0`` are
        taken as written. ``at`` is the path of ``parent`` (a mapping or a list)."""
        value = parent.get(key, _MISSING) if isinstance(parent, dict) else parent[key]
        if isinstance(value, str):
            return value
        if value is _MISSING:
            return default if default is not None else ""
        if value is not None:
            raw = self.src.raw_text(parent, key)
            if raw is not None:
                return raw
        if value is None and default is not None:
            return default
        path = (*at, key)
        self.problem(path, f"{self.name(path)} must be text, not {_kind(value)}")
        return ""

    def opt_text(self, parent: Data, key: str, at: Path) -> str | None:
        return self.text(parent, key, at) if key in parent else None

    def texts(self, parent: Data, key: str, at: Path) -> tuple[str, ...]:
        """A list of strings (absent means empty)."""
        value = parent.get(key, _MISSING)
        if value is _MISSING:
            return ()
        path = (*at, key)
        if not isinstance(value, LinedList):
            self.problem(path, f"{self.name(path)} must be a list, not {_kind(value)}")
            return ()
        for item in value:
            if not isinstance(item, str):
                return self.share(tuple(self.text(value, i, path) for i in range(len(value))))
        return self.share(tuple(value))

    def share(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        return self.shared.setdefault(texts, texts)

    def flag(self, parent: Data, key: str, at: Path) -> bool:
        value = parent.get(key, _MISSING)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            path = (*at, key)
            self.problem(path, f"{self.name(path)} must be true or false")
            return False
        return value

    def each(
        self, parent: Data, key: str, build: Callable[[Any, Path, str, int], T | None]
    ) -> dict[str, T]:
        """Build every entry of a mapping of named items, dropping each from the plain data.

        Nothing reads an entry once it is built, so it is freed while still in the
        CPU caches (not in one cold sweep at the end), and the model reuses its memory.
        """
        value = parent[key]
        path: Path = (key,)
        if not isinstance(value, LinedMap):
            self.problem(path, f"{self.name(path)} must be a mapping of names, not {_kind(value)}")
            return {}
        out: dict[str, T] = {}
        for (name, item), line in zip(value.items(), value.lines, strict=True):
            built = build(item, (key, name), name, line)
            value[name] = item = None
            if built is not None:
                out[name] = built
        return out

    def items(
        self, parent: Data, key: str, at: Path, build: Callable[[Any, Path, int], T | None]
    ) -> tuple[T, ...]:
        value = parent.get(key, _MISSING)
        if value is _MISSING:
            return ()
        path = (*at, key)
        if not isinstance(value, LinedList):
            self.problem(path, f"{self.name(path)} must be a list, not {_kind(value)}")
            return ()
        lines = value.lines
        out: list[T] = []
        for i, item in enumerate(value):
            built = build(item, (*path, i), lines[i])
            if built is not None:
                out.append(built)
        return tuple(out)

    # --- sections -------------------------------------------------------

    def fact(self, value: Any, path: Path, name: str, line: int) -> Fact | None:
        data = self.mapping(value, path, _FACT, "fact", name)
        if data is None:
            return None
        kind = self.text(data, "type", path)
        if kind not in FACT_TYPES:
            self.problem(
                (*path, "type"),
                f"fact '{name}' has unknown type '{kind}' (one of: {', '.join(FACT_TYPES)})",
            )
            return None
        values = self.texts(data, "values", path)
        if kind == "choice" and not values:
            self.problem(path, f"choice fact '{name}' needs a list of values")
        if kind != "choice" and values:
            self.problem((*path, "values"), f"only choice facts have values ('{name}' is {kind})")
        item = self.text(data, "item", path, "text")
        if item not in ("text", "ipv4"):
            self.problem((*path, "item"), f"list item type must be text or ipv4, not '{item}'")
            item = "text"
        chars, ranges, max_length = self.text_limits(data, path, name, kind, item)
        return Fact(
            name=name,
            type=kind,
            description=self.text(data, "description", path),
            values=values,
            keywords=self.texts(data, "keywords", path),
            item=cast(Any, item),
            excludes=self.texts(data, "excludes", path),
            line=line,
            label=self.text(data, "label", path, ""),
            chars=chars,
            char_ranges=ranges,
            max_length=max_length,
        )

    def text_limits(
        self, data: Data, path: Path, name: str, kind: str, item: str
    ) -> tuple[str, tuple[tuple[int, int], ...], int]:
        """``chars`` (as written and parsed) and ``max_length``: text facts and text lists only."""
        if "chars" not in data and "max_length" not in data:
            return "", (), 0
        if kind not in ("text", "list") or (kind == "list" and item != "text"):
            key = "chars" if "chars" in data else "max_length"
            self.problem(
                (*path, key),
                f"only text facts and lists of text take chars and max_length "
                f"('{name}' is {kind if kind != 'list' else 'a list of ' + item})",
            )
            return "", (), 0
        chars, ranges = "", tuple[tuple[int, int], ...]()
        if "chars" in data:
            chars = self.text(data, "chars", path)
            try:
                ranges = char_ranges(chars)
            except ValueError as exc:
                self.problem((*path, "chars"), f"fact '{name}': {exc}")
                chars = ""
        max_length = 0
        if "max_length" in data:
            value = data["max_length"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.problem(
                    (*path, "max_length"),
                    f"fact '{name}': max_length must be a whole number of 1 or more",
                )
            else:
                max_length = value
        return chars, ranges, max_length

    def condition(self, value: Any, path: Path, line: int) -> Condition | None:
        if not isinstance(value, LinedMap):
            self.problem(path, f"condition must be a mapping, not {_kind(value)}")
            return None
        if "all" in value or "any" in value:
            op: Literal["all", "any"] = "all" if "all" in value else "any"
            self.mapping(value, path, _CONDITION_OPS[op], "condition")
            parts = self.items(value, op, path, self.condition)
            return Condition(op=op, parts=parts, line=line)
        if "not" in value:
            self.mapping(value, path, _CONDITION_OPS["not"], "condition")
            inner = self.condition(value["not"], (*path, "not"), self.line(value, "not"))
            return None if inner is None else Condition(op="not", parts=(inner,), line=line)
        data = self.mapping(value, path, _CONDITION, "condition")
        if data is None or "fact" not in data:
            return None
        fact = self.text(data, "fact", path)
        equals, among, known = "equals" in data, "in" in data, "known" in data
        if equals + among + known != 1:
            self.problem(path, "a condition needs exactly one of equals, in, known")
            return None
        if equals:
            equal = self.share((self.text(data, "equals", path),))
            return Condition("equals", fact, equal, line=line)
        if among:
            return Condition("in", fact, self.texts(data, "in", path), line=line)
        return Condition("known", fact, known=self.flag(data, "known", path), line=line)

    def choice(self, value: Any, path: Path, line: int) -> Choice | None:
        data = self.mapping(value, path, _CHOICE, "choice")
        if data is None:
            return None
        return Choice(
            value=self.text(data, "value", path),
            label=self.text(data, "label", path),
            next=self.text(data, "next", path),
            line=line,
        )

    def node(
        self, value: Any, path: Path, node_id: str, line: int
    ) -> Question | Decision | Outcome | None:
        if not isinstance(value, LinedMap):
            self.problem(path, f"node '{node_id}' must be a mapping, not {_kind(value)}")
            return None
        kind = self.text(value, "kind", path) if "kind" in value else ""
        if kind == "question":
            if self.mapping(value, path, _QUESTION, kind, node_id) is None:
                return None
            other = None
            if "other" in value:
                at = (*path, "other")
                data = self.mapping(value["other"], at, _OTHER, "other")
                if data is not None:
                    other = Choice(
                        "*",
                        self.text(data, "label", at),
                        self.text(data, "next", at),
                        self.line(value, "other"),
                    )
            return Question(
                id=node_id,
                fact=self.text(value, "fact", path),
                text=self.text(value, "text", path),
                why=self.text(value, "why", path, ""),
                how_to_check=self.text(value, "how_to_check", path, ""),
                tid=self.text(value, "tid", path),
                choices=self.items(value, "choices", path, self.choice),
                other=other,
                unknown=self.opt_text(value, "unknown", path),
                unknown_line=self.line(value, "unknown") if "unknown" in value else 0,
                optional=self.flag(value, "optional", path),
                line=line,
            )
        if kind == "decision":
            if self.mapping(value, path, _DECISION, kind, node_id) is None:
                return None
            return Decision(
                id=node_id,
                rules=self.items(value, "rules", path, self.rule),
                default=self.text(value, "default", path),
                tid=self.text(value, "tid", path),
                line=line,
                default_line=self.line(value, "default") if "default" in value else 0,
            )
        if kind == "outcome":
            if self.mapping(value, path, _OUTCOME, kind, node_id) is None:
                return None
            status = self.text(value, "status", path)
            if status not in STATUSES and "status" in value:
                self.problem(
                    (*path, "status"),
                    f"outcome '{node_id}' has status '{status}' (one of: {', '.join(STATUSES)})",
                )
            return Outcome(
                id=node_id,
                diagnosis=self.text(value, "diagnosis", path),
                status=cast(Any, status if status in STATUSES else "undecided"),
                label=self.text(value, "label", path, ""),
                title=self.text(value, "title", path),
                summary=self.text(value, "summary", path),
                tid=self.text(value, "tid", path),
                fixes=self.texts(value, "fixes", path),
                collect=self.texts(value, "collect", path),
                risks=self.items(value, "risks", path, self.caveat),
                see_also=self.items(value, "see_also", path, self.see_also),
                line=line,
            )
        where = (*path, "kind") if "kind" in value else path
        self.problem(where, f"node '{node_id}' needs kind: one of {', '.join(NODE_KINDS)}")
        return None

    def rule(self, value: Any, path: Path, line: int) -> Rule | None:
        data = self.mapping(value, path, _RULE, "rule")
        if data is None or "when" not in data:
            return None
        when = self.condition(data["when"], (*path, "when"), self.line(data, "when"))
        if when is None:
            return None
        return Rule(when, self.text(data, "next", path), self.text(data, "label", path, ""), line)

    def fix(self, value: Any, path: Path, fix_id: str, line: int) -> Fix | None:
        data = self.mapping(value, path, _FIX, "fix", fix_id)
        if data is None:
            return None
        applies = None
        if "applies_when" in data:
            at = (*path, "applies_when")
            applies = self.condition(data["applies_when"], at, self.line(data, "applies_when"))
        return Fix(
            id=fix_id,
            title=self.text(data, "title", path),
            tid=self.text(data, "tid", path),
            explanation=self.text(data, "explanation", path),
            applies_when=applies,
            commands=self.texts(data, "commands", path),
            steps=self.texts(data, "steps", path),
            verify=self.texts(data, "verify", path),
            warnings=self.texts(data, "warnings", path),
            artifacts=self.items(data, "artifacts", path, self.fix_artifact),
            line=line,
        )

    def fix_artifact(self, value: Any, path: Path, line: int) -> FixArtifact | None:
        data = self.mapping(value, path, _FIX_ARTIFACT, "fix artifact")
        if data is None:
            return None
        return FixArtifact(
            evidence=self.text(data, "evidence", path),
            artifact=self.text(data, "artifact", path),
            title=self.text(data, "title", path),
            field=self.text(data, "field", path, ""),
            notes_field=self.text(data, "notes_field", path, ""),
            step=self.text(data, "step", path, ""),
            step_unmade=self.text(data, "step_unmade", path, ""),
            step_no_evidence=self.text(data, "step_no_evidence", path, ""),
            line=line,
        )

    def evidence(self, value: Any, path: Path, kind: str, line: int) -> EvidenceKind | None:
        data = self.mapping(value, path, _EVIDENCE, "evidence", kind)
        if data is None:
            return None
        supplies, renames = self.supplies(data, path)
        return EvidenceKind(
            kind=kind,
            analyzer=self.text(data, "analyzer", path),
            title=self.text(data, "title", path),
            description=self.text(data, "description", path),
            supplies=supplies,
            line=line,
            renames=renames,
            tab=self.text(data, "tab", path, ""),
        )

    def supplies(self, data: Data, path: Path) -> tuple[tuple[str, ...], dict[str, str]]:
        """``supplies``: fact names, or ``{fact: NAME, from: ANALYZER_NAME}`` to rename one."""
        value = data.get("supplies", _MISSING)
        at = (*path, "supplies")
        if not isinstance(value, LinedList):
            return self.texts(data, "supplies", path), {}
        names: list[str] = []
        renames: dict[str, str] = {}
        for i, item in enumerate(value):
            if isinstance(item, LinedMap):
                entry = self.mapping(item, (*at, i), _SUPPLY, "supplies entry")
                if entry is None or "fact" not in entry or "from" not in entry:
                    continue
                name = self.text(entry, "fact", (*at, i))
                renames[name] = self.text(entry, "from", (*at, i))
                names.append(name)
            else:
                names.append(self.text(value, i, at))
        return self.share(tuple(names)), renames

    def audit(self, top: Data) -> AuditSpec | None:
        """The pack's ``audit:`` section (what ``kbwizard audit`` checks), or None."""
        if "audit" not in top:
            return None
        at: Path = ("audit",)
        data = self.mapping(top["audit"], at, _AUDIT, "audit")
        if data is None:
            return None
        return AuditSpec(
            evidence=self.text(data, "evidence", at),
            fact=self.text(data, "fact", at),
            at_risk=self.texts(data, "at_risk", at),
            artifact=self.text(data, "artifact", at, ""),
            diff=self.text(data, "diff", at, ""),
            attribute=self.text(data, "attribute", at, ""),
            title=self.text(data, "title", at, ""),
            line=self.line(top, "audit"),
        )

    def symptom(self, value: Any, path: Path, line: int) -> Symptom | None:
        data = self.mapping(value, path, _SYMPTOM, "symptom")
        if data is None:
            return None
        return Symptom(
            self.text(data, "id", path),
            self.text(data, "text", path),
            self.text(data, "fact", path),
            self.text(data, "value", path),
            line,
        )

    def see_also(self, value: Any, path: Path, line: int) -> SeeAlso | None:
        data = self.mapping(value, path, _SEE_ALSO, "see_also entry")
        if data is None or "pack" not in data:
            return None
        when = None
        if "when" in data:
            when = self.condition(data["when"], (*path, "when"), self.line(data, "when"))
            if when is None:
                return None
        return SeeAlso(self.text(data, "pack", path), self.text(data, "text", path), when, line)

    def caveat(self, value: Any, path: Path, line: int) -> Caveat | None:
        data = self.mapping(value, path, _CAVEAT, "caveat")
        if data is None:
            return None
        if "when" not in data:
            return None  # the missing key is reported already
        when = self.condition(data["when"], (*path, "when"), self.line(data, "when"))
        if when is None:
            return None
        return Caveat(when, self.text(data, "text", path), line)

    def pack(self) -> Pack | None:
        top = self.mapping(self.src.data, (), _TOP, "the pack")
        if top is None:
            return None
        source = Source("", "", "", "", ())
        if "source" in top:
            at: Path = ("source",)
            data = self.mapping(top["source"], at, _SOURCE, "source")
            if data is not None:
                source = Source(
                    self.text(data, "document", at),
                    self.text(data, "title", at),
                    self.text(data, "published", at),
                    self.text(data, "updated", at),
                    self.texts(data, "products", at),
                    self.text(data, "url", at, ""),
                )
        facts = self.each(top, "facts", self.fact) if "facts" in top else {}
        nodes: dict[str, Node] = self.each(top, "nodes", self.node) if "nodes" in top else {}
        fixes = self.each(top, "fixes", self.fix) if "fixes" in top else {}
        evidence = self.each(top, "evidence", self.evidence) if "evidence" in top else {}
        expl_title, expl_steps = "", tuple[str, ...]()
        if "explanation" in top:
            at = ("explanation",)
            data = self.mapping(top["explanation"], at, _EXPLANATION, "explanation")
            if data is not None:
                expl_title = self.text(data, "title", at)
                expl_steps = self.texts(data, "steps", at)
        return Pack(
            id=self.text(top, "id", ()),
            version=self.text(top, "version", ()),
            title=self.text(top, "title", ()),
            summary=self.text(top, "summary", ()),
            source=source,
            facts=facts,
            start=self.text(top, "start", ()),
            nodes=nodes,
            fixes=fixes,
            evidence=evidence,
            explanation=expl_steps,
            explanation_title=expl_title,
            symptoms=self.items(top, "symptoms", (), self.symptom),
            scope=self.items(top, "scope", (), self.caveat),
            references=self.texts(top, "references", ()),
            audit=self.audit(top),
            lines=dict(zip(top, top.lines, strict=True)),
        )


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return {
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def parse_pack(data: bytes, filename: str) -> tuple[Pack | None, list[Problem]]:
    """Parse pack bytes into the model; structural problems only (see ``validate``)."""
    # One pause for reading and building: the plain data is freed before the
    # collector runs again, so it never has to walk it.
    with paused_gc():
        located, problems = read_yaml(data, filename)
        if located.data is None:
            return None, problems
        builder = _Builder(located, filename)
        pack = builder.pack()
        problems += builder.problems
        del located, builder
    if pack is not None:
        pack = _with_identity(pack, filename, data)
    return pack, problems


def _with_identity(pack: Pack, filename: str, data: bytes) -> Pack:
    from dataclasses import replace

    return replace(pack, path=filename, sha256=hashlib.sha256(data).hexdigest())


def load_pack(path: str | FsPath, analyzers: Analyzers | None = None) -> Pack:
    """Load and fully validate a pack; raises PackError listing every problem."""
    from wizard.kb.validate import validate_pack

    data = read_pack_file(path)
    pack, problems = parse_pack(data, str(path))
    if pack is not None:
        problems += validate_pack(pack, analyzers)
    if problems or pack is None:
        raise PackError(problems)
    return pack
