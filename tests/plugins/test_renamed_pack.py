"""The reference pack with every id renamed decides, commands and corrects the same: nothing
in the engine, the report or the front ends keys on the pack's ids."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PACK_FILE
from wizard.engine.case import Case
from wizard.engine.intake import given_facts
from wizard.kb.loader import parse_pack
from wizard.kb.model import Outcome, Pack
from wizard.kb.registry import ANALYZERS
from wizard.kb.validate import validate_pack
from wizard.report.summary import CaseSummary, summarize

LOGIN = b"MAP S1:=10.1.1.11/SYS:PUBLIC\r\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"
LOAD = (
    b"BIND IP VNIC ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
    b"NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
)
SETP = (
    b"set NCP Include IP Address = all\nBIND IP INTEL_1000 ADDRESS=10.1.1.11 MASK=255.255.255.0\n"
)


def _ids(pack: Pack) -> list[str]:
    ids = [pack.id, *pack.evidence, *pack.nodes, *pack.fixes]
    ids += [n.diagnosis for n in pack.nodes.values() if isinstance(n, Outcome)]
    return sorted(set(ids), key=len, reverse=True)


def renamed(original: Pack) -> tuple[bytes, dict[str, str]]:
    """The pack file with every id (pack, evidence kinds, nodes, fixes, diagnoses) renamed."""
    text = PACK_FILE.read_text(encoding="utf-8")
    names = {old: f"zz{index}x" for index, old in enumerate(_ids(original))}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(old) for old in names) + r")(?![\w-])")
    return pattern.sub(lambda m: names[m.group(1)], text).encode("utf-8"), names


@pytest.fixture(scope="module")
def packs() -> tuple[Pack, Pack, dict[str, str]]:
    original, problems = parse_pack(PACK_FILE.read_bytes(), str(PACK_FILE))
    assert original is not None and not problems
    data, names = renamed(original)
    copy, problems = parse_pack(data, "renamed.yaml")
    assert copy is not None and problems + validate_pack(copy, ANALYZERS) == []
    assert copy.id != original.id and set(copy.evidence).isdisjoint(original.evidence)
    assert set(copy.fixes).isdisjoint(original.fixes)
    return original, copy, names


SCENARIOS = {
    "confirmed by facts": (
        {"reconnect_fails": "yes", "vip_method": "bind", "ncp_include_ip": "all",
         "login_order": "node-first", "primary_ip": "10.1.1.11"},
        {},
    ),
    "confirmed by evidence": (
        {"reconnect_fails": "yes"},
        {"login-script": LOGIN, "load-script": LOAD, "set-parameters": SETP},
    ),
    "ruled out": ({"reconnect_fails": "yes", "mapping_shows": "virtual"}, {}),
    "undecided": ({"reconnect_fails": "yes"}, {"login-script": LOGIN}),
}  # fmt: skip


def _run(
    pack: Pack, names: dict[str, str], facts: dict[str, str], ev: dict[str, bytes]
) -> CaseSummary:
    case = Case.start(pack, given_facts(pack, [(k, v, "fact") for k, v in facts.items()], {}))
    for kind, data in ev.items():
        case.store_artifact(names.get(kind, kind), data, f"{kind}.txt")
    case.refresh_evidence()
    return summarize(case, unattended=True)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_renamed_pack_decides_the_same(
    packs: tuple[Pack, Pack, dict[str, str]], scenario: str
) -> None:
    original, copy, names = packs
    facts, evidence = SCENARIOS[scenario]
    before = _run(original, {}, facts, evidence)
    after = _run(copy, names, facts, evidence)
    assert after.outcome_status == before.outcome_status
    assert after.words == before.words
    assert after.diagnosis == names[before.diagnosis]
    assert [f.commands for f in after.fixes] == [f.commands for f in before.fixes]
    assert [f.id for f in after.fixes] == [names[f.id] for f in before.fixes]
    assert after.fields == before.fields
    assert [(a.name, a.text, a.marked) for a in after.artifacts] == [
        (a.name, a.text, a.marked) for a in before.artifacts
    ]
    assert after.facts == before.facts
    assert [m.fact for m in after.missing] == [m.fact for m in before.missing]
    renamed_sources = {
        fact: re.sub(r"^[^:]+", lambda m: names.get(m.group(0), m.group(0)), source)
        for fact, source in before.provenance.items()
    }
    assert after.provenance == renamed_sources


def test_the_corrected_script_is_made_under_any_name(
    packs: tuple[Pack, Pack, dict[str, str]],
) -> None:
    _original, copy, names = packs
    facts, evidence = SCENARIOS["confirmed by evidence"]
    summary = _run(copy, names, facts, evidence)
    assert summary.outcome_status == "confirmed"
    script = summary.fields["reordered_login_script"]
    assert script == "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\nMAP S1:=10.1.1.11/SYS:PUBLIC\r\n"
