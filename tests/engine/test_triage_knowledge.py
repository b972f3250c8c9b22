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
