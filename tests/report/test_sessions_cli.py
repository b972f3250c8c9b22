"""Saved sessions: list, resume data, export, prune; corrupt files skipped, never fatal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard.engine.case import Case
from wizard.kb.model import Pack
from wizard.store import list_sessions, load_case, prune, save_case


def kbwizard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True)


def _case(pack: Pack, reference: str) -> Case:
    case = Case.start(pack)
    case.header.reference = reference
    case.session.answer("yes", note=f"note for {reference}")
    case.session.answer("virtual")
    return case


def test_save_list_load_round_trip(pack: Pack) -> None:
    case = _case(pack, "INC-1")
    case.add_evidence("login-script", b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n")
    save_case(case)
    (info,), skipped = list_sessions()
    assert skipped == []
    assert (info.id, info.reference, info.status, info.diagnosis) == (
        case.id,
        "INC-1",
        "decided",
        "not-this-issue",
    )
    loaded = load_case(pack, "last")
    assert loaded.to_dict() == case.to_dict()
    assert loaded.artifacts_of("login-script")[0].data == b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"


def test_corrupt_and_foreign_files_are_skipped(pack: Pack) -> None:
    path = save_case(_case(pack, "INC-2"))
    (path.parent / "broken.json").write_text("{not json")
    (path.parent / "foreign.json").write_text('{"hello": 1}')
    (path.parent / "notes.txt").write_text("hi")
    (path.parent / "binary.json").write_bytes(b"\xff\xfe\x00junk")
    infos, skipped = list_sessions()
    assert [i.reference for i in infos] == ["INC-2"]
    assert sorted(s.path.name for s in skipped) == [
        "binary.json",
        "broken.json",
        "foreign.json",
        "notes.txt",
    ]
    result = kbwizard("sessions")
    assert result.returncode == 0
    assert "INC-2" in result.stdout and "skipped" in result.stderr
    assert "Traceback" not in result.stderr


def test_sessions_export_and_prune_cli(pack: Pack, tmp_path: Path) -> None:
    case = _case(pack, "INC-3")
    save_case(case)
    listing = kbwizard("sessions")
    assert case.id in listing.stdout and "not-this-issue" in listing.stdout
    for fmt, needle in (
        ("md", "note for INC-3"),
        ("json", '"note": "note for INC-3"'),
        ("html", "note for INC-3"),
        ("txt", "note for INC-3"),
    ):
        out = kbwizard("export", case.id[:6], "--format", fmt)
        assert out.returncode == 0, out.stderr
        assert needle in out.stdout
    target = tmp_path / "x.md"
    assert kbwizard("export", "last", "-o", str(target)).returncode == 0
    assert kbwizard("export", "last", "-o", str(target)).returncode == 2  # no silent overwrite
    missing = kbwizard("export", "nope")
    assert missing.returncode == 2 and "no saved session" in missing.stderr
    old = time.time() - 10 * 86400
    os.utime(save_case(_case(pack, "OLD")), (old, old))
    assert [p.name for p in prune(5)] and [i.reference for i in list_sessions()[0]] == ["INC-3"]
    assert kbwizard("sessions", "--prune", "0").returncode == 0
    assert list_sessions()[0] == []


def test_resume_refuses_incompatible_pack_version(pack: Pack) -> None:
    path = save_case(_case(pack, "INC-4"))
    data = json.loads(path.read_text())
    data["session"]["pack"]["version"] = "0.9.0"
    path.write_text(json.dumps(data))
    result = kbwizard("export", "last")
    assert result.returncode == 2 and "not compatible" in result.stderr


def test_read_only_data_dir_gives_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pack: Pack
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("KBWIZARD_DATA_DIR", str(blocker))
    from wizard.atomic import WriteError

    with pytest.raises(WriteError, match="cannot write"):
        save_case(_case(pack, "INC-5"))


WRITER = """
import sys
from wizard.engine.case import Case
from wizard.kb.registry import open_pack
from wizard.store import save_case
pack = open_pack()
for n in range(15):
    case = Case.start(pack)
    case.header.reference = f"P{sys.argv[1]}-{n}"
    for value in ("yes", "node", "bind"):
        case.session.answer(value)
        save_case(case)  # after every step, like the wizard
"""


def test_concurrent_processes_lose_nothing() -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(i)], stderr=subprocess.PIPE)
        for i in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    infos, skipped = list_sessions()
    assert skipped == []
    assert sorted(i.reference for i in infos) == sorted(
        f"P{p}-{n}" for p in range(4) for n in range(15)
    )
    for info in infos:
        data = json.loads(info.path.read_text())
        assert [a["value"] for a in data["session"]["state"]["answers"]] == ["yes", "node", "bind"]
    leftovers = [p for p in infos[0].path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temp files left behind
