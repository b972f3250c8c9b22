"""The audit's input fast paths read what the plain ways read: an LDIF export cut into
records in pieces as line by line, a record unfolded before the library parses it as the
library parses it folded, the byte check for binary data as the regular expression, and
a folder walked with one real path per folder still leaves out the audit's own outputs."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from ldif import LDIFParser

from tests.audit.gen import SITE
from wizard.audit import core, ldif, sources
from wizard.cli import main


def _line_by_line(handle: BinaryIO, limit: int) -> Iterator[tuple[int, int, bytes, bool]]:
    """The reference: every line read on its own; a record over ``limit`` keeps the
    lines that fitted."""
    number = start = size = kept = 0
    lines: list[bytes] = []
    complete = True
    while True:
        line = handle.readline()
        blank = line in (b"\n", b"\r\n")
        if not line or blank:
            if lines or not complete:
                yield start, size, b"".join(lines), complete
            if not line:
                return
            number += 1
            lines, size, kept, complete = [], 0, 0, True
            continue
        number += 1
        if not size:
            start = number
        size += len(line)
        if complete and kept + len(line) <= limit:
            lines.append(line)
            kept += len(line)
        else:
            complete = False


PIECES = [b"\n", b"\r\n", b"\r", b"dn: x", b" folded", b"#c", b"a", b"\n ", b"\r\r\n", b"\n\r"]


@pytest.mark.parametrize("seed", range(3))
def test_an_export_is_cut_into_records_as_line_by_line(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    over = 0
    for _ in range(3000):
        limit = rng.choice([8, 20, 50, 200])
        monkeypatch.setattr(sources, "MAX_RECORD_BYTES", limit)
        monkeypatch.setattr(sources, "READ_BYTES", rng.choice([1, 2, 3, 7, 64, 4096]))
        parts = [
            rng.choice([*PIECES, b"b" * rng.randint(0, 40)]) for _ in range(rng.randint(0, 12))
        ]
        data = b"".join(parts)
        got = list(sources.ldif_records(io.BytesIO(data)))
        assert got == list(_line_by_line(io.BytesIO(data), limit)), data
        over += any(not complete for *_, complete in got)
    assert over > 100  # records over the limit were among them


class _LibraryParser(LDIFParser):  # type: ignore[misc]
    """The library's parser, reading a stream itself, with only our linear ``dn:`` check."""

    _check_dn = ldif._Parser._check_dn


def _library(record: bytes) -> Any:
    """The library's own reading of the record as it is (folded), or its error."""
    try:
        return list(_LibraryParser(io.BytesIO(record), encoding=None, strict=True).parse())
    except (ValueError, TypeError, IndexError) as exc:
        return type(exc), str(exc)


def _ours(record: bytes) -> Any:
    try:
        dn, values = ldif.parse_record(record)
    except ldif.LdifError as exc:
        return str(exc)
    return dn, values


def test_a_record_unfolded_first_reads_as_the_library_reads_it_folded() -> None:
    rng = random.Random(3)
    words = [b"dn: ou=a,o=b", b"dn: ou=c", b"version: 1", b"loginScript:: ", b"TUFQ", b"IEY6",
             b"objectClass: x", b"#comment", b" ", b"  x", b"a", b":", b"::", b"\xff", b"=",
             b"dn:: b3U9YQ==", b"changetype: modify", b"loginScript: plain", b","]  # fmt: skip
    read = 0
    for _ in range(6000):
        pieces = [rng.choice(words) + rng.choice([b"\n", b"\n ", b"\r\n", b"\r\n ", b"\n  ", b""])
                  for _ in range(rng.randint(1, 8))]  # fmt: skip
        record = b"\n".join(
            line for line in b"".join(pieces).split(b"\n") if line not in (b"", b"\r")
        )
        theirs = _library(record)
        ours = _ours(record)
        if isinstance(ours, str):  # refused: so did the library
            assert isinstance(theirs, tuple) and not isinstance(theirs, list), record
            continue
        dn, values = ours
        assert isinstance(theirs, list), record
        expected = theirs[0] if theirs else (None, {})
        assert (dn, values) == (expected[0], {k: list(v) for k, v in expected[1].items()})
        read += dn is not None
    assert read > 300


def _not_text_by_regex(data: bytes) -> str:
    """The check as it was, with the regular expression alone."""
    from wizard.evidence.text import decode

    sample = data[: core._SAMPLE]
    if not core._BINARY_BYTES.search(sample):
        return ""
    text = decode(sample).body.rstrip("\x00")
    found = len(core._BINARY_CHARS.findall(text))
    if found >= 4 and found * 20 > len(text):
        return f"binary data, not text ({found} control characters in {len(text)})"
    return ""


def test_the_binary_check_in_c_says_what_the_regular_expression_says() -> None:
    rng = random.Random(4)
    parts = [b"MAP F:=SYS:\n", b"\0", b"\x01", b"\xff\xfe", b"\xe9", b"a\x00", b"\r\n", b"\t",
             b"\x7f", b"\xef\xbb\xbf", "é".encode(), "x".encode("utf-16-le"),
             b"\x1b[0m"]  # fmt: skip
    verdicts = set()
    for _ in range(20000):
        data = b"".join(rng.choice(parts) for _ in range(rng.randint(0, 40)))
        data += b"\0" * rng.choice([0, 0, 1, 2, 3, 4, 5])
        verdict = core._not_text(data)
        assert verdict == _not_text_by_regex(data), data
        verdicts.add(bool(verdict))
    assert verdicts == {True, False}


def test_a_folder_audit_never_reads_its_own_report_or_corrected_files(tmp_path: Path) -> None:
    """The report inside the audited folder (there from an earlier run, and through a
    link to it) and the folder of corrected scripts are left out; the rest is read."""
    folder = tmp_path / "site"
    (folder / "ou").mkdir(parents=True)
    script = b"MAP S1:=NODE1/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    (folder / "ou" / "a.txt").write_bytes(script)
    (folder / "b.txt").write_bytes(script)
    report = folder / "report.json"
    report.write_text("{}", encoding="utf-8")
    (folder / "ou" / "link.json").symlink_to(report)
    (folder / "ou" / "other").symlink_to(folder / "b.txt")  # a link to a script: read
    fixed = folder / "fixed"
    args = ["audit", str(folder), *SITE, "--quiet", "--force", "-o", str(report)]
    assert main([*args, "--write-fixed", str(fixed)]) == 0
    sources_read = [r["source"] for r in json.loads(report.read_text())["results"]]
    assert sources_read == [str(folder / n) for n in ("b.txt", "ou/a.txt", "ou/other")]


def test_the_first_lines_split_alone_are_the_first_lines_of_the_whole_split() -> None:
    from wizard.evidence.text import decode

    rng = random.Random(6)
    for _ in range(5000):
        text = "".join(rng.choice(["a", "bc", "\n", "\r", "\r\n", " ", "\x0b", "\u2028"])
                       for _ in range(rng.randint(0, 20)))  # fmt: skip
        decoded = decode(text)
        last = rng.randint(1, 12)
        assert core._line_texts(decoded, last) == decoded.texts()[:last], text
        _ = decoded.lines  # the analyzer's lines, when it split them
        assert core._line_texts(decoded, last) == decoded.texts()[:last], text


def test_the_fast_base64_decoding_gives_what_the_library_s_decoding_gives() -> None:
    import base64

    rng = random.Random(5)
    pieces = [b"TUFQ", b"IEY6", b"QQ", b"QUI", b"=", b"==", b" ", b"\n ", b"\n", b"\r", b"!",
              b"\t", b"-", b"_", b"\xff", b"YR", b"+/", b"A"]  # fmt: skip
    fast = 0
    for _ in range(30000):
        text = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        try:
            expected: Any = base64.decodebytes(text)
        except ValueError:
            expected = ValueError
        got = ldif.fast_base64(text)
        if got is not None:
            fast += 1
            assert got == expected, text
    assert fast > 3000  # the clean values (blanks and line ends aside) took the fast way
    big = base64.encodebytes(bytes(range(256)) * 64).replace(b"\n", b"\n ")
    assert ldif.fast_base64(b" " + big) == bytes(range(256)) * 64
