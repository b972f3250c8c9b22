"""Several artifacts of one kind read together (the analyzer's ``combine`` hook).

Two cluster load scripts (one per resource) that mount different volumes with one
volume ID: neither script alone shows it, the case does, citing both scripts' lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import EntryPoint

from wizard.engine.case import MAX_CITED, Case
from wizard.engine.session import Given
from wizard.evidence import registry
from wizard.evidence.model import EvidenceReport, Finding, Remark
from wizard.evidence.protocol import Combination, CombinedFinding, Context, Place, Reading
from wizard.evidence.text import decode
from wizard.kb.loader import parse_pack
from wizard.kb.model import Pack

PACK = b"""
id: test-volids
version: "1.0.0"
title: Two resources, one volume ID
summary: Volumes of two resources share an ID.
source:
  document: TEST 2
  title: Test article
  published: "2020-01-01"
  updated: "2020-01-01"
  products: [Test]
facts:
  ids:
    type: list
    description: Volume IDs as VOLUME=ID.
  shared:
    type: list
    description: Volume IDs used twice.
  unique:
    type: choice
    values: ["yes", "no"]
    description: Every volume ID is unique.
  cvsbind:
    type: choice
    values: ["yes", "no"]
    description: The load scripts advertise with CVSBIND ADD.
evidence:
  load-script:
    analyzer: ncs-load-script
    title: Load script
    description: A cluster resource load script.
    supplies:
      - {fact: ids, from: volume_ids}
      - {fact: shared, from: duplicate_volume_ids}
      - {fact: unique, from: volume_ids_unique}
      - {fact: cvsbind, from: cvsbind_in_load_script}
start: q_unique
nodes:
  q_unique:
    kind: question
    tid: Symptom
    fact: unique
    text: Is every volume ID unique?
    choices:
      - {value: "yes", label: "Yes", next: o_fine}
      - {value: "no", label: "No", next: o_shared}
    unknown: o_more
  o_shared:
    kind: outcome
    tid: Cause
    diagnosis: ids-shared
    status: confirmed
    title: Two volumes share an ID
    summary: Shared.
  o_fine:
    kind: outcome
    tid: Cause
    diagnosis: ids-fine
    status: ruled-out
    title: Unique
    summary: Fine.
  o_more:
    kind: outcome
    tid: Cause
    diagnosis: ids-unknown
    status: undecided
    title: Not known
    summary: Look.
explanation:
  title: How it happens
  steps:
    - Two volumes, one ID.
"""

POOL1 = (
    b"nss /poolactivate=POOL1\n"
    b"mount VOL1 VOLID=254\n"
    b"CVSBIND ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
    b"NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
    b"add secondary ipaddress 10.1.1.180\n"
)
POOL2 = (
    b"nss /poolactivate=POOL2\r\n"
    b"mount VOL2 VOLID=253\r\n"
    b"mount VOL3 VOLID=254\r\n"
    b"NUDP ADD CLUSTER1_POOL2_SERVER 10.1.1.181\r\n"
    b"add secondary ipaddress 10.1.1.181\r\n"
)


def _pack() -> Pack:
    pack, problems = parse_pack(PACK, "test-volids.yaml")
    assert pack is not None, problems
    return pack


def _found(case: Case) -> dict[str, Given]:
    return {given.fact: given for given in case.analysis().findings}


def test_a_volume_id_shared_by_two_load_scripts_cites_both() -> None:
    case = Case.start(_pack())
    case.add_evidence("load-script", POOL1, "pool1.ncf")
    case.add_evidence("load-script", POOL2, "pool2.ncf")
    found = _found(case)
    assert found["shared"].value == ("254",)
    assert found["shared"].source == "load-script:pool1.ncf:2, load-script:pool2.ncf:3"
    assert "VOL1 (load-script:pool1.ncf line 2)" in found["shared"].detail
    assert "VOL3 (load-script:pool2.ncf line 3)" in found["shared"].detail
    assert found["unique"].value == "no"
    assert found["unique"].source == found["shared"].source
    assert found["ids"].value == ("VOL1=254", "VOL2=253", "VOL3=254")
    assert found["ids"].source == "load-script:pool1.ncf:2, load-script:pool2.ncf:2"
    # One script lacks CVSBIND ADD: the case says no, citing that script's NUDP line.
    assert (found["cvsbind"].value, found["cvsbind"].source) == ("no", "load-script:pool2.ncf:4")
    # Each script is told, on its own line, which volume of the other shares its ID.
    for item in case.analysis().of("load-script"):
        texts = [r.text for r in item.reading.report.remarks if "volume ID 254" in r.text]
        assert len(texts) == 1, item.label
        assert (
            "VOL1 (load-script:pool1.ncf line 2), VOL3 (load-script:pool2.ncf line 3)" in (texts[0])
        )
    # The session takes the combined facts: the question is answered by the evidence.
    case.apply_evidence(case.draft())
    assert case.session.known_facts()["unique"] == "no"


def test_each_script_alone_shows_no_shared_id() -> None:
    for data, name in ((POOL1, "pool1.ncf"), (POOL2, "pool2.ncf")):
        case = Case.start(_pack())
        case.add_evidence("load-script", data, name)
        found = _found(case)
        assert "shared" not in found and "unique" not in found, name
        assert found["ids"].source == "load-script:2"


def test_two_volumes_with_one_id_inside_one_script() -> None:
    case = Case.start(_pack())
    case.add_evidence("load-script", POOL1 + b"mount VOL9 VOLID=254\n", "pool1.ncf")
    found = _found(case)
    assert found["shared"].value == ("254",)
    assert found["shared"].source == "load-script:2, load-script:6"
    # Its own reading says so once; combine adds nothing for one artifact.
    remarks = [r for r in case.analysis().readings[0].reading.report.remarks if "254" in r.text]
    assert [r.line for r in remarks] == [2]


def test_the_same_volume_and_id_in_two_scripts_is_no_duplicate() -> None:
    case = Case.start(_pack())
    case.add_evidence("load-script", POOL1, "pool1.ncf")
    case.add_evidence("load-script", POOL1.replace(b"POOL1", b"POOL9"), "pool9.ncf")
    found = _found(case)
    assert "shared" not in found
    assert found["ids"].value == ("VOL1=254",)
    assert found["cvsbind"].value == "yes"


# --- the hook is generic: any analyzer may combine ------------------------------------


class _Counter:
    """A test analyzer: each artifact's line count; together, the total, citing the last
    line of every artifact (and one place that names no artifact, which is dropped)."""

    name = "test-line-counter"
    title = "Counts lines"
    reads: tuple[str, ...] = ()
    supplies = ("lines",)
    produces: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()

    def analyze(self, data: bytes, context: Context) -> Reading:
        decoded = decode(data)
        count = len(decoded.lines)
        report = EvidenceReport(
            "count", (Finding("lines", str(count), count, "lines"),), (), (), decoded.encoding
        )
        return Reading(report, decoded, detail=count)

    def combine(self, readings: Sequence[tuple[str, Reading]]) -> Combination:
        counts = [int(str(reading.detail)) for _, reading in readings]
        places = (*(Place(i, n) for i, n in enumerate(counts)), Place(len(counts), 1))
        total = CombinedFinding("lines", str(sum(counts)), places, "lines of all")
        remark = Remark(1, "info", f"one of {len(readings)} artifacts")
        return Combination((total,), ((0, remark), (99, remark)))


COUNTER = _Counter()

COUNT_PACK = (
    PACK.replace(b"id: test-volids", b"id: test-count")
    .replace(
        b"""      - {fact: ids, from: volume_ids}
      - {fact: shared, from: duplicate_volume_ids}
      - {fact: unique, from: volume_ids_unique}
      - {fact: cvsbind, from: cvsbind_in_load_script}""",
        b"      - {fact: cvsbind, from: lines}",
    )
    .replace(b"analyzer: ncs-load-script", b"analyzer: test-line-counter")
)


def test_any_analyzer_may_combine_and_the_provenance_is_capped() -> None:
    point = EntryPoint(COUNTER.name, f"{__name__}:COUNTER", registry.GROUP)
    with registry.added_entry_points(point):
        pack, problems = parse_pack(
            COUNT_PACK.replace(
                b'values: ["yes", "no"]\n    description: The load',
                b'values: ["yes", "no", "15", "120"]\n    description: The load',
            ),
            "count.yaml",
        )
        assert pack is not None, problems
        case = Case.start(pack)
        for index in range(15):
            case.store_artifact("load-script", b"x\n" * (index + 1), f"a{index:02}.txt")
        case.refresh_evidence()
        (given,) = [g for g in case.analysis().findings if g.fact == "cvsbind"]
        assert given.value == "120"  # 1 + 2 + ... + 15, not the first artifact's 1
        cited = given.source.split(", ")
        assert cited[:2] == ["load-script:a00.txt:1", "load-script:a01.txt:2"]
        assert len(cited) == MAX_CITED + 1 and cited[-1] == "and 3 more"
        first = case.analysis().of("load-script")[0].reading.report.remarks
        assert [r.text for r in first] == ["one of 15 artifacts"]
