"""Every path through the TID graph, driven through Session, and the TID's logic pinned down."""

from __future__ import annotations

from itertools import pairwise, product

import pytest

from wizard.engine.case import Case
from wizard.engine.session import Given, Session, SessionError
from wizard.kb.graph import graph_of, root_to_outcome_paths
from wizard.kb.model import UNKNOWN, Decision, Outcome, Pack, Question
from wizard.report.summary import summarize


def _candidates(pack: Pack, path: list[str]) -> tuple[list[Given], list[list[str]]]:
    """Answers each question edge of the path allows, and facts its rule edges need
    (only for facts no question on the path asks)."""
    asked = {pack.nodes[n].fact for n in path if isinstance(pack.nodes[n], Question)}  # type: ignore[union-attr]
    given: list[Given] = []
    options: list[list[str]] = []
    for a, b in pairwise(path):
        node = pack.nodes[a]
        if isinstance(node, Question):
            values = [c.value for c in node.choices if c.next == b]
            if node.other is not None and node.other.next == b:
                values.append("10.1.1.11")
            if node.unknown == b:
                values.append(UNKNOWN)
            options.append(values)
        elif isinstance(node, Decision):
            rule = next((r for r in node.rules if r.next == b), None)
            if rule is None:
                continue
            parts = rule.when.parts if rule.when.op == "all" else (rule.when,)
            for part in parts:
                first = part.parts[0] if part.op == "any" else part
                if first.fact and first.values and first.fact not in asked:
                    given.append(Given(first.fact, first.values[0], "fact"))
    return given, options


def _drive(pack: Pack, given: list[Given], answers: tuple[str, ...]) -> Session:
    session = Session(pack, given)
    for value in answers:
        if isinstance(session.current, Outcome):
            break
        session.answer(value)
    return session


def test_every_path_reaches_its_outcome(pack: Pack) -> None:
    paths = root_to_outcome_paths(graph_of(pack), pack.start)
    followed = set()
    for path in paths:
        given, options = _candidates(pack, path)
        for answers in product(*options):
            try:
                session = _drive(pack, given, answers)
            except SessionError:
                continue
            if [s.node for s in session.path()] + [session.walk().node.id] == path:
                followed.add(tuple(path))
                break
    assert {tuple(p) for p in paths} - followed == set()
    assert len(followed) >= 15


CONFIRMED = {
    "reconnect_fails": "yes",
    "vip_method": "bind",
    "ncp_include_ip": "all",
    "login_order": "node-first",
    "primary_ip": "10.1.1.11",
}


def _answer_all(pack: Pack, answers: dict[str, str]) -> Session:
    session = Session(pack)
    while isinstance(node := session.current, Question):
        session.answer(answers.get(node.fact, UNKNOWN))
    return session


def _diagnosis(session: Session) -> str:
    outcome = session.outcome
    assert outcome is not None
    return outcome.diagnosis


@pytest.mark.parametrize(
    ("answers", "diagnosis", "node"),
    [
        (CONFIRMED, "tid3438100-confirmed", "o_confirmed"),
        (
            {**CONFIRMED, "reconnect_fails": UNKNOWN, "mapping_shows": "node"},
            "tid3438100-confirmed",
            "o_confirmed",
        ),
        (
            {**CONFIRMED, "reconnect_fails": UNKNOWN, "trace_target": "primary"},
            "tid3438100-confirmed",
            "o_confirmed",
        ),
        ({**CONFIRMED, "mapping_shows": "virtual"}, "not-this-issue", "o_not_mapping_virtual"),
        ({**CONFIRMED, "trace_target": "virtual"}, "not-this-issue", "o_not_trace_virtual"),
        ({**CONFIRMED, "reconnect_fails": "no"}, "not-this-issue", "o_not_symptoms"),
        ({**CONFIRMED, "vip_method": "secondary"}, "not-this-issue", "o_not_secondary"),
        ({**CONFIRMED, "ncp_include_ip": "10.1.1.11"}, "not-this-issue", "o_not_ncp_set"),
        ({**CONFIRMED, "login_order": "virtual-first"}, "not-this-issue", "o_not_order"),
        ({**CONFIRMED, "login_order": "no-node-mapping"}, "not-this-issue", "o_not_order"),
        ({**CONFIRMED, "vip_method": UNKNOWN}, "needs-more-information", "o_more_info"),
        ({**CONFIRMED, "login_order": UNKNOWN}, "needs-more-information", "o_more_info"),
        ({"reconnect_fails": UNKNOWN}, "needs-more-information", "o_more_info"),
    ],
)
def test_tid_logic(pack: Pack, answers: dict[str, str], diagnosis: str, node: str) -> None:
    session = _answer_all(pack, answers)
    assert _diagnosis(session) == diagnosis
    assert session.walk().node.id == node


def test_all_unknown_symptoms_still_let_configuration_rule_it_out(pack: Pack) -> None:
    answers = {"reconnect_fails": UNKNOWN, "vip_method": "secondary"}
    assert _diagnosis(_answer_all(pack, answers)) == "not-this-issue"


def test_confirmed_renders_the_sites_commands(pack: Pack) -> None:
    case = Case.start(pack, [Given("virtual_ips", ("10.1.1.180", "10.1.1.181"), "fact")])
    for fact, value in CONFIRMED.items():
        node = case.session.current
        while isinstance(node, Question) and node.fact != fact:
            case.session.dont_know()
            node = case.session.current
        case.session.answer(value)
    summary = summarize(case)
    assert summary.diagnosis == "tid3438100-confirmed"
    by_id = {f.id: f for f in summary.fixes}
    assert by_id["set-ncp-include-ip-address"].commands == (
        "set NCP include IP address = 10.1.1.11",
    )
    assert by_id["use-secondary-ipaddress"].commands == (
        "add secondary ipaddress 10.1.1.180",
        "add secondary ipaddress 10.1.1.181",
    )
    assert list(by_id) == [
        "set-ncp-include-ip-address",
        "reorder-login-script",
        "use-secondary-ipaddress",
    ]


def test_unknown_primary_ip_never_prints_a_placeholder_command(pack: Pack) -> None:
    answers = {k: v for k, v in CONFIRMED.items() if k != "primary_ip"}
    case = Case.start(pack)
    session = case.session
    while isinstance(node := session.current, Question):
        session.answer(answers.get(node.fact, UNKNOWN))
    summary = summarize(case)
    fix = next(f for f in summary.fixes if f.id == "set-ncp-include-ip-address")
    assert fix.commands == ()
    assert fix.missing == ("primary_ip",)
    assert not any("{" in line for f in summary.fixes for line in (*f.commands, *f.steps))


def test_fixes_only_where_they_apply(pack: Pack) -> None:
    session = _answer_all(pack, {**CONFIRMED, "vip_method": "secondary"})
    case = Case(pack, session)
    assert summarize(case).fixes == []


def test_question_known_from_evidence_is_not_asked_but_recorded(pack: Pack) -> None:
    session = Session(pack, [Given("vip_method", "bind", "load-script:4", "BIND IP line")])
    session.answer("yes")
    session.dont_know()
    session.dont_know()
    node = session.current
    assert isinstance(node, Question) and node.fact == "ncp_include_ip"
    step = next(s for s in session.path() if s.fact == "vip_method")
    assert step.source == "load-script:4" and step.value == "bind"


def test_user_can_override_an_evidence_answer(pack: Pack) -> None:
    session = Session(pack, [Given("vip_method", "bind", "load-script:4")])
    session.answer("yes")
    session.answer("node")
    index = next(i for i, s in enumerate(session.question_steps()) if s.fact == "vip_method")
    session.jump_to(index)
    assert isinstance(session.current, Question) and session.current.fact == "vip_method"
    session.answer("secondary", note="checked the console myself")
    assert session.outcome is not None and session.outcome.id == "o_not_secondary"
    assert session.provenance()["vip_method"] == "user"
    (conflict,) = session.conflicts()
    assert (conflict.value, conflict.evidence_value) == ("secondary", "bind")


def test_explicit_fact_beats_evidence_and_is_reported(pack: Pack) -> None:
    session = Session(
        pack,
        [
            Given("ncp_include_ip", "10.1.1.11", "set-parameters:3"),
            Given("ncp_include_ip", "all", "fact"),
        ],
    )
    assert session.known_facts()["ncp_include_ip"] == "all"
    (conflict,) = session.conflicts()
    assert conflict.source == "fact" and conflict.evidence_source == "set-parameters:3"


def test_back_undoes_to_the_start(pack: Pack) -> None:
    session = Session(pack)
    for value in ("yes", "node", "bind"):
        session.answer(value)
    assert len(session.question_steps()) == 3
    assert session.back() and session.back() and session.back()
    assert session.question_steps() == []
    assert session.back() is False


def test_jump_keeps_later_answers_that_still_apply(pack: Pack) -> None:
    session = Session(pack)
    for value in ("yes", "node", "bind", "all"):
        session.answer(value)
    session.jump_to(0)
    session.answer("no", note="revised")
    # mapping=node is still a sign, so the later answers are applied again.
    facts = [s.fact for s in session.question_steps()]
    assert facts == ["reconnect_fails", "mapping_shows", "vip_method", "ncp_include_ip"]
    assert session.question_steps()[0].note == "revised"


def test_restart_forgets_answers_keeps_evidence(pack: Pack) -> None:
    session = Session(pack, [Given("vip_method", "bind", "load-script:2")])
    session.answer("yes")
    session.restart()
    assert session.answers == ()
    assert session.known_facts() == {"vip_method": "bind"}
    session.back()
    assert session.known_facts()["reconnect_fails"] == "yes"


def test_bad_answers_give_clear_messages(pack: Pack) -> None:
    session = Session(pack)
    with pytest.raises(SessionError, match="not one of yes, no"):
        session.answer("maybe")
    session.answer("yes")
    session.answer("node")
    session.answer("bind")
    with pytest.raises(SessionError, match="not a full IPv4 address"):
        session.answer("10.1.1")
    session.answer("10.1.1.11")
    assert session.outcome is not None and session.outcome.id == "o_not_ncp_set"
    with pytest.raises(SessionError, match="already decided"):
        session.answer("yes")


def test_progress_is_honest(pack: Pack) -> None:
    session = Session(pack)
    first = session.progress()
    assert (first.answered, first.fewest_left, first.most_left) == (0, 2, 7)
    assert first.describe() == "step 1 · at most 6 more"
    session.answer("yes")
    session.answer("virtual")
    assert session.progress().describe() == "step 2 · done"


def test_missing_lists_what_would_settle_in_order(pack: Pack) -> None:
    session = Session(
        pack, [Given("reconnect_fails", "yes", "fact"), Given("mapping_shows", "node", "fact")]
    )
    assert session.missing() == ["vip_method", "ncp_include_ip", "login_order"]
    full = Session(pack, [Given(k, v, "fact") for k, v in CONFIRMED.items()])
    assert full.missing() == []


def test_resume_refuses_incompatible_pack(pack: Pack) -> None:
    from dataclasses import replace

    session = Session(pack)
    session.answer("yes")
    data = session.to_dict()
    newer = replace(pack, version="2.0.0")
    with pytest.raises(SessionError, match="not compatible"):
        Session.from_dict(newer, data)
    minor = replace(pack, version="1.1.0")
    assert Session.from_dict(minor, data).to_dict()["state"] == data["state"]
