"""Hostile pack files through `kbwizard validate` and through parse_pack.

Each must end in located problems (FILE:LINE: message, exit 1) or one line
(exit 2, unreadable), never a traceback, never constructing an object, and in
bounded time and memory.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from wizard.kb.loader import parse_pack
from wizard.kb.registry import ANALYZERS
from wizard.kb.validate import validate_pack
from wizard.kb.yamlsrc import MAX_PACK_BYTES

from .helpers import assert_no_traceback, assert_one_line_error, kbwizard, problem_lines

ROOT = Path(__file__).resolve().parents[2]
TID_PACK = ROOT / "knowledge" / "tid-3438100.yaml"

BILLION_LAUGHS = b"""\
id: lol
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

BROKEN_PACK = b"""\
id: broken
version: "1"
title: Broken on purpose
summary: Breaks many rules at once.
source: {document: X, title: X, published: "1", updated: "2", products: [X]}
colour: red
facts:
  f1: {type: choice, values: ["yes", "yes"], description: twice}
  f2: {type: number, description: unknown type}
  f3: {type: ipv4, values: [a], description: values on ipv4}
start: q_missing
nodes:
  q1:
    kind: question
    tid: t
    fact: nope
    text: asks an undeclared fact
    why: w
    how_to_check: h
    choices:
      - {value: "yes", label: Y, next: q_nowhere}
  q2:
    kind: question
    tid: t
    fact: f1
    text: offers a value that is not one
    why: w
    how_to_check: h
    choices:
      - {value: maybe, label: M, next: d1}
      - {value: maybe, label: M, next: d1}
  d1:
    kind: decision
    tid: t
    rules:
      - when: {fact: f1, equals: perhaps}
        next: q2
    default: q2
  o1:
    kind: outcome
    tid: t
    diagnosis: x
    status: confirmed
    title: x
    summary: x
    fixes: [no-such-fix]
  x1:
    kind: sideways
fixes:
  unused:
    title: never offered
    tid: t
    explanation: e
    verify: ["{no_such_fact}", "{broken"]
"""


def write(tmp_path: Path, data: bytes, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def validate_cli(path: Path, expected_exit: int = 1) -> list[str]:
    result = kbwizard("validate", str(path))
    assert_no_traceback(result)
    assert result.returncode == expected_exit, (result.returncode, result.stdout, result.stderr)
    return problem_lines(result, path)


def parse_in_process(data: bytes, name: str = "pack.yaml") -> list[str]:
    pack, problems = parse_pack(data, name)
    if pack is not None:
        problems += validate_pack(pack, ANALYZERS)
    assert problems, "a hostile pack must not pass"
    for problem in problems:
        assert problem.file == name and problem.line >= 1 and problem.message
    return [str(p) for p in problems]


def test_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    data = (
        "id: evil\n"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        f"summary: !!python/object/apply:subprocess.call [[touch, {marker}]]\n"
    ).encode()
    path = write(tmp_path, data)
    lines = validate_cli(path)
    assert not marker.exists(), "a YAML tag ran a command"
    assert any(
        line.startswith(f"{path}:2:") and "python/object/apply:os.system" in line for line in lines
    ), lines
    assert any(line.startswith(f"{path}:3:") for line in lines), lines
    in_process = parse_in_process(data)
    assert not marker.exists()
    assert any("is not allowed" in line for line in in_process)


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    path = write(tmp_path, BILLION_LAUGHS)
    lines = validate_cli(path)
    alias_lines = [line for line in lines if "aliases" in line]
    assert alias_lines, lines
    # One located message per alias, never one per expanded element.
    assert len(lines) < 200, len(lines)
    assert any(line.startswith(f"{path}:3:") for line in alias_lines)
    parse_in_process(BILLION_LAUGHS)


def test_oversized_pack_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    chunk = b"# padding comment line, nothing to see here\n"
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"id: huge\n")
        handle.write(chunk * (size // len(chunk)))
    assert path.stat().st_size > MAX_PACK_BYTES
    result = kbwizard("validate", str(path), timeout=30)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    line = assert_one_line_error(result)
    assert line.startswith(f"{path}:") and "over the 5 MiB limit" in line


@pytest.mark.parametrize(
    "data",
    [
        b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        b"a: " + b"{b: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
        b"- " * 10_000 + b"x\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_bounded(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    lines = validate_cli(path)
    assert any("nesting" in line for line in lines), lines
    assert any("nesting" in line for line in parse_in_process(data))


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    data = b'id: cafe\ntitle: "caf\xe9 cr\xe8me"\n'
    path = write(tmp_path, data)
    lines = validate_cli(path)
    assert lines == [f"{path}:2: not UTF-8 text (byte 0xe9); save the pack as UTF-8"], lines
    parse_in_process(data)


def test_random_binary_pack(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64
    path = write(tmp_path, data)
    validate_cli(path)
    parse_in_process(data)


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    data = TID_PACK.read_bytes().replace(
        b"\nstart: q_reconnect\n", b"\nstart: q_reconnect\nstart: q_vip\n"
    )
    assert data != TID_PACK.read_bytes()
    line = data[: data.index(b"start: q_vip")].count(b"\n") + 1
    path = write(tmp_path, data)
    lines = validate_cli(path)
    assert lines == [f"{path}:{line}: duplicate key 'start' (first defined on line {line - 1})"], (
        lines
    )


def test_many_broken_rules_each_reported_on_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN_PACK)
    lines = validate_cli(path)
    expected = [
        "unknown key 'colour'",
        "is missing required key 'explanation'",
        "lists a value twice",
        "unknown type 'number'",
        "start node 'q_missing' is not defined",
        "undeclared fact 'nope'",
        "undefined node 'q_nowhere'",
        "offers 'maybe', which is not a value",
        "offers 'maybe' twice",
        "tests f1 = 'perhaps'",
        "names undefined fix 'no-such-fix'",
        "needs kind",
        "cycle in the decision graph",
        "fix 'unused' is defined but no outcome offers it",
        "template names no fact",
        "malformed template",
    ]
    text = "\n".join(lines)
    missing = [e for e in expected if e not in text]
    assert not missing, f"not reported: {missing}\n{text}"
    assert len(lines) == len(set(lines)), "a problem is reported twice"
    assert len(parse_in_process(BROKEN_PACK)) == len(lines)


def test_unreadable_paths_exit_2_with_one_line(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.yaml", tmp_path):
        result = kbwizard("validate", str(path))
        assert result.returncode == 2, result
        line = assert_one_line_error(result)
        assert str(path) in line and "cannot read" in line
        assert result.stdout == ""


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n# only a comment\n", b"--- 1\n--- 2\n", b"- just\n- a list\n", b"id: [unclosed\n"],
    ids=["empty", "comment-only", "two-documents", "top-level-list", "syntax-error"],
)
def test_degenerate_files(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    validate_cli(path)
    parse_in_process(data)
