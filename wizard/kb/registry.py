"""Provides finding installed packs: the bundled ones, then --pack-dir and KBWIZARD_PACK_PATH."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.kb.model import AnalyzerSpec, Pack
from wizard.kb.problems import PackError, Problem
from wizard.safeio import is_regular

PACK_PATH_ENV = "KBWIZARD_PACK_PATH"
"""Extra pack folders, separated like PATH."""

DEFAULT_PACK_FILE = "default-pack.txt"
"""In the bundled packs' folder: the id of the pack opened when none is named (data, not
code: nothing in ``wizard`` names a pack)."""


def analyzer_specs() -> dict[str, AnalyzerSpec]:
    """What every installed analyzer declares (found through the ``kbwizard.analyzers``
    entry points), for checking a pack against them."""
    from wizard.evidence.registry import specs

    return specs()


def __getattr__(name: str) -> Any:
    """``ANALYZERS``: the same as ``analyzer_specs()``, read when asked for."""
    if name == "ANALYZERS":
        return analyzer_specs()
    if name == "DEFAULT_PACK":
        return default_pack_id()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class PackFile:
    """A pack file found on disk, identified by its file name (``<id>.yaml``)."""

    id: str
    path: Path
    origin: str  # "bundled", or the folder it came from


def bundled_dir() -> Path:
    """The packs shipped in the wheel (``knowledge/`` of a source checkout)."""
    from importlib.util import find_spec

    spec = find_spec("wizard.packs")  # a folder mapped from knowledge/, so found, not imported
    if spec is None or not spec.submodule_search_locations:
        raise PackError([Problem("wizard.packs", 1, "the bundled packs are not installed")])
    return Path(spec.submodule_search_locations[0])


def default_pack_id() -> str:
    """The pack opened when none is named: the first line of the bundled ``default-pack.txt``
    (else the first bundled pack by name)."""
    folder = bundled_dir()
    try:
        with open(folder / DEFAULT_PACK_FILE, "rb") as handle:
            first = handle.read(256).decode("utf-8", "replace").strip().splitlines()
    except OSError:
        first = []
    if first and first[0].strip():
        return first[0].strip()
    bundled = _pack_files(folder)
    return bundled[0].stem if bundled else ""


def search_dirs(extra: list[str] | None = None) -> list[tuple[Path, str]]:
    """Pack folders in priority order: --pack-dir, then the environment, then bundled."""
    dirs: list[tuple[Path, str]] = [(Path(d), d) for d in extra or []]
    env = os.environ.get(PACK_PATH_ENV, "")
    dirs += [(Path(d), d) for d in env.split(os.pathsep) if d]
    dirs.append((bundled_dir(), "bundled"))
    return dirs


def find_packs(extra: list[str] | None = None) -> list[PackFile]:
    """Every pack file, first occurrence of an id wins (so a folder can override a bundled pack)."""
    found: dict[str, PackFile] = {}
    for folder, origin in search_dirs(extra):
        for path in _pack_files(folder):
            found.setdefault(path.stem, PackFile(path.stem, path, origin))
    return list(found.values())


def _pack_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` then ``*.yml`` regular files of ``folder``, each sorted by name.

    Only the folder is listed and each entry stat'ed, never opened: a FIFO, a
    device or a folder named like a pack is passed over without blocking.
    """
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.name.endswith((".yaml", ".yml")) and _regular(e)]
    except OSError:
        return []
    return [folder / n for n in sorted(names, key=lambda n: (n.endswith(".yml"), n))]


def _regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def find_pack(pack_id: str, extra: list[str] | None = None) -> PackFile | None:
    """The file ``find_packs`` would give for ``pack_id``, found without listing every folder."""
    for folder, origin in search_dirs(extra):
        for suffix in (".yaml", ".yml"):
            path = folder / f"{pack_id}{suffix}"
            if is_regular(path):
                return PackFile(pack_id, path, origin)
    return None


def open_pack(pack_id: str | None = None, extra: list[str] | None = None) -> Pack:
    """Load the pack ``pack_id`` (default: the reference pack), or a pack file given by path."""
    from wizard.kb.cache import load_checked
    from wizard.paths import cache_dir

    wanted = pack_id or default_pack_id()
    if wanted.endswith((".yaml", ".yml")) or os.sep in wanted:
        return load_checked(Path(wanted), analyzer_specs(), cache_dir())
    pack_file = find_pack(wanted, extra)
    if pack_file is not None:
        return load_checked(pack_file.path, analyzer_specs(), cache_dir())
    known = ", ".join(p.id for p in find_packs(extra)) or "none"
    raise PackError([Problem("", 0, f"no pack named '{wanted}' (installed: {known})")])


def pack_title(pack_id: str, near: str = "", extra: list[str] | None = None) -> str | None:
    """The title of the installed pack ``pack_id`` (for a ``see_also`` link), or None when
    no such pack is found or it cannot be read. ``near``: a pack file whose own folder is
    searched first (the packs beside it are installed together)."""
    from wizard.kb.loader import parse_pack
    from wizard.kb.packfile import read_pack_file

    folders = [str(Path(near).parent)] if near else []
    found = find_pack(pack_id, [*folders, *(extra or [])])
    if found is None:
        return None
    try:
        pack, _problems = parse_pack(read_pack_file(found.path), str(found.path))
    except (OSError, PackError, ValueError):
        return None
    if pack is None or pack.id != pack_id or not pack.title:
        return None
    return pack.title
