"""The checked-pack cache: warm starts read no YAML, and nothing stale or foreign is trusted."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from tests.conftest import PACK_FILE
from wizard.kb import cache
from wizard.kb.cache import load_checked
from wizard.kb.graph import graph_of, remaining_questions
from wizard.kb.loader import load_pack
from wizard.kb.model import AnalyzerSpec, Pack
from wizard.kb.problems import PackError
from wizard.kb.registry import ANALYZERS

CALLED: list[str] = []


class _Payload:
    """What an attacker would plant: unpickling it calls a function."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (CALLED.append, ("code ran",))


def _entry(cache_dir: Path) -> Path:
    (entry,) = (cache_dir / "packs").glob("*.pickle")
    return entry


def _same(a: Pack, b: Pack, *, but: str = "") -> None:
    for f in fields(Pack):
        if f.name != but:
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def test_cold_then_warm_gives_the_same_checked_pack(tmp_path: Path) -> None:
    cold = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    entry = _entry(tmp_path)
    warm = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    _same(warm, cold)
    _same(warm, load_pack(PACK_FILE, ANALYZERS), but="remaining")
    assert warm.remaining == remaining_questions(graph_of(cold))
    assert entry.name.startswith(cold.sha256)


def test_the_same_bytes_elsewhere_keep_their_own_path(tmp_path: Path) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    elsewhere = tmp_path / "copy.yaml"
    elsewhere.write_bytes(PACK_FILE.read_bytes())
    assert load_checked(elsewhere, ANALYZERS, tmp_path).path == str(elsewhere)
    assert len(list((tmp_path / "packs").glob("*.pickle"))) == 1


@pytest.mark.parametrize(
    "planted",
    [
        b"not a pickle",
        b"",
        pickle.dumps(_Payload()),
        pickle.dumps({"remaining": {}}),
        pickle.dumps(os.system),
    ],
    ids=["garbage", "empty", "code", "other-object", "function"],
)
def test_a_damaged_or_planted_entry_is_never_trusted_and_never_run(
    tmp_path: Path, planted: bytes
) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    entry = _entry(tmp_path)
    entry.write_bytes(planted)
    pack = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    assert not CALLED
    assert pack.remaining and pack.sha256
    assert entry.read_bytes() != planted  # the full check wrote a good entry back


def test_an_entry_for_other_bytes_is_not_trusted(tmp_path: Path) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    entry = _entry(tmp_path)
    good = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    from dataclasses import replace

    entry.write_bytes(pickle.dumps(replace(good, sha256="0" * 64, title="Planted")))
    assert load_checked(PACK_FILE, ANALYZERS, tmp_path).title == good.title


def test_other_code_or_analyzers_use_another_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    another = AnalyzerSpec("another-analyzer", (), frozenset(), frozenset())
    load_checked(PACK_FILE, {**ANALYZERS, "another-analyzer": another}, tmp_path)
    assert len(list((tmp_path / "packs").glob("*.pickle"))) == 2
    cache._fingerprint.cache_clear()
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    try:
        load_checked(PACK_FILE, ANALYZERS, tmp_path)
    finally:
        cache._fingerprint.cache_clear()
    assert len(list((tmp_path / "packs").glob("*.pickle"))) == 3


def test_a_changed_pack_is_checked_again(tmp_path: Path) -> None:
    pack_copy = tmp_path / "tid.yaml"
    pack_copy.write_bytes(PACK_FILE.read_bytes())
    load_checked(pack_copy, ANALYZERS, tmp_path)
    broken = PACK_FILE.read_text().replace("next: o_not_secondary", "next: o_gone")
    pack_copy.write_text(broken)
    with pytest.raises(PackError, match="undefined node 'o_gone'"):
        load_checked(pack_copy, ANALYZERS, tmp_path)


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert load_checked(PACK_FILE, ANALYZERS, blocked).remaining


def test_warm_diagnose_reads_no_yaml_and_imports_no_networkx(tmp_path: Path) -> None:
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
    imported = [set(re.findall(r"\| +([\w.]+)$", run.stderr, re.M)) for run in (first, second)]
    assert {"networkx", "yaml"} <= imported[0]
    assert not {"networkx", "yaml", "wizard.kb.loader"} & imported[1]


def test_an_edited_module_of_wizard_kb_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "loader.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not code")
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "cache.py"))
    prints = []
    for edit in ("x = 1\n", "x = 22\n"):
        (tmp_path / "loader.py").write_text(edit)
        cache._fingerprint.cache_clear()
        prints.append(cache.code_fingerprint(ANALYZERS))
        (tmp_path / "notes.txt").write_text("still not code, and ignored")
        cache._fingerprint.cache_clear()
        assert cache.code_fingerprint(ANALYZERS) == prints[-1]
    cache._fingerprint.cache_clear()
    assert prints[0] != prints[1]


CONFIRMED = [
    "--fact", "reconnect_fails=yes", "--fact", "vip_method=bind", "--fact", "ncp_include_ip=all",
    "--fact", "login_order=node-first", "--fact", "primary_ip=10.1.1.11",
]  # fmt: skip

INJECTED = "FORMAT C: /INJECTED-BY-A-PLANTED-CACHE-ENTRY"


def _planted_pack(good: Pack) -> Pack:
    """The reference pack with every fix's commands replaced: what an attacker would plant."""
    from dataclasses import replace

    fixes = {k: replace(f, commands=(INJECTED,)) for k, f in good.fixes.items()}
    return replace(good, fixes=fixes)


def _diagnose(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "diagnose", *CONFIRMED],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("layout", ["bare-pickle", "entry-layout-without-key"])
def test_a_planted_valid_pack_pickle_under_the_right_name_is_never_trusted(
    tmp_path: Path, layout: str
) -> None:
    env = {**os.environ, "KBWIZARD_CACHE_DIR": str(tmp_path)}
    first = _diagnose(env)
    assert first.returncode == 0, first.stderr
    entry = _entry(tmp_path)
    good = load_pack(PACK_FILE, ANALYZERS)
    good = replace_remaining(good)
    payload = pickle.dumps(_planted_pack(good), protocol=pickle.HIGHEST_PROTOCOL)
    if layout == "bare-pickle":
        planted = payload
    else:
        # The real layout and header, with a MAC made under a key the attacker guessed.
        header = cache._header(good.sha256, ANALYZERS)
        planted = cache.MAGIC + header + payload + cache._mac(b"k" * 32, header, payload)
    entry.write_bytes(planted)
    result = _diagnose(env)
    assert result.returncode == 0, result.stderr
    assert INJECTED not in result.stdout
    assert _fixes(first) == _fixes(result)
    assert entry.read_bytes() != planted  # re-validated from the YAML and rewritten


def _fixes(result: subprocess.CompletedProcess[str]) -> object:
    fixes = json.loads(result.stdout)["fixes"]
    assert any(f["commands"] for f in fixes)
    return fixes


def replace_remaining(pack: Pack) -> Pack:
    from dataclasses import replace

    return replace(pack, remaining=remaining_questions(graph_of(pack)))


def test_an_entry_is_bound_to_the_pack_hash_and_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    entry = _entry(tmp_path)
    key = cache.cache_key()
    assert key is not None
    payload = pickle.dumps(_planted_pack(good), protocol=pickle.HIGHEST_PROTOCOL)
    # A correctly signed entry, but made for other pack bytes or another version.
    for header in (
        cache._header("0" * 64, ANALYZERS),
        cache._header(good.sha256, ANALYZERS).replace(cache.__version__.encode(), b"0.0.0"),
    ):
        entry.write_bytes(cache.MAGIC + header + payload + cache._mac(key, header, payload))
        assert load_checked(PACK_FILE, ANALYZERS, tmp_path).fixes == good.fixes
    # The same entry signed for this pack and version is what a warm start trusts.
    header = cache._header(good.sha256, ANALYZERS)
    entry.write_bytes(cache.MAGIC + header + payload + cache._mac(key, header, payload))
    trusted = load_checked(PACK_FILE, ANALYZERS, tmp_path)
    assert next(iter(trusted.fixes.values())).commands == (INJECTED,)


def test_the_key_is_private_and_outside_the_cache(tmp_path: Path) -> None:
    load_checked(PACK_FILE, ANALYZERS, tmp_path)
    from wizard.paths import data_dir

    key_file = data_dir() / cache.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert tmp_path not in key_file.parents


def test_a_fifo_planted_in_the_cache_is_a_miss_not_a_hang(tmp_path: Path) -> None:
    env = {**os.environ, "KBWIZARD_CACHE_DIR": str(tmp_path)}
    first = _diagnose(env)
    entry = _entry(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    result = _diagnose(env)  # the timeout fails the test if the FIFO blocks
    assert result.returncode == 0, result.stderr
    assert _fixes(result) == _fixes(first)
