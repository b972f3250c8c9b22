"""Property tests: any sequence of answers, backs, jumps and restarts leaves a consistent state."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.engine.session import Session
from wizard.kb.model import UNKNOWN, Outcome, Pack, Question
from wizard.kb.registry import open_pack

PACK: Pack = open_pack()

actions = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 5)),
        st.tuples(st.just("unknown"), st.just(0)),
        st.tuples(st.just("back"), st.just(0)),
        st.tuples(st.just("jump"), st.integers(0, 8)),
        st.tuples(st.just("restart"), st.just(0)),
    ),
    max_size=25,
)


def _options(node: Question) -> list[str]:
    values = [c.value for c in node.choices]
    if node.other is not None:
        values.append("10.1.1.11")
    return values


def _apply(session: Session, action: tuple[str, int]) -> None:
    kind, n = action
    node = session.current
    if kind == "answer" and isinstance(node, Question):
        options = _options(node)
        session.answer(options[n % len(options)], note=f"note {n}")
    elif kind == "unknown" and isinstance(node, Question) and node.unknown:
        session.dont_know()
    elif kind == "back":
        session.back()
    elif kind == "jump" and session.question_steps():
        session.jump_to(n % len(session.question_steps()))
    elif kind == "restart":
        session.restart()


def _consistent(session: Session) -> None:
    walk = session.walk()
    assert isinstance(walk.node, (Question, Outcome))
    facts = session.known_facts()
    for step in walk.steps:
        if step.kind == "question" and step.value != UNKNOWN:
            assert facts[step.fact or ""] == step.value
    assert session.walk(unattended=True).node.kind == "outcome"
    progress = session.progress()
    assert 0 <= progress.fewest_left <= progress.most_left
    if isinstance(walk.node, Outcome):
        assert progress.most_left == 0


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(actions)
def test_any_sequence_ends_consistent(steps: list[tuple[str, int]]) -> None:
    session = Session(PACK)
    for action in steps:
        _apply(session, action)
        _consistent(session)


@SETTINGS
@given(actions)
def test_back_after_any_answer_restores_exact_state(steps: list[tuple[str, int]]) -> None:
    session = Session(PACK)
    for action in steps:
        _apply(session, action)
    node = session.current
    if not isinstance(node, Question):
        return
    before = session.to_dict()
    session.answer(_options(node)[0])
    session.back()
    assert session.to_dict() == before


@SETTINGS
@given(actions)
def test_json_round_trip_is_identity(steps: list[tuple[str, int]]) -> None:
    session = Session(PACK)
    for action in steps:
        _apply(session, action)
    data = json.loads(json.dumps(session.to_dict()))
    restored = Session.from_dict(PACK, data)
    assert restored.to_dict() == session.to_dict()
    assert restored.walk().node.id == session.walk().node.id
    assert restored.path() == session.path()
