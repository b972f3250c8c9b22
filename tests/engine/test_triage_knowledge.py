"""Triage over the shipped knowledge base: for every case file a pack ships, triage on
the same facts and evidence puts that pack's article where the case expects it, with
every other installed article considered at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.engine.triage import Triage
from wizard.kb.index import PackIndex
from wizard.kb.model import UNKNOWN
from wizard.kb.registry import bundled_dir


def case_files() -> list[Path]:
    return sorted(bundled_dir().glob("*.cases/*.yaml"))


def triage_of(path: Path, index: PackIndex) -> tuple[Triage, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = data.get("facts") or {}
    triage = Triage.start(index)
    for name, value in facts.items():
        if value == UNKNOWN:
            triage.dont_know(name)
        else:
            triage.answer(name, [str(v) for v in value] if isinstance(value, list) else str(value))
    for kind, files in (data.get("evidence") or {}).items():
        for name in files if isinstance(files, list) else [files]:
            triage.add_evidence(kind, (path.parent / name).read_bytes(), name)
    return triage, data["expect"]


@pytest.mark.skipif(len(case_files()) == 0, reason="no pack ships case files")
def test_every_shipped_case_lands_where_its_pack_expects() -> None:
    index = PackIndex.build(None)
    wrong = []
    for path in case_files():
        pack_id = path.parent.name.removesuffix(".cases")
        triage, expect = triage_of(path, index)
        state = triage.article(pack_id)
        assert state is not None
        got = (state.status, state.diagnosis)
        want = (expect["status"], expect.get("diagnosis", state.diagnosis))
        if got != want:
            wrong.append(f"{path.relative_to(bundled_dir())}: {got} != {want}")
        if state.status == "confirmed":
            assert triage.articles()[0].status == "confirmed"
            assert "see_also" not in expect or set(expect["see_also"]) <= set(state.see_also)
    assert wrong == []


def test_a_confirmed_article_is_settled_triage_asks_only_for_the_undecided() -> None:
    """Once an article is confirmed, what its fixes still need (the cluster's name for the
    exact MAP command) is asked in that article, not by triage: the next triage question
    comes from an article that is still undecided, or there is none."""
    triage = Triage.start(PackIndex.build(None))
    triage.answer("reconnect_fails", "yes")
    triage.answer("cluster_volume_target", "node")
    states = {a.pack: a.status for a in triage.articles()}
    confirmed = {pack for pack, status in states.items() if status == "confirmed"}
    assert confirmed, states
    asked = []
    while (question := triage.next_question()) is not None and len(asked) < 20:
        assert states[question.pack] == "undecided", (question.pack, question.question.fact)
        assert question.question.fact not in asked
        asked.append(question.question.fact)
        triage.dont_know(question.question.fact)
        states = {a.pack: a.status for a in triage.articles()}
    assert question is None


def test_the_caller_whose_drives_are_gone_lands_on_tid_7014886() -> None:
    """The issue's caller: "my drives are gone since the cluster failed over", at a site
    that maps the cluster volume straight to the hosting node and assigns secondary IPs.
    TID 3438100 is ruled out and points to TID 7014886, which is confirmed."""
    triage = Triage.start(PackIndex.build(None))
    triage.answer("reconnect_fails", "yes")
    triage.add_evidence("login-script", b"MAP S1:=NODE1/SYS:PUBLIC\r\nMAP O:=NODE1/VOL2:\r\n")
    triage.add_evidence(
        "load-script",
        b"mount VOL2 VOLID=253\nNUDP ADD MYCL_POOL2_SERVER 137.46.52.2\n"
        b"add secondary ipaddress 137.46.52.2\n",
    )
    triage.answer("node_names", ("NODE1", "NODE2"))
    articles = triage.articles()
    assert [a.pack for a in articles if a.status == "confirmed"] == ["tid-7014886"]
    assert articles[0].pack == "tid-7014886"
    reference = triage.article("tid-3438100")
    assert reference is not None and reference.status == "ruled-out"
    assert "tid-7014886" in reference.see_also


def test_the_callers_report_decides_which_article_is_asked_about_first() -> None:
    """A caller who reports only the login error 8875 is asked about that error's
    article (the MAP ROOT line) first, not about failovers that three other articles
    share but nothing reported points to; with the report of lost drives, the shared
    failover question comes first (asked once for all three)."""
    index = PackIndex.build(None)
    triage = Triage.start(index)
    triage.set_symptoms(["map_error_code=8875"])
    question = triage.next_question()
    assert question is not None
    assert (question.pack, question.question.fact) == ("tid-10019026", "dirmap_root_colon")

    triage = Triage.start(index)
    triage.set_symptoms(["mapping_shows=node"])
    question = triage.next_question()
    assert question is not None
    assert question.question.fact == "reconnect_fails"
    assert len(question.asked_by) >= 2
