"""Provides Triage: one caller's case across every installed article.

A helpdesk case starts from what the caller reports, not from an article. Triage
keeps one pool of what is known (facts stated up front, answers and their notes,
pasted artifacts) and gives every article the part of it that article knows: its
state is where an unattended walk of its own Session leads. An article none of
whose facts is known and none of whose evidence is given is in the state the pack
index keeps for it, so it is never loaded. The next question is the one most
candidate articles need (a shared fact is asked once); the agent may continue in an
article (``case_for``) and come back (``absorb``) without losing anything typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.engine import fields
from wizard.engine.article import ArticleState, article_state, first_question
from wizard.engine.case import (
    VERDICTS,
    Artifact,
    Case,
    CaseHeader,
    Drafts,
    Verification,
    read_corrections,
    read_passed,
    removed,
)
from wizard.engine.session import (
    Answer,
    Conflict,
    Given,
    Session,
    SessionError,
    now,
    stated_givens,
)
from wizard.kb.model import UNKNOWN, Fact, FactValue, Pack, Question
from wizard.kb.values import parse_value, shown

if TYPE_CHECKING:
    from wizard.engine.intake import Intake
    from wizard.evidence.protocol import Reading
    from wizard.kb.index import PackIndex

__all__ = [
    "ArticleState",
    "Triage",
    "TriageQuestion",
    "TriageSymptom",
    "build_triage",
    "triage_given",
]

FORMAT_VERSION = 1
"""Version of the saved-triage JSON layout."""

SYMPTOM_SOURCE = "symptom"
"""The source of an answer that comes from the caller's report (a symptom picked)."""

CONFIRMED_HERE = "The facts of this case confirm this article."
"""Why a ruled-out article points to an article the same facts confirm."""


@dataclass(frozen=True)
class TriageSymptom:
    """A symptom of one or more packs (deduplicated by the fact and value it sets)."""

    key: str
    fact: str
    value: str
    texts: tuple[str, ...]
    packs: tuple[str, ...]


@dataclass(frozen=True)
class TriageQuestion:
    pack: str
    """The article whose question it is."""
    question: Question
    asked_by: tuple[str, ...]
    """The candidate articles that need this fact."""


@dataclass
class _Kept:
    """What an article's Case holds beyond the shared pool, kept for the next ``case_for``."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: str = field(default_factory=now)
    corrections: dict[str, str] = field(default_factory=dict)
    passed: set[str] = field(default_factory=set)
    verifications: list[Verification] = field(default_factory=list)
    drafts: Drafts = field(default_factory=Drafts)


@dataclass
class _Built:
    cases: dict[str, Case]
    states: list[ArticleState]


class Triage:
    """The shared pool of one case, and every installed article's state on it."""

    def __init__(self, index: PackIndex) -> None:
        self.index = index
        self.header = CaseHeader()
        self.id = uuid.uuid4().hex[:12]
        self.created = now()
        self.updated = self.created
        self.current: str | None = None
        """The article the agent continued in, if any (set by the front end)."""
        self._given: list[Given] = []
        self._answers: dict[str, Answer] = {}
        self._symptoms: tuple[str, ...] = ()
        self.artifacts: list[Artifact] = []
        self._kept: dict[str, _Kept] = {}
        self._memo: dict[tuple[object, ...], Reading] = {}
        self._built: _Built | None = None

    @classmethod
    def start(cls, index: PackIndex, given: Iterable[Given] = ()) -> Triage:
        """A triage on ``index`` with facts known up front (checked against the packs)."""
        triage = cls(index)
        for item in given:
            triage._check(item.fact, item.value, item.source)
            triage._given = [g for g in triage._given if g.fact != item.fact] + [item]
        return triage

    # --- the pool ---------------------------------------------------------------------

    def _defs(self, fact: str, source: str = "") -> list[Fact]:
        defs = self.index.fact(fact)
        if not defs:
            where = f" (from {source})" if source else ""
            raise SessionError(f"unknown fact '{shown(fact)}'{where}: no installed pack knows it")
        return defs

    def _parse(self, fact: str, value: str | list[str] | tuple[str, ...], source: str) -> FactValue:
        """``value`` as the first pack that knows ``fact`` and takes the value reads it."""
        if isinstance(value, str) and value == UNKNOWN:
            self._defs(fact, source)
            return UNKNOWN
        first: ValueError | None = None
        for definition in self._defs(fact, source):
            try:
                return parse_value(definition, value)
            except ValueError as exc:
                first = first or exc
        where = f" (from {source})" if source else ""
        raise SessionError(f"{first}{where}")

    def _check(self, fact: str, value: FactValue, source: str) -> None:
        self._parse(fact, value, source)

    def _changed(self) -> None:
        self._built = None
        self.updated = now()

    @property
    def given(self) -> tuple[Given, ...]:
        return tuple(self._given)

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(self._answers.values())

    def answer(
        self, fact: str, value: str | tuple[str, ...] | list[str], note: str | None = None
    ) -> None:
        """Answer ``fact`` for every article that knows it (``UNKNOWN``: don't know)."""
        parsed = self._parse(fact, value, "")
        self._answers.pop(fact, None)
        self._answers[fact] = Answer(fact, parsed, (note or "").strip() or None, now())
        self._changed()

    def dont_know(self, fact: str, note: str | None = None) -> None:
        self.answer(fact, UNKNOWN, note)

    def forget(self, fact: str) -> None:
        """Take back the answer for ``fact`` (a stated fact stays)."""
        if self._answers.pop(fact, None) is not None:
            self._changed()

    def symptoms(self) -> list[TriageSymptom]:
        """The symptoms of every installed pack, one per (fact, value), by pack id."""
        found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        for entry in sorted(self.index.entries, key=lambda e: e.id):
            for symptom in entry.symptoms:
                texts, packs = found.setdefault((symptom.fact, symptom.value), ([], []))
                if symptom.text not in texts:
                    texts.append(symptom.text)
                if entry.id not in packs:
                    packs.append(entry.id)
        return [
            TriageSymptom(f"{fact}={value}", fact, value, tuple(texts), tuple(packs))
            for (fact, value), (texts, packs) in found.items()
        ]

    @property
    def reported(self) -> tuple[str, ...]:
        """The keys of the symptoms the caller reported."""
        return self._symptoms

    def set_symptoms(self, keys: Iterable[str]) -> None:
        """The caller's report (replaces the earlier one): each symptom answers its fact."""
        by_key = {s.key: s for s in self.symptoms()}
        chosen: dict[str, TriageSymptom] = {}
        for key in keys:
            symptom = by_key.get(key)
            if symptom is None:
                raise SessionError(f"no installed pack lists the symptom '{shown(key)}'")
            other = chosen.get(symptom.fact)
            if other is not None and other.key != key:
                raise SessionError(f"'{shown(key)}' and '{shown(other.key)}' cannot both hold")
            chosen[symptom.fact] = symptom
        for fact, answer in list(self._answers.items()):
            if answer.source == SYMPTOM_SOURCE and fact not in chosen:
                del self._answers[fact]
        for fact, symptom in chosen.items():
            parsed = self._parse(fact, symptom.value, "")
            old = self._answers.pop(fact, None)
            note = old.note if old is not None else None
            self._answers[fact] = Answer(fact, parsed, note, now(), SYMPTOM_SOURCE)
        self._symptoms = tuple(s.key for s in chosen.values())
        self._changed()

    def add_evidence(self, kind: str, data: bytes | str, name: str = "pasted") -> None:
        """Add (or replace, by kind and name) an artifact; read by every pack of the kind."""
        self.store_artifact(kind, data, name)
        self._changed()

    def store_artifact(self, kind: str, data: bytes | str, name: str) -> None:
        if not self.index.knows_kind(kind):
            known = ", ".join(self.index.kinds) or "none"
            raise SessionError(
                f"unknown evidence kind '{shown(kind)}' (installed packs read: {known})"
            )
        # the replaced artifact goes last (a case keeps its place)
        self.artifacts = [*removed(self.artifacts, kind, name), Artifact.new(kind, data, name)]
        self._changed()

    def remove_evidence(self, kind: str, name: str | None = None) -> None:
        kept = removed(self.artifacts, kind, name)
        if len(kept) != len(self.artifacts):
            self.artifacts = kept
            self._changed()

    # --- the articles -------------------------------------------------------------------

    def _pool_facts(self) -> set[str]:
        return {g.fact for g in self._given} | set(self._answers)

    def _case(self, pack: Pack, foreign: Iterable[Given] = (), kept: _Kept | None = None) -> Case:
        """A Case of ``pack`` with everything of the pool it knows (and ``kept``)."""
        given = [g for g in (*self._given, *foreign) if _takes(pack, g.fact, g.value)]
        session = Session(pack, given)
        session.preset(a for a in self._answers.values() if _takes(pack, a.fact, a.value))
        case = Case(pack, session, header=replace(self.header), memo=self._memo)
        if kept is not None:
            case.id, case.created = kept.id, kept.created
            case.corrections = dict(kept.corrections)
            case.passed = set(kept.passed)
            case.verifications = [v for v in kept.verifications if _verdict_fits(pack, v)]
            case.drafts = Drafts(dict(kept.drafts.notes), dict(kept.drafts.evidence))
        case.artifacts = [a for a in self.artifacts if a.kind in pack.evidence]
        if case.artifacts:
            case.refresh_evidence()
        case.session.clear_undo()  # a fresh case: nothing to undo into
        return case

    def _build(self) -> _Built:
        if self._built is not None:
            return self._built
        index = self.index
        current = {id(a.data) for a in self.artifacts}
        for key in [k for k in self._memo if id(k[1]) not in current]:
            del self._memo[key]  # readings of artifacts replaced or removed: not kept
        kinds = {a.kind for a in self.artifacts}
        readers = [e.id for e in index.entries if kinds & set(e.evidence_kinds)]
        cases: dict[str, Case] = {}
        found: dict[str, Given] = {}
        for pack_id in readers:
            case = cases[pack_id] = self._case(index.pack(pack_id))
            for item in case.session.given:
                if not item.explicit and item.value != UNKNOWN:
                    found.setdefault(item.fact, item)
        known = self._pool_facts() | set(found)
        for entry in index.entries:
            if not known & set(entry.facts):
                continue
            pack_id = entry.id
            own = set(cases[pack_id].session.pack.evidence) if pack_id in cases else set()
            foreign = [
                g
                for name, g in found.items()
                if name in entry.facts and g.source.split(":", 1)[0] not in own
            ]
            if pack_id in cases and not foreign:
                continue
            cases[pack_id] = self._case(index.pack(pack_id), foreign)
        states: list[ArticleState] = []
        for entry in index.entries:
            case_ = cases.get(entry.id)
            if case_ is not None:
                states.append(article_state(case_.session))
            elif entry.baseline is not None:
                states.append(entry.baseline)
        confirmed = [s for s in states if s.status == "confirmed"]
        if confirmed:
            states = [_pointing(s, confirmed) if s.status == "ruled-out" else s for s in states]
        states.sort(key=ArticleState.sort_key)
        self._built = _Built(cases, states)
        return self._built

    def articles(self) -> list[ArticleState]:
        """Every installed article: confirmed, then undecided (fewest missing first), then
        ruled-out; ties by pack id."""
        return list(self._build().states)

    def article(self, pack_id: str) -> ArticleState | None:
        return next((s for s in self._build().states if s.pack == pack_id), None)

    def leading(self) -> ArticleState | None:
        """The article in the lead (None when every article is ruled out)."""
        states = self._build().states
        return states[0] if states and states[0].status != "ruled-out" else None

    def loaded(self) -> tuple[str, ...]:
        """The articles whose pack had to be walked (the others are as the index keeps them)."""
        return tuple(self._build().cases)

    def next_question(self) -> TriageQuestion | None:
        """The question that serves the most candidate articles (a fact asked once), else
        the leading article's; None when no candidate has a question left.

        The candidates are the undecided articles: a confirmed article is settled (what
        its fixes still need is asked in the article), a ruled-out one is out."""
        built = self._build()
        asks: list[tuple[ArticleState, str, str]] = []  # (article, fact, question node)
        needs: dict[str, set[str]] = {}
        pool = self._pool_facts()
        for state in built.states:
            if state.status != "undecided":
                continue
            case = built.cases.get(state.pack)
            if case is not None:
                question = first_question(case.session)
                node, fact = (question.id, question.fact) if question else ("", "")
            else:
                entry = self.index.entry(state.pack)
                node, fact = (entry.first_question, entry.first_fact) if entry else ("", "")
            if fact in pool:
                fact = ""  # answered already (a value this article has no route for): not again
            needs[state.pack] = {fact, *state.missing} - {""}
            if fact:
                asks.append((state, fact, node))
        if not asks:
            return None
        # The caller's report comes first: a fact needed by the articles whose symptoms
        # hold (a login error reported points to the article about it) before a fact
        # shared by more articles that nothing reported points to.
        matched = self._matched(needs)
        counts = {
            fact: (
                sum(fact in n for pack, n in needs.items() if pack in matched),
                sum(fact in n for n in needs.values()),
            )
            for _, fact, _ in asks
        }
        best = max(counts.values())
        state, fact, node = next(a for a in asks if counts[a[1]] == best)
        found = self.index.pack(state.pack).nodes[node]
        assert isinstance(found, Question)
        asked_by = tuple(pack for pack, n in needs.items() if fact in n)
        return TriageQuestion(state.pack, found, asked_by)

    def _matched(self, candidates: Iterable[str]) -> set[str]:
        """The candidate articles one of whose symptoms holds for what is known."""
        known = self.facts()
        wanted = set(candidates)
        out: set[str] = set()
        for entry in self.index.entries:
            if entry.id not in wanted:
                continue
            for symptom in entry.symptoms:
                value = known.get(symptom.fact)
                if value == symptom.value or (isinstance(value, tuple) and symptom.value in value):
                    out.add(entry.id)
                    break
        return out

    # --- what is known ------------------------------------------------------------------

    def facts(self) -> dict[str, FactValue]:
        """Every fact known from any source (the first article that knows one says it)."""
        out: dict[str, FactValue] = {}
        for case in self._build().cases.values():
            for name, value in case.session.known_facts().items():
                out.setdefault(name, value)
        return out

    def provenance(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for case in self._build().cases.values():
            for name, source in case.session.provenance().items():
                out.setdefault(name, source)
        return out

    def conflicts(self) -> list[Conflict]:
        seen: dict[tuple[str, str, str, str, str], Conflict] = {}
        for case in self._build().cases.values():
            for c in case.session.conflicts():
                key = (c.fact, repr(c.value), c.source, repr(c.evidence_value), c.evidence_source)
                seen.setdefault(key, c)
        return list(seen.values())

    def case_of(self, pack_id: str) -> Case | None:
        """The case triage walked for ``pack_id`` (None: the pack was not loaded); read only."""
        return self._build().cases.get(pack_id)

    # --- switching into an article and back ---------------------------------------------

    def case_for(self, pack_id: str) -> Case:
        """A Case of ``pack_id`` with every shared answer, note and artifact the pack knows
        (answers stay answers), and what an earlier visit to it left."""
        pack = self.index.pack(pack_id)
        built = self._build()
        foreign: list[Given] = []
        own = set(pack.evidence)
        for other_id, other in built.cases.items():
            if other_id == pack_id:
                continue
            for item in other.session.given:
                if (
                    not item.explicit
                    and item.fact in pack.facts
                    and item.source.split(":", 1)[0] not in own
                    and item.value != UNKNOWN
                    and all(g.fact != item.fact for g in foreign)
                ):
                    foreign.append(item)
        kept = self._kept.setdefault(pack_id, _Kept())
        case = self._case(pack, foreign, kept)
        case.considered = tuple(built.states)
        return case

    def drafts(self, pack_id: str) -> Drafts:
        """What is typed for article ``pack_id`` and not submitted yet (a note for a
        question triage asks for it, say): kept and saved with the triage, and given to the
        article's Case when it is opened."""
        return self._kept.setdefault(pack_id, _Kept()).drafts

    def absorb(self, case: Case) -> None:
        """Fold what was given in an article's Case back into the pool: nothing is lost."""
        pack = case.pack
        for answer in case.session.answers:
            self._answers.pop(answer.fact, None)
            self._answers[answer.fact] = answer
        for item in case.session.given:
            if item.explicit and not any(
                g.fact == item.fact and g.value == item.value for g in self._given
            ):
                self._given = [g for g in self._given if g.fact != item.fact] + [item]
        others = [a for a in self.artifacts if a.kind not in pack.evidence]
        self.artifacts = others + list(case.artifacts)
        kept = self._kept.setdefault(pack.id, _Kept())
        kept.id, kept.created = case.id, case.created
        kept.corrections = dict(case.corrections)
        kept.passed = set(case.passed)
        kept.verifications = list(case.verifications)
        kept.drafts = Drafts(dict(case.drafts.notes), dict(case.drafts.evidence))
        self.header = replace(case.header)
        self._changed()

    # --- persistence --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "current": self.current,
            "header": self.header.to_dict(),
            "given": [g.to_dict() for g in self._given],
            "answers": [a.to_dict() for a in self._answers.values()],
            "symptoms": list(self._symptoms),
            "artifacts": [a.to_dict() for a in self.artifacts],
            "articles": {
                pack_id: {
                    "id": k.id,
                    "created": k.created,
                    "role_overrides": dict(k.corrections),
                    "rows_passed": sorted(k.passed),
                    "verifications": [v.to_dict() for v in k.verifications],
                    "drafts": k.drafts.to_dict(),
                }
                for pack_id, k in self._kept.items()
            },
        }

    @classmethod
    def from_dict(cls, index: PackIndex, data: Mapping[str, Any]) -> Triage:
        """Rebuild a saved triage; SessionError (one line) when it cannot be used.

        Every field is checked for its type, every fact and value against the installed
        packs, every artifact against the kinds they read.
        """
        if not isinstance(data, Mapping) or data.get("format") != FORMAT_VERSION:
            raise SessionError("saved triage has an unknown format")
        triage = cls(index)
        try:
            triage.id = fields.text(data, "id")
            triage.created = fields.text(data, "created")
            triage.updated = fields.text(data, "updated", triage.created)
            current = data.get("current")
            if current is not None and not isinstance(current, str):
                raise TypeError("'current' is not text")
            triage.current = current if current in index.ids else None
            triage.header = CaseHeader.from_dict(fields.mapping(data, "header"))
            for raw in _items(data, "given"):
                fact = fields.text(raw, "fact")
                source = fields.text(raw, "source")
                value = triage._parse(fact, _raw_value(raw), source)
                if value == UNKNOWN:
                    raise ValueError("a stated fact cannot be 'don't know'")
                triage._given.append(
                    Given(fact, value, source, fields.text(raw, "detail", ""), fields.note(raw))
                )
            for raw in _items(data, "answers"):
                fact = fields.text(raw, "fact")
                value = triage._parse(fact, _raw_value(raw), "saved triage")
                triage._answers.pop(fact, None)
                triage._answers[fact] = Answer(
                    fact,
                    value,
                    fields.note(raw),
                    fields.text(raw, "time"),
                    fields.text(raw, "source", "user"),
                )
            symptoms = data.get("symptoms", [])
            if not isinstance(symptoms, list) or not all(isinstance(s, str) for s in symptoms):
                raise TypeError("'symptoms' is not a list of text")
            triage._symptoms = tuple(symptoms)
            for raw in _items(data, "artifacts"):
                artifact = Artifact.from_dict(raw, index.knows_kind, "any pack")
                triage.artifacts = [
                    *removed(triage.artifacts, artifact.kind, artifact.name),
                    artifact,
                ]
            for pack_id, raw in fields.mapping(data, "articles").items():
                if pack_id not in index.ids:
                    continue  # a pack no longer installed: nothing to go back to
                triage._kept[pack_id] = _kept_from(fields.as_mapping(raw, "an article"))
        except SessionError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError(f"saved triage is damaged ({fields.reason(exc)})") from None
        return triage


# --- building a triage from command-line input ------------------------------------------------


def triage_given(
    index: PackIndex, facts: Iterable[tuple[str, Any, str]], notes: Mapping[str, str]
) -> list[Given]:
    """Facts stated up front, each checked against the packs that know it."""
    probe = Triage(index)
    return stated_givens(
        facts, notes, probe._parse, probe._defs, lambda name: bool(index.fact(name))
    )


def build_triage(index: PackIndex, intake: Intake) -> Triage:
    """A Triage with every given fact and artifact of ``intake`` (evidence read once)."""
    from wizard.engine.intake import read_evidence_file

    triage = Triage.start(index, triage_given(index, intake.facts, intake.notes))
    triage.header = intake.header
    for kind, path in intake.evidence:
        if not index.knows_kind(kind):  # before reading the file: say the kind is wrong first
            triage.store_artifact(kind, b"", str(path))
        triage.store_artifact(kind, read_evidence_file(kind, Path(path)), str(path))
    return triage


# --- helpers -----------------------------------------------------------------------------


def _takes(pack: Pack, fact: str, value: FactValue) -> bool:
    """Whether ``pack`` knows ``fact`` and its declaration takes ``value``."""
    definition = pack.facts.get(fact)
    if definition is None:
        return False
    if value == UNKNOWN:
        return True
    try:
        parse_value(definition, value)
    except ValueError:
        return False
    return True


def _verdict_fits(pack: Pack, verification: Verification) -> bool:
    return verification.fix in pack.fixes or verification.verdict == "escalated"


def _pointing(state: ArticleState, confirmed: list[ArticleState]) -> ArticleState:
    """A ruled-out article that also points to the articles the same facts confirm."""
    extra = [c.pack for c in confirmed if c.pack != state.pack and c.pack not in state.see_also]
    if not extra:
        return state
    return replace(
        state,
        see_also=(*state.see_also, *extra),
        see_also_texts=(*state.see_also_texts, *(CONFIRMED_HERE for _ in extra)),
    )


MAX_SAVED_ITEMS = 100_000


def _items(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return fields.items(raw, key, MAX_SAVED_ITEMS)


def _raw_value(raw: Mapping[str, Any]) -> str | list[str]:
    value = raw["value"]
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise TypeError("a value is not text or a list of text")


def _kept_from(raw: Mapping[str, Any]) -> _Kept:
    kept = _Kept(id=fields.text(raw, "id"), created=fields.text(raw, "created"))
    kept.corrections = read_corrections(fields.mapping(raw, "role_overrides"))
    kept.passed = read_passed(raw.get("rows_passed", []))
    for item in _items(raw, "verifications"):
        verdict = item.get("verdict")
        if verdict not in VERDICTS:
            raise ValueError(f"'{shown(str(verdict))}' is not a verdict")
        kept.verifications.append(
            Verification(
                fields.text(item, "fix"), verdict, fields.note(item), fields.text(item, "time")
            )
        )
    kept.drafts = Drafts.from_dict(raw.get("drafts"))
    return kept
