"""Provides reading a pack file's bytes: a regular file within the size limit, nothing else."""

from __future__ import annotations

import os

from wizard.kb.problems import PackError, Problem
from wizard.safeio import ReadError, read_bounded

MAX_PACK_BYTES = 5 * 1024 * 1024
"""Larger pack files are refused outright: no real pack comes near this."""


def read_pack_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the pack file ``path``; PackError (``PATH:1: cannot read pack: ...``)
    for a missing file, a folder, FIFO or device, or a file over ``MAX_PACK_BYTES``."""
    try:
        return read_bounded(path, MAX_PACK_BYTES, "pack")
    except ReadError as exc:
        reason = str(exc).rpartition(": cannot read pack: ")[2]
        raise PackError([Problem(str(path), 1, f"cannot read pack: {reason}")]) from None
