"""Saved triage sessions: saved and resumed field by field, listed, exported, never taken
for one article's case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine.test_triage import a_triage
from tests.engine.triage_packs import (  # reference_only: autouse, the reference pack alone
    reference_only,  # noqa: F401
    small_pack,
    write_packs,
)
from wizard.cli import main
from wizard.engine.session import SessionError
from wizard.kb.index import PackIndex
from wizard.kb.registry import open_pack
from wizard.store import is_triage, list_sessions, load_case, load_triage, save_triage


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return write_packs(tmp_path / "packs", {"demo-alpha": small_pack("demo-alpha", "alpha_cause")})


def test_saved_and_resumed(pack_dir: Path, tmp_path: Path) -> None:
    index = PackIndex.build([str(pack_dir)])
    triage = a_triage(index)
    path = save_triage(triage, tmp_path)
    assert is_triage(triage.id, tmp_path)
    back = load_triage(index, triage.id, tmp_path)
    assert back.to_dict() == triage.to_dict()
    assert back.articles() == triage.articles()
    assert back.current == "demo-alpha"
    assert back.case_for("demo-alpha").drafts.notes == {"server": "half-typed note"}
    (info,) = list_sessions(tmp_path)[0]
    assert (info.kind, info.pack, info.reference, info.status) == (
        "triage",
        "triage",
        "INC-77",
        "decided",
    )
    assert info.diagnosis == "demo-alpha: demo-alpha-confirmed"
    with pytest.raises(SessionError, match="is a triage"):
        load_case(open_pack(), triage.id, tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["triage"]["answers"][0]["value"] = ["not", "a", "choice"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(SessionError, match="expected one value"):
        load_triage(index, triage.id, tmp_path)


def test_sessions_lists_and_export_renders_a_triage(
    pack_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = PackIndex.build([str(pack_dir)])
    triage = a_triage(index)
    save_triage(triage)
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert triage.id in out and "triage" in out
    assert main(["export", triage.id, "--pack-dir", str(pack_dir), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["matches"] == ["demo-alpha"]
    assert data["case"]["reference"] == "INC-77"
