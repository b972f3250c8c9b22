"""The login-script analysis reads each line once per process where it can (the line
memo, kept across scripts): a warm memo reads exactly as a cold one, two sites never mix,
the memo stays bounded, and the one-pass reading agrees with the structural scan."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.genlogin import BLOCK, generate_login_script
from wizard.analyzers.netware import decode
from wizard.analyzers.netware import login_script as ls
from wizard.analyzers.netware.login_script import (
    LoginScriptAnalysis,
    Mapping,
    analyze_login_script,
    decide_order,
    scan_login_script,
)
from wizard.analyzers.netware.model import SiteContext

CORPUS = sorted((Path(__file__).parent.parent / "data" / "evidence").glob("ls-*"))
NODE_SITE = SiteContext(
    node_names=frozenset({"NODE1", "NODE2"}),
    virtual_servers=frozenset({"CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"}),
    node_ips=frozenset({"10.1.1.11"}),
    virtual_ips=frozenset({"10.1.1.180", "10.1.1.181"}),
)
# The same names the other way round: NODE1 is a virtual server here.
OTHER_SITE = SiteContext(
    node_names=frozenset({"CLUSTER1_POOL1_SERVER"}),
    virtual_servers=frozenset({"NODE1", "NODE2"}),
    cluster_volumes=frozenset({"VOL1", "SYS"}),
    role_overrides={"": "node"},
)
SITES = (SiteContext(), NODE_SITE, OTHER_SITE)

_LINES = [
    *(line.format(i=3, j=2) for line in BLOCK),
    'IF MEMBER OF "A" THEN', "ELSE", "  ELSE", "END", "END IF", "ENDIF", "IF X THEN BEGIN",
    'IF LOGIN_NAME = "X" THEN MAP Q:=NODE1/SYS:', "IF A THEN BEGIN MAP T:=NODE2/X:",
    "IF B THEN BEGIN WRITE x", "IF C THEN BEGIN END", "IF D THEN WRITE y", "ELSE WRITE z",
    "ELSE MAP R:=CLUSTER1_POOL1_SERVER/VOL1:", "MAP S:=G:=NODE1/VOL:", "MAP S3:=F:",
    "MAP F:=S1:\\APPS", "MAP DEL F:", "MAP DEL ROOT G:", "MAP INS S1:=NODE1/SYS:PUBLIC",
    "MAP N CLUSTER1_POOL2_SERVER/VOL2:", "ATTACH NODE1/ADMIN", "INCLUDE NODE1/SYS:X",
    "MAP X:=NODE1/VOL1:;Y:=CLUSTER1_POOL1_SERVER/VOL1:", "MAP H:=A:", "MAP H:=H:",
    "MAP ROOT P:=.DM_DATA.CORP:", "MAP ROOT S16:=.MYMAP.MYORG:\\APPS", "MAP O:=VOL1:",
    "MAP X:=NODE1/VOL1:;zz", "MAP C F:", "MAP DISPLAY OFF", "REM x", "rem", "REMARK y",
    "REM:", "; y", "* z", "WRITE \"hi\"", "LABEL1:", "???", "> MAP F:=NODE1/SYS:", "   ",
    "\tMAP G:=NODE2/DATA:", "MAP K:=FS1/SYS:", "MAP L:=%HOME_SERVER/SYS:", "x" * 5000,
]  # fmt: skip


def _reset() -> None:
    ls._SITES.clear()
    ls._memo_used[:] = [0, 0, 0]


def _reading(analysis: LoginScriptAnalysis) -> tuple[object, ...]:
    return (
        analysis.report,
        analysis.mappings,
        analysis.login_order,
        analysis.deciding_lines,
        analysis.unsettled,
        analysis.includes,
        analysis.paths,
        analysis.path_changes,
        [analysis.raw(index) for index in range(len(analysis.mappings))],
    )


def _cold(data: str | bytes, site: SiteContext) -> tuple[object, ...]:
    _reset()
    return _reading(analyze_login_script(data, site))


def _scripts() -> Iterator[bytes]:
    yield generate_login_script(6000, "container1")
    for path in CORPUS:
        yield path.read_bytes()


_SCRIPT = st.lists(
    st.one_of(st.sampled_from(_LINES), st.just('IF MEMBER OF "G" THEN')),
    max_size=60,
).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_SCRIPT, st.sampled_from(SITES)), min_size=1, max_size=4))
def test_a_warm_line_memo_reads_as_a_cold_one(runs: list[tuple[str, SiteContext]]) -> None:
    _reset()
    warm = [_reading(analyze_login_script(text, site)) for text, site in runs]
    assert warm == [_cold(text, site) for text, site in runs]


def test_deep_nesting_reads_as_a_cold_one() -> None:
    # Past MAX_NESTING an ELSE changes nothing, and the reading remembers that per script.
    deep = ['IF MEMBER OF "G" THEN'] * 40 + ["ELSE", "MAP F:=NODE1/SYS:"] + ["END"] * 40
    text = "\n".join(deep + ["IF A THEN", "MAP G:=NODE2/SYS:", "ELSE", "END"] * 2) + "\n"
    cold = _cold(text, NODE_SITE)
    assert _reading(analyze_login_script(text, NODE_SITE)) == cold
    assert _reading(analyze_login_script(text, NODE_SITE)) == cold


def test_what_depends_on_the_state_is_not_kept_for_the_next_script() -> None:
    # Past MAX_NESTING an ELSE changes nothing, and past 100 INCLUDEs one is not listed:
    # what such a line did in one script says nothing of the next one.
    _reset()
    deep = ['IF MEMBER OF "G" THEN'] * 40 + ["ELSE", "ELSE"] + ["END"] * 40
    analyze_login_script("\n".join(deep) + "\n" + "INCLUDE X\n" * 105, NODE_SITE)
    text = "IF A THEN\nMAP G:=NODE2/SYS:\nELSE\nMAP H:=NODE1/VOL1:\nEND\nINCLUDE X\n"
    warm = analyze_login_script(text, NODE_SITE)
    assert warm.paths[1] == ((1, 1),) and warm.includes == ((6, "X"),)
    assert _reading(warm) == _cold(text, NODE_SITE)


def test_two_sites_never_mix() -> None:
    _reset()
    text = "MAP F:=NODE1/SYS:\nMAP F:=NODE1/SYS:\nMAP G:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    for _ in range(2):
        for site, role in ((NODE_SITE, "node"), (OTHER_SITE, "virtual")):
            analysis = analyze_login_script(text, site)
            assert [m.role for m in analysis.mappings[:2]] == [role, role]
            assert _reading(analysis) == _cold(text, site)


@pytest.mark.parametrize("data", list(_scripts()), ids=lambda data: str(len(data)))
def test_corpus_reads_the_same_warm_and_cold(data: bytes) -> None:
    for site in SITES:
        cold = _cold(data, site)
        assert _reading(analyze_login_script(data, site)) == cold
        assert _reading(analyze_login_script(data, site)) == cold


def test_the_line_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ls, "_MEMO_LINES", 50)
    monkeypatch.setattr(ls, "_MEMO_PARTS", 40)
    lines = [f"MAP F:=NODE{i % 7}/VOL{i}:" for i in range(300)]
    text = "\n".join(lines + lines + ['IF MEMBER OF "G" THEN', "END"] * 2) + "\n"
    _reset()
    first = _reading(analyze_login_script(text, NODE_SITE))
    assert 0 < sum(len(memo) for memo, _ in ls._SITES.values()) <= 50
    assert ls._memo_used[1] <= 40
    assert _reading(analyze_login_script(text, NODE_SITE)) == first == _cold(text, NODE_SITE)


def test_the_bounds_hold_over_all_the_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each site has its own memo; the bounds are for them all together.
    monkeypatch.setattr(ls, "_MEMO_LINES", 50)
    lines = [f"MAP F:=NODE{i % 7}/VOL{i}:" for i in range(40)]
    text = "\n".join(lines + lines) + "\n"
    _reset()
    readings = []
    for site in SITES:
        readings.append(_reading(analyze_login_script(text, site)))
        kept = sum(len(memo) for memo, _ in ls._SITES.values())
        assert 0 < kept <= 50 and ls._memo_used[2] == kept
    assert readings == [_cold(text, site) for site in SITES]


def test_a_line_met_once_is_not_kept() -> None:
    _reset()
    analyze_login_script("".join(f"MAP F:=NODE1/VOL{i}:\n" for i in range(100)), NODE_SITE)
    assert not any(memo for memo, _ in ls._SITES.values())


def test_mappings_made_from_the_memo_behave_like_constructed_ones() -> None:
    _reset()
    text = "MAP NP K:=NODE2/SYS:APPS\n" * 3
    analyze_login_script(text, NODE_SITE)
    mapping = analyze_login_script(text, NODE_SITE).mappings[2]
    twin = Mapping(**vars(mapping))
    assert list(vars(mapping)) == list(vars(twin))
    assert twin == mapping and hash(twin) == hash(mapping) and repr(twin) == repr(mapping)
    assert pickle.loads(pickle.dumps(mapping)) == mapping == copy.deepcopy(mapping)
    assert mapping.line == 3 and mapping.role == "node" and mapping.options == ("NP",)


@settings(max_examples=150, deadline=None)
@given(_SCRIPT)
def test_the_reading_agrees_with_the_scan(text: str) -> None:
    analysis = analyze_login_script(text, NODE_SITE)
    scan = scan_login_script(decode(text), keep_lines=False)
    assert [
        (m.line, m.drive, m.target, m.server, m.volume, m.form, m.options, m.condition)
        for m in analysis.mappings
    ] == [raw[:8] for raw in scan.mappings]
    assert list(analysis.paths) == [raw.path for raw in scan.mappings]
    assert analysis.report.unrecognised == scan.unrecognised


@pytest.mark.parametrize("data", list(_scripts()), ids=lambda data: str(len(data)))
def test_raws_are_raw_of_each_mapping(data: bytes) -> None:
    for site in SITES:
        analysis = analyze_login_script(data, site)
        assert analysis.raws() == [analysis.raw(i) for i in range(len(analysis.mappings))]


@pytest.mark.parametrize("data", list(_scripts()), ids=lambda data: str(len(data)))
def test_decide_order_gives_what_the_analysis_decided(data: bytes) -> None:
    for site in SITES:
        analysis = analyze_login_script(data, site)
        order = decide_order(
            analysis.mappings,
            analysis.paths,
            1,
            len(analysis.report.unrecognised),
            analysis.includes,
        )
        assert (order.value, order.deciding) == (analysis.login_order, analysis.deciding_lines)


# Nodes and virtual servers known for sure or only by a hint (SYS: on the default server,
# a name convention), in and out of IF blocks: the cases the shortcut must tell apart.
_DECIDING = st.lists(
    st.sampled_from(
        [
            "MAP F:=SYS:PUBLIC",
            "MAP G:=CLUSTER1_POOL1_SERVER/VOL1:",
            "MAP H:=NODE1/SYS:",
            "MAP J:=CLUSTER9_POOL1_SERVER/VOL1:",
            "MAP K:=CLUSTER_NODE7/SYS:",
            "MAP L:=FS1/SYS:",
            "MAP M:=10.1.1.180/VOL1:",
            "MAP DEL F:",
            'IF MEMBER OF "A" THEN',
            "ELSE",
            "END",
            "MAP N:=UNKNOWN1/VOL1:",
            "INCLUDE NODE1/SYS:X",
        ]
    ),
    max_size=12,
).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=400, deadline=None)
@given(st.one_of(_SCRIPT, _DECIDING), st.sampled_from(SITES))
def test_the_common_case_shortcut_decides_as_the_passes(text: str, site: SiteContext) -> None:
    analysis = analyze_login_script(text, site)
    codes = bytearray(ls._CODES[ls._WEIGHED(m)] for m in analysis.mappings)
    args = (analysis.mappings, analysis.paths, codes, 1, 0, analysis.includes)
    assert ls._decide(*args) == ls._decide(*args, shortcut=False)


def test_the_generated_script_takes_the_shortcut_and_decides_as_the_passes() -> None:
    analysis = analyze_login_script(generate_login_script(6000, "container1"), NODE_SITE)
    first = analysis.mappings[0]
    # The shortcut's case: a sure node outside every IF block first, sure virtual servers after.
    assert (first.role, first.hint, analysis.paths[0]) == ("node", False, ())
    assert any(m.role == "virtual" and not m.hint for m in analysis.mappings[1:])
    assert any(analysis.paths)  # and mappings inside IF blocks, which the passes weigh
    codes = bytearray(ls._CODES[ls._WEIGHED(m)] for m in analysis.mappings)
    args = (analysis.mappings, analysis.paths, codes, 1, 0, analysis.includes)
    quick = ls._decide(*args)
    assert quick == ls._decide(*args, shortcut=False)
    assert (quick.value, quick.line) == ("node-first", first.line)
