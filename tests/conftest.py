"""Shared fixtures: the reference pack, and a data dir that is never the real home."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.kb.model import Pack
from wizard.kb.registry import open_pack

ROOT = Path(__file__).resolve().parent.parent
PACK_FILE = ROOT / "knowledge" / "tid-3438100.yaml"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return open_pack()


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBWIZARD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("KBWIZARD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
