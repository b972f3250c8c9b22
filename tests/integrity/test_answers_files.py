"""Answers files: bounded, no aliases, no deep nesting, every wrong shape one line with exit 2."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.helpers import assert_one_line_error, kbwizard
from wizard.engine.intake import MAX_LIST_ITEMS, build_case, read_answers_file
from wizard.engine.session import SessionError
from wizard.kb.model import Pack

ALIAS_BOMB = """\
notes:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  reconnect_fails: *g
"""

CASES = [
    (ALIAS_BOMB, 3, "aliases (*name) are not allowed in answers files"),
    ("facts:\n  node_names: &n [a, b]\n  virtual_servers: *n\n", 3, "aliases"),
    ("pack: [a]\n", 1, "'pack' must be a single value, not a list"),
    ("pack: {a: 1}\n", 1, "'pack' must be a single value, not a mapping"),
    ("facts: 3\n", 1, "'facts' must be a mapping, not a single value"),
    ("facts: [a, b]\n", 1, "'facts' must be a mapping, not a list"),
    ("evidence: x\n", 1, "'evidence' must be a mapping"),
    ("case: [INC-1]\n", 1, "'case' must be a mapping, not a list"),
    ("case:\n  reference: [INC-1]\n", 2, "case 'reference' must be a single value"),
    ("case:\n  colour: red\n", 2, "unknown key 'colour' in 'case'"),
    ("notes:\n  reconnect_fails: {a: b}\n", 2, "note 'reconnect_fails' must be a single value"),
    ("facts:\n  node_names: [[a]]\n", 2, "an item of fact 'node_names' must be a single value"),
    ("facts:\n  reconnect_fails: {yes: no}\n", 2, "fact 'reconnect_fails' must be a single value"),
    ("evidence:\n  login-script: [[a.txt]]\n", 2, "evidence 'login-script' must be a single"),
    ("? [a]\n: b\n", 1, "mapping keys must be plain names"),
    ("facts:\n  ? {a: b}\n  : c\n", 2, "mapping keys must be plain names"),
    ("colour: red\n", 1, "unknown key 'colour'"),
    ("- a\n- b\n", 1, "expected a mapping"),
    ("just text\n", 1, "expected a mapping"),
    ("facts: !!python/object:os.system {}\n", 1, "tag"),
    ("facts:\n" + "  " + "[" * 100 + "]" * 100 + "\n", 2, "nesting deeper than"),
    ("notes: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "nesting"),
    ("notes: " + "{a: " * 50_000 + "}" * 50_000 + "\n", 1, "nesting"),
    ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
    ("facts: {a: 1\n", 2, "YAML syntax error"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), CASES, ids=[str(i) for i in range(len(CASES))]
)
def test_bad_answers_files_give_one_located_line_and_exit_2(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    started = time.monotonic()
    result = kbwizard("diagnose", "--answers", str(path), timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 2, (result.returncode, result.stderr)
    error = assert_one_line_error(result)
    assert error.startswith(f"kbwizard: error: {path}:{line}: "), error
    assert message in error, error


def test_a_list_fact_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    items = ", ".join(["NODE1"] * (MAX_LIST_ITEMS + 1))
    path.write_text(f"facts:\n  reconnect_fails: 'yes'\n  node_names: [{items}]\n")
    result = kbwizard("diagnose", "--answers", str(path), timeout=30)
    assert result.returncode == 2
    assert f"{path}:3: fact 'node_names' has {MAX_LIST_ITEMS + 1} items" in result.stderr


def test_an_oversized_answers_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("notes:\n  reconnect_fails: '" + "x" * (2 * 1024 * 1024) + "'\n")
    result = kbwizard("diagnose", "--answers", str(path), timeout=30)
    assert result.returncode == 2
    assert "over the 1 MiB limit" in assert_one_line_error(result)


def test_values_keep_the_text_written(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        '{"pack": "tid-3438100", "case": {"reference": 1042, "agent": "Dana"},'
        ' "facts": {"reconnect_fails": "yes", "node_names": ["NODE1", "NODE2"],'
        ' "vip_method": "bind"}, "notes": {"vip_method": 12}}'
    )
    intake = read_answers_file(path)
    assert intake.pack == "tid-3438100"
    assert intake.header.reference == "1042"
    assert ("node_names", ["NODE1", "NODE2"], "answers") in intake.facts
    assert intake.notes == {"vip_method": "12"}
    yaml_path = tmp_path / "answers.yaml"
    yaml_path.write_text("facts:\n  reconnect_fails: yes\n  primary_ip: 10.1.1.11\n")
    facts = build_case(pack, read_answers_file(yaml_path)).facts
    assert facts["reconnect_fails"] == "yes" and facts["primary_ip"] == "10.1.1.11"


# --- every shape of answers file: a SessionError or an Intake, never anything else -------

_scalar = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(["yes", "no", "~", "null", "1e3", "0x1f", "2024-01-01", "NODE1,NODE2"]),
)
_values = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(["pack", "case", "facts", "evidence", "notes", "other"])
_fact_names = st.sampled_from(
    ["reconnect_fails", "node_names", "primary_ip", "vip_method", "nope", "virtual_ips"]
)
_answers = st.dictionaries(
    _keys,
    st.one_of(
        _values,
        st.dictionaries(_fact_names, _values, max_size=4),
        st.dictionaries(st.sampled_from(["reference", "agent", "contact", "x"]), _values),
    ),
    max_size=5,
)


def _yaml(value: object, indent: int = 0) -> str:
    """Flow-style YAML (JSON with YAML's plain words for None/booleans), nested as given."""
    import json

    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=_answers, anchor=st.booleans(), raw=st.binary(max_size=40))
def test_fuzz_any_answers_file_is_read_or_refused_in_one_line(
    pack: Pack, tmp_path: Path, doc: dict[str, object], anchor: bool, raw: bytes
) -> None:
    path = tmp_path / "answers.yaml"
    text = _yaml(doc)
    if anchor:
        text = f"a: &x {text}\nb: *x\n"
    for data in (text.encode(), raw, text.encode()[: len(raw)]):
        path.write_bytes(data)
        try:
            intake = read_answers_file(path)
        except SessionError as exc:
            message = str(exc)
            assert message.startswith(str(path)) and "\n" not in message
            continue
        assert intake.pack is None or isinstance(intake.pack, str)
        for name, value, _ in intake.facts:
            assert isinstance(name, str)
            assert isinstance(value, str) or all(isinstance(v, str) for v in value)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in intake.notes.items())
        try:
            build_case(pack, intake)
        except SessionError as exc:
            assert "\n" not in str(exc)
