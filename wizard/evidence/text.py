"""Decoding pasted or loaded evidence into numbered lines, tolerantly.

Provides ``decode`` (bytes or text -> ``DecodedText``: lines with their own
endings, the encoding and BOM found, and a way to re-encode corrected lines in
that same encoding), plus the small helpers every analyzer shares: the line
length cap for pattern matching, ticket/wiki paste clean-up and IPv4 checks.

Encoding detection, in order (it never fails):

1. a BOM: UTF-8 (``EF BB BF``), UTF-16 LE (``FF FE``), UTF-16 BE (``FE FF``);
2. BOM-less UTF-16, recognised by its NUL pattern (many NUL bytes at odd
   offsets and few at even ones means LE; the reverse means BE);
3. strict UTF-8 (pure ASCII counts as UTF-8);
4. otherwise a single-byte DOS/Windows code page, cp850 or cp1252. Bytes
   0x80-0x9F are accented letters in cp850 (``ü`` is 0x81, ``ä`` 0x84) but rare
   punctuation in cp1252 (curly quotes, dashes, the euro sign), and five of them
   (0x81 0x8D 0x8F 0x90 0x9D) are not defined in cp1252 at all. So: any of
   those five means cp850 (which also decodes every byte losslessly);
   otherwise each high byte is scored under both code pages - a letter inside
   a word scores 2, a letter elsewhere 1, a box-drawing character 1, a
   quote/dash/euro next to a space, punctuation or line edge 2 - and the code
   page with the higher score wins, cp850 on a tie (NetWare-era scripts are
   usually DOS code page files). Only the first 20,000 high bytes are scored.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

MAX_PATTERN_LINE = 4096
"""Lines longer than this are never matched against patterns; analyzers report
them as unrecognised (keeps every analyzer linear on hostile input)."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_SCORE_SAMPLE = 20_000
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NEWLINE_KEPT = re.compile(r"(\r\n|\r|\n)")
_CONTENT = re.compile(r"[^\r\n]+")
# Line breaks that str.splitlines() honours besides CR and LF; split_lines does not.
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_IPV4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")
_IPV4_IN_TEXT = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_OCTET_OVER_255 = re.compile(r"(?<!\d)(?:25[6-9]|2[6-9]\d|[3-9]\d\d)(?!\d)")
"""In a dotted quad of 1-3-digit groups: a group whose value is above 255."""


class SourceLine(NamedTuple):
    """One line of the artifact as given: number, text, and its own line ending.

    A named tuple: a 10 MiB artifact of bare line feeds has ten million lines, and a
    tuple is a third of the size of an object with an instance dict.
    """

    number: int
    text: str
    ending: str


@dataclass(frozen=True)
class DecodedText:
    """The artifact as lines, remembering how it was encoded so fixes round-trip.

    Holds the decoded text once; ``lines`` (one ``SourceLine`` per line) is built
    only when asked for. The analyzers read ``numbered()``, which skips empty
    lines without creating anything for them, so memory follows the content.
    """

    body: str
    encoding: str
    bom: bytes

    @cached_property
    def lines(self) -> tuple[SourceLine, ...]:
        """Every line with its number and its own ending (built on first use)."""
        return split_lines(self.body)

    @cached_property
    def split_once(self) -> tuple[list[str], str] | None:
        """The body split once, shared by every reader of one artifact (the analyzer, its
        fixes, the audit): ``(pieces, ending)``, the pieces between the line endings (the
        last one is what follows the last ending: "" when the text ends with one) and the
        one ending used throughout ("" when they are mixed: then split at each). None for
        a body over ``_SPLIT_AT`` characters (not kept: read it in pieces). Never modify
        the list."""
        body = self.body
        if len(body) > _SPLIT_AT:
            return None
        return split_at_ending(body)

    def texts(self) -> list[str]:
        """Every line's text, without its ending (``texts()[N - 1]`` is line N)."""
        split = self.split_once
        if split is None:
            return line_texts(self.body)
        pieces = split[0]
        return pieces[:-1] if pieces[-1] == "" else pieces[:]

    def texts_and_endings(self) -> tuple[list[str], list[str]]:
        """Every line's text and its own ending, as ``lines`` has them (``[N - 1]`` is line
        N), with no object per line."""
        return texts_and_endings(self.body)

    def numbered(self) -> Iterator[tuple[int, str]]:
        """``(number, text)`` of every non-empty line, numbered as ``lines`` numbers them."""
        split = self.split_once
        if split is None:
            return numbered_lines(self.body)
        return filter(_has_text, enumerate(split[0], 1))  # "" after a last ending: skipped

    def encode_lines(
        self, texts_with_endings: Iterable[str | tuple[str, str] | SourceLine]
    ) -> bytes:
        """Re-encode lines in the original encoding, BOM first; never raises.

        Items may be strings that already carry their ending, ``(text, ending)``
        pairs, or ``SourceLine`` objects. Characters the encoding cannot hold
        become replacement characters.
        """
        parts: list[str] = []
        for item in texts_with_endings:
            if isinstance(item, SourceLine):
                parts.append(item.text + item.ending)
            elif isinstance(item, tuple):
                parts.append(item[0] + item[1])
            else:
                parts.append(item)
        return self.encode("".join(parts))

    def encode(self, body: str) -> bytes:
        """``body`` in the original encoding, BOM first; never raises."""
        try:
            encoded = body.encode(self.encoding, errors="replace")
        except LookupError:
            encoded = body.encode("utf-8", errors="replace")
        return self.bom + encoded

    @property
    def text(self) -> str:
        """The whole decoded text, each line with its own ending."""
        return self.body


def split_at_ending(text: str) -> tuple[list[str], str]:
    """``text`` split at its line endings: the pieces between them (the last one is what
    follows the last ending) and the one ending used throughout ("" when they are mixed:
    then it is split at each)."""
    ending = _uniform_ending(text)
    if ending is None:
        return _NEWLINE.split(text), ""
    return text.split(ending), ending


def line_texts(text: str) -> list[str]:
    """The text of every line (lines end at CRLF, CR or LF), with no object per line."""
    texts = split_at_ending(text)[0]
    if texts[-1] == "":  # the text ends with a line ending (or is empty): no line after it
        texts.pop()
    return texts


def texts_and_endings(text: str) -> tuple[list[str], list[str]]:
    """The text and the ending of every line (lines end at CRLF, CR or LF; the last line's
    ending may be ""), as ``split_lines`` splits them."""
    ending = _uniform_ending(text)
    if ending is not None:
        texts = text.split(ending)
        last = texts.pop()
        endings = [ending] * len(texts)
    else:
        pieces = _NEWLINE_KEPT.split(text)
        texts = pieces[0::2]
        endings = pieces[1::2]
        last = texts.pop()
    if last:
        texts.append(last)
        endings.append("")
    return texts, endings


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(number, text)`` of every non-empty line of ``text`` (lines end at CRLF, CR or LF).

    Linear, and nothing is built for an empty line: the numbers come from counting
    the line endings between two lines, which is all that lies between them. A text of
    at most ``_SPLIT_AT`` characters is split at once and numbered in C instead (the
    same pairs; the list of its lines is small).
    """
    if len(text) <= _SPLIT_AT:
        return filter(_has_text, enumerate(line_texts(text), 1))
    return _numbered_chunks(text)


_SPLIT_AT = 256 * 1024
_has_text = itemgetter(1)


def _numbered_chunks(text: str) -> Iterator[tuple[int, str]]:
    """``numbered_lines`` of a long text: pieces of at most ``_SPLIT_AT`` characters, each
    ending at a line ending, split and numbered in C; from a line longer than that on,
    the rest is numbered line by line."""
    size = len(text)
    start = 0
    number = 1
    while start < size:
        stop = start + _SPLIT_AT
        if stop < size:
            cut = text.rfind("\n", start, stop)
            if cut < 0:
                cut = text.rfind("\r", start, stop)
                if cut < 0:  # no line ends in the piece: go on the slow way
                    yield from _numbered_lines(text, start, number)
                    return
                if text.startswith("\n", cut + 1):  # never split a CRLF
                    cut += 1
            stop = cut + 1
        texts = line_texts(text[start:stop])
        yield from filter(_has_text, enumerate(texts, number))
        number += len(texts)
        start = stop


def _numbered_lines(text: str, position: int = 0, number: int = 1) -> Iterator[tuple[int, str]]:
    """``numbered_lines`` one match at a time, from ``position`` (the start of line
    ``number``) on."""
    if "\r" not in text or "\n" not in text:
        per_line = 1  # one character ends each line: every character between is a line
    elif text.count("\r") == text.count("\n") == text.count("\r\n"):
        per_line = 2  # CRLF throughout
    else:
        per_line = 0  # mixed: count
    count = text.count
    for match in _CONTENT.finditer(text, position):
        start = match.start()
        if start != position:
            if per_line:
                number += (start - position) // per_line
            elif start - position == 1 or (  # one CR or LF, or one CRLF
                start - position == 2 and text.startswith("\r\n", position)
            ):
                number += 1
            else:
                number += (
                    count("\r", position, start)
                    + count("\n", position, start)
                    - count("\r\n", position, start)
                )
        yield number, match.group()
        position = match.end()


def split_lines(text: str) -> tuple[SourceLine, ...]:
    """Split on CRLF, LF or CR only (not the other Unicode breaks), keeping endings."""
    if not any(brk in text for brk in _OTHER_BREAKS):
        ending = _uniform_ending(text)
        if ending is not None:
            # Fastest path: every line ends the same way (most files), so one C-level split
            # finds the lines; only the last may lack the ending.
            bodies = text.split(ending)
            last = bodies.pop()
            count = len(bodies)
            uniform = list(map(SourceLine, range(1, count + 1), bodies, repeat(ending, count)))
            if last:
                uniform.append(SourceLine(count + 1, last, ""))
            return tuple(uniform)
        # Fast path: with no other breaks present, str.splitlines splits exactly here;
        # each piece ends in at most one CRLF, CR or LF, and nothing else is CR or LF.
        pieces = text.splitlines(keepends=True)
        result: list[SourceLine] = []
        append = result.append
        for number, piece in enumerate(pieces, 1):
            body = piece.rstrip("\r\n")
            append(SourceLine(number, body, piece[len(body) :]))
        return tuple(result)
    lines: list[SourceLine] = []
    start = 0
    number = 1
    for match in _NEWLINE.finditer(text):
        lines.append(SourceLine(number, text[start : match.start()], match.group()))
        start = match.end()
        number += 1
    if start < len(text):
        lines.append(SourceLine(number, text[start:], ""))
    return tuple(lines)


def _uniform_ending(text: str) -> str | None:
    """The one line ending ``text`` uses throughout (LF, CRLF or CR), or None if mixed."""
    carriage_returns = text.count("\r")
    if not carriage_returns:
        return "\n"
    line_feeds = text.count("\n")
    if not line_feeds:
        return "\r"
    if carriage_returns == line_feeds == text.count("\r\n"):
        return "\r\n"
    return None


def _utf16_guess(data: bytes) -> str | None:
    """Detect BOM-less UTF-16 by where the NUL bytes sit (ASCII text has one per char)."""
    sample = data[:4096]
    if len(sample) < 4 or b"\0" not in sample:  # (no NUL: neither guess, found at C speed)
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= half * 0.3 and even <= odd * 0.1:
        return "utf-16-le"
    if even >= half * 0.3 and odd <= even * 0.1:
        return "utf-16-be"
    return None


def _is_ascii_letter(byte: int) -> bool:
    return 65 <= byte <= 90 or 97 <= byte <= 122


def _score(data: bytes, encoding: str) -> int:
    """How plausible the high bytes of ``data`` look in a single-byte code page."""
    score = 0
    seen = 0
    size = len(data)
    for index, byte in enumerate(data):
        if byte < 0x80:
            continue
        seen += 1
        if seen > _SCORE_SAMPLE:
            break
        char = bytes([byte]).decode(encoding, errors="replace")
        prev_byte = data[index - 1] if index > 0 else 0x20
        next_byte = data[index + 1] if index + 1 < size else 0x20
        in_word = _is_ascii_letter(prev_byte) or _is_ascii_letter(next_byte)
        if char.isalpha():
            score += 2 if in_word else 1
        elif 0x2500 <= ord(char) <= 0x259F:
            score += 1
        elif unicodedata.category(char) in ("Pi", "Pf", "Pd", "Ps", "Pe", "Sc", "Po"):
            at_edge = not (_is_ascii_letter(prev_byte) and _is_ascii_letter(next_byte))
            score += 2 if at_edge else 0
    return score


def _single_byte_guess(data: bytes) -> str:
    """Choose cp850 or cp1252 for non-UTF-8 bytes (heuristic in the module docstring)."""
    if any(byte in _CP1252_UNDEFINED for byte in data):
        return "cp850"
    return "cp1252" if _score(data, "cp1252") > _score(data, "cp850") else "cp850"


def decode(data: bytes | str) -> DecodedText:
    """Decode evidence to lines, honouring BOMs and falling back tolerantly; never raises."""
    if isinstance(data, str):
        bom = b""
        if data.startswith("\ufeff"):
            data = data[1:]
            bom = codecs.BOM_UTF8
        return DecodedText(data, "utf-8", bom)
    raw = bytes(data)
    for bom_bytes, encoding in _BOMS:
        if raw.startswith(bom_bytes):
            text = raw[len(bom_bytes) :].decode(encoding, errors="replace")
            return DecodedText(text, encoding, bom_bytes)
    utf16 = _utf16_guess(raw)
    if utf16 is not None:
        return DecodedText(raw.decode(utf16, errors="replace"), utf16, b"")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        encoding = _single_byte_guess(raw)
        text = raw.decode(encoding, errors="replace")
        return DecodedText(text, encoding, b"")
    return DecodedText(text, "utf-8", b"")


def paste_content(text: str) -> tuple[str, bool]:
    """Strip ticket/wiki paste decoration from one line; never interprets markup.

    Returns ``(content, is_decoration)``: leading ``> `` quote marks (any depth)
    are removed from the content; a Markdown fence line (```` ``` ```` or
    ``~~~``) or a line that is only an HTML tag is decoration, which analyzers
    report as unrecognised.
    """
    content, _, decoration = _paste(text)
    return content, decoration


def paste_stripped(text: str) -> tuple[str, bool]:
    """``paste_content`` with the content already ``strip()``-ed (saves analyzers a pass)."""
    _, stripped, decoration = _paste(text)
    return stripped, decoration


def paste_parts(text: str) -> tuple[str, str, bool]:
    """``(content, content.strip(), is_decoration)``: ``paste_content`` and
    ``paste_stripped`` at once."""
    return _paste(text)


def _paste(text: str) -> tuple[str, str, bool]:
    """(content, content.strip(), is_decoration) as ``paste_content`` describes."""
    content = text
    if text[:1] in (" ", "\t", ">"):
        # The leading run of blanks and quote marks; cut after its last ">" and one blank.
        lead = len(text) - len(text.lstrip(" \t>"))
        quote = text.rfind(">", 0, lead)
        if quote >= 0:
            cut = quote + 1
            if cut < len(text) and text[cut] in " \t":
                cut += 1
            content = text[cut:]
    stripped = content.strip()
    first = stripped[:1]
    if first in ("`", "~") and stripped.startswith(("```", "~~~")):
        return content, stripped, True
    if first == "<" and stripped.endswith(">") and len(stripped) > 2:
        inner = stripped[1:2]
        if inner.isalpha() or inner in ("/", "!"):
            return content, stripped, True
    return content, stripped, False


def is_ipv4(text: str) -> bool:
    """True for a dotted quad with every octet 0-255 (nothing before or after)."""
    if not text[:1].isdigit() or len(text) > 15:
        return False
    return _is_dotted_quad(text)


@lru_cache(maxsize=4096)
def _is_dotted_quad(text: str) -> bool:
    """The checks behind ``is_ipv4``; cached, as scripts name the same servers again and again."""
    match = _IPV4.fullmatch(text)
    return match is not None and all(int(octet) <= 255 for octet in match.groups())


def find_ipv4s(text: str) -> tuple[str, ...]:
    """Every valid dotted-quad IPv4 address in ``text``, in order."""
    found = _IPV4_IN_TEXT.findall(text)
    if not found:
        return ()
    # Four groups of 1-3 digits each: only the octets' range is left to check (by one
    # search for ASCII digits; other Unicode digits by their values).
    return tuple(
        address for address in found
        if (_OCTET_OVER_255.search(address) is None if address.isascii()
            else max(map(int, address.split("."))) <= 255)
    )  # fmt: skip
