"""Decoding pasted evidence: BOMs, UTF-16, code pages, line endings, paste clean-up."""

from __future__ import annotations

import codecs

import pytest

from wizard.evidence.text import decode, find_ipv4s, is_ipv4, paste_content

SCRIPT = "REM Grüße\r\nMAP F:=NODE1/SYS:\nMAP G:=X\r"


def test_str_input_keeps_each_line_ending() -> None:
    decoded = decode(SCRIPT)
    assert [(line.number, line.text, line.ending) for line in decoded.lines] == [
        (1, "REM Grüße", "\r\n"),
        (2, "MAP F:=NODE1/SYS:", "\n"),
        (3, "MAP G:=X", "\r"),
    ]
    assert decoded.encoding == "utf-8"
    assert decoded.text == SCRIPT


def test_last_line_without_ending_and_empty_input() -> None:
    assert decode(b"A\nB").lines[-1].ending == ""
    assert decode(b"").lines == ()
    assert decode("").lines == ()


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (codecs.BOM_UTF8 + SCRIPT.encode("utf-8"), "utf-8", codecs.BOM_UTF8),
        (codecs.BOM_UTF16_LE + SCRIPT.encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
        (codecs.BOM_UTF16_BE + SCRIPT.encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
        (SCRIPT.encode("utf-16-le"), "utf-16-le", b""),
        (SCRIPT.encode("utf-16-be"), "utf-16-be", b""),
        (SCRIPT.encode("utf-8"), "utf-8", b""),
        (SCRIPT.encode("cp850"), "cp850", b""),
    ],
)
def test_encodings_detected_and_round_tripped(data: bytes, encoding: str, bom: bytes) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.bom == bom
    assert decoded.text == SCRIPT
    assert decoded.encode_lines(decoded.lines) == data


def test_cp850_umlauts_from_the_domain_notes() -> None:
    # domain.md: "Grüß" is 47 81 E1 in cp850.
    decoded = decode(b"REM Gr\x81\xe1\r\n")
    assert decoded.encoding == "cp850"
    assert decoded.lines[0].text == "REM Grüß"


def test_cp1252_text_is_not_taken_for_cp850() -> None:
    decoded = decode("REM “Grüße” aus München \u2013 IT\n".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.lines[0].text == "REM “Grüße” aus München \u2013 IT"


def test_cp850_box_drawing_and_umlauts() -> None:
    decoded = decode("REM ╔══ Käse Müller ══╗\n".encode("cp850"))
    assert decoded.encoding == "cp850"
    assert "Käse Müller" in decoded.lines[0].text


def test_encode_lines_accepts_strings_pairs_and_never_raises() -> None:
    decoded = decode(b"\x81\n")
    assert decoded.encoding == "cp850"
    assert decoded.encode_lines(["a\r\n", ("b", "\n"), ("€漢", "")]) == b"a\r\nb\n??"


def test_invalid_utf8_after_bom_is_replaced_not_raised() -> None:
    decoded = decode(codecs.BOM_UTF8 + b"MAP \xff\n")
    assert decoded.lines[0].text == "MAP \ufffd"


def test_paste_content() -> None:
    assert paste_content("> MAP F:=X") == ("MAP F:=X", False)
    assert paste_content("> > MAP F:=X") == ("MAP F:=X", False)
    assert paste_content("   MAP F:=X") == ("   MAP F:=X", False)
    assert paste_content("```") == ("```", True)
    assert paste_content("```text") == ("```text", True)
    assert paste_content("<pre>")[1] is True
    assert paste_content("</code>")[1] is True
    assert paste_content('<a href="x">MAP</a>')[1] is True
    assert paste_content("MAP F:=<X>")[1] is False


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("10.1.1.11", True),
        ("0.0.0.0", True),
        ("255.255.255.255", True),
        ("256.1.1.1", False),
        ("10.1.1", False),
        ("10.1.1.1.1", False),
        ("a.b.c.d", False),
        (" 10.1.1.1", False),
        ("10.1.1.1 ", False),
    ],
)
def test_is_ipv4(text: str, valid: bool) -> None:
    assert is_ipv4(text) is valid


def test_find_ipv4s() -> None:
    assert find_ipv4s("a 10.1.1.11:524, 999.1.1.1 and 1.2.3.4.5 then 10.1.1.180") == (
        "10.1.1.11",
        "10.1.1.180",
    )


def test_the_shared_split_reads_every_line_as_the_line_by_line_readers() -> None:
    """``split_once`` (the one split the analyzer, its fixes and the audit share) gives
    ``texts()`` and ``numbered()`` exactly what splitting the text afresh gives, for every
    kind of ending, and a reorder leaves the shared list as it was."""
    import random

    from wizard.analyzers.netware import SiteContext, analyze_login_script, reorder_login_script
    from wizard.evidence.text import line_texts, numbered_lines

    rng = random.Random(7)
    words = ["MAP F:=CL_SERVER/VOL1:", "MAP S1:=NODE1/SYS:", "", "REM x", "   "]
    site = SiteContext(node_names=frozenset({"NODE1"}), virtual_servers=frozenset({"CL_SERVER"}))
    for _ in range(400):
        endings = rng.choice([["\n"], ["\r\n"], ["\r"], ["\n", "\r\n", "\r"]])
        text = "".join(rng.choice(words) + rng.choice(endings) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.5:
            text += rng.choice(words)
        decoded = decode(text)
        assert decoded.split_once is not None
        pieces = list(decoded.split_once[0])
        assert decoded.texts() == line_texts(text)
        assert list(decoded.numbered()) == list(numbered_lines(text))
        analysis = analyze_login_script(text, site)
        shared = analysis.decoded.split_once
        assert shared is not None and shared[0] == pieces
        reorder_login_script(analysis)  # uses the shared list: must not change it
        assert analysis.decoded.split_once is shared and shared[0] == pieces
    big = "MAP F:=CL_SERVER/VOL1:\r\n" * 20_000  # over the size kept: read in pieces
    assert decode(big).split_once is None
    assert list(decode(big).numbered()) == list(numbered_lines(big))
