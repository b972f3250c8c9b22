"""The validated-pack cache: warm starts skip the graph checks, and nothing stale is trusted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PACK_FILE
from wizard.kb.cache import load_checked
from wizard.kb.graph import graph_of, remaining_questions
from wizard.kb.problems import PackError
from wizard.kb.registry import ANALYZERS


def test_cold_then_warm(tmp_path: Path) -> None:
    cold = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    assert list((tmp_path / "packs").glob("*.json"))
    warm = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    assert warm.remaining == cold.remaining == remaining_questions(graph_of(cold))


def test_damaged_cache_means_a_full_check(tmp_path: Path) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    (entry,) = (tmp_path / "packs").glob("*.json")
    entry.write_text("{not json")
    assert load_checked(PACK_FILE, ANALYZERS, tmp_path).remaining


def test_a_changed_pack_is_checked_again(tmp_path: Path) -> None:
    pack_copy = tmp_path / "tid.yaml"
    pack_copy.write_bytes(PACK_FILE.read_bytes())
    load_checked(pack_copy, ANALYZERS, tmp_path)
    broken = PACK_FILE.read_text().replace("next: o_not_secondary", "next: o_gone")
    pack_copy.write_text(broken)
    with pytest.raises(PackError, match="undefined node 'o_gone'"):
        load_checked(pack_copy, ANALYZERS, tmp_path)


def test_warm_diagnose_imports_no_networkx(tmp_path: Path) -> None:
    env = {**os.environ, "KBWIZARD_CACHE_DIR": str(tmp_path)}
    args = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "wizard",
        "diagnose",
        "--fact",
        "reconnect_fails=yes",
    ]
    first = subprocess.run(args, capture_output=True, text=True, env=env)
    second = subprocess.run(args, capture_output=True, text=True, env=env)
    assert first.returncode == second.returncode == 3
    assert "networkx" in first.stderr
    assert "networkx" not in second.stderr
