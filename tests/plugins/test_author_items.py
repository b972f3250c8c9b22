"""Small things an author trips over: where --pack-dir goes, how a missing pack is named,
where a dangling edge is reported, checks an article does not give."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from wizard.kb.loader import parse_pack
from wizard.kb.validate import validate_pack

MINI = ROOT / "docs" / "examples" / "mini-vip.yaml"


def kbwizard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=120
    )


def test_pack_dir_before_or_after_the_command(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "mini-vip.yaml")
    for args in (["--pack-dir", str(tmp_path), "packs"], ["packs", "--pack-dir", str(tmp_path)]):
        result = kbwizard(*args)
        assert result.returncode == 0, result.stderr
        assert any(line.startswith("mini-vip\t") for line in result.stdout.splitlines()), args


def test_a_missing_pack_id_is_not_printed_as_file_and_line() -> None:
    result = kbwizard("diagnose", "--pack", "no-such-pack")
    assert result.returncode == 2
    assert result.stderr.startswith("kbwizard: error: no pack named 'no-such-pack'")
    assert "no-such-pack:1:" not in result.stderr


def test_a_dangling_edge_is_reported_at_its_own_line() -> None:
    assert "    unknown: o_more\n" in MINI.read_text()
    text = MINI.read_text().replace("    unknown: o_more\n", "    unknown: o_nowhere\n", 1)
    pack, problems = parse_pack(text.encode(), "mini.yaml")
    assert pack is not None and not problems
    (problem,) = [p for p in validate_pack(pack) if "o_nowhere" in p.message]
    assert text.splitlines()[problem.line - 1].strip() == "unknown: o_nowhere"


def test_questions_and_fixes_without_checks_validate_and_say_so(tmp_path: Path) -> None:
    text = MINI.read_text()
    bare = "\n".join(
        line
        for line in text.splitlines()
        if not line.lstrip().startswith(("why:", "how_to_check:", "verify:"))
    )
    assert bare != text
    pack, problems = parse_pack(bare.encode(), "bare.yaml")
    assert pack is not None and problems + validate_pack(pack) == []
    path = tmp_path / "bare.yaml"
    path.write_text(bare)
    result = kbwizard("diagnose", "--pack", str(path), "--format", "md")
    assert result.returncode == 3, result.stderr
    assert "The article gives no check for this." in result.stdout
