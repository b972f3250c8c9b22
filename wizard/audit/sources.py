"""Provides the artifacts an audit reads: the files of a folder, the entries of an LDIF
export, or one file; each an ``Item`` with its bytes or the reason it could not be read.

Everything streams: a folder is walked one file at a time, an LDIF export is read in
pieces and cut into records at blank lines (RFC 2849), one record handed to the ``ldif``
library at a time. A file that
cannot be read, a record the library refuses, an artifact over ``MAX_ITEM_BYTES``:
each is one ``Item`` with its error, and the next one is read all the same.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from wizard.safeio import ReadError, open_regular, read_bounded

MAX_ITEM_BYTES = 1024 * 1024
"""Bytes one audited artifact may have (a directory keeps a login script to 16 KB)."""

MAX_RECORD_BYTES = 2 * MAX_ITEM_BYTES + 64 * 1024
"""Bytes one LDIF record may have: the artifact in base64 (4/3 of it, folded) and the
entry's other attributes. A larger record is one error, its lines read and dropped."""

_HEAD_BYTES = 8 * 1024
"""Of a record too large to parse, the bytes kept to find its ``dn:`` for the message."""

_SNIFF_BYTES = 64 * 1024

Origin = Literal["file", "entry"]


@dataclass(frozen=True, slots=True)
class Item:
    """One artifact to audit (``data``) or the reason it could not be read (``error``)."""

    source: str
    """The file's path, or the entry's DN (or ``FILE:LINE`` when it has none)."""
    origin: Origin
    data: bytes | None
    error: str | None
    size: int
    """Bytes of the input this item took (for progress)."""
    input: int = 0
    """Which input (index of the PATH given) it came from."""
    relative: str = ""
    """For a file of a folder: its path inside the folder (where its corrected copy goes)."""
    location: str = ""
    """For an LDIF entry: ``FILE:LINE`` of the record."""


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text a report can hold: bytes of a name that are not UTF-8 (kept by
    Python as lone surrogates, which no UTF-8 output can encode) become U+FFFD."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _reason(exc: OSError, path: str) -> str:
    """A ReadError's message without the path it starts with (the result names it)."""
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def is_ldif(path: Path) -> bool:
    """Whether the regular file ``path`` looks like an LDIF export: its first line that is
    not blank or a comment is ``version:`` or ``dn:`` (a script never starts so)."""
    try:
        handle = open_regular(path, "input")
    except ReadError:
        return False
    with handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for raw in head.splitlines():
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        word = line.split(b":", 1)[0].strip().lower()
        return b":" in line and word in (b"version", b"dn")
    return False


def count_bytes(path: Path, exclude: frozenset[str] = frozenset()) -> int:
    """The bytes an input holds (for progress): a file's size, a folder's files' sizes."""
    try:
        info = os.stat(path)
    except OSError:
        return 0
    if not stat.S_ISDIR(info.st_mode):
        return info.st_size
    total = 0
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if os.path.realpath(os.path.join(folder, d)) not in exclude]
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def read_input(
    path: Path, index: int, attribute: str, exclude: frozenset[str] = frozenset()
) -> Iterator[Item]:
    """The items of one PATH: a folder's files, an LDIF export's entries, or one file.

    ``exclude`` holds real paths never read (the report being written, the folder of
    corrected files): a folder written into while it is walked would read itself.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        yield Item(shown(path), "file", None, f"cannot read: {exc.strerror or exc}", 0, index)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from read_folder(path, index, exclude)
    elif stat.S_ISREG(info.st_mode) and attribute and is_ldif(path):
        yield from read_ldif(path, index, attribute)
    else:
        yield _file_item(path, index, path.name)


def _file_item(path: str | Path, index: int, relative: str) -> Item:
    name = shown(path)
    try:
        data = read_bounded(path, MAX_ITEM_BYTES, "it")
    except ReadError as exc:
        size = 0
        with contextlib.suppress(OSError):
            size = os.lstat(path).st_size
        return Item(name, "file", None, shown(_reason(exc, str(path))), size, index, relative)
    return Item(name, "file", data, None, len(data), index, relative)


def read_folder(top: Path, index: int, exclude: frozenset[str] = frozenset()) -> Iterator[Item]:
    """Every file under ``top`` (sorted, links to folders not followed), one at a time."""
    problems: list[OSError] = []
    for folder, dirs, files in os.walk(top, onerror=problems.append):
        while problems:
            failed = problems.pop()
            where = shown(failed.filename) if failed.filename else shown(folder)
            yield Item(where, "file", None, f"cannot read folder: {failed.strerror}", 0, index)
        dirs[:] = sorted(
            d for d in dirs if os.path.realpath(os.path.join(folder, d)) not in exclude
        )
        # Per folder once: its real path, its normalised name, its path inside ``top``, each
        # as the prefix ``os.path.join`` would give a file's name (a name has no slash).
        real = _prefix(os.path.realpath(folder)) if exclude else ""
        base = _prefix(str(Path(folder)))  # + name: str(Path(folder, name))
        inside = _prefix(os.path.relpath(folder, top))  # + name: the relpath of the file
        for name in sorted(files):
            path = base + name
            if exclude:
                linked = os.path.islink(path)
                if (os.path.realpath(path) if linked else real + name) in exclude:
                    continue
            yield _file_item(path, index, inside + name)
    while problems:
        failed = problems.pop()
        where = shown(failed.filename) if failed.filename else shown(top)
        yield Item(where, "file", None, f"cannot read folder: {failed.strerror}", 0, index)


def _prefix(folder: str) -> str:
    """What ``os.path.join(folder, name)`` puts before ``name`` ("." : nothing)."""
    if folder == ".":
        return ""
    return folder if folder.endswith(os.sep) else folder + os.sep


def read_ldif(path: Path, index: int, attribute: str) -> Iterator[Item]:
    """Every value of ``attribute`` in the entries of an LDIF export, one record at a time.

    An entry without the attribute is not an artifact and yields nothing; a record the
    library refuses, or over the size limit, yields one error ``Item`` (named by its
    DN when that can be read, else by ``FILE:LINE``).
    """
    from wizard.audit.ldif import LdifError, parse_record

    try:
        handle = open_regular(path, "LDIF export")
    except ReadError as exc:
        yield Item(shown(path), "entry", None, shown(_reason(exc, str(path))), 0, index)
        return
    wanted = attribute.lower()
    export = shown(path)
    with handle:
        for start, size, record, complete in ldif_records(handle):
            where = f"{export}:{start}"
            if not complete:
                dn = _head_dn(record)
                error = f"record over the {MAX_RECORD_BYTES // 1024} KiB limit"
                yield Item(dn or where, "entry", None, error, size, index, location=where)
                continue
            try:
                dn, attributes = parse_record(record)
            except LdifError as exc:
                dn = _head_dn(record)
                error = f"broken LDIF record: {exc}"
                yield Item(dn or where, "entry", None, error, size, index, location=where)
                continue
            if dn is None:
                continue  # comments, or the version line
            values = [
                value
                for name, found in attributes.items()
                if name.split(";", 1)[0].lower() == wanted
                for value in found
            ]
            for number, value in enumerate(values, 1):
                source = dn if len(values) == 1 else f"{dn} (value {number})"
                share = size if number == 1 else 0
                if len(value) > MAX_ITEM_BYTES:
                    error = f"value over the {MAX_ITEM_BYTES // 1024} KiB limit"
                    yield Item(source, "entry", None, error, share, index, dn, where)
                else:
                    yield Item(source, "entry", value, None, share, index, dn, where)


def _head_dn(record: bytes) -> str | None:
    """The DN of a record that cannot be used whole: its first line, unfolded, if that is a
    ``dn:`` line the library reads."""
    from wizard.audit.ldif import LdifError, parse_record

    lines = record.splitlines(keepends=True)
    head: list[bytes] = []
    for line in lines:
        if line.startswith(b"#") and not head:
            continue
        if head and not line.startswith(b" "):
            break
        head.append(line)
        if sum(map(len, head)) > _HEAD_BYTES:
            return None
    if not head or head[0][:3].lower() != b"dn:":
        return None
    try:
        dn, _ = parse_record(b"".join(head))
    except LdifError:
        return None
    return dn or None


def ldif_records(handle: BinaryIO) -> Iterator[tuple[int, int, bytes, bool]]:
    """``(first line, bytes read, record, complete)`` for each record of the stream.

    A record is the lines between blank lines (``LF`` or ``CR LF`` alone), comments
    included (the library skips them). A record over ``MAX_RECORD_BYTES`` comes with
    ``complete`` False and only its first lines that fit in that size (its ``dn:`` is
    among them): it is read to its end and dropped.

    The stream is read in pieces of ``READ_BYTES`` and cut at blank lines by searches in
    C (never line by line), so at most a record and a piece are held.
    """
    buffer = b""
    at = 0  # where the line being looked at starts in ``buffer``
    number = 0  # lines before it
    ended = False
    while True:
        if len(buffer) - at < 2 and not ended:  # a line's first two bytes say if it is blank
            piece = handle.read(READ_BYTES)
            if piece:
                buffer = buffer[at:] + piece
                at = 0
                continue
            ended = True
        if at >= len(buffer):
            return
        if buffer[at] == 0x0A or buffer.startswith(b"\r\n", at):  # a blank line
            at += 1 if buffer[at] == 0x0A else 2
            number += 1
            continue
        start = number + 1
        head: bytes | None = None  # the lines kept of a record over the limit
        dropped = lines = 0  # bytes and lines of it already dropped
        search = at
        while True:
            end = _blank_after(buffer, search)
            if end >= 0 or ended:
                if end < 0:
                    end = len(buffer)
                break
            if head is None and len(buffer) - at > MAX_RECORD_BYTES + 2:
                # Not ended in these bytes (its last LF may be the last but one): over.
                head = _fitting(buffer, at)
            if head is not None:  # drop what was read of it but two bytes (a blank line
                keep = max(at, len(buffer) - 2)  # may start there)
                lines += buffer.count(b"\n", at, keep)
                dropped += keep - at
                at = keep
            buffer = buffer[at:]
            at = 0
            search = max(0, len(buffer) - 2)
            piece = handle.read(READ_BYTES)
            if piece:
                buffer += piece
            else:
                ended = True
        size = dropped + end - at
        lines += buffer.count(b"\n", at, end) + (buffer[end - 1] != 0x0A)
        if head is None and size > MAX_RECORD_BYTES:
            head = _fitting(buffer, at)
        if head is None:
            yield start, size, buffer[at:end], True
        else:
            yield start, size, head, False
        number += lines
        at = end


READ_BYTES = 256 * 1024
"""Bytes of an LDIF export read at a time."""


_BLANK_AFTER = re.compile(b"\n(?:\n|\r\n)")
"""A line's LF and the blank line after it (LF or CR LF alone); a search for it with
``re`` is twice as fast as ``bytes.find(b"\\n\\n")`` alone."""


def _blank_after(buffer: bytes, start: int) -> int:
    """Where the first line followed by a blank line ends (after its LF), from ``start``
    on; -1 when there is none."""
    found = _BLANK_AFTER.search(buffer, start)
    return found.start() + 1 if found is not None else -1


def _fitting(buffer: bytes, start: int) -> bytes:
    """The whole lines from ``start`` whose bytes fit in ``MAX_RECORD_BYTES``."""
    cut = buffer.rfind(b"\n", start, start + MAX_RECORD_BYTES)
    return buffer[start : cut + 1] if cut >= 0 else b""
