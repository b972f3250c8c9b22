"""The reorder's quick way writes its diff from the moves (``moves_diff``): it must be byte
for byte the diff ``unified_diff`` makes of the same change (the quick way's code before,
one ``Unit`` per line of the new script) and the one the general way gives."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.genlogin import generate_login_script
from wizard.analyzers.netware import SiteContext, analyze_login_script, script_diff
from wizard.analyzers.netware.reorder import _general, _quick
from wizard.analyzers.netware.script_diff import Unit, moves_diff, unified_diff

_SITE = SiteContext(node_names=frozenset({"NODE1", "NODE2"}), virtual_servers=frozenset({"CL"}))
_BENCH_SITE = SiteContext(
    node_names=frozenset({"NODE1", "NODE2"}),
    virtual_servers=frozenset({"CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"}),
    node_ips=frozenset({"10.1.1.11"}),
    virtual_ips=frozenset({"10.1.1.180", "10.1.1.181"}),
)


def _reference(lines: list[str], deleted: list[int], at: int) -> str:
    """``unified_diff`` of the move, from one unit per line of the new script in order."""
    moved = set(deleted)
    sources = [i for i in range(at) if i not in moved] + deleted + list(range(at, len(lines)))
    units = [Unit(i + 1, lines[i], "", []) for i in sources]
    return unified_diff(lines, units, {(i + 1, -1) for i in deleted}, "corrected")


# Texts that look like diff syntax, blank and non-ASCII ones among them.
_TEXTS = st.sampled_from(["MAP F:=SYS:", "", " ", "+x", "-y", "@@ -1 +1 @@", "\\ z", "é€", "END"])


@st.composite
def _moves(draw: st.DrawFn) -> tuple[list[str], list[int], int]:
    """Lines, the sorted indices that move, and where they go: gaps drawn around the
    hunk-splitting distance (adjacent moves, hunks that touch, merge or stay apart),
    moves from the first line on, the insertion right after a moved line or at the end."""
    gaps = draw(st.lists(st.integers(0, 9), min_size=1, max_size=12))
    deleted: list[int] = []
    place = draw(st.integers(0, 5)) - 1
    for gap in gaps:
        place += gap + 1
        deleted.append(place)
    at = deleted[-1] + 1 + draw(st.integers(0, 9))
    total = at + draw(st.integers(0, 9))
    lines = [draw(_TEXTS) + str(i % 3) for i in range(total)]
    return lines, deleted, at


@settings(max_examples=1500, deadline=None)
@given(_moves())
@example(([], [], 0))  # nothing moves: no diff
@example((["a"], [0], 1))  # a one-line script whose line "moves" onto itself
@example((["a", "b"], [0], 2))  # the first line moved to the end
@example(([str(i) for i in range(20)], [0, 1, 2], 20))
@example(([str(i) for i in range(20)], [0, 8, 16], 17))  # exactly 7 apart: one hunk
@example(([str(i) for i in range(20)], [0, 7, 15], 16))  # 8 apart: a hunk each
def test_moves_diff_is_unified_diff_of_the_move(case: tuple[list[str], list[int], int]) -> None:
    lines, deleted, at = case
    assert moves_diff(lines, deleted, at, "corrected") == _reference(lines, deleted, at)


@settings(max_examples=300, deadline=None)
@given(_moves(), st.integers(0, 40))
def test_headers_past_the_table_of_digits(
    case: tuple[list[str], list[int], int], bound: int
) -> None:
    # Numbers past the bounded table of digits are written as they come: the same diff.
    lines, deleted, at = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script_diff, "_MAX_DECIMALS", bound)
        patch.setattr(script_diff, "_DECIMALS", ())
        assert moves_diff(lines, deleted, at, "corrected") == _reference(lines, deleted, at)
        assert len(script_diff._DECIMALS) <= bound


_FILLER = st.sampled_from(
    ["REM x", "", "   ", 'WRITE "+x"', "; -y", "DRIVE F:", "MAP ERRORS OFF", "MAP DISPLAY OFF"]
)
_ENDINGS = ["\n", "\r\n", "\r"]


@st.composite
def _quick_scripts(draw: st.DrawFn) -> str:
    """Scripts of the quick way's shape: node lines (each its own drive, so every one
    moves) among fillers and virtual-server mappings, the anchor a line or an IF block,
    and fillers after it (none: the anchor is the last line). Endings LF, CR LF, CR or
    mixed, the last one sometimes missing."""
    lines: list[str] = []
    for letter in draw(st.lists(st.sampled_from("KLMNOPQR"), min_size=1, max_size=8, unique=True)):
        lines += draw(st.lists(_FILLER, max_size=9))
        if draw(st.booleans()):
            lines.append(f"MAP G:=CL/V{letter}:")
        lines.append(f"MAP {letter}:=NODE{draw(st.sampled_from('12'))}/SYS:")
    lines += draw(st.lists(_FILLER, max_size=9))
    if draw(st.booleans()):  # the anchor an IF block, after a virtual server mapped for all
        lines += ["MAP F:=CL/VOL9:", 'IF MEMBER OF "G" THEN', "   MAP H:=CL/VOL1:", "ELSE"]
        lines += ["   MAP H:=CL/VOL2:", "END"]
    else:
        lines.append("MAP H:=CL/VOL1:")
    lines += draw(st.lists(_FILLER, max_size=9))
    if draw(st.booleans()):  # one ending throughout
        endings = [draw(st.sampled_from(_ENDINGS))] * len(lines)
    else:
        endings = draw(
            st.lists(st.sampled_from(_ENDINGS), min_size=len(lines), max_size=len(lines))
        )
    if draw(st.booleans()):
        endings[-1] = ""
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def _same_diff(data: bytes, site: SiteContext) -> None:
    """The quick way takes the script; its diff is the general way's and, for the scripts
    drawn here (their anchor is the last line mapping H: or the last END), the one
    ``unified_diff`` makes of the move."""
    analysis = analyze_login_script(data, site)
    assert analysis.login_order == "node-first"
    quick = _quick(analysis, True)
    assert quick is not None and quick.changed
    assert quick.diff == _general(analysis, True).diff
    texts = analysis.decoded.texts_and_endings()[0]
    anchors = [i for i, text in enumerate(texts) if text in ("MAP H:=CL/VOL1:", "END")]
    if anchors:
        deleted = [line - 1 for line in quick.moved]
        assert quick.diff == _reference(texts, deleted, anchors[-1] + 1)


@settings(max_examples=400, deadline=None)
@given(_quick_scripts())
@example("MAP K:=NODE1/SYS:\r\nMAP H:=CL/VOL1:")  # the anchor is the unterminated last line
@example("MAP K:=NODE1/SYS:\nMAP L:=NODE2/SYS:\nMAP H:=CL/VOL1:\n")  # adjacent, from line 1
@example("MAP K:=NODE1/SYS:\rREM\r\nMAP H:=CL/VOL1:\nREM\n\n\n\nREM")  # mixed endings
def test_quick_diff_is_the_general_ways_diff(script: str) -> None:
    _same_diff(script.encode("utf-8"), _SITE)


def test_benchmark_scripts_get_the_same_diff() -> None:
    # Many hunks (a move every few lines), LF and CR LF, the last line cut.
    for size in (700, 5000, 20000):
        data = generate_login_script(size, "container")
        for variant in (data, data[:-2], data.replace(b"\r\n", b"\n"), data.rstrip(b"\r\n")):
            _same_diff(variant, _BENCH_SITE)
