"""The reorder-login-script fix: golden cases from the TID and a hypothesis property."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from wizard.analyzers.netware import SiteContext, analyze_login_script, reorder_login_script
from wizard.analyzers.netware.reorder import LOGIN_THROUGH_NODE_CAVEAT

CTX = SiteContext(
    node_names=frozenset({"NODE1"}),
    node_ips=frozenset({"10.1.1.11"}),
    virtual_servers=frozenset({"VIRTUAL_SERVER", "CLUSTER1_POOL1_SERVER"}),
)

TID_PROBLEM = [
    "Map s1:=10.1.1.11/sys:",
    "Map f:=virtual_server/resource_1:",
    "Map g:=virtual_server/resource_2:",
]
TID_FIXED = [TID_PROBLEM[1], TID_PROBLEM[2], TID_PROBLEM[0]]


def test_tid_example_reorders_to_the_tids_fixed_order() -> None:
    analysis = analyze_login_script("\n".join(TID_PROBLEM) + "\n", CTX)
    assert analysis.login_order == "node-first"
    result = reorder_login_script(analysis)
    assert result.changed
    assert result.text == "\n".join(TID_FIXED) + "\n"
    assert result.moved == (1,)
    assert result.warnings == (LOGIN_THROUGH_NODE_CAVEAT,)
    assert "-Map s1:=10.1.1.11/sys:" in result.diff
    assert "+Map s1:=10.1.1.11/sys:" in result.diff
    assert result.diff.startswith("--- login-script (original)\n+++ login-script (corrected)\n")
    again = analyze_login_script(result.data, CTX)
    assert again.login_order == "virtual-first"


def test_crlf_and_cp850_bytes_are_kept() -> None:
    original = "REM Grüße\r\n" + "\r\n".join(TID_PROBLEM) + '\r\nWRITE "Tschüß"\r\n'
    data = original.encode("cp850")
    analysis = analyze_login_script(data, CTX)
    assert analysis.decoded.encoding == "cp850"
    result = reorder_login_script(analysis)
    expected = "REM Grüße\r\n" + "\r\n".join(TID_FIXED) + '\r\nWRITE "Tschüß"\r\n'
    assert result.text == expected
    assert result.data == expected.encode("cp850")


def test_utf16_bom_kept() -> None:
    data = b"\xff\xfe" + "\r\n".join(TID_PROBLEM).encode("utf-16-le")
    result = reorder_login_script(analyze_login_script(data, CTX))
    assert result.data.startswith(b"\xff\xfe")
    assert result.data[2:].decode("utf-16-le") == "\r\n".join(TID_FIXED)


def test_unterminated_last_anchor_line_keeps_endings_multiset() -> None:
    text = "Map s1:=10.1.1.11/sys:\r\nMap f:=virtual_server/resource_1:"
    result = reorder_login_script(analyze_login_script(text, CTX))
    assert result.text == "Map f:=virtual_server/resource_1:\r\nMap s1:=10.1.1.11/sys:"


def test_nothing_to_do_when_virtual_first_but_caveat_is_given() -> None:
    analysis = analyze_login_script("\n".join(TID_FIXED), CTX)
    result = reorder_login_script(analysis)
    assert not result.changed
    assert result.text == "\n".join(TID_FIXED)
    assert result.diff == ""
    assert result.warnings == (LOGIN_THROUGH_NODE_CAVEAT,)


def test_virtual_mapping_moves_above_an_if_block_that_maps_the_node() -> None:
    script = 'IF MEMBER OF "SALES" THEN\n  MAP S1:=NODE1/SYS:\nEND\nMAP F:=VIRTUAL_SERVER/VOL1:\n'
    result = reorder_login_script(analyze_login_script(script, CTX))
    assert result.changed
    assert result.text == (
        'MAP F:=VIRTUAL_SERVER/VOL1:\nIF MEMBER OF "SALES" THEN\n  MAP S1:=NODE1/SYS:\nEND\n'
    )
    assert result.moved == (4,)
    assert analyze_login_script(result.text, CTX).login_order == "virtual-first"


def test_search_drive_numbering_dependency_blocks_the_move() -> None:
    script = "MAP S1:=NODE1/SYS:PUBLIC\nMAP S2:=VIRTUAL_SERVER/VOL1:APPS\n"
    result = reorder_login_script(analyze_login_script(script, CTX))
    assert not result.changed
    assert "search drive" in result.warnings[0]


def test_joined_node_and_virtual_line_is_split_one_map_per_mapping() -> None:
    script = "MAP S1:=NODE1/SYS:;F:=VIRTUAL_SERVER/VOL1:\r\nMAP G:=VIRTUAL_SERVER/VOL2:\n"
    result = reorder_login_script(analyze_login_script(script, CTX))
    assert result.changed
    assert result.text == (
        "MAP F:=VIRTUAL_SERVER/VOL1:\r\nMAP G:=VIRTUAL_SERVER/VOL2:\nMAP S1:=NODE1/SYS:\r\n"
    )
    assert analyze_login_script(result.text, CTX).login_order == "virtual-first"


def test_same_drive_remapped_later_is_not_moved() -> None:
    script = "MAP F:=NODE1/SYS:\nMAP F:=VIRTUAL_SERVER/VOL1:\n"
    result = reorder_login_script(analyze_login_script(script, CTX))
    assert not result.changed
    assert "maps again" in result.warnings[0]


def test_comments_and_blocks_stay_in_place() -> None:
    script = (
        "REM header\n\nMAP S1:=NODE1/SYS:PUBLIC\n; comment\n"
        'IF MEMBER OF "X" THEN\n  WRITE "x"\nEND\nMAP F:=VIRTUAL_SERVER/VOL1:\nEXIT\n'
    )
    result = reorder_login_script(analyze_login_script(script, CTX))
    assert result.text == (
        "REM header\n\n; comment\n"
        'IF MEMBER OF "X" THEN\n  WRITE "x"\nEND\nMAP F:=VIRTUAL_SERVER/VOL1:\n'
        "MAP S1:=NODE1/SYS:PUBLIC\nEXIT\n"
    )


_SIMPLE = st.sampled_from(["REM note", "", 'WRITE "hello"', "; old", "NO_DEFAULT"])
_DRIVE = st.sampled_from(["F", "G", "H", "I", "S1", "S2", "S16", "*1"])
_TARGETS = [
    "NODE1/SYS:PUBLIC",
    "10.1.1.11/SYS:",
    "SYS:APPS",
    "VIRTUAL_SERVER/VOL1:",
    "\\\\CLUSTER1_POOL1_SERVER\\VOL2",
    "FS9/DATA:",
]


@st.composite
def _piece(draw: st.DrawFn) -> str:
    option = draw(st.sampled_from(["", "INS ", "ROOT "]))
    return f"{option}{draw(_DRIVE)}:={draw(st.sampled_from(_TARGETS))}"


@st.composite
def _mapping_line(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_piece(), min_size=1, max_size=4))
    word = draw(st.sampled_from(["MAP", "map", "Map"]))
    joiner = draw(st.sampled_from([";", "; "]))
    indent = draw(st.sampled_from(["", "  "]))
    return f"{indent}{word} {joiner.join(pieces)}"


@st.composite
def _block(draw: st.DrawFn, depth: int) -> list[str]:
    lines = ['IF MEMBER OF "G" THEN']
    lines.extend(draw(_body(depth + 1)))
    if draw(st.booleans()):
        lines.append("ELSE")
        lines.extend(draw(_body(depth + 1)))
    lines.append("END")
    return lines


@st.composite
def _body(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6 if depth == 0 else 3))):
        choice = draw(st.integers(0, 9))
        if choice < 5:
            lines.append(draw(_mapping_line()))
        elif choice < 7:
            lines.append(draw(_SIMPLE))
        elif choice < 8:
            lines.append(f'IF MEMBER OF "X" THEN MAP {draw(_piece())}')
        elif depth < 2:
            lines.extend(draw(_block(depth)))
    return lines


def _commands(lines: list[str]) -> Counter[tuple[str, str]]:
    """Each MAP piece (a ';'-joined line counts piece by piece) and every other line."""
    found: Counter[tuple[str, str]] = Counter()
    for text in lines:
        stripped = text.strip()
        if stripped[:3].upper() == "MAP" and stripped[3:4] in (" ", "\t"):
            for piece in stripped[4:].split(";"):
                if piece.strip():
                    found[(stripped[:3], piece.strip())] += 1
        else:
            found[("", text)] += 1
    return found


@settings(max_examples=300, deadline=None)
@given(
    lines=_body(),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=60, max_size=60),
    terminated=st.booleans(),
)
@example(  # an empty line that becomes the last one must not lose itself with its ending
    lines=['IF MEMBER OF "X" THEN MAP F:=NODE1/SYS:PUBLIC', "", "MAP G:=VIRTUAL_SERVER/VOL1:"],
    endings=["\n"] * 60,
    terminated=False,
)
def test_reorder_property(lines: list[str], endings: list[str], terminated: bool) -> None:
    parts = [line + endings[i % len(endings)] for i, line in enumerate(lines)]
    if parts and not terminated:
        parts[-1] = lines[-1]
    text = "".join(parts)
    analysis = analyze_login_script(text, CTX)
    result = reorder_login_script(analysis)
    original = [line.text for line in analysis.decoded.lines]
    corrected = analyze_login_script(result.text, CTX)
    fixed = [line.text for line in corrected.decoded.lines]
    assert result.data == result.text.encode("utf-8")
    assert LOGIN_THROUGH_NODE_CAVEAT in result.warnings
    event(f"order={analysis.login_order} changed={result.changed}")
    if not result.changed:
        assert result.text == text
        # Node first and no script: the reason is always given, in words.
        assert bool(result.unavailable) == (analysis.login_order == "node-first")
        return
    assert analysis.login_order == "node-first"
    assert not result.unavailable
    # Exactly the original commands, a ';'-joined line counted piece by piece.
    assert _commands(fixed) == _commands(original)
    # Every line that was not split is kept byte for byte; a split line becomes one
    # MAP line per piece, each with the original line's ending.
    left = Counter(original) - Counter(fixed)
    assert all(";" in line for line in left), left
    by_text = {line.text: line.ending for line in analysis.decoded.lines}
    split = sum(len([p for p in line.split(";") if p.strip()]) - 1 for line in left.elements())
    assert len(fixed) == len(original) + split
    if not left:
        before = Counter(line.ending for line in analysis.decoded.lines)
        after = Counter(line.ending for line in corrected.decoded.lines)
        last = corrected.decoded.lines[-1]
        if before[""] and not last.text and last.ending:
            # The unterminated last line moved up and an empty line is last now: the
            # empty line keeps its ending (without it, it would be lost).
            before[""] -= 1
            after[last.ending] -= 1
        # A bare CR ending that a move put before an empty LF-ended line became CR LF
        # (``kept_apart``): else the two would read as one CR LF and a line be lost.
        apart = before["\r"] - after["\r"]
        assert apart >= 0 and after["\r\n"] - before["\r\n"] == apart
        after["\r\n"] -= apart
        after["\r"] += apart
        assert +after == +before
    had: dict[str, set[str]] = {}  # each line's text and each of its MAP pieces: endings
    for item in analysis.decoded.lines:
        had.setdefault(item.text, set()).add(item.ending)
        lead = item.text[: len(item.text) - len(item.text.lstrip())]
        word, body = item.text.strip()[:3], item.text.strip()[3:]
        for piece in (p.strip() for p in body.split(";") if p.strip()):
            had.setdefault(f"{lead}{word} {piece}", set()).add(item.ending)
    fallback = next((x.ending for x in reversed(analysis.decoded.lines) if x.ending), "\n")
    endings_of = {}
    for item in corrected.decoded.lines:
        endings_of.setdefault(item.text, set()).add(item.ending)
    for line in left.elements():
        indent = line[: len(line) - len(line.lstrip())]
        word, body = line.strip()[:3], line.strip()[3:]
        for piece in (p.strip() for p in body.split(";") if p.strip()):
            # One MAP line per piece, with the original line's ending (an unterminated
            # last line's pieces end as the script's other lines do, the last one not).
            made = f"{indent}{word} {piece}"
            assert made in endings_of
            # Its ending: one of a line that has this piece (or this text), the script's
            # last one (an unterminated last line's pieces) or none (that line's last
            # piece); CR LF for a CR kept apart from an empty LF-ended line (kept_apart).
            allowed = had[made] | {fallback, ""}
            if "\r" in allowed:
                allowed.add("\r\n")
            assert endings_of[made] <= allowed
            unterminated = not analysis.decoded.lines[-1].ending
            if by_text[line] and not unterminated:
                kept = by_text[line] + ("\n" if by_text[line] == "\r" else "")
                assert {by_text[line], kept} & endings_of[made]
    # Re-analysis: virtual-first, or undecided only because a role is not known.
    assert corrected.login_order == "virtual-first" or (
        corrected.login_order is None and any(m.role == "unknown" for m in corrected.mappings)
    )


@pytest.mark.parametrize(
    "script",
    [
        # A moved line ending in a bare CR lands before an empty LF-ended line (quick way).
        "MAP S1:=NODE1/SYS:\rMAP F:=VIRTUAL_SERVER/VOL1:\n\nREM x\n",
        # The line before a moved one ends in a bare CR, the line after it is empty.
        "REM a\rMAP S1:=NODE1/SYS:\n\nMAP F:=VIRTUAL_SERVER/VOL1:\n",
        # The same next to an IF block that moves (the general way).
        'IF MEMBER OF "G" THEN\nMAP S1:=NODE1/SYS:\nEND\rMAP F:=VIRTUAL_SERVER/VOL1:\n\nREM\n',
    ],
)
def test_a_bare_cr_and_an_empty_lf_line_made_neighbours_stay_two_lines(script: str) -> None:
    analysis = analyze_login_script(script, CTX)
    result = reorder_login_script(analysis)
    assert result.changed
    before = [line.text for line in analysis.decoded.lines]
    after = [line.text for line in analyze_login_script(result.text, CTX).decoded.lines]
    assert sorted(after) == sorted(before)  # the empty line is still there
    assert "\r\n\n" in result.text  # its neighbour's CR now ends as CR LF


def test_an_empty_line_left_last_by_a_move_up_keeps_its_ending() -> None:
    """An unterminated last line that moves up takes the ending of the line now last; an
    empty line now last keeps its own, or it would vanish (Hypothesis found this)."""
    text = 'IF MEMBER OF "X" THEN MAP F:=NODE1/SYS:PUBLIC\r\n\r\nMAP G:=VIRTUAL_SERVER/VOL1:'
    result = reorder_login_script(analyze_login_script(text, CTX))
    assert result.changed
    assert result.text == (
        'MAP G:=VIRTUAL_SERVER/VOL1:\r\nIF MEMBER OF "X" THEN MAP F:=NODE1/SYS:PUBLIC\r\n\r\n'
    )
    kept = 'IF MEMBER OF "X" THEN MAP F:=NODE1/SYS:PUBLIC\nREM kept\nMAP G:=VIRTUAL_SERVER/VOL1:'
    moved = reorder_login_script(analyze_login_script(kept, CTX)).text
    assert (
        moved
        == 'MAP G:=VIRTUAL_SERVER/VOL1:\nIF MEMBER OF "X" THEN MAP F:=NODE1/SYS:PUBLIC\nREM kept'
    )
