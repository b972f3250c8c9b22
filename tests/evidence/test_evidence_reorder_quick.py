"""The reorder's quick way (node lines moved below the anchor, on indices) gives exactly
what the general way (the tree of units) gives, for every shape it takes."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.genlogin import generate_login_script
from wizard.analyzers.netware import SiteContext, analyze_login_script
from wizard.analyzers.netware.login_script import BlockPath, LoginScriptAnalysis, decide_order
from wizard.analyzers.netware.reorder import (
    _general,
    _NoSafeReorder,
    _quick,
    _raws,
    _settled,
    _top_blocks,
    _tree,
    reorder_login_script,
)

_SITES = (
    SiteContext(node_names=frozenset({"NODE1", "NODE2"}), virtual_servers=frozenset({"CL"})),
    SiteContext(
        node_names=frozenset({"NODE1", "NODE2"}),
        virtual_servers=frozenset({"CL"}),
        role_overrides={"": "node", "OTHER": "other"},
    ),
)
_BENCH_SITE = SiteContext(
    node_names=frozenset({"NODE1", "NODE2"}),
    virtual_servers=frozenset({"CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"}),
    node_ips=frozenset({"10.1.1.11"}),
    virtual_ips=frozenset({"10.1.1.180", "10.1.1.181"}),
)
# Lines that move, block the move (a drive mapped or copied again, search drives that
# assume earlier ones), decide nothing or make the order undecided, and shapes the quick
# way leaves to the general one (one-line IFs, ';'-joined lines, IF blocks).
_LINES = st.sampled_from(
    [
        "MAP F:=NODE1/VOL1:", "MAP G:=NODE2/SYS:", "MAP G:=CL/VOL1:", "MAP H:=CL/VOL2:",
        "MAP S1:=NODE1/SYS:", "MAP INS S1:=NODE1/SYS:", "MAP S2:=CL/V:", "MAP INS S2:=CL/V:",
        "MAP S3:=G:", "MAP S16:=NODE1/X:", "MAP K:=G:", "MAP G:=K:", "MAP F:=S1:\\APPS",
        "MAP S4:=F:=NODE1/SYS:", "MAP DEL G:", "MAP K:=UNKNOWN/X:", "MAP K:=OTHER/X:",
        "MAP J:=SYS:", "MAP L:=.DM.X:", "REM x", "", "MAP X:=NODE1/A:;Y:=CL/B:",
        "MAP X:=CL/A:;Y:=CL/B:", "IF A THEN MAP Q:=NODE1/SYS:", "IF A THEN MAP Q:=CL/SYS:",
        "ATTACH NODE1", "MAP *1:=NODE1/SYS:", "MAP M:=*1:", "INCLUDE X", "MAP NP L:=NODE1/D:",
        'IF MEMBER OF "G" THEN', "ELSE", "END",
    ]
)  # fmt: skip
_ENDINGS = st.sampled_from(["\r\n", "\n", "\r"])


@st.composite
def _scripts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_LINES, min_size=1, max_size=30))
    endings = draw(st.lists(_ENDINGS, min_size=len(lines), max_size=len(lines)))
    if draw(st.booleans()):  # one ending throughout
        endings = [endings[0]] * len(lines)
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    return text if draw(st.booleans()) else text.rstrip("\r\n")


def _agree(analysis: LoginScriptAnalysis) -> bool:
    """Whether the quick way took the analysis (when it does, both ways must agree)."""
    taken = False
    for diff in (True, False):
        quick = _quick(analysis, diff)
        if quick is not None:
            taken = True
            assert dataclasses.astuple(quick) == dataclasses.astuple(_general(analysis, diff))
    return taken


@settings(max_examples=400, deadline=None)
@given(_scripts())
def test_quick_way_gives_what_the_general_way_gives(text: str) -> None:
    for site in _SITES:
        analysis = analyze_login_script(text.encode("latin-1"), site)
        if analysis.login_order == "node-first":
            _agree(analysis)


@settings(max_examples=300, deadline=None)
@given(_scripts(), st.randoms(use_true_random=False))
def test_settled_orders_are_virtual_first(text: str, rng: random.Random) -> None:
    # The general way skips decide_order on its new order when _settled says it is
    # virtual-first: it must be, whatever the order.
    for site in _SITES:
        analysis = analyze_login_script(text.encode("latin-1"), site)
        pairs = list(zip(analysis.mappings, _raws(analysis), strict=True))
        orders = [list(range(len(pairs)))]
        orders += [orders[0][::-1], rng.sample(orders[0], len(pairs))]
        for order in orders:
            if _settled(pairs, order):
                mappings = [pairs[i][0] for i in order]
                paths = [pairs[i][1].path for i in order]
                assert decide_order(mappings, paths, 1, 0).value == "virtual-first"


def test_the_benchmark_shape_takes_the_quick_way() -> None:
    for size in (700, 5000, 11000):
        for tag in ("", "container"):
            data = generate_login_script(size, tag)
            for cut in (data, data[:-7], data.replace(b"\r\n", b"\n")):
                analysis = analyze_login_script(cut, _BENCH_SITE)
                assert analysis.login_order == "node-first"
                assert _agree(analysis)
                assert reorder_login_script(analysis).changed


def test_what_follows_the_anchor_may_map_nodes_conditionally() -> None:
    # An IF block and a one-line IF mapping nodes after the last virtual mapping: nothing
    # there moves, the quick way still takes the script.
    data = (
        b"MAP K:=NODE1/X:\nMAP F:=CL/V:\nIF A THEN\n MAP L:=NODE2/Y:\nEND\n"
        b"IF B THEN MAP M:=NODE1/Q:\nMAP N:=NODE2/Z:;O:=OTHER/W:\n"
    )
    analysis = analyze_login_script(data, _SITES[1])
    assert _agree(analysis)
    reordering = reorder_login_script(analysis)
    assert reordering.moved == (1,)
    assert reordering.text.splitlines()[:2] == ["MAP F:=CL/V:", "MAP K:=NODE1/X:"]


def test_unterminated_last_line_in_the_anchor_keeps_the_text_whole() -> None:
    # The anchor holds the unterminated last line: the moved line comes last and takes
    # no ending, the old last line takes the moved line's.
    data = b"MAP K:=NODE1/SYS:\r\nMAP F:=CL/VOL1:"
    analysis = analyze_login_script(data, _SITES[0])
    reordering = reorder_login_script(analysis)
    assert reordering.text == "MAP F:=CL/VOL1:\r\nMAP K:=NODE1/SYS:"
    assert reordering.moved == (1,)
    assert _agree(analysis)


def test_raw_mappings_are_those_the_analysis_gives() -> None:
    data = b"MAP S1:=G:\nMAP INS S2:=NODE1/SYS:\nMAP F:=S1:\\APPS\nMAP *1:=CL/V:\nMAP K:=G:\n"
    data += b"MAP S3:=H:=CL/X:\n"
    analysis = analyze_login_script(data, _SITES[0])
    raws = _raws(analysis)
    assert raws == [analysis.raw(index) for index in range(len(analysis.mappings))]
    assert [(raw.letter, raw.search, raw.ref_letter) for raw in raws] == [
        ("", 1, "G"), ("", 2, ""), ("F", None, "S1"), ("", None, ""), ("K", None, "G"),
        ("H", 3, ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (
            "MAP G:=NODE2/SYS:\nMAP G:=CL/A:\nMAP L:=NODE1/D:\nMAP F:=CL/VOL1:\n",
            "line 1 maps drive G:, which a later line (before line 4) maps again",
        ),
        (
            "MAP G:=NODE2/SYS:\nMAP H:=G:\nMAP H:=CL/A:\nMAP L:=NODE1/D:\nMAP F:=CL/VOL1:\n",
            "line 1 maps drive G:, which a later line copies (MAP x:=G:) before line 5",
        ),
        (
            "MAP G:=NODE2/SYS:\nMAP H:=G:\nMAP G:=CL/A:\nMAP L:=NODE1/D:\nMAP F:=CL/VOL1:\n",
            "line 2 copies drive G:, which a later line (before line 5) maps again",
        ),
        (
            "MAP INS S1:=NODE1/SYS:\nMAP INS S2:=CL/V:\nMAP L:=NODE1/D:\nMAP F:=CL/X:\n",
            "line 1 maps search drive S1: and line 2 maps S2:",
        ),
        (
            "MAP S1:=NODE1/SYS:\nMAP S3:=CL/V:\nMAP L:=NODE1/D:\nMAP F:=CL/X:\n",
            "line 1 maps search drive S1: and line 2 maps S3:",
        ),
        (  # an inserted drive letter (no search number) assumes the search drives too
            "MAP S1:=NODE1/SYS:\nMAP INS K:=CL/V:\nMAP L:=NODE1/D:\nMAP F:=CL/X:\n",
            "line 1 maps search drive S1: and line 2 maps K:",
        ),
    ],
)
def test_quick_way_refuses_the_moves_the_general_way_refuses(script: str, reason: str) -> None:
    # One node line moves, another must stay: the quick way takes the script, says why
    # the second stays (as the general way does), and gives no corrected script.
    analysis = analyze_login_script(script.encode("ascii"), _SITES[0])
    assert _agree(analysis)
    reordering = reorder_login_script(analysis)
    assert not reordering.changed
    assert reason in reordering.unavailable


def test_an_analysis_without_its_codes_reorders_alike() -> None:
    # The quick way reads the roles from the reading's codes; an analysis built without
    # them (codes b"") has them made from its mappings, to the same result.
    for text in (
        generate_login_script(5000, "container"),
        b"MAP K:=NODE1/X:\nMAP DEL K:\nMAP J:=SYS:\nMAP F:=CL/V:\nMAP L:=NODE2/Y:\nMAP M:=CL/W:\n",
    ):
        for site in (_BENCH_SITE, *_SITES):
            analysis = analyze_login_script(text, site)
            assert len(analysis.codes) == len(analysis.mappings)
            bare = dataclasses.replace(analysis, codes=b"")
            for diff in (True, False):
                assert _quick(bare, diff) == _quick(analysis, diff)


# Lines that open, turn or close several IF blocks at once ("IF ... THEN BEGIN IF ...",
# "ELSE END", "ELSE IF ... THEN"), besides the one-step ones: the quick way must leave to
# the general way every script whose block structure it does not take.
_BLOCK_LINES = st.sampled_from(
    [
        'IF MEMBER OF "G" THEN', "ELSE", "END", "IF A THEN BEGIN IF B THEN", "ELSE END",
        "ELSE IF C THEN", "IF D THEN BEGIN END", "IF E THEN BEGIN MAP W:=NODE1/SYS:",
        "ELSE MAP Z:=CL/V:", "MAP F:=NODE1/VOL1:", "MAP G:=CL/VOL1:", "MAP S1:=NODE2/SYS:",
        "MAP INS S2:=NODE1/SYS:", "MAP H:=CL/VOL2:", "REM x",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_BLOCK_LINES, min_size=1, max_size=25))
@example(["MAP S1:=NODE2/SYS:", "IF A THEN BEGIN IF B THEN", "END", "END", "MAP G:=CL/VOL1:"])
@example(["MAP S1:=NODE2/SYS:", "IF A THEN", "ELSE IF C THEN", "END", "END", "MAP G:=CL/VOL1:"])
@example(["MAP S1:=NODE2/SYS:", "IF A THEN", "ELSE END", "MAP G:=CL/VOL1:", "END"])
def test_quick_way_takes_only_the_block_structures_the_general_way_takes(
    lines: list[str],
) -> None:
    analysis = analyze_login_script("\n".join(lines).encode("ascii"), _SITES[0])
    if analysis.login_order == "node-first":
        _agree(analysis)


_A0, _A1, _B0, _B1 = (1, 0), (1, 1), (2, 0), (2, 1)


@pytest.mark.parametrize(
    ("changes", "blocks"),
    [
        ([(2, (_A0,)), (3, (_A1,)), (5, ())], ([2], [5])),
        ([(2, (_A0,)), (3, (_A0, _B0)), (4, (_A0, _B1)), (5, (_A0,)), (6, (_A1,))], ([2], [12])),
        ([(2, (_A0,)), (4, ()), (6, (_B0,)), (9, ())], ([2, 6], [4, 9])),
        ([(2, (_A0,)), (5, (_A0, _B0)), (7, ())], None),  # two blocks closed at once
        ([(2, (_A0,)), (4, (_B1,))], None),  # another block's ELSE
        ([(2, (_A1,))], None),  # opened in its ELSE branch
        ([(2, (_A0,)), (3, (_A1,)), (4, (_A0,))], None),  # back from the ELSE branch
        ([(2, (_A0, _B0))], None),  # two blocks opened at once
        ([(2, (_A0,)), (3, (_A1, _B0))], None),  # ELSE and a new block at once
    ],
)
def test_top_level_blocks_only_where_the_tree_takes_the_changes(
    changes: list[tuple[int, BlockPath]], blocks: tuple[list[int], list[int]] | None
) -> None:
    # _top_blocks refuses (None) exactly the changes _tree refuses, and gives the top-level
    # blocks' first and last lines (the last block left open runs to the end).
    total = 12
    texts = [f"line {number}" for number in range(1, total + 1)]
    try:
        _tree(texts, ["\n"] * total, dict(changes), {})
    except _NoSafeReorder:
        refused = True
    else:
        refused = False
    assert refused == (blocks is None)
    assert _top_blocks(changes, total) == blocks
