"""Provides the Session: a pure, UI-free state machine that walks a pack's decision graph.

State is small and explicit: facts given up front (``--fact``, evidence), the
user's answers in the order given, and an undo stack of earlier states. The
position in the graph, the transcript and the outcome are derived from that
state by walking the graph, so they can never disagree with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Literal

from wizard.engine import fields
from wizard.kb.model import UNKNOWN, Decision, FactValue, Outcome, Pack, Question
from wizard.kb.values import parse_value, shown

Answerable = str | list[str] | tuple[str, ...]


def now() -> str:
    """UTC time, ISO 8601 to the second: what every record carries."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class SessionError(ValueError):
    """An answer or a move the session cannot take; the message is for the user."""


@dataclass(frozen=True)
class Given:
    """A fact known without asking: a --fact, an answers file, or evidence (``kind:line``)."""

    fact: str
    value: FactValue
    source: str
    detail: str = ""
    note: str | None = None

    @property
    def explicit(self) -> bool:
        """Stated by a person (wins over evidence on conflict)."""
        return ":" not in self.source

    def to_dict(self) -> dict[str, Any]:
        """As saved."""
        return {
            "fact": self.fact,
            "value": value_json(self.value),
            "source": self.source,
            "detail": self.detail,
            "note": self.note,
        }


@dataclass(frozen=True)
class Answer:
    """What the user answered for a fact (``UNKNOWN`` for "don't know")."""

    fact: str
    value: FactValue
    note: str | None
    time: str
    source: str = "user"

    def to_dict(self) -> dict[str, Any]:
        """As saved."""
        return {
            "fact": self.fact,
            "value": value_json(self.value),
            "note": self.note,
            "time": self.time,
            "source": self.source,
        }


@dataclass(frozen=True)
class Step:
    """One step of the transcript: a question answered (by anyone) or a rule applied."""

    node: str
    kind: Literal["question", "decision"]
    text: str
    fact: str | None
    value: FactValue | None
    label: str
    source: str
    note: str | None = None
    time: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Conflict:
    """Evidence that disagrees with a fact a person stated; the stated fact wins."""

    fact: str
    value: FactValue
    source: str
    evidence_value: FactValue
    evidence_source: str


@dataclass(frozen=True)
class _State:
    given: tuple[Given, ...] = ()
    answers: tuple[Answer, ...] = ()
    revising: str | None = None
    """Fact whose question is being revised: the walk stops there again."""


@dataclass(frozen=True)
class Progress:
    """Honest progress: questions answered and the fewest/most still possible."""

    answered: int
    fewest_left: int
    most_left: int

    def describe(self) -> str:
        if self.most_left == 0:
            return f"step {self.answered} · done"
        step = self.answered + 1
        if self.fewest_left == self.most_left:
            return f"step {step} · {self.most_left - 1} more"
        return f"step {step} · at most {self.most_left - 1} more"


@dataclass
class Walk:
    """Where the state leads: the steps taken and the node reached."""

    steps: list[Step]
    node: Question | Outcome
    unknown_facts: list[str] = field(default_factory=list)
    """Facts passed as unknown on the way (said "don't know", or not given)."""


class Session:
    """A troubleshooting case moving through one pack's graph."""

    def __init__(self, pack: Pack, given: Iterable[Given] = ()) -> None:
        self.pack = pack
        self._state = _State()
        self._undo: list[_State] = []
        for item in given:
            self._state = replace(self._state, given=_upsert_given(self._state.given, item))
        self._check_given(self._state.given)

    # --- state ------------------------------------------------------------

    @property
    def given(self) -> tuple[Given, ...]:
        return self._state.given

    @property
    def answers(self) -> tuple[Answer, ...]:
        return self._state.answers

    def _push(self, state: _State) -> None:
        self._undo.append(self._state)
        self._state = state

    def _check_given(self, given: Iterable[Given]) -> None:
        for item in given:
            fact = self.pack.facts.get(item.fact)
            if fact is None:
                raise SessionError(f"unknown fact '{item.fact}' (from {item.source})")
            if item.value == UNKNOWN:
                continue
            try:
                parse_value(fact, item.value)
            except ValueError as exc:
                raise SessionError(f"{exc} (from {item.source})") from None

    def set_given(self, given: Iterable[Given], replace_sources: Iterable[str] = ()) -> None:
        """Add facts known without asking; drop earlier ones from ``replace_sources``.

        Used when evidence is pasted again: its old findings go, the new ones come.
        """
        prefixes = tuple(replace_sources)
        kept = tuple(
            g for g in self._state.given if not any(g.source.startswith(p) for p in prefixes)
        )
        new = list(given)
        self._check_given(new)
        for item in new:
            kept = _upsert_given(kept, item)
        self._push(replace(self._state, given=kept))

    def preset(self, answers: Iterable[Answer]) -> None:
        """Start from these answers (those of the pack's facts), not undoable: how triage
        hands an article every answer given once, so answers stay answers."""
        kept = tuple(a for a in answers if a.fact in self.pack.facts)
        self._state = replace(self._state, answers=kept)

    def clear_undo(self) -> None:
        """Forget the undo history (a case handed over whole starts with none)."""
        self._undo.clear()

    # --- facts --------------------------------------------------------------

    def _is_list(self, name: str) -> bool:
        fact = self.pack.facts.get(name)
        return fact is not None and fact.type == "list"

    def _list_items(self) -> dict[str, dict[str, str]]:
        """For each list fact: item -> where it came from, the person's items first.

        A list fact is the union of what a person said (an answer, or else a stated
        fact) and what the evidence shows: one load script naming one of two virtual
        servers adds to the list, it never contradicts it. An answer "don't know"
        forgets the fact.
        """
        answers = {a.fact: a for a in self._state.answers}
        found: dict[str, dict[str, str]] = {}

        def add(fact: str, value: FactValue, source: str) -> None:
            items = found.setdefault(fact, {})
            for item in (value,) if isinstance(value, str) else value:
                items.setdefault(item, source)

        forgotten = {name for name, answer in answers.items() if answer.value == UNKNOWN}
        for item in self._state.given:
            if not item.explicit or item.value == UNKNOWN or not self._is_list(item.fact):
                continue
            if item.fact not in answers:
                add(item.fact, item.value, item.source)
        for answer in self._state.answers:
            if answer.value != UNKNOWN and self._is_list(answer.fact):
                add(answer.fact, answer.value, answer.source)
        for item in self._state.given:
            if item.explicit or item.value == UNKNOWN or not self._is_list(item.fact):
                continue
            if item.fact not in forgotten:
                add(item.fact, item.value, item.source)
        return found

    def known_facts(self) -> dict[str, FactValue]:
        """Every fact known from any source; answers beat given facts, people beat evidence.

        List facts combine every source (see ``_list_items``).
        """
        facts: dict[str, FactValue] = {}
        for item in sorted(self._state.given, key=lambda g: g.explicit):
            if item.value != UNKNOWN:
                facts[item.fact] = item.value
        for answer in self._state.answers:
            if answer.value == UNKNOWN:
                facts.pop(answer.fact, None)
            else:
                facts[answer.fact] = answer.value
        for name, items in self._list_items().items():
            if items:
                facts[name] = tuple(items)
        return facts

    def provenance(self) -> dict[str, str]:
        """Where each known fact came from (``user``, ``fact``, ``KIND:LINE`` …).

        A list fact combined from several sources names each (``fact, KIND:4``).
        """
        sources: dict[str, str] = {}
        for item in sorted(self._state.given, key=lambda g: g.explicit):
            if item.value != UNKNOWN:
                sources[item.fact] = item.source
        for answer in self._state.answers:
            if answer.value == UNKNOWN:
                sources.pop(answer.fact, None)
            else:
                sources[answer.fact] = answer.source
        for name, items in self._list_items().items():
            if items:
                sources[name] = ", ".join(dict.fromkeys(items.values()))
        return sources

    def item_sources(self, name: str) -> dict[str, str]:
        """Each value of fact ``name`` (each item of a list) -> where it came from."""
        if self._is_list(name):
            return self._list_items().get(name, {})
        facts = self.known_facts()
        value = facts.get(name)
        if value is None or isinstance(value, tuple):
            return {}
        return {value: self.provenance().get(name, "")}

    def conflicts(self) -> list[Conflict]:
        """Evidence that disagrees with a fact a person stated (as a --fact or an answer),
        and any value found in two facts that exclude each other (a node's primary IP
        that is also a virtual IP)."""
        stated: dict[str, tuple[FactValue, str]] = {
            g.fact: (g.value, g.source) for g in self._state.given if g.explicit
        }
        for answer in self._state.answers:
            if answer.value != UNKNOWN:
                stated[answer.fact] = (answer.value, answer.source)
        found = []
        for item in self._state.given:
            if item.explicit or item.fact not in stated or item.value == UNKNOWN:
                continue
            if self._is_list(item.fact):
                continue  # list facts combine: the evidence adds items, it contradicts none
            value, source = stated[item.fact]
            if value != item.value:
                found.append(Conflict(item.fact, value, source, item.value, item.source))
        found.extend(conflict for conflict, _, _ in self._exclusive())
        return found

    def _exclusive(self) -> list[tuple[Conflict, tuple[str, ...], str]]:
        """Values held by two facts that exclude each other, each with the facts that
        cannot be trusted because of it (the one a person gave when the evidence says
        otherwise; both when both come from the same kind of source)."""
        out: list[tuple[Conflict, tuple[str, ...], str]] = []
        seen: set[frozenset[str]] = set()
        for name, fact in self.pack.facts.items():
            for other in fact.excludes:
                pair = frozenset((name, other))
                if other not in self.pack.facts or pair in seen:
                    continue
                seen.add(pair)
                mine = {k.upper(): (k, v) for k, v in self.item_sources(name).items()}
                if not mine:
                    continue
                theirs = self.item_sources(other)
                for item, their_source in theirs.items():
                    match = mine.get(item.upper())
                    if match is None:
                        continue
                    value, my_source = match
                    first, second = (name, my_source), (other, their_source)
                    if _is_evidence(my_source) and not _is_evidence(their_source):
                        first, second = second, first
                    if _is_evidence(first[1]) == _is_evidence(second[1]):
                        distrusted: tuple[str, ...] = (first[0], second[0])
                    else:
                        distrusted = (first[0],)
                    first_words = self.pack.facts[first[0]].words
                    second_words = self.pack.facts[second[0]].words
                    conflict = Conflict(
                        first[0], value, first[1], value, f"{second[1]} ({second_words})"
                    )
                    why = (
                        f"{value} is given as {first_words} ({first[1]}) but is one of "
                        f"{second_words} ({second[1]})"
                    )
                    out.append((conflict, distrusted, why))
        return out

    def contradicted(self) -> dict[str, str]:
        """Facts whose value the evidence (or another stated fact) contradicts -> why.

        No command is built from such a value (see ``wizard.engine.fixes``).
        """
        reasons: dict[str, str] = {}
        for _, distrusted, text in self._exclusive():
            for name in distrusted:
                reasons.setdefault(name, text)
        return reasons

    # --- the walk -----------------------------------------------------------

    def walk(self, unattended: bool = False) -> Walk:
        """Follow the graph from the start on what is known.

        Interactive walks stop at the first question nobody has answered.
        Unattended walks pass such questions as "don't know", so they always
        reach an outcome (an ``undecided`` one when the facts do not settle it).
        """
        facts = self.known_facts()
        answers = {a.fact: a for a in self._state.answers}
        given = {g.fact: g for g in sorted(self._state.given, key=lambda g: g.explicit)}
        steps: list[Step] = []
        unknown: list[str] = []
        node = self.pack.nodes[self.pack.start]
        for _ in range(len(self.pack.nodes) + 1):
            if isinstance(node, Outcome):
                return Walk(steps, node, unknown)
            if isinstance(node, Decision):
                target, label = _decide(node, facts)
                steps.append(Step(node.id, "decision", label, None, None, label, "rule"))
                node = self.pack.nodes[target]
                continue
            if self._state.revising == node.fact and not unattended:
                return Walk(steps, node, unknown)
            answer = answers.get(node.fact)
            time: str | None
            if answer is not None:
                value: FactValue = answer.value
                source, note, time, detail = answer.source, answer.note, answer.time, ""
            elif node.fact in given and given[node.fact].value != UNKNOWN:
                item = given[node.fact]
                value, source, note, time = item.value, item.source, item.note, None
                detail = item.detail
            elif unattended:
                value, source, note, time, detail = UNKNOWN, "not given", None, None, ""
            else:
                return Walk(steps, node, unknown)
            routed = _route(node, value)
            if routed is None:
                # A known value this question has no route for: ask the user.
                if not unattended or node.unknown is None:
                    return Walk(steps, node, unknown)
                routed, value = node.unknown, UNKNOWN
            if value == UNKNOWN and not node.optional:
                unknown.append(node.fact)
            label = _label(node, value)
            steps.append(
                Step(
                    node.id,
                    "question",
                    node.text,
                    node.fact,
                    value,
                    label,
                    source,
                    note,
                    time,
                    detail,
                )
            )
            node = self.pack.nodes[routed]
        raise RuntimeError("the decision graph has a cycle")  # validation rules this out

    @property
    def current(self) -> Question | Outcome:
        """The question to ask now, or the outcome reached."""
        return self.walk().node

    @property
    def outcome(self) -> Outcome | None:
        node = self.current
        return node if isinstance(node, Outcome) else None

    def path(self) -> list[Step]:
        return self.walk().steps

    def question_steps(self) -> list[Step]:
        """The transcript's questions only (what a person sees as "the path so far")."""
        return [s for s in self.path() if s.kind == "question"]

    def progress(self) -> Progress:
        walk = self.walk()
        answered = sum(1 for s in walk.steps if s.kind == "question")
        counts = self.pack.remaining
        if not counts:
            from wizard.kb.graph import graph_of, remaining_questions

            counts = remaining_questions(graph_of(self.pack))
        fewest, most = counts[walk.node.id]
        return Progress(answered, fewest, most)

    def missing(self) -> list[str]:
        """Facts that would settle the case, in the order the wizard would ask for them.

        Empty once the known facts reach a diagnosis.
        """
        walk = self.walk(unattended=True)
        if not isinstance(walk.node, Outcome) or walk.node.status != "undecided":
            return []
        return list(dict.fromkeys(walk.unknown_facts))

    # --- moves --------------------------------------------------------------

    def answer(self, value: Answerable, note: str | None = None) -> None:
        """Answer the current question (``UNKNOWN`` for "don't know") and move on."""
        node = self.current
        if not isinstance(node, Question):
            raise SessionError("the case is already decided; go back to change an answer")
        parsed = self._parse_answer(node, value)
        answers = tuple(a for a in self._state.answers if a.fact != node.fact)
        record = Answer(node.fact, parsed, (note or "").strip() or None, now())
        self._push(_State(self._state.given, (*answers, record), None))

    def dont_know(self, note: str | None = None) -> None:
        """ "Don't know / can't check now": route to the next check that can decide."""
        self.answer(UNKNOWN, note)

    def _parse_answer(self, node: Question, value: Answerable) -> FactValue:
        if isinstance(value, str) and value == UNKNOWN:
            if node.unknown is None:
                raise SessionError(f"'{node.fact}' needs an answer here")
            return UNKNOWN
        fact = self.pack.facts[node.fact]
        try:
            parsed = parse_value(fact, value)
        except ValueError as exc:
            raise SessionError(str(exc)) from None
        self._check_exclusive(node.fact, parsed)
        if _route(node, parsed) is None:
            offered = ", ".join(c.value for c in node.choices)
            raise SessionError(f"{node.fact}: '{parsed}' is not an answer here ({offered})")
        return parsed

    def _check_exclusive(self, name: str, value: FactValue) -> None:
        """Refuse a value that a fact excluding this one already holds, with the reason."""
        others = set(self.pack.facts[name].excludes)
        others.update(n for n, f in self.pack.facts.items() if name in f.excludes)
        items = (value,) if isinstance(value, str) else value
        for other in sorted(others):
            held = {k.upper(): src for k, src in self.item_sources(other).items()}
            for item in items:
                source = held.get(item.upper())
                if source is not None:
                    raise SessionError(
                        f"{item} cannot be {self.pack.facts[name].words}: it is one of "
                        f"{self.pack.facts[other].words} ({source})"
                    )

    def back(self) -> bool:
        """Undo the last move (answer, revision or evidence change); False at the start."""
        if not self._undo:
            return False
        self._state = self._undo.pop()
        return True

    def step_back(self) -> bool:
        """Back along the path: reopen the question before the one shown (the last one when
        the case is decided), its answer and note kept; False at the first question.

        Unlike ``back`` (undo), this never leads forward: not to an outcome left by a
        revision, not to a later question, and it never drops evidence or answers.
        """
        questions = [s for s in self.walk().steps if s.kind == "question"]
        if not questions:
            return False
        self._push(replace(self._state, revising=questions[-1].fact))
        return True

    def recorded(self, fact: str) -> tuple[FactValue, str | None] | None:
        """The value and note already recorded for ``fact`` (an answer, else a given fact)."""
        for answer in self._state.answers:
            if answer.fact == fact:
                return answer.value, answer.note
        given = {g.fact: g for g in sorted(self._state.given, key=lambda g: g.explicit)}
        item = given.get(fact)
        return (item.value, item.note) if item is not None else None

    def restart(self) -> None:
        """Forget every answer (evidence and stated facts stay); undoable."""
        self._push(_State(self._state.given, (), None))

    def jump_to(self, step: int) -> None:
        """Revise the answer of question step ``step`` (0-based, in ``question_steps``).

        The later answers are kept: those the new path still meets are applied
        again, so revising one answer never loses the others.
        """
        steps = self.question_steps()
        if not 0 <= step < len(steps):
            raise SessionError(f"no step {step + 1} to revise")
        fact = steps[step].fact
        self._push(replace(self._state, revising=fact))

    @property
    def revising(self) -> str | None:
        return self._state.revising

    # --- persistence --------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def state(s: _State) -> dict[str, Any]:
            return {
                "given": [g.to_dict() for g in s.given],
                "answers": [a.to_dict() for a in s.answers],
                "revising": s.revising,
            }

        return {
            "pack": {"id": self.pack.id, "version": self.pack.version, "sha256": self.pack.sha256},
            "state": state(self._state),
            "undo": [state(s) for s in self._undo],
        }

    @classmethod
    def from_dict(cls, pack: Pack, data: Mapping[str, Any]) -> Session:
        """Rebuild a saved session; refuses a pack whose major version changed.

        Everything read is checked for its type, and every fact and value against
        the pack: a damaged or foreign file is a SessionError, never a crash later.
        """
        saved = data.get("pack", {})
        if not isinstance(saved, dict):
            raise SessionError("saved session is damaged ('pack' is not a mapping)")
        if saved.get("id") != pack.id:
            raise SessionError(
                f"this session was made with pack '{shown(str(saved.get('id')))}', not '{pack.id}'"
            )
        if _major(str(saved.get("version", ""))) != _major(pack.version):
            raise SessionError(
                f"this session was made with {pack.id} {shown(str(saved.get('version')))}; the "
                f"installed pack is {pack.version}, which is not compatible (its major version "
                "changed)"
            )

        def state(raw: Any) -> _State:
            raw = fields.as_mapping(raw, "state")
            revising = raw.get("revising")
            if revising is not None and revising not in pack.facts:
                raise ValueError("'revising' names no fact of the pack")
            return _State(
                tuple(_given_from(pack, g) for g in _list(raw.get("given", []), "given")),
                tuple(_answer_from(pack, a) for a in _list(raw.get("answers", []), "answers")),
                revising,
            )

        session = cls(pack)
        try:
            session._state = state(data["state"])
            session._undo = [state(s) for s in _list(data.get("undo", []), "undo")]
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError(f"saved session is damaged ({_reason(exc)})") from None
        return session


# --- helpers ------------------------------------------------------------------


def stated_givens(
    facts: Iterable[tuple[str, Any, str]],
    notes: Mapping[str, str],
    parse: Callable[[str, str | list[str], str], FactValue],
    check_name: Callable[[str, str], object],
    knows: Callable[[str], bool],
) -> list[Given]:
    """Facts stated up front (``(name, raw value, source)``), with their notes.

    ``check_name`` raises SessionError for a fact no pack knows, ``parse`` reads a value
    (SessionError when it does not fit); a blank or "don't know" value is left out.
    """
    out: list[Given] = []
    for name, raw, source in facts:
        check_name(name, source)
        if isinstance(raw, str) and raw.strip() in (UNKNOWN, ""):
            continue
        if not isinstance(raw, (str, list)):
            raise SessionError(f"{name}: expected a value or a list (from {source})")
        out.append(Given(name, parse(name, raw, source), source, note=notes.get(name)))
    for name in notes:
        if not knows(name):
            raise SessionError(f"note for unknown fact '{shown(name)}'")
    return out


def _is_evidence(source: str) -> bool:
    """A source that is an artifact line (``KIND:4``), not a person."""
    return ":" in source


def _upsert_given(given: tuple[Given, ...], item: Given) -> tuple[Given, ...]:
    """Add ``item``; one value per fact and kind of source (explicit or evidence)."""
    kept = tuple(g for g in given if not (g.fact == item.fact and g.explicit == item.explicit))
    return (*kept, item)


def _decide(node: Decision, facts: Mapping[str, FactValue]) -> tuple[str, str]:
    for rule in node.rules:
        if rule.when.holds(facts):
            return rule.next, rule.label or rule.when.describe()
    return node.default, "otherwise"


def _route(node: Question, value: FactValue) -> str | None:
    if value == UNKNOWN:
        return node.unknown
    for choice in node.choices:
        if choice.value == value:
            return choice.next
    if node.other is not None:
        return node.other.next
    return None


def _label(node: Question, value: FactValue) -> str:
    if value == UNKNOWN:
        return "don't know"
    for choice in node.choices:
        if choice.value == value:
            return choice.label
    return ", ".join(value) if isinstance(value, tuple) else value


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def value_json(value: FactValue) -> str | list[str]:
    return list(value) if isinstance(value, tuple) else value


def _value_from(pack: Pack, fact: str, raw: Any) -> FactValue:
    """A saved value, checked against its fact as a typed answer would be."""
    if raw == UNKNOWN:
        return UNKNOWN
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return parse_value(pack.facts[fact], raw)
    if isinstance(raw, str):
        return parse_value(pack.facts[fact], raw)
    raise TypeError(f"the value of '{fact}' is not text or a list of text")


def _list(raw: Any, what: str) -> list[Any]:
    if not isinstance(raw, list):
        raise TypeError(f"'{what}' is not a list")
    return raw


def _fact_name(pack: Pack, raw: Mapping[str, Any]) -> str:
    name = fields.text(raw, "fact")
    if name not in pack.facts:
        raise ValueError(f"'{shown(name)}' is not a fact of the pack")
    return name


def _reason(exc: Exception) -> str:
    """An exception as one short line for the user."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return shown(text, 120) if isinstance(exc, KeyError) else text[:200]


def _given_from(pack: Pack, raw: Any) -> Given:
    raw = fields.as_mapping(raw, "given")
    fact = _fact_name(pack, raw)
    return Given(
        fact,
        _value_from(pack, fact, raw["value"]),
        fields.text(raw, "source"),
        fields.text(raw, "detail", ""),
        fields.note(raw),
    )


def _answer_from(pack: Pack, raw: Any) -> Answer:
    raw = fields.as_mapping(raw, "answers")
    fact = _fact_name(pack, raw)
    return Answer(
        fact,
        _value_from(pack, fact, raw["value"]),
        fields.note(raw),
        fields.text(raw, "time"),
        fields.text(raw, "source", "user"),
    )
