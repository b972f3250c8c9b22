"""Provides a cache of packs already loaded and checked, so a warm start reads no YAML.

Reading the YAML and checking the graph (networkx) cost more than all the rest
of starting the wizard. A pack that passed once (same bytes, same code) passes
again, so the checked Pack is kept as a pickle, named by the pack's SHA-256 and
a fingerprint of the code that builds and checks packs. Only the pack model's
own classes may come out of an entry, so a tampered one can never run code; and
any doubt (unreadable, damaged, another layout) means a full load and check,
whose result replaces the entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

from wizard import __version__
from wizard.kb import model
from wizard.kb.model import Pack
from wizard.kb.packfile import read_pack_file
from wizard.kb.problems import PackError

CACHE_FORMAT = 2

_MODEL_CLASSES = frozenset(
    name
    for name, value in vars(model).items()
    if isinstance(value, type) and value.__module__ == model.__name__
)


class _PackUnpickler(pickle.Unpickler):
    """Builds the pack model's classes and nothing else (no function, no other class)."""

    def find_class(self, module: str, name: str) -> type:
        if module == model.__name__ and name in _MODEL_CLASSES:
            found: type = getattr(model, name)
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a pack")


@cache
def code_fingerprint(analyzers: frozenset[str]) -> str:
    """What the checked Pack depends on besides the pack's bytes: this package's code
    (every module of ``wizard.kb``, by size and modification time, as Python checks its own
    bytecode cache), the version, the analyzers and the Python."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{CACHE_FORMAT}|{sys.version}|{sorted(analyzers)}".encode())
    with os.scandir(os.path.dirname(__file__)) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                digest.update(f"|{entry.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def entry_path(cache_dir: Path, sha256: str, analyzers: frozenset[str]) -> Path | None:
    """The cache file for a pack with these bytes; None if the code cannot be fingerprinted."""
    try:
        fingerprint = code_fingerprint(analyzers)
    except OSError:
        return None  # no source files to hash (a frozen build): never trust a cache
    return cache_dir / "packs" / f"{sha256}-{fingerprint}.pickle"


def load_checked(path: Path, analyzers: frozenset[str], cache_dir: Path | None) -> Pack:
    """Load ``path`` fully checked; PackError listing every problem, as ``load_pack`` does."""
    name = str(path)
    data = read_pack_file(path)
    sha256 = hashlib.sha256(data).hexdigest()
    entry = entry_path(cache_dir, sha256, analyzers) if cache_dir is not None else None
    if entry is not None:
        cached = _read(entry, sha256)
        if cached is not None:
            return cached if cached.path == name else replace(cached, path=name)
    from wizard.kb.graph import graph_of, remaining_questions
    from wizard.kb.loader import parse_pack
    from wizard.kb.validate import validate_pack

    pack, problems = parse_pack(data, name)
    if pack is None or problems:
        raise PackError(problems)
    problems = validate_pack(pack, analyzers)
    if problems:
        raise PackError(problems)
    pack = replace(pack, remaining=remaining_questions(graph_of(pack)))
    if entry is not None:
        _store(entry, pack)
    return pack


def _read(entry: Path, sha256: str) -> Pack | None:
    """The checked pack kept in ``entry``, or None if there is none that can be trusted."""
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        pack = _PackUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or foreign entry fails in many ways; each means "none"
        return None
    if not isinstance(pack, Pack) or pack.sha256 != sha256 or not pack.remaining:
        return None
    return pack


def _store(entry: Path, pack: Pack) -> None:
    from wizard.atomic import WriteError, write_atomic

    with contextlib.suppress(WriteError, OSError, pickle.PicklingError):
        write_atomic(entry, pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
