"""Provides the typed seam around the ``ldif`` library (RFC 2849), the only module using it.

Records are cut from the stream at blank lines by ``wizard.audit.sources`` and handed
here one at a time, so a broken record is one error and the next record is read all the
same (the library's own parser cannot go on after an exception in its generator).

The library checks a ``dn:`` with a regular expression that backtracks exponentially on
attribute types like ``a;a;a;…`` (``[\\w;.-]+(;[\\w_-]+)*``): ``_Parser`` replaces that
one check with a linear one (``type=value`` pairs joined by ``,``, escapes allowed: every DN the
library's expression accepts). URL values (``attr:< file:///…``) are never
fetched (no URL scheme is enabled): they read as empty.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import pybase64
from ldif import LDIFParser, LDIFWriter

MOD_REPLACE = 2
"""The library's index of ``replace`` among its modify operations (add, delete, replace)."""

_RDN_PART = re.compile(r'[ ]*[\w.;-]+[ ]*=(?:"[^"]*"|[^,\\]|\\.)*')
"""``type=value``: a type as the library reads one, a value up to an unescaped comma
outside quotes. Nothing follows the repetition, so a match never backtracks into it."""


_FOLD = re.compile(b"\n ")
"""A line's end and the blank that folds the next line into it (``re.sub`` is faster than
``bytes.replace`` for the hundreds of folds of a value)."""
_FOLD_CRLF = re.compile(b"\r?\n ")
"""The same where a line may end in CR LF (the library strips that too); slower to search
for, so only for a record with a CR."""


_LOGICAL_END = re.compile(b"\n(?! )")
"""The end of a logical line: a line end not followed by the blank of a continuation."""


class LdifError(ValueError):
    """A record the library refused; the message is one line."""


def is_dn(text: str) -> bool:
    """Whether ``text`` has the shape of an LDAP distinguished name; linear in its length."""
    if text == "":
        return True
    position = 0
    size = len(text)
    while True:
        match = _RDN_PART.match(text, position)
        if match is None:
            return False
        position = match.end()
        if position == size:
            return True
        if text[position] != ",":
            return False
        position += 1


class _Parser(LDIFParser):  # type: ignore[misc]
    """The library's parser with a linear ``dn:`` check (see the module docstring), reading
    the logical lines it is given (``lines``) instead of unfolding a stream itself."""

    def __init__(self, lines: list[bytes]) -> None:
        super().__init__(io.BytesIO(b""), encoding=None, strict=True)
        self._lines = lines

    def _iter_unfolded_lines(self) -> Iterator[bytes]:
        # The library's own loop, on lines cut already (a line may still hold its folds:
        # ``_parse_attr`` takes them out), with no quadratic ``+=`` of continuation lines.
        for line in self._lines:
            if not line.startswith(b"#"):
                yield line

    def _parse_attr(self, line: bytes) -> tuple[str, Any]:
        fold = line.find(b"\n")
        if fold >= 0:
            colon = line.find(b":", 0, fold)
            if colon >= 0 and line[colon + 1 : colon + 2] == b":":
                # A base64 value (``name:: value``) folded over many lines, the bulk of an
                # export: decoded as it is, when it is clean base64 once blanks are dropped.
                value = fast_base64(line[colon + 2 :])
                if value is not None:
                    name = line[:colon].decode("ascii")
                    return self._decode_value(name, value)  # type: ignore[no-any-return]
            line = _FOLD.sub(b"", line)
        return super()._parse_attr(line)  # type: ignore[no-any-return]

    def _check_dn(self, dn: str | None, attr_value: str) -> None:
        if dn is not None:
            self._error("two dn: lines in one record")
        if not is_dn(attr_value):
            self._error("the dn: value is not a distinguished name")


def fast_base64(text: bytes) -> bytes | None:
    """What ``base64.decodebytes(text)`` (the library's decoding) gives, when ``text`` is
    base64 with only blanks and line ends in it (the common case), decoded in SIMD by
    ``pybase64``; None otherwise (then the library decodes it, with its own errors).

    The same bytes: the standard decoder skips every character outside the alphabet and
    ``=`` without a change of state, and a strict decode that succeeds takes the lenient
    decoder's every step."""
    try:
        return pybase64.b64decode(text.translate(None, _BLANKS), validate=True)
    except ValueError:  # binascii.Error, on anything but clean, padded base64
        return None


_BLANKS = b" \n"


def parse_record(record: bytes) -> tuple[str | None, dict[str, list[bytes]]]:
    """One LDIF record (no blank line inside) -> (dn, attribute -> values as bytes).

    ``dn`` is None for a record of comments or ``version:`` only. LdifError (one line)
    for a record the library refuses.
    """
    # Cut into logical lines here, in C and linear (the library joins a value's folded
    # lines one ``+=`` at a time: ~300 lines for 16 KB, quadratic for a value of megabytes):
    # the library then reads the same logical lines, and makes every check and error of its
    # own. A line end followed by a blank continues the line; a record with a CR is
    # unfolded whole first (CR LF line ends), as the library's line reading strips them.
    if b"\r" in record:
        lines = _FOLD_CRLF.sub(b"", record).split(b"\n")
        last = lines.pop()  # what follows the last LF: no line end to strip
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
        lines.append(last)
    else:
        lines = _LOGICAL_END.split(record)
    if lines and lines[-1] == b"":
        lines.pop()  # what follows the last line end
    parser = _Parser(lines)
    try:
        parsed: list[tuple[str | None, dict[str, list[Any]]]] = list(parser.parse())
    except (ValueError, TypeError, IndexError) as exc:  # binascii.Error, UnicodeError too
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        if reason == "subsection not found":  # bytes.index(b":") in the library
            reason = "a line is neither 'name: value', a continuation nor a comment"
        raise LdifError(reason) from None
    if not parsed:
        return None, {}
    dn, entry = parsed[0]
    values = {
        str(name): [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in found]
        for name, found in entry.items()
    }
    return dn, values


class ModifyWriter:
    """Writes ``changetype: modify`` records that replace one attribute, with the library."""

    def __init__(self, handle: BinaryIO, attribute: str) -> None:
        self.attribute = attribute
        handle.write(b"version: 1\n\n")
        self._writer = LDIFWriter(handle, base64_attrs=[attribute], cols=76)

    def replace(self, dn: str, value: bytes) -> None:
        """One record: ``dn``, ``changetype: modify``, ``replace: ATTRIBUTE``, the value
        (base64, folded at 76 columns), ``-``."""
        self._writer.unparse(dn, [(MOD_REPLACE, self.attribute, [value])])

    @property
    def written(self) -> int:
        count: int = self._writer.records_written
        return count
