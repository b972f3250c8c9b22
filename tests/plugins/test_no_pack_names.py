"""Nothing outside the analyzers' folder names an id of a bundled pack: the engine, the
report and the front ends work for any article."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from wizard.kb.loader import load_pack
from wizard.kb.model import Outcome
from wizard.kb.registry import bundled_dir

WIZARD = ROOT / "wizard"
ANALYZERS = WIZARD / "analyzers"


def bundled_ids() -> set[str]:
    ids: set[str] = set()
    for path in sorted(bundled_dir().glob("*.yaml")):
        pack = load_pack(path)
        ids |= {pack.id, *pack.evidence, *pack.nodes, *pack.fixes}
        ids |= {n.diagnosis for n in pack.nodes.values() if isinstance(n, Outcome)}
    return ids


def modules_outside_the_analyzers() -> list[Path]:
    return [p for p in sorted(WIZARD.rglob("*.py")) if ANALYZERS not in p.parents]


def test_no_module_outside_the_analyzers_names_a_bundled_pack_id() -> None:
    ids = bundled_ids()
    assert {"tid-3438100", "login-script", "reorder-login-script"} <= ids  # the check can fail
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")
    found = []
    for path in modules_outside_the_analyzers():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(1)}")
    assert found == []


def test_no_module_outside_the_analyzers_imports_them() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in modules_outside_the_analyzers()
        if re.search(r"^\s*(from|import)\s+wizard\.analyzers\b", path.read_text(), re.M)
    ]
    assert found == []
