"""Every artifact in tests/data/evidence is analysed and checked against its sidecar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analyzers.netware import (
    KINDS,
    LoginScriptAnalysis,
    SiteContext,
    analyze_load_script,
    analyze_login_script,
    analyze_set_parameters,
    context_from,
    reorder_login_script,
)
from wizard.analyzers.netware.plugins import LOAD_SCRIPT
from wizard.analyzers.netware.remap import remap_login_script
from wizard.evidence.model import EvidenceReport
from wizard.evidence.protocol import Context

DATA = Path(__file__).resolve().parent.parent / "data" / "evidence"
EXPECTATIONS = sorted(DATA.glob("*.expect.yaml"))
ARTIFACTS = sorted(
    path
    for path in DATA.iterdir()
    if not path.name.startswith(".")
    and not path.name.endswith((".expect.yaml", ".fixed", ".remapped"))
)


def _context(spec: dict[str, Any] | None) -> SiteContext:
    spec = spec or {}
    return SiteContext(
        **{
            key: frozenset(str(item) for item in spec.get(key, []))
            for key in (
                "node_names",
                "virtual_servers",
                "virtual_ips",
                "node_ips",
                "cluster_volumes",
                "volume_objects",
                "cluster_names",
                "master_ips",
            )
        },
        role_overrides=dict(spec.get("role_overrides") or {}),
    )


def _check_reorder(analysis: LoginScriptAnalysis, expect: dict[str, Any], artifact: Path) -> None:
    """The corrected script, byte for byte, and that it really is virtual-first; or the
    reason why there is none."""
    result = reorder_login_script(analysis)
    if "corrected_file" in expect:
        fixed = artifact.with_name(expect["corrected_file"]).read_bytes()
        assert result.changed, result.warnings
        assert result.data == fixed
        assert not result.unavailable
        again = analyze_login_script(result.data, _context(expect.get("context")))
        assert again.login_order == expect.get("corrected_order", "virtual-first")
    if "reorder_moved" in expect:
        assert list(result.moved) == expect["reorder_moved"]
    if "reorder_unavailable_contains" in expect:
        assert not result.changed
        assert result.data == analysis.decoded.encode(analysis.decoded.text)
        for needle in expect["reorder_unavailable_contains"]:
            assert needle in result.unavailable, result.unavailable


def _check_remap(analysis: LoginScriptAnalysis, expect: dict[str, Any], artifact: Path) -> None:
    """The remapped script, byte for byte, its diff and the lines it changed; or the reason
    why there is none; or none at all (``remap: none``)."""
    spec = expect.get("remap")
    if spec is None:
        return
    if spec == "none":
        assert remap_login_script(analysis, "CLUSTER", "CTX") is None
        return
    result = remap_login_script(
        analysis, spec.get("cluster_name", ""), spec.get("cluster_context", "")
    )
    assert result is not None
    if "unavailable_contains" in spec:
        assert not result.diff and not result.changed
        assert result.data == analysis.decoded.encode(analysis.decoded.text)
        for needle in spec["unavailable_contains"]:
            assert needle in result.unavailable, result.unavailable
        return
    assert not result.unavailable
    assert result.data == artifact.with_name(spec["file"]).read_bytes()
    assert list(result.changed) == spec["changed"]
    removed = [line[1:] for line in result.diff.splitlines() if line[:1] == "-"][1:]
    added = [line[1:] for line in result.diff.splitlines() if line[:1] == "+"][1:]
    lines = analysis.decoded.lines
    assert removed == [lines[n - 1].text for n in spec["changed"]]
    assert len(added) == len(removed)
    again = analyze_login_script(result.data, _context(expect.get("context")))
    assert not [m for m in again.mappings if m.cluster_volume in ("node", "cluster-object")]


def _check_combined(data: bytes, expect: dict[str, Any], artifact: Path) -> None:
    """The load scripts read together (the engine's ``combine``): facts and their places."""
    names = [artifact.name, *expect["combine_with"]]
    readings = [
        (name, LOAD_SCRIPT.analyze(artifact.with_name(name).read_bytes(), Context()))
        for name in names
    ]
    combination = LOAD_SCRIPT.combine(readings)
    found = {finding.fact: finding for finding in combination.findings}
    for name, spec in expect["combined"].items():
        finding = found.get(name)
        assert finding is not None, name
        assert finding.value == _value(spec["value"]), name
        places = [[names[place.reading], place.line] for place in finding.places]
        assert places == spec["places"], name
    for name in expect.get("combined_absent", []):
        assert name not in found, name
    said = " | ".join(f"{names[index]}: {remark.text}" for index, remark in combination.remarks)
    for needle in expect.get("combined_remarks_contain", []):
        assert needle in said, said


def _value(value: Any) -> Any:
    return tuple(str(item) for item in value) if isinstance(value, list) else str(value)


def _check_report(report: EvidenceReport, expect: dict[str, Any]) -> None:
    for name, spec in (expect.get("facts") or {}).items():
        finding = report.fact(name)
        assert finding is not None, f"fact {name} missing; remarks: {report.remarks}"
        assert finding.value == _value(spec["value"]), name
        assert finding.line == spec["line"], name
        assert finding.detail
        if "detail_contains" in spec:
            assert spec["detail_contains"] in finding.detail
    for name in expect.get("absent_facts", []):
        assert report.fact(name) is None, name
    if "unrecognised" in expect:
        assert [line for line, _ in report.unrecognised] == expect["unrecognised"]
    texts = " | ".join(remark.text for remark in report.remarks)
    for needle in expect.get("remarks_contain", []):
        assert needle in texts
    for needle in expect.get("remarks_absent", []):
        assert needle not in texts
    if "encoding" in expect:
        assert report.encoding == expect["encoding"]


def test_every_artifact_has_its_expectations() -> None:
    assert {path.name + ".expect.yaml" for path in ARTIFACTS} == {p.name for p in EXPECTATIONS}


def test_corpus_is_big_enough() -> None:
    assert len(EXPECTATIONS) >= 50
    kinds = {yaml.safe_load(path.read_text())["kind"] for path in EXPECTATIONS}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("expect_path", EXPECTATIONS, ids=lambda path: path.name)
def test_fixture(expect_path: Path) -> None:
    expect = yaml.safe_load(expect_path.read_text())
    artifact = expect_path.with_name(expect_path.name.removesuffix(".expect.yaml"))
    data = artifact.read_bytes()
    kind = expect["kind"]
    if kind == "login-script":
        analysis = analyze_login_script(data, _context(expect.get("context")))
        _check_report(analysis.report, expect)
        assert analysis.login_order == (
            expect["facts"]["login_order"]["value"] if "login_order" in expect["facts"] else None
        )
        if "deciding_lines" in expect:
            assert list(analysis.deciding_lines) == expect["deciding_lines"]
        if "mappings" in expect:
            assert len(analysis.mappings) == len(expect["mappings"]), analysis.mappings
            for mapping, spec in zip(analysis.mappings, expect["mappings"], strict=True):
                for key, wanted in spec.items():
                    got = getattr(mapping, key)
                    if key == "options":
                        wanted = tuple(wanted)
                    assert got == wanted, (mapping, key)
        if expect.get("bom"):
            assert analysis.decoded.bom
        if expect.get("line_endings") == "crlf":
            assert {line.ending for line in analysis.decoded.lines} == {"\r\n"}
        if "unsettled" in expect:
            assert [m.server for m in analysis.unsettled] == expect["unsettled"]
        _check_reorder(analysis, expect, artifact)
        _check_remap(analysis, expect, artifact)
    elif kind == "load-script":
        load = analyze_load_script(data)
        _check_report(load.report, expect)
        for key in ("pools", "volumes", "bind_lines", "secondary_lines"):
            if key in expect:
                assert list(getattr(load, key)) == expect[key], key
        if "volume_objects" in expect:
            assert context_from(load).volume_objects == frozenset(expect["volume_objects"])
        if "combine_with" in expect:
            _check_combined(data, expect, artifact)
    else:
        settings = analyze_set_parameters(data)
        _check_report(settings.report, expect)
        if "ncp_exclude_ips" in expect:
            assert list(settings.ncp_exclude_ips) == expect["ncp_exclude_ips"]
