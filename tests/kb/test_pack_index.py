"""The pack index: cached by content hash, a changed pack rebuilt, a tampered entry refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.engine.triage_packs import (  # reference_only: autouse, the reference pack alone
    reference_only,  # noqa: F401
    small_pack,
    write_packs,
)
from wizard.kb.index import PackIndex


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "index").glob("*.json"))


def alpha_entry(cache: Path, index: PackIndex) -> Path:
    entry = index.entry("demo-alpha")
    assert entry is not None
    (found,) = [p for p in entries(cache) if p.name.startswith(entry.sha256)]
    return found


@pytest.fixture
def cache() -> Path:
    return Path(os.environ["KBWIZARD_CACHE_DIR"])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_packs(tmp_path / "packs", {"demo-alpha": small_pack("demo-alpha", "alpha_cause")})


def test_a_warm_index_loads_no_pack(folder: Path, cache: Path) -> None:
    cold = PackIndex.build([str(folder)])
    assert cold.loaded("demo-alpha")  # built from the pack itself
    assert len(entries(cache)) == 2  # one per pack (and the reference pack)
    warm = PackIndex.build([str(folder)])
    assert not warm.loaded("demo-alpha")
    assert warm.entries == cold.entries
    assert warm.pack("demo-alpha").id == "demo-alpha"  # loaded on demand ...
    assert warm.pack("demo-alpha") is warm.pack("demo-alpha")  # ... once


def test_a_changed_pack_gets_a_new_entry(folder: Path, cache: Path) -> None:
    PackIndex.build([str(folder)])
    write_packs(folder, {"demo-alpha": small_pack("demo-alpha", "alpha_cause", title="Renamed")})
    index = PackIndex.build([str(folder)])
    entry = index.entry("demo-alpha")
    assert entry is not None and entry.title == "Renamed"
    assert index.loaded("demo-alpha")  # its old entry was not used
    assert len(entries(cache)) == 3


@pytest.mark.parametrize("how", ["payload", "mac", "truncated", "fifo"])
def test_a_tampered_entry_is_refused_and_rebuilt(folder: Path, cache: Path, how: str) -> None:
    index = PackIndex.build([str(folder)])
    path = alpha_entry(cache, index)
    data = path.read_bytes()
    if how == "payload":  # a believable entry with another title, the old MAC
        planted = data.replace(b"Test article demo-alpha", b"Planted title here!!!!!")
        assert planted != data
        path.write_bytes(planted)
    elif how == "mac":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.unlink()
        os.mkfifo(path)
    again = PackIndex.build([str(folder)])
    entry = again.entry("demo-alpha")
    assert entry is not None and entry.title == "Test article demo-alpha"
    assert again.loaded("demo-alpha")  # rebuilt from the pack, never from the entry
    if how != "fifo":
        assert path.read_bytes() == data  # and written again


def test_a_broken_pack_is_a_problem_not_an_entry(folder: Path) -> None:
    (folder / "broken.yaml").write_text("id: broken\nnodes: [\n", encoding="utf-8")
    index = PackIndex.build([str(folder)])
    assert "broken" not in index.ids
    assert any(p.startswith(str(folder / "broken.yaml") + ":") for p in index.problems)
