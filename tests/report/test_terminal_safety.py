"""Terminal safety: nothing raw from a user, a file or a pack reaches the terminal or an export.

Every place the command line prints untrusted text gets a hostile value: an ESC
sequence that clears the screen, an OSC that retitles the terminal, a one-byte
C1 CSI (U+009B), DEL, bidi overrides and isolates, and a newline followed by a
line of its own. The output must show them as visible escapes (``\\x1b``,
``\\u202e``), on the line they belong to. JSON keeps them as ``\\uXXXX``
escapes and loads back to the same text; Markdown escapes ``&``; the graph never
emits a pack's node id as Mermaid or DOT syntax.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PACK_FILE
from wizard.engine.case import Case
from wizard.kb.model import Pack
from wizard.report.sanitize import json_text, md_text, one_line
from wizard.store import save_case

HOSTILE = "evil\x1b[2J\x1b]0;owned\x07\x9b31m\u202egnp.exe\u2066\u200f\x7f\nINJECTED line"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def kbwizard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=60
    )


def assert_shown_safely(output: str) -> None:
    """No control character raw, and the hostile newline started no line of its own."""
    assert not RAW.search(output), repr(output)
    assert not any(line.startswith("INJECTED") for line in output.splitlines()), output
    assert "\\x1b" in output and "\\u202e" in output  # shown, not acted on


def test_one_line_shows_every_control_character_visibly() -> None:
    shown = one_line(HOSTILE + "\t\r\u2028\u0085")
    assert not RAW.search(shown) and "\n" not in shown and "\u2028" not in shown
    assert shown.startswith("evil\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202egnp.exe\\u2066\\u200f")
    assert shown.endswith("\\x7f\\x0aINJECTED line\\x09\\x0d\\u2028\\x85")
    assert one_line("NODE1\\VOL1: ü €") == "NODE1\\VOL1: ü €"  # printable text unchanged


def test_answers_file_key_and_path(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({HOSTILE: 1}), encoding="utf-8")
    result = kbwizard("diagnose", "--answers", str(answers))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert_shown_safely(result.stderr)
    missing = kbwizard("diagnose", "--answers", str(tmp_path / HOSTILE))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert_shown_safely(missing.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("diagnose", "--format", HOSTILE),
        ("diagnose", "--fact", f"{HOSTILE}=yes"),
        ("diagnose", "--evidence", f"{HOSTILE}=x.txt"),
        ("diagnose", "--pack", HOSTILE),
        ("graph", "--format", HOSTILE),
        (HOSTILE,),
    ],
)
def test_argument_values(args: tuple[str, ...]) -> None:
    result = kbwizard(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert_shown_safely(result.stderr)


def test_validate_paths_and_problems(tmp_path: Path) -> None:
    unreadable = kbwizard("validate", str(tmp_path / HOSTILE))
    assert unreadable.returncode == 2
    assert_shown_safely(unreadable.stderr)
    broken = tmp_path / f"{HOSTILE}.yaml"
    broken.write_text("id: x\n", encoding="utf-8")
    result = kbwizard("validate", str(broken))
    assert result.returncode == 1
    assert_shown_safely(result.stdout)
    assert all(line.startswith(str(tmp_path)) for line in result.stdout.splitlines())


def test_sessions_columns_and_skipped_files(pack: Pack) -> None:
    case = Case.start(pack)
    case.header.reference = HOSTILE
    case.session.answer("yes")
    path = save_case(case)
    (path.parent / f"{HOSTILE}.json").write_text("{not json", encoding="utf-8")
    result = kbwizard("sessions")
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout) and "INJECTED" not in result.stdout  # cut to 19
    assert "evil\\x1b[2J" in result.stdout
    assert len(result.stdout.splitlines()) == 2  # the header and this one session
    assert_shown_safely(result.stderr)  # the skipped file, named in full


def test_pack_title_in_packs(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    text = PACK_FILE.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.MULTILINE)
    assert title is not None
    hostile_title = json.dumps(HOSTILE)  # a double-quoted YAML scalar with escapes
    (folder / "evil.yaml").write_text(
        text.replace(title.group(0), f"title: {hostile_title}", 1).replace(
            "id: tid-3438100", "id: evil-pack", 1
        ),
        encoding="utf-8",
    )
    shutil.copy(PACK_FILE, folder / "good.yaml")
    result = kbwizard("packs", "--pack-dir", str(folder))
    assert result.returncode == 0, result.stderr
    evil = [line for line in result.stdout.splitlines() if "evil" in line]
    assert len(evil) == 1, result.stdout
    assert_shown_safely(result.stdout)
    assert evil[0].count("\t") == 3  # the columns are still the columns


def test_json_export_escapes_c1_and_bidi(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"case": {"reference": HOSTILE}, "facts": {"reconnect_fails": "yes"}}),
        encoding="utf-8",
    )
    result = kbwizard("diagnose", "--answers", str(answers))
    assert result.returncode in (0, 3), result.stderr
    assert not RAW.search(result.stdout)
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    assert json.loads(result.stdout)["case"]["reference"] == HOSTILE  # round-trips


def test_json_text_round_trips_whatever_it_escapes() -> None:
    data = {"k\u202e": ["\x7f\x80\x9b\u2028\u2029\u200e\u2066 plain ü"]}
    text = json_text(json.dumps(data, ensure_ascii=False))
    assert not RAW.search(text) and "\u2028" not in text
    assert json.loads(text) == data


def test_markdown_escapes_ampersands(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"case": {"reference": "&lt;script&gt;alert(1)&lt;/script&gt; & co"}}),
        encoding="utf-8",
    )
    result = kbwizard("diagnose", "--answers", str(answers), "--format", "md")
    assert result.returncode in (0, 3), result.stderr
    assert "&lt;script" not in result.stdout.replace("\\&lt;", "")
    assert "\\&lt;script\\&gt;alert(1)\\&lt;/script\\&gt; \\& co" in result.stdout
    assert md_text("a & b") == "a \\& b"


def _pack_with_node_id(tmp_path: Path, node_id: str) -> Path:
    text = PACK_FILE.read_text(encoding="utf-8")
    quoted = json.dumps(node_id)
    # Rename the first question everywhere it is named (start, its key, no links to it).
    text = text.replace("start: q_reconnect", f"start: {quoted}", 1)
    text = text.replace("  q_reconnect:\n", f"  {quoted}:\n", 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HOSTILE_ID = 'x["a"]\nclick x href "javascript:alert(1)"\nx'


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_never_emits_a_node_id_as_syntax(tmp_path: Path, fmt: str) -> None:
    path = _pack_with_node_id(tmp_path, HOSTILE_ID)
    result = kbwizard("graph", "--pack", str(path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not any(line.strip().startswith(("click", "x[", 'x"')) for line in lines)
    assert "javascript" in result.stdout  # shown, inside a label only
    for line in lines[1:]:
        if "javascript" in line:
            assert line.startswith("    n0")
            label = line[line.index('"') : line.rindex('"') + 1]
            assert "\n" not in label
    if fmt == "mermaid":
        assert all(re.match(r"    (n\d+[\[{( ]|classDef |class )", line) for line in lines[1:])
        assert "#quot;javascript:alert(1)#quot;" in result.stdout
    else:
        assert all(re.match(r"    (n\d+ |rankdir=TB;)|}$", line) for line in lines[1:]), (
            result.stdout
        )
