"""The fast paths of the login-script analyzer agree with the general ones."""

from __future__ import annotations

import copy
import dataclasses
import gc
import inspect
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analyzers.netware import analyze_login_script, decode
from wizard.analyzers.netware.login_script import (
    Mapping,
    _Block,
    _find_then,
    _Scanner,
    scan_login_script,
)
from wizard.evidence.text import (
    SourceLine,
    is_ipv4,
    line_texts,
    numbered_lines,
    paste_content,
    paste_stripped,
    split_lines,
)

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


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT, st.text(alphabet="ab\r\n\x0b\x0c\x85\u2028", max_size=30)))
def test_line_views_agree_with_split_lines(text: str) -> None:
    # The object-free views (analyzers, report) number and split exactly as split_lines.
    lines = split_lines(text)
    assert line_texts(text) == [line.text for line in lines]
    assert list(numbered_lines(text)) == [(line.number, line.text) for line in lines if line.text]
    assert _reference_split(text) == lines


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
    # Empty lines are blank without being looked at: the scan lists every other line.
    assert [info.number for info in scan.lines] == [
        line.number for line in analysis.decoded.lines if line.text
    ]


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


class _GeneralOnly(_Scanner):
    """The scanner with its one-regex MAP reader turned off: every line the general way."""

    def simple_map(self, number: int, stripped: str, single: _Block | None) -> bool:
        return False


def _one_of(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


_BLANK = _one_of(" ", "  ", "\t", "", "\u00a0", "\x0b")
# MAP statements, mostly of the shape simple_map reads, with odd pieces in every slot.
_TARGETS = (
    "X/Y:", "SRV\\VOL:PATH", "10.1.1.11/SYS:", "SYS:", "sys:public", "A:", "AB:", ".OBJ.CTX:",
    "A.B:", ".CN=V.O=X:", "\\\\SRV\\VOL", "//SRV/VOL", "%HOME:", "%1", '"X/Y:"', "F:", "F:\\X",
    "G:=X/Y:", "Y", "X/Y/Z:", "/Y:", "X/:", ".:", "ü/ß:", "SYS:\x7f", "", "X/Y:;G:=Z/W:",
    "X/Y: =Z", "Z:=", "z:=SYS:", " Z:=X/Y:", "\\\\SRV\\VOL:", "\\\\SRV", "\\\\SRV\\",
    "\\/SRV/VOL", "//SRV//X", "\\\\SRV:1\\V", "\\\\\\V", "\\\\1.2.3.4\\V\\X", ".", "..:",
)  # fmt: skip
_SUFFIXES = ("", "PATH", "\\SUB", " ", ";", ":", "ü")
_MAP_LINE = st.tuples(
    _one_of("MAP", "map", "Map", "MAPX", "MA", "REM"),
    _BLANK,
    _one_of("", "", "INS ", "root ", "NP\t", "DEL ", "N ", "FOO ", "DISPLAY ", "/NP ", "C "),
    _one_of("F", "f", "S", "s", "S1", "s16", "S100", "*1", "1", "", "FG", "\u0131", "\u212a"),
    _one_of(":=", ":=", ": =", ":", "=", " :="),
    _BLANK,
    st.sampled_from(_TARGETS),
    st.sampled_from(_SUFFIXES),
).map("".join)


def test_simple_map_reads_every_target_as_the_general_path_does() -> None:
    prefixes = ("MAP F:=", "map root s:=", "MAP INS S16:= ", "MAP\tC g:=\t")
    lines = [p + t + s for p in prefixes for t in _TARGETS for s in _SUFFIXES]
    decoded = decode("\n".join(lines))
    assert _Scanner().run(decoded) == _GeneralOnly().run(decoded)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_MAP_LINE, _one_of("IF A THEN", "ELSE", "END")), max_size=8))
def test_simple_map_reads_what_the_general_path_reads(lines: list[str]) -> None:
    decoded = decode("\n".join(lines))
    assert _Scanner().run(decoded) == _GeneralOnly().run(decoded)


def test_simple_map_reads_the_common_forms_itself() -> None:
    scanner = _Scanner()
    lines = [
        "MAP F:=NODE1/SYS:PUBLIC",
        "MAP INS S1:=SYS:PUBLIC",
        "map root h:=vs1\\data:x",
        "MAP G:=.CN=CLUSTER1_VOL1.O=ACME:HOME",
        "MAP I:=\\\\10.1.1.180\\VOL1\\X",
        "MAP K:=G:",
    ]
    for line in lines:
        assert scanner.simple_map(1, line, None)
    assert [(m.drive, m.server, m.volume, m.form, m.options) for m in scanner.mappings] == [
        ("F:", "NODE1", "SYS", "server-volume", ()),
        ("S1:", "", "SYS", "bare-volume", ("INS",)),
        ("H:", "VS1", "DATA", "server-volume", ("ROOT",)),
        ("G:", "CLUSTER1_VOL1", "", "volume-object", ()),
        ("I:", "10.1.1.180", "VOL1", "unc-ip", ()),
        ("K:", "", "", "drive", ()),
    ]
    assert not scanner.simple_map(1, "MAP DISPLAY OFF", None)
    assert not scanner.simple_map(1, "MAP F:=X/Y:;G:=Z/W:", None)


def _reference_then(upper: str) -> tuple[int, int] | None:
    masked = re.sub(r'"[^"]*"', lambda m: '"' + "x" * (len(m.group()) - 2) + '"', upper)
    then = re.search(r"\bTHEN\b", masked)
    return None if then is None else then.span()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(['"', "THEN", " ", "A", "_", "1", "É", "x", "THENX", "ATHEN", "\u0301"]),
        max_size=14,
    ).map("".join)
)
def test_find_then_skips_quoted_text(upper: str) -> None:
    then = _find_then(upper)
    assert (None if then is None else then.span()) == _reference_then(upper)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("text", ["", "a", "a{e}", "a{e}b", "{e}{e}", "a{e}{e}b{e}"])
def test_split_lines_with_one_ending_throughout(text: str, ending: str) -> None:
    text = text.format(e=ending)
    assert split_lines(text) == _reference_split(text)


@pytest.mark.parametrize(
    "instance",
    [
        Mapping(2, "F:", "X/Y:", "X", "Y", "server-volume", "node", "why", False, None, ("NP",)),
    ],
)
def test_hand_written_inits_behave_like_the_dataclass_ones(
    instance: Mapping,
) -> None:
    names = [field.name for field in dataclasses.fields(instance)]
    params = list(inspect.signature(type(instance).__init__).parameters)[1:]
    assert params == names
    values = [getattr(instance, name) for name in names]
    twin = type(instance)(**dict(zip(names, values, strict=True)))
    assert twin == instance and hash(twin) == hash(instance) and repr(twin) == repr(instance)
    assert pickle.loads(pickle.dumps(instance)) == instance
    assert copy.deepcopy(instance) == instance
    assert dataclasses.replace(instance) == instance
    assert dataclasses.astuple(instance) == tuple(values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, names[0], 9)


def test_repeated_unknown_targets_are_named_once() -> None:
    analysis = analyze_login_script("MAP F:=X/SYS:;G:=X/SYS:\n")
    (remark,) = [r for r in analysis.report.remarks if "roles needed" in r.text]
    assert remark.text.count("X (line 1)") == 1


def test_drive_s_chooses_a_letter_like_a_search_drive() -> None:
    scan = scan_login_script(decode("MAP S:=Z:=X/Y:\nMAP S:=Z:=\nMAP S1:=W:=SYS:\n"))
    assert [(m.line, m.drive, m.letter, m.target, m.search) for m in scan.mappings] == [
        (1, "S:=Z:", "Z", "X/Y:", None),
        (3, "S1:=W:", "W", "SYS:", 1),
    ]
    assert scan.unrecognised == ((2, "MAP S:=Z:="),)
