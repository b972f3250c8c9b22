"""Finding packs: --pack-dir, then KBWIZARD_PACK_PATH, then the bundled packs; first id wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PACK_FILE
from wizard.kb.problems import PackError
from wizard.kb.registry import DEFAULT_PACK, PACK_PATH_ENV, find_pack, find_packs, open_pack


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    given, env = tmp_path / "given", tmp_path / "env"
    for folder in (given, env):
        folder.mkdir()
    (env / f"{DEFAULT_PACK}.yaml").write_bytes(PACK_FILE.read_bytes())
    (env / "both.yml").write_text("")
    (env / "both.yaml").write_text("")
    (env / "only-yml.yml").write_text("")
    (given / "both.yml").write_text("")
    (given / "notes.txt").write_text("")
    monkeypatch.setenv(PACK_PATH_ENV, str(env))
    return given, env


def test_earlier_folders_and_yaml_win(folders: tuple[Path, Path]) -> None:
    given, env = folders
    found = {p.id: p for p in find_packs([str(given)])}
    assert found["both"].path == given / "both.yml"
    assert found[DEFAULT_PACK].path == env / f"{DEFAULT_PACK}.yaml"
    assert found["only-yml"].origin == str(env)
    assert "notes" not in found
    assert {p.id: p for p in find_packs()}["both"].path == env / "both.yaml"


def test_find_pack_chooses_as_find_packs_does(folders: tuple[Path, Path]) -> None:
    given, _ = folders
    for extra in ([str(given)], None):
        listed = find_packs(extra)
        for pack_file in listed:
            assert find_pack(pack_file.id, extra) == pack_file
        assert find_pack("notes", extra) is None
        assert find_pack("missing", extra) is None


def test_open_pack_by_id_by_path_and_unknown(folders: tuple[Path, Path]) -> None:
    _, env = folders
    assert open_pack().path == str(env / f"{DEFAULT_PACK}.yaml")
    assert open_pack(str(PACK_FILE)).path == str(PACK_FILE)
    with pytest.raises(PackError, match=r"no pack named 'nope' \(installed: .*tid-3438100"):
        open_pack("nope")
