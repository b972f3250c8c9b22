"""No analyzer raises on any input, and huge inputs finish (linear-time guards)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analyzers.netware import (
    MAX_EVIDENCE_BYTES,
    analyze_load_script,
    analyze_login_script,
    analyze_set_parameters,
    decode,
    reorder_login_script,
)
from wizard.evidence.model import EvidenceReport

# Text that looks like the artifacts, so fuzzing reaches deep into the parsers.
_TOKENS = st.sampled_from(
    [
        "MAP ", "map INS ", "S1:", "F:", "*1:", ":=", ":= ", "=", ";", "/", "\\", "\\\\",
        "NODE1", "10.1.1.11", "SYS:", "VOL1:", ".CN=", ".O=ACME", "_SERVER", "IF ", " THEN ",
        "ELSE", "END", '"', "%FILE_SERVER", "ATTACH ", "DEL ", "BIND IP ", "ADDRESS=",
        "[", "]", "add secondary ip address ", "NUDP ADD ", "CLUSTER CVSBIND ADD ",
        "nss /poolactivate=", "mount ", "NCP Include IP Addresses", ": ", "all", "\n",
        "\r\n", "\r", "> ", "```", "<pre>", "REM ", "#", " ", "\t", "\x00", "ü", "€",
    ]
)  # fmt: skip
_ARTIFACT_TEXT = st.lists(_TOKENS, max_size=80).map("".join)


def _check_all(data: bytes | str) -> None:
    login = analyze_login_script(data)
    assert isinstance(login.report, EvidenceReport)
    reorder_login_script(login)
    assert isinstance(analyze_load_script(data).report, EvidenceReport)
    assert isinstance(analyze_set_parameters(data).report, EvidenceReport)
    decoded = decode(data)
    decoded.encode_lines(decoded.lines)


@settings(max_examples=250, deadline=None)
@given(st.text())
def test_random_text(text: str) -> None:
    _check_all(text)


@settings(max_examples=250, deadline=None)
@given(st.binary())
def test_random_bytes(data: bytes) -> None:
    _check_all(data)


@settings(max_examples=250, deadline=None)
@given(_ARTIFACT_TEXT)
def test_artifact_like_text(text: str) -> None:
    _check_all(text)
    _check_all(text.encode("utf-16"))


def test_five_megabytes_of_script_like_input_finishes() -> None:
    rng = random.Random(3438100)
    pieces = [
        "MAP S1:=NODE1/SYS:PUBLIC\r\n",
        "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:;G:=\\\\10.1.1.180\\VOL2\n",
        'IF MEMBER OF "SALES" THEN\n',
        "END\n",
        "REM comment\n",
        "BIND IP CE1000 [ADDRESS=10.1.1.180 MASK=255.255.255.0]\n",
        "NCP Include IP Address: all\n",
        "x" * 5000 + "\n",
    ]
    chunks: list[str] = []
    size = 0
    while size < 5 * 1024 * 1024:
        piece = rng.choices(pieces, weights=[20, 20, 5, 5, 20, 10, 10, 1])[0]
        chunks.append(piece)
        size += len(piece)
    data = "".join(chunks).encode("utf-8")
    assert len(data) < MAX_EVIDENCE_BYTES
    _check_all(data)


def test_five_megabytes_of_random_bytes_finishes() -> None:
    _check_all(random.Random(1).randbytes(5 * 1024 * 1024))


def test_one_megabyte_single_line_finishes() -> None:
    for line in ("MAP F:=" + "\\/" * 512 * 1024, "NCP Include IP Address " * 45000, "> " * 500000):
        data = line.encode("utf-8")
        login = analyze_login_script(data)
        assert login.report.unrecognised[0][0] == 1
        _check_all(data)


def test_deeply_chained_keywords_do_not_recurse() -> None:
    for line in ("ELSE " * 900, "IF A THEN " * 400, "ELSE IF A THEN " * 270, "IF A\n" * 5000):
        _check_all(line)
        _check_all(line + "\nEND\n" * 50)
