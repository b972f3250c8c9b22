"""Provides a cache of packs already loaded and checked, so a warm start reads no YAML.

Reading the YAML and checking the graph (networkx) cost more than all the rest
of starting the wizard. A pack that passed once (same bytes, same code) passes
again, so the checked Pack is kept as a pickle, named by the pack's SHA-256 and
a fingerprint of the code that builds and checks packs.

An entry is trusted only if it carries a valid HMAC-SHA256, made with a random
per-user key kept outside the cache folder (``cache.key`` in the data folder,
mode 0600), over a header binding it to the pack's SHA-256, the wizard's
version and the code fingerprint, and over the pickle. The MAC is checked
before anything is unpickled, so a planted entry (even a valid Pack pickle
under the right name) is never believed. Only the pack model's own classes may
come out of an entry besides, so even a forged one could not run code. Any
doubt (unreadable, not a file, damaged, foreign, another layout) means a full
load and check, whose result replaces the entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import pickle
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from wizard import __version__
from wizard.kb import model
from wizard.kb.model import Pack
from wizard.kb.packfile import read_pack_file
from wizard.kb.problems import PackError

if TYPE_CHECKING:  # validate imports networkx, which a warm start never needs
    from wizard.kb.validate import Analyzers

CACHE_FORMAT = 3

MAGIC = b"KBWIZARD-PACK-CACHE\n"
"""How an entry starts: then one header line, the pickle, and the 32-byte MAC."""

MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""Entries larger than this are never read (a 5 MiB pack pickles to far less)."""

KEY_FILE = "cache.key"
"""The MAC key's file name in the data folder (outside the cache folder)."""

_MAC_BYTES = 32

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


def code_fingerprint(analyzers: Analyzers) -> str:
    """What the checked Pack depends on besides the pack's bytes: this package's code
    (every module of ``wizard.kb``, by size and modification time, as Python checks its own
    bytecode cache), the version, what the analyzers declare, and the Python."""
    declared = [
        (s.name, s.reads, sorted(s.supplies), sorted(s.produces)) for s in analyzers.values()
    ]
    return _fingerprint(repr(sorted(declared)))


@cache
def _fingerprint(declared: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{CACHE_FORMAT}|{sys.version}|{declared}".encode())
    with os.scandir(os.path.dirname(__file__)) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                digest.update(f"|{entry.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def entry_path(cache_dir: Path, sha256: str, analyzers: Analyzers) -> Path | None:
    """The cache file for a pack with these bytes; None if the code cannot be fingerprinted."""
    try:
        fingerprint = code_fingerprint(analyzers)
    except OSError:
        return None  # no source files to hash (a frozen build): never trust a cache
    return cache_dir / "packs" / f"{sha256}-{fingerprint}.pickle"


def load_checked(path: Path, analyzers: Analyzers, cache_dir: Path | None) -> Pack:
    """Load ``path`` fully checked; PackError listing every problem, as ``load_pack`` does."""
    name = str(path)
    data = read_pack_file(path)
    sha256 = hashlib.sha256(data).hexdigest()
    entry = entry_path(cache_dir, sha256, analyzers) if cache_dir is not None else None
    key = cache_key() if entry is not None else None
    if entry is not None and key is not None:
        cached = _read(entry, key, _header(sha256, analyzers))
        if cached is not None and cached.sha256 == sha256:
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
    if entry is not None and key is not None:
        _store(entry, key, _header(sha256, analyzers), pack)
    return pack


def cache_key() -> bytes | None:
    """The per-user MAC key (created on first use, mode 0600); None if it cannot be had.

    It lives in the data folder, not the cache folder, so whoever can write
    cache entries cannot also read or replace the key by the same route.
    """
    from wizard.paths import data_dir
    from wizard.safeio import ReadError, read_bounded

    path = data_dir() / KEY_FILE
    for _ in range(2):
        try:
            key = read_bounded(path, 1024, "cache key")
        except ReadError:
            key = b""
        if len(key) >= 32:
            return key
        if not _new_key(path):
            return None
    return None


def _new_key(path: Path) -> bool:
    """Write a fresh random key to ``path`` (replacing a broken one); False if impossible."""
    import secrets

    from wizard.atomic import WriteError, write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, secrets.token_bytes(32))
        os.chmod(path, 0o600)  # whatever a broken key file it replaced allowed
    except (OSError, WriteError):
        return False
    return True


def _header(sha256: str, analyzers: Analyzers) -> bytes:
    """What an entry is for: the pack's bytes, the wizard's version, the code fingerprint."""
    return f"{CACHE_FORMAT} {sha256} {__version__} {code_fingerprint(analyzers)}\n".encode()


def _mac(key: bytes, header: bytes, payload: bytes) -> bytes:
    return hmac.new(key, MAGIC + header + payload, hashlib.sha256).digest()


def read_signed(
    entry: Path, key: bytes, header: bytes, limit: int = MAX_ENTRY_BYTES
) -> bytes | None:
    """The payload of a signed entry, or None unless its MAC over ``header`` checks out.

    Read through ``read_bounded`` (a regular file within ``limit``); nothing of a payload
    is used before its MAC is checked. Used for packs and for the pack index alike (each
    with its own ``header``, so an entry of one is never taken for the other).
    """
    from wizard.safeio import ReadError, read_bounded

    try:
        data = read_bounded(entry, limit, "cache entry")
    except ReadError:
        return None  # missing, a FIFO or device planted in the cache, too big: a miss
    start = len(MAGIC) + len(header)
    if len(data) < start + _MAC_BYTES or data[:start] != MAGIC + header:
        return None
    payload, mac = data[start:-_MAC_BYTES], data[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(key, header, payload)):
        return None  # checked before anything is unpickled or parsed
    return payload


def write_signed(entry: Path, key: bytes, header: bytes, payload: bytes) -> None:
    """Write a signed entry atomically; a cache that cannot be written is no error."""
    from wizard.atomic import WriteError, write_atomic

    with contextlib.suppress(WriteError, OSError):
        write_atomic(entry, MAGIC + header + payload + _mac(key, header, payload))


def _read(entry: Path, key: bytes, header: bytes) -> Pack | None:
    """The checked pack kept in ``entry``, or None if there is none that can be trusted."""
    payload = read_signed(entry, key, header)
    if payload is None:
        return None
    try:
        pack = _PackUnpickler(io.BytesIO(payload)).load()
    except Exception:  # a damaged or foreign entry fails in many ways; each means "none"
        return None
    if not isinstance(pack, Pack) or not pack.remaining:
        return None
    return pack


def _store(entry: Path, key: bytes, header: bytes, pack: Pack) -> None:
    try:
        payload = pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    write_signed(entry, key, header, payload)
