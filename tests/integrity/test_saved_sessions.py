"""Saved sessions: any damaged shape is skipped and reported; a session's pack is never
loaded from a file the session merely names."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import PACK_FILE
from tests.hardening.helpers import assert_no_traceback, assert_one_line_error, kbwizard
from wizard.engine.intake import Intake, build_case
from wizard.engine.session import SessionError
from wizard.kb.model import Pack
from wizard.paths import sessions_dir
from wizard.report.formats import render
from wizard.report.summary import summarize
from wizard.store import list_sessions, load_case, save_case

CONFIRMED = [
    ("reconnect_fails", "yes"),
    ("mapping_shows", "node"),
    ("vip_method", "bind"),
    ("ncp_include_ip", "all"),
    ("login_order", "node-first"),
    ("primary_ip", "10.1.1.11"),
    ("node_names", "NODE1,NODE2"),
]
REAL_COMMAND = "set NCP include IP address = 10.1.1.11"
EVIL_COMMAND = "FORMAT C: /FROM-A-FILE-THE-SESSION-NAMED"


def _case(pack: Pack, facts: list[tuple[str, str]] = CONFIRMED) -> Any:
    intake = Intake(facts=[(n, v, "fact") for n, v in facts])
    intake.header.reference = "INC-1"
    case = build_case(pack, intake)
    case.add_evidence("login-script", b"MAP S1:=10.1.1.11/SYS:PUBLIC\n", "login.txt")
    case.verify(next(iter(pack.fixes)), "not-fixed", "still drops")
    return case


def _evil_pack(tmp_path: Path) -> Path:
    evil = tmp_path / "evil.yaml"
    text = PACK_FILE.read_text(encoding="utf-8")
    evil.write_text(text.replace("set NCP include IP address = {primary_ip}", EVIL_COMMAND))
    return evil


def _rewrite(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


# --- the pack a session names --------------------------------------------------------


def test_the_recorded_pack_is_bound_by_id_and_content_hash(pack: Pack) -> None:
    path = save_case(_case(pack))
    index = json.loads(path.read_text())["index"]
    assert index["pack"] == pack.id
    assert index["pack_sha256"] == pack.sha256
    assert Path(index["pack_path"]).is_absolute()


@pytest.mark.parametrize("field", ["pack", "pack_path", "both"])
def test_a_session_naming_another_pack_file_never_loads_it(
    pack: Pack, tmp_path: Path, field: str
) -> None:
    path = save_case(_case(pack))
    evil = str(_evil_pack(tmp_path))

    def plant(data: dict[str, Any]) -> None:
        if field in ("pack", "both"):
            data["index"]["pack"] = evil
        if field in ("pack_path", "both"):
            data["index"]["pack_path"] = evil

    _rewrite(path, plant)
    for args in (["export", "last"], ["export", "last", "--format", "json"]):
        result = kbwizard(*args, timeout=60)
        assert_no_traceback(result)
        assert EVIL_COMMAND not in result.stdout + result.stderr
        if field != "both":  # the recorded file (same hash) or the id finds the real pack
            assert result.returncode == 0, result.stderr
            assert REAL_COMMAND in result.stdout
        else:
            assert result.returncode == 2
            assert "name the pack file with --pack" in assert_one_line_error(result)


def test_a_pack_file_given_by_path_is_found_again_until_it_changes(
    pack: Pack, tmp_path: Path
) -> None:
    own = tmp_path / "own.yaml"
    own.write_bytes(PACK_FILE.read_bytes())
    from wizard.kb.registry import open_pack

    local = open_pack(str(own))
    path = save_case(_case(local))
    _rewrite(path, lambda d: d["index"].update(pack="own-pack"))  # an id not on the path
    result = kbwizard("export", "last", timeout=60)
    assert result.returncode == 0, result.stderr
    assert REAL_COMMAND in result.stdout
    own.write_text(own.read_text() + "\n# edited\n")  # the recorded hash no longer holds
    result = kbwizard("export", "last", timeout=60)
    assert result.returncode == 2
    line = assert_one_line_error(result)
    assert "own-pack" in line and "name the pack file with --pack FILE" in line
    named = kbwizard("export", "last", "--pack", str(own), timeout=60)
    assert named.returncode == 0, named.stderr
    assert REAL_COMMAND in named.stdout


# --- damaged files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"id": "x", "index": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"id": ["a"], "index": {}}',
        '{"id": "x", "index": {"pack": ["a"]}}',
        '{"id": "x", "index": {}, "created": {"a": 1}}',
        '{"id": 1' + "0" * 5000 + ', "index": {}}',
    ],
    ids=["deep", "deep-index", "id-list", "pack-list", "created-map", "huge-int"],
)
def test_a_damaged_file_is_skipped_and_reported(pack: Pack, content: str) -> None:
    save_case(_case(pack))
    bad = sessions_dir() / "planted.json"
    bad.write_text(content)
    infos, skipped = list_sessions()
    assert [s.path for s in skipped] == [bad]
    assert len(infos) == 1
    listed = kbwizard("sessions", timeout=60)
    assert listed.returncode == 0 and f"skipped {bad}" in listed.stderr
    assert_no_traceback(listed)
    exported = kbwizard("export", "last", timeout=60)
    assert exported.returncode == 0, exported.stderr


# --- every shape of a saved session: skipped, refused or loaded; never a crash ------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _set(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return new
    value[at[0]] = _set(value[at[0]], at[1:], new)
    return value


@st.composite
def _damaged(draw: st.DrawFn, good: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(good)
    paths = _paths(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["json", "deep", "drop", "type"]))
        if kind == "drop" and at:
            parent = _get(data, at[:-1])
            if isinstance(parent, (dict, list)):
                with contextlib.suppress(KeyError, IndexError):
                    del parent[at[-1]]
            paths = _paths(data)
            continue
        if kind == "deep":  # written out as nested lists by _text (too deep for json.dumps)
            new: Any = f"{DEEP}{draw(st.sampled_from([3, 50, 2000, 100_000]))}"
        elif kind == "type":
            new = draw(st.sampled_from([None, 1, 1.5, True, "x", [], {}, ["x"], {"x": 1}]))
        else:
            new = draw(_json)
        with contextlib.suppress(KeyError, IndexError, TypeError):
            data = _set(data, at, new)
        paths = _paths(data)
    return data


DEEP = "\u0000deep:"


def _text(data: dict[str, Any]) -> str:
    import re

    return re.sub(
        r'"\\u0000deep:(\d+)"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), json.dumps(data)
    )


def _get(value: Any, at: tuple[Any, ...]) -> Any:
    for part in at:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


@pytest.fixture(scope="module")
def good_session(pack: Pack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("good")
    path = save_case(_case(pack), folder)
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_any_damaged_session_is_skipped_refused_or_loaded(
    pack: Pack, tmp_path: Path, good_session: dict[str, Any], data: st.DataObject
) -> None:
    damaged = data.draw(_damaged(good_session))
    folder = tmp_path / "sessions"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / f"{good_session['id']}.json"
    path.write_text(_text(damaged))
    infos, skipped = list_sessions(folder)
    assert len(infos) + len(skipped) == 1
    for item in skipped:
        assert "\n" not in item.reason
    if not infos:
        event("skipped")
        return
    try:
        case = load_case(pack, infos[0].id, folder)
    except SessionError as exc:
        assert "\n" not in str(exc)
        event("refused")
        return
    event("loaded")
    summary = summarize(case)
    for fmt in ("json", "markdown", "html", "text"):
        assert render(summary, fmt)
    case.session.walk()
