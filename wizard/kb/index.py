"""Provides the PackIndex: every installed pack, summarised, without loading the packs.

Triage and the wizard's start need, of every installed pack, only its title, its
symptoms, the facts and evidence kinds it knows, and where its walk leads when
nothing is known. That summary is kept per pack in the cache folder, named by
the pack file's SHA-256 and a fingerprint of the code that makes it, as a signed
entry (``wizard.kb.cache.read_signed``: the per-user HMAC key, bounded reads). An
entry that is missing, stale, damaged or does not verify is never trusted: the
pack is loaded and checked in full and the entry written again. A start reads each
pack file (to hash it) and its small entry, never parses a pack; packs are loaded
on demand (``PackIndex.pack``) and kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.kb.model import Fact, Pack
from wizard.kb.packfile import read_pack_file
from wizard.kb.problems import PackError, Problem

if TYPE_CHECKING:
    from wizard.engine.article import ArticleState
    from wizard.kb.validate import Analyzers

INDEX_FORMAT = 1
MAX_INDEX_ENTRY_BYTES = 4 * 1024 * 1024
"""An index entry larger than this is never read (a 5 MiB pack's summary is far less)."""


@dataclass(frozen=True)
class IndexedSymptom:
    id: str
    text: str
    fact: str
    value: str
    pack: str


@dataclass(frozen=True)
class PackEntry:
    """What the index knows of one installed pack without loading it."""

    id: str
    title: str
    document: str
    path: str
    sha256: str
    origin: str
    symptoms: tuple[IndexedSymptom, ...]
    facts: Mapping[str, str]
    """fact -> type: what "a fact any installed pack knows" is checked against."""
    evidence_kinds: tuple[str, ...]
    version: str = ""
    fact_defs: Mapping[str, Fact] = field(default_factory=dict)
    """Each fact as the pack declares it (values, keywords …), to check a value unloaded."""
    baseline: ArticleState | None = None
    """The pack's state when none of its facts is known and none of its evidence given."""
    first_question: str = ""
    """The node of the question its walk stops at with nothing known ("" at an outcome)."""
    first_fact: str = ""
    """That question's fact."""


class PackIndex:
    """The installed packs (``--pack-dir``, ``KBWIZARD_PACK_PATH``, bundled), summarised."""

    def __init__(
        self,
        entries: tuple[PackEntry, ...],
        problems: tuple[str, ...] = (),
        packs: Mapping[str, Pack] | None = None,
    ) -> None:
        self.entries = entries
        self.problems = problems
        self._by_id = {e.id: e for e in entries}
        self._packs: dict[str, Pack] = dict(packs or {})

    @classmethod
    def build(cls, extra_dirs: list[str] | None = None) -> PackIndex:
        """The index of every installed pack, from the cache where it can be trusted."""
        from wizard.kb.cache import cache_key
        from wizard.kb.registry import analyzer_specs, find_packs
        from wizard.paths import cache_dir

        analyzers = analyzer_specs()
        folder = cache_dir()
        fingerprint = _fingerprint(analyzers)
        key = cache_key() if fingerprint else None
        entries: list[PackEntry] = []
        problems: list[str] = []
        packs: dict[str, Pack] = {}
        seen: set[str] = set()
        for found in find_packs(extra_dirs):
            try:
                entry, pack = _entry(found.path, found.origin, analyzers, folder, key)
            except PackError as exc:
                problems.append(str(exc))  # one line per pack: its first problem, and how many more
                continue
            if entry.id in seen:
                continue  # an earlier folder's pack of that id wins, as for the registry
            seen.add(entry.id)
            entries.append(entry)
            if pack is not None:
                packs[entry.id] = pack
        return cls(tuple(entries), tuple(problems), packs)

    @classmethod
    def of_packs(cls, packs: list[Pack]) -> PackIndex:
        """An index of packs already loaded (no cache): for tests and embedding."""
        entries = tuple(summarise(p, p.path, "given")[0] for p in packs)
        return cls(entries, (), {p.id: p for p in packs})

    def entry(self, pack_id: str) -> PackEntry | None:
        return self._by_id.get(pack_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def loaded(self, pack_id: str) -> bool:
        return pack_id in self._packs

    def pack(self, pack_id: str) -> Pack:
        """The pack ``pack_id``, loaded (through the checked-pack cache) once and kept."""
        pack = self._packs.get(pack_id)
        if pack is not None:
            return pack
        entry = self._by_id.get(pack_id)
        if entry is None:
            known = ", ".join(self._by_id) or "none"
            raise PackError([Problem("", 0, f"no pack named '{pack_id}' (installed: {known})")])
        from wizard.kb.cache import load_checked
        from wizard.kb.registry import analyzer_specs
        from wizard.paths import cache_dir

        pack = load_checked(Path(entry.path), analyzer_specs(), cache_dir())
        self._packs[pack_id] = pack
        return pack

    def fact(self, name: str) -> list[Fact]:
        """Every installed pack's declaration of fact ``name`` (empty: no pack knows it)."""
        return [e.fact_defs[name] for e in self.entries if name in e.fact_defs]

    def knows_kind(self, kind: str) -> bool:
        return any(kind in e.evidence_kinds for e in self.entries)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for e in self.entries for k in e.evidence_kinds))

    @property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for e in self.entries for f in e.facts))


# --- entries ---------------------------------------------------------------------------


def _entry(
    path: Path, origin: str, analyzers: Analyzers, folder: Path, key: bytes | None
) -> tuple[PackEntry, Pack | None]:
    """The entry of the pack file ``path`` (and the pack, when it had to be loaded);
    ``key`` is the cache's MAC key (None: no entry is read or written)."""
    from wizard.kb.cache import load_checked, read_signed, write_signed

    data = read_pack_file(path)
    sha256 = hashlib.sha256(data).hexdigest()
    fingerprint = _fingerprint(analyzers)
    entry_file = folder / "index" / f"{sha256}-{fingerprint}.json"
    header = f"index {INDEX_FORMAT} {sha256} {__version__} {fingerprint}\n".encode()
    if key is not None:
        payload = read_signed(entry_file, key, header, MAX_INDEX_ENTRY_BYTES)
        if payload is not None:
            entry = _from_payload(payload, str(path), sha256, origin)
            if entry is not None:
                return entry, None
    pack = load_checked(path, analyzers, folder)
    entry, raw = summarise(pack, str(path), origin)
    if key is not None:
        write_signed(entry_file, key, header, json.dumps(raw, ensure_ascii=False).encode())
    return entry, pack


def summarise(pack: Pack, path: str, origin: str) -> tuple[PackEntry, dict[str, Any]]:
    """A pack's entry, and the data kept of it in the cache."""
    from wizard.engine.article import article_state, first_question
    from wizard.engine.session import Session

    session = Session(pack)
    baseline = article_state(session)
    question = first_question(session)
    raw: dict[str, Any] = {
        "id": pack.id,
        "version": pack.version,
        "title": pack.title,
        "document": pack.source.document,
        "symptoms": [
            {"id": s.id, "text": s.text, "fact": s.fact, "value": s.value} for s in pack.symptoms
        ],
        "facts": {name: _fact_dict(f) for name, f in pack.facts.items()},
        "evidence_kinds": list(pack.evidence),
        "baseline": baseline.to_dict(),
        "first_question": question.id if question is not None else "",
        "first_fact": question.fact if question is not None else "",
    }
    entry = _from_raw(raw, path, pack.sha256, origin)
    assert entry is not None
    return entry, raw


def _fact_dict(fact: Fact) -> dict[str, Any]:
    return {
        "type": fact.type,
        "description": fact.description,
        "values": list(fact.values),
        "keywords": list(fact.keywords),
        "item": fact.item,
        "excludes": list(fact.excludes),
        "label": fact.label,
    }


def _from_payload(payload: bytes, path: str, sha256: str, origin: str) -> PackEntry | None:
    try:
        raw = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return _from_raw(raw, path, sha256, origin)


def _from_raw(raw: Any, path: str, sha256: str, origin: str) -> PackEntry | None:
    """An entry from its kept data, checked field by field; None when anything is off."""
    from wizard.engine.article import ArticleState
    from wizard.engine.session import SessionError

    try:
        if not isinstance(raw, dict):
            return None
        pack_id = _str(raw["id"])
        facts = raw["facts"]
        if not isinstance(facts, dict):
            return None
        defs = _Facts(facts)
        symptoms = raw["symptoms"]
        kinds = raw["evidence_kinds"]
        if not isinstance(symptoms, list) or not isinstance(kinds, list):
            return None
        return PackEntry(
            id=pack_id,
            title=_str(raw["title"]),
            document=_str(raw["document"]),
            path=path,
            sha256=sha256,
            origin=origin,
            symptoms=tuple(
                IndexedSymptom(
                    _str(s["id"]), _str(s["text"]), _str(s["fact"]), _str(s["value"]), pack_id
                )
                for s in symptoms
            ),
            facts=defs.types,
            evidence_kinds=tuple(_str(k) for k in kinds),
            version=_str(raw["version"]),
            fact_defs=defs,
            baseline=ArticleState.from_dict(raw["baseline"]),
            first_question=_str(raw["first_question"]),
            first_fact=_str(raw["first_fact"]),
        )
    except (KeyError, TypeError, ValueError, SessionError):
        return None


class _Facts(Mapping[str, Fact]):
    """A pack's fact declarations as kept in its entry, each made a Fact when first read.

    The entry's shape is checked when it is read (every declaration a mapping with a
    valid type); a field that is then not what a Fact takes fails that check too.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        for name, value in raw.items():
            if not isinstance(name, str) or not isinstance(value, dict):
                raise TypeError("a fact is not a mapping")
            if value.get("type") not in ("choice", "ipv4", "list", "text"):
                raise ValueError("not a fact type")
        self._raw = raw
        self._made: dict[str, Fact] = {}
        self.types = {name: str(value["type"]) for name, value in raw.items()}

    def __getitem__(self, name: str) -> Fact:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = _fact(name, self._raw[name])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return tuple(_str(v) for v in value)


def _fact(name: str, raw: Any) -> Fact:
    if not isinstance(raw, dict):
        raise TypeError("not a mapping")
    kind = raw["type"]
    item = raw["item"]
    if kind not in ("choice", "ipv4", "list", "text") or item not in ("text", "ipv4"):
        raise ValueError("not a fact type")
    return Fact(
        name=name,
        type=kind,
        description=_str(raw["description"]),
        values=_strs(raw["values"]),
        keywords=_strs(raw["keywords"]),
        item=item,
        excludes=_strs(raw["excludes"]),
        label=_str(raw["label"]),
    )


def _fingerprint(analyzers: Analyzers) -> str:
    """The code an entry depends on: the checked-pack fingerprint (``wizard.kb``, the
    analyzers' declarations) and the engine that walks a pack with nothing known."""
    from wizard.kb.cache import code_fingerprint

    try:
        return hashlib.sha256(
            f"{code_fingerprint(analyzers)}|{_engine_stamp()}".encode()
        ).hexdigest()[:16]
    except OSError:
        return ""  # no source files to hash (a frozen build): never trust an entry


@cache
def _engine_stamp() -> str:
    folder = os.path.join(os.path.dirname(os.path.dirname(__file__)), "engine")
    with os.scandir(folder) as entries:
        return "|".join(
            f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}"
            for e in sorted(entries, key=lambda e: e.name)
            if e.name.endswith(".py")
        )
