"""Triage across the reference pack and small test packs: one pool of answers, every
article's state, the shared question asked once, and nothing lost when switching."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PACK_FILE
from tests.engine.triage_packs import (  # reference_only: autouse, the reference pack alone
    reference_only,  # noqa: F401
    small_pack,
    write_packs,
)
from wizard.engine.session import SessionError
from wizard.engine.triage import Triage
from wizard.kb.index import PackIndex

REFERENCE = "tid-3438100"
LOGIN = b"MAP S1:=10.1.1.11/SYS:\r\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"
LOAD = (
    b"nss /poolact=POOL1\nmount VOL1 VOLID=254\n"
    b"BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
    b"NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
)


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return write_packs(
        tmp_path / "packs",
        {
            "demo-alpha": small_pack(
                "demo-alpha", "alpha_cause", extra_symptom="The alpha light blinks."
            ),
            "demo-beta": small_pack("demo-beta", "beta_cause"),
        },
    )


@pytest.fixture
def index(pack_dir: Path) -> PackIndex:
    return PackIndex.build([str(pack_dir)])


def walk_through(triage: Triage, answers: dict[str, str]) -> list[str]:
    """Answer every question triage asks (from ``answers``, else don't know); the facts asked."""
    asked: list[str] = []
    for _ in range(50):
        question = triage.next_question()
        if question is None:
            return asked
        fact = question.question.fact
        asked.append(fact)
        if fact in answers:
            triage.answer(fact, answers[fact])
        else:
            triage.dont_know(fact)
    raise AssertionError("triage kept asking")


def test_the_index_lists_every_installed_pack(index: PackIndex) -> None:
    assert set(index.ids) == {REFERENCE, "demo-alpha", "demo-beta"}
    assert index.problems == ()
    alpha = index.entry("demo-alpha")
    assert alpha is not None
    assert alpha.facts == {"reconnect_fails": "choice", "alpha_cause": "choice", "server": "text"}
    assert index.entry(REFERENCE) is not None
    assert "login-script" in index.entry(REFERENCE).evidence_kinds  # type: ignore[union-attr]


def test_symptoms_are_deduplicated_by_fact_and_value(index: PackIndex) -> None:
    symptoms = {s.key: s for s in Triage.start(index).symptoms()}
    shared = symptoms["reconnect_fails=yes"]
    assert shared.packs == ("demo-alpha", "demo-beta", REFERENCE)
    # alpha, beta and the reference pack share one wording: it is listed once
    assert shared.texts[0] == "Clients cannot reconnect after the resource fails over."
    assert len(shared.texts) == 2
    assert symptoms["alpha_cause=yes"].packs == ("demo-alpha",)
    assert len(symptoms) == len({(s.fact, s.value) for s in symptoms.values()})


def test_the_shared_fact_is_asked_first_and_once(index: PackIndex) -> None:
    triage = Triage.start(index)
    first = triage.next_question()
    assert first is not None
    assert first.question.fact == "reconnect_fails"
    assert set(first.asked_by) == {REFERENCE, "demo-alpha", "demo-beta"}
    asked = walk_through(triage, {"reconnect_fails": "yes", "alpha_cause": "yes"})
    assert asked[0] == "reconnect_fails"
    assert len(asked) == len(set(asked))  # every fact asked once, whatever the pack
    assert {"alpha_cause", "beta_cause"} <= set(asked)


def test_a_symptom_answers_its_fact_for_every_article(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.set_symptoms(["reconnect_fails=yes"])
    assert triage.facts() == {"reconnect_fails": "yes"}
    question = triage.next_question()
    assert question is not None and question.question.fact != "reconnect_fails"
    triage.set_symptoms([])  # the report replaced: its answer goes
    assert triage.facts() == {}
    with pytest.raises(SessionError):
        triage.set_symptoms(["nothing=at-all"])


def test_articles_are_ordered_confirmed_undecided_ruled_out(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.answer("reconnect_fails", "yes")
    triage.answer("alpha_cause", "yes")
    triage.answer("beta_cause", "no")
    states = triage.articles()
    assert [(s.pack, s.status) for s in states] == [
        ("demo-alpha", "confirmed"),
        (REFERENCE, "undecided"),
        ("demo-beta", "ruled-out"),
    ]
    alpha = states[0]
    assert alpha.diagnosis == "demo-alpha-confirmed"
    assert [f.id for f in alpha.fixes] == ["fix-it"]
    assert alpha.fixes[0].missing == ("server",)  # a command is never shown half-filled
    assert alpha.why == (
        "Clients cannot reconnect after a failover: Yes",
        "The cause of demo-alpha is present: Yes",
    )
    assert states[1].missing and states[1].missing[0] != "reconnect_fails"
    # the ruled-out article points to the one the same facts confirm
    assert "demo-alpha" in states[2].see_also
    assert triage.leading() == alpha


def test_undecided_articles_with_fewer_missing_facts_come_first(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.answer("reconnect_fails", "yes")
    states = triage.articles()
    assert all(s.status == "undecided" for s in states)
    missing = [len(s.missing) for s in states]
    assert missing == sorted(missing)
    assert [s.pack for s in states][:2] == ["demo-alpha", "demo-beta"]  # ties by pack id


def test_all_ruled_out_has_no_leader(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.answer("reconnect_fails", "no")
    assert {s.status for s in triage.articles()} == {"ruled-out"}
    assert triage.leading() is None
    assert triage.next_question() is None


def test_an_article_none_of_whose_facts_is_known_is_not_loaded(pack_dir: Path) -> None:
    fresh = PackIndex.build(None)  # the reference pack alone, for its state with nothing known
    nothing = Triage.start(fresh).articles()[0]
    PackIndex.build([str(pack_dir)])  # fills the cache
    index = PackIndex.build([str(pack_dir)])  # a warm start loads no pack
    assert not any(index.loaded(p) for p in index.ids)
    triage = Triage.start(index)
    triage.answer("alpha_cause", "no")
    assert triage.loaded() == ("demo-alpha",)
    assert triage.article(REFERENCE) == nothing
    assert not index.loaded(REFERENCE)


def test_unknown_facts_and_values_are_refused(index: PackIndex) -> None:
    triage = Triage.start(index)
    with pytest.raises(SessionError, match="no installed pack knows it"):
        triage.answer("no_such_fact", "yes")
    with pytest.raises(SessionError):
        triage.answer("reconnect_fails", "perhaps")
    with pytest.raises(SessionError, match="unknown evidence kind"):
        triage.add_evidence("no-such-kind", "text")


def test_answers_notes_and_artifacts_survive_switching(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.answer("reconnect_fails", "yes", note="drive H: dies after every migration")
    triage.add_evidence("login-script", LOGIN, "login.txt")

    alpha = triage.case_for("demo-alpha")
    assert [(a.fact, a.value, a.note) for a in alpha.session.answers] == [
        ("reconnect_fails", "yes", "drive H: dies after every migration")
    ]
    assert alpha.artifacts == []  # alpha reads no login script
    assert alpha.session.current.fact == "alpha_cause"  # type: ignore[union-attr]
    alpha.session.answer("yes", note="seen on the console")
    alpha.state_fact("server", "NODE1")
    alpha.verify("fix-it", "fixed", "works now")
    triage.absorb(alpha)

    reference = triage.case_for(REFERENCE)
    assert reference.session.recorded("reconnect_fails") == (
        "yes",
        "drive H: dies after every migration",
    )
    assert [a.name for a in reference.artifacts] == ["login.txt"]
    assert reference.considered[0].pack == "demo-alpha"  # the summary lists every article
    reference.session.restart()  # forgets its answers in that article ...
    reference.add_evidence("set-parameters", "NCP Include IP Address: all\n", "set.txt")
    triage.absorb(reference)
    # ... never in the pool
    assert triage.facts()["alpha_cause"] == "yes"
    assert {a.fact for a in triage.answers} >= {"reconnect_fails", "alpha_cause"}
    assert sorted(a.name for a in triage.artifacts) == ["login.txt", "set.txt"]

    again = triage.case_for("demo-alpha")
    assert again.session.recorded("alpha_cause") == ("yes", "seen on the console")
    assert again.facts["server"] == "NODE1"
    assert [(v.fix, v.verdict, v.note) for v in again.verifications] == [
        ("fix-it", "fixed", "works now")
    ]
    assert again.id == alpha.id


class _Counting:
    """An analyzer that counts its readings (delegates everything else)."""

    def __init__(self, inner: Any, calls: list[str]) -> None:
        self._inner = inner
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def analyze(self, data: bytes, context: Any) -> Any:
        self._calls.append(self._inner.name)
        return self._inner.analyze(data, context)


def test_an_artifact_is_read_once_per_analyzer_and_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.evidence import registry

    text = PACK_FILE.read_text(encoding="utf-8").replace("id: tid-3438100", "id: ref-copy", 1)
    folder = write_packs(tmp_path / "copies", {"ref-copy": text})
    index = PackIndex.build([str(folder)])
    assert set(index.ids) == {REFERENCE, "ref-copy"}
    calls: list[str] = []
    real = registry.get
    monkeypatch.setattr(
        registry, "get", lambda name: None if real(name) is None else _Counting(real(name), calls)
    )
    triage = Triage.start(index)
    triage.add_evidence("login-script", LOGIN, "login.txt")
    triage.add_evidence("load-script", LOAD, "load.ncf")
    states = {s.pack: s for s in triage.articles()}
    assert states[REFERENCE].why == states["ref-copy"].why  # both read them ...
    assert states[REFERENCE].why  # (the load script decides how the addresses are bound)
    assert len(calls) == len(set(calls)) == 2  # ... each once per analyzer
    assert triage.provenance()["vip_method"] == "load-script:3"


def a_triage(index: PackIndex) -> Triage:
    """A triage with something in every field a saved triage has (demo-alpha opened)."""
    triage = Triage.start(index)
    triage.header.reference = "INC-77"
    triage.set_symptoms(["reconnect_fails=yes"])
    triage.answer("alpha_cause", "yes", note="seen on the console")
    triage.add_evidence("load-script", LOAD, "load.ncf")
    case = triage.case_for("demo-alpha")
    case.drafts.set_note("server", "half-typed note")
    triage.absorb(case)
    triage.current = "demo-alpha"
    return triage


def test_a_triage_is_saved_and_restored_field_by_field(index: PackIndex) -> None:
    triage = a_triage(index)
    case = triage.case_for("demo-alpha")
    case.verify("fix-it", "not-fixed")
    triage.absorb(case)
    data = triage.to_dict()
    back = Triage.from_dict(index, data)
    assert back.to_dict() == data
    assert back.articles() == triage.articles()
    assert back.reported == ("reconnect_fails=yes",)
    assert back.case_for("demo-alpha").verifications[0].verdict == "not-fixed"

    for damage in (
        {"answers": [{"fact": "no_such_fact", "value": "yes", "time": "t"}]},
        {"answers": [{"fact": "alpha_cause", "value": "perhaps", "time": "t"}]},
        {"answers": "everything"},
        {"artifacts": [{"kind": "no-such-kind", "name": "x", "added": "t", "data": ""}]},
        {"artifacts": [{"kind": "login-script", "name": "x", "added": "t", "data": "%%%"}]},
        {"header": []},
        {"format": 99},
        {"articles": {"demo-alpha": {"id": "x", "created": "t", "verifications": [{}]}}},
    ):
        with pytest.raises(SessionError):
            Triage.from_dict(index, {**data, **damage})


def test_readings_of_a_replaced_artifact_are_not_kept(index: PackIndex) -> None:
    triage = Triage.start(index)
    triage.add_evidence("load-script", LOAD, "load.ncf")
    triage.articles()
    first = dict(triage._memo)
    assert len(first) == 1
    triage.add_evidence("load-script", LOAD.replace(b"254", b"255"), "load.ncf")
    triage.articles()
    assert len(triage._memo) == 1 and triage._memo.keys() != first.keys()
    triage.remove_evidence("load-script")
    triage.articles()
    assert triage._memo == {}
