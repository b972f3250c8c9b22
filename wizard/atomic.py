"""Provides atomic file writes: a reader sees the old file or the new one, never half of one.

Only a regular file (or a path where nothing is yet) is ever written: a folder,
a FIFO or a device node is refused, never replaced (as root, ``-o /dev/null
--force`` leaves ``/dev/null`` alone). A replaced file keeps its permission bits.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

NAME_MAX = 255
"""Bytes in one file name on the usual file systems."""

_TEMP_EXTRA = len(".") + 8 + len(".tmp")
"""What the temporary file's name adds to the target's (dot, random part, suffix)."""


class WriteError(OSError):
    """A write that could not be done; the message is one line for the user."""


def clip_name(name: str, max_bytes: int) -> str:
    """``name`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character."""
    return name.encode("utf-8", "surrogateescape")[:max_bytes].decode("utf-8", "ignore")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``; None if nothing is there.

    WriteError for anything else that is there (folder, FIFO, device, socket).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None  # nothing there (or a dangling link, which the rename replaces)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"cannot write {path}: it is {_kind(info.st_mode)}, not a file")
    return stat.S_IMODE(info.st_mode)


def write_atomic(path: str | os.PathLike[str], data: bytes, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    With ``overwrite=False`` an existing file is never replaced (checked at the
    moment of the rename, so two writers cannot both win). A path ending in a
    slash names a folder and is refused; so is anything there but a regular file.
    """
    with atomic_writer(path, overwrite) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], overwrite: bool = True) -> Iterator[BinaryIO]:
    """``write_atomic`` for output written in pieces: a binary handle on the temporary file.

    When the block ends normally the file takes ``path``'s place as ``write_atomic``
    says (WriteError when it may not); when it raises, the temporary file is removed
    and nothing at ``path`` changes. Memory stays that of one piece, whatever the size.
    """
    text = os.fspath(path)
    if text.endswith("/") or text.endswith(os.sep) or (os.altsep and text.endswith(os.altsep)):
        raise WriteError(f"cannot write {text}: it names a folder; give a file name")
    target = Path(text)
    mode = _existing_mode(target)
    if mode is not None and not overwrite:
        raise WriteError(f"{target} exists; use --force to replace it")
    folder = target.parent
    prefix = clip_name(f".{target.name}", NAME_MAX - _TEMP_EXTRA) + "."
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)  # the replaced file's permissions
            os.fsync(handle.fileno())
        _commit(tmp, target, overwrite)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise


def _commit(tmp: str, path: Path, overwrite: bool) -> None:
    """Put the finished temporary file ``tmp`` at ``path`` (never over a file unless told)."""
    if overwrite:
        _existing_mode(path)  # still a regular file or nothing: check again at the rename
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if path exists: no silent overwrite
    except FileExistsError:
        raise WriteError(f"{path} exists; use --force to replace it") from None
    except OSError:
        # No hard links on this file system: check, then rename.
        if os.path.lexists(path):
            raise WriteError(f"{path} exists; use --force to replace it") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)
