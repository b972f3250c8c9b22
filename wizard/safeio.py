"""Provides the one bounded reader every file the program reads goes through.

A path is opened without blocking (a FIFO cannot hang the open, a terminal
never becomes the controlling one), checked *after* opening (so what is read
is what was checked), refused unless it is a regular file, and read up to a
hard byte limit: ``/dev/zero``, a FIFO, a folder, a device or a huge (even
sparse) file is refused with one line naming the path, never read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1024 * 1024

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
"""Documented size limit for one evidence artifact; callers refuse larger input."""


class ReadError(OSError):
    """A file that was not read; the message is one line that names the path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(count: int) -> str:
    mib = 1024 * 1024
    return f"{count // mib} MiB" if count % mib == 0 else f"{count} bytes"


def is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is (or links to) a regular file; never opens it, never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: str | os.PathLike[str], what: str = "file") -> BinaryIO:
    """A buffered binary stream over the regular file ``path``, for input read in pieces.

    Opened and checked as ``read_bounded`` does (never blocking, checked after
    opening, a regular file only; ReadError naming the path otherwise), but not read:
    the caller streams it and bounds each piece it keeps (``readline(limit)``), so a
    file of any size costs memory for one piece at a time.
    """
    shown = Path(path)
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ReadError(f"{shown}: cannot read {what}: {reason}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"{shown}: cannot read {what}: {_kind(info.st_mode)}, not a file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except OSError as exc:
        os.close(fd)
        if isinstance(exc, ReadError):
            raise
        raise ReadError(f"{shown}: cannot read {what}: {exc.strerror or exc}") from None


def read_bounded(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    ReadError (one line: ``PATH: cannot read WHAT: reason``) for anything else:
    a missing or unreadable path, a folder, FIFO, device or socket, or a file
    over ``limit`` bytes (found by reading at most ``limit + 1`` bytes, so a
    file that grows or lies about its size is refused all the same).
    """
    shown = Path(path)
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ReadError(f"{shown}: cannot read {what}: {reason}") from None
    try:
        try:
            info = os.fstat(fd)
        except OSError as exc:
            raise ReadError(f"{shown}: cannot read {what}: {exc.strerror or exc}") from None
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"{shown}: cannot read {what}: {_kind(info.st_mode)}, not a file")
        too_big = f"{shown}: cannot read {what}: over the {_size(limit)} limit"
        if info.st_size > limit:
            raise ReadError(too_big)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            try:
                chunk = os.read(fd, min(left, _CHUNK))
            except BlockingIOError:
                raise ReadError(f"{shown}: cannot read {what}: not ready") from None
            except OSError as exc:
                raise ReadError(f"{shown}: cannot read {what}: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ReadError(too_big)
        return data
    finally:
        os.close(fd)
