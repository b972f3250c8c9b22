"""Back along the path (what the wizard's Back does) and drafts kept in a saved case."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from tests.engine.test_session_properties import PACK, _apply, actions
from wizard.engine.case import Case, Drafts
from wizard.engine.session import Given, Session, SessionError
from wizard.kb.model import Question


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_back_goes_to_the_question_before_and_never_forward(steps: list[tuple[str, int]]) -> None:
    session = Session(PACK)
    for action in steps:
        _apply(session, action)
    before = [s for s in session.walk().steps if s.kind == "question"]
    answers = session.answers
    if not session.step_back():
        assert before == []
        return
    node = session.current
    assert isinstance(node, Question)  # never an outcome
    assert node.fact == before[-1].fact  # the question just before the one shown
    assert session.question_steps() == before[:-1]
    assert session.answers == answers  # nothing dropped
    assert session.recorded(node.fact) == (before[-1].value, before[-1].note)


def test_back_after_a_revision_does_not_return_to_the_outcome() -> None:
    session = Session(PACK)
    for value in ("yes", "node", "bind", "all", "node-first", "10.1.1.11"):
        session.answer(value)
    assert session.outcome is not None
    session.jump_to(0)
    assert session.step_back() is False  # the first step: nothing before it
    session.answer("yes")  # the same answer: on to the outcome again
    assert session.outcome is not None
    session.jump_to(2)
    assert session.step_back() and session.current.id == "q_mapping"
    assert session.outcome is None


def test_back_reaches_a_question_known_from_evidence() -> None:
    session = Session(PACK, [Given("vip_method", "bind", "load-script:4")])
    session.answer("yes")
    session.answer("node")
    assert isinstance(session.current, Question) and session.current.fact == "ncp_include_ip"
    assert session.step_back() and session.revising == "vip_method"
    assert session.recorded("vip_method") == ("bind", None)


def test_drafts_survive_a_round_trip_and_old_files_have_none() -> None:
    case = Case.start(PACK)
    case.drafts.set_note("reconnect_fails", "caller on site")
    case.drafts.set_evidence("login-script", "MAP S1:=SYS:PUBLIC\n")
    case.drafts.set_note("mapping_shows", "")  # an emptied field is no draft
    data = json.loads(json.dumps(case.to_dict()))
    again = Case.from_dict(PACK, data)
    assert again.drafts == Drafts(
        {"reconnect_fails": "caller on site"}, {"login-script": "MAP S1:=SYS:PUBLIC\n"}
    )
    del data["drafts"]
    assert Case.from_dict(PACK, data).drafts == Drafts()


@pytest.mark.parametrize(
    "drafts", [[], "x", {"notes": []}, {"notes": {"a": 1}}, {"evidence": {"k": ["x"]}}]
)
def test_damaged_drafts_are_one_line_errors(drafts: object) -> None:
    data = Case.start(PACK).to_dict()
    data["drafts"] = drafts
    with pytest.raises(SessionError, match="damaged"):
        Case.from_dict(PACK, data)
