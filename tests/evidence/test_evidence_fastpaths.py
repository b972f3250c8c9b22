"""The fast paths of the login-script analyzer agree with the general ones."""

from __future__ import annotations

import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.evidence import analyze_login_script, decode
from wizard.evidence.login_script import scan_login_script
from wizard.evidence.text import SourceLine, is_ipv4, paste_content, paste_stripped, split_lines

_PIECES = st.sampled_from(
    ["a", "MAP F:=X/SYS:", " ", "\t", ">", "> ", "```", "<b>", "\r\n", "\r", "\n", "\x0b",
     "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "ü", "1.2.3.4", "256"]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


def _reference_split(text: str) -> tuple[SourceLine, ...]:
    lines: list[SourceLine] = []
    start = 0
    number = 1
    index = 0
    while index < len(text):
        char = text[index]
        if char in "\r\n":
            ending = "\r\n" if text.startswith("\r\n", index) else char
            lines.append(SourceLine(number, text[start:index], ending))
            index += len(ending)
            start = index
            number += 1
        else:
            index += 1
    if start < len(text):
        lines.append(SourceLine(number, text[start:], ""))
    return tuple(lines)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT, st.text()))
def test_split_lines_matches_reference(text: str) -> None:
    assert split_lines(text) == _reference_split(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT, st.text()))
def test_paste_stripped_is_stripped_paste_content(text: str) -> None:
    content, decoration = paste_content(text)
    assert paste_stripped(text) == (content.strip(), decoration)


def test_is_ipv4_cached_answers_stay_right() -> None:
    for _ in range(2):
        assert is_ipv4("10.1.1.11")
        assert not is_ipv4("10.1.1.256")
        assert not is_ipv4("NODE1")


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_analysis_mappings_match_the_full_scan(text: str) -> None:
    analysis = analyze_login_script(text)
    scan = scan_login_script(decode(text))
    assert [m.line for m in analysis.mappings] == [raw.line for raw in scan.mappings]
    assert analysis.report.unrecognised == scan.unrecognised
    assert len(scan.lines) == len(analysis.decoded.lines)


def test_collector_state_is_restored() -> None:
    assert gc.isenabled()
    analyze_login_script("MAP F:=NODE1/SYS:\n")
    assert gc.isenabled()
    gc.disable()
    try:
        analyze_login_script("MAP F:=NODE1/SYS:\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
