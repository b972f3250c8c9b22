"""Provides a cache of packs already validated, so starting the wizard skips the graph checks.

Validation needs networkx and walks the whole graph; a pack that passed once
(same bytes, same validator) passes again. The cache keeps, per pack hash,
that it is valid and the progress figures the session needs, so a warm start
imports no networkx at all. Any problem with the cache means a full check.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from pathlib import Path

from wizard import __version__
from wizard.kb.loader import parse_pack
from wizard.kb.model import Pack
from wizard.kb.problems import PackError, Problem

CACHE_FORMAT = 1


def _entry(cache_dir: Path, sha256: str) -> Path:
    return cache_dir / "packs" / f"{sha256}-{__version__}-{CACHE_FORMAT}.json"


def load_checked(path: Path, analyzers: frozenset[str], cache_dir: Path | None) -> Pack:
    """Load ``path`` fully checked; PackError listing every problem, as ``load_pack`` does."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackError([Problem(name, 1, f"cannot read pack: {exc.strerror or exc}")]) from None
    pack, problems = parse_pack(data, name)
    if problems or pack is None:
        raise PackError(problems)
    entry = _entry(cache_dir, pack.sha256) if cache_dir is not None else None
    if entry is not None:
        try:
            cached = json.loads(entry.read_text(encoding="utf-8"))
            if cached.get("analyzers") == sorted(analyzers):
                remaining = {k: (int(v[0]), int(v[1])) for k, v in cached["remaining"].items()}
                if set(remaining) == set(pack.nodes):
                    return replace(pack, remaining=remaining)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # no cache, or a damaged one: check in full
    from wizard.kb.graph import graph_of, remaining_questions
    from wizard.kb.validate import validate_pack

    problems = validate_pack(pack, analyzers)
    if problems:
        raise PackError(problems)
    remaining = remaining_questions(graph_of(pack))
    if entry is not None:
        _store(entry, analyzers, remaining)
    return replace(pack, remaining=remaining)


def _store(entry: Path, analyzers: frozenset[str], remaining: dict[str, tuple[int, int]]) -> None:
    from wizard.atomic import WriteError, write_atomic

    data = {"analyzers": sorted(analyzers), "remaining": remaining}
    with contextlib.suppress(WriteError, OSError):  # an unwritable cache only costs time
        write_atomic(entry, json.dumps(data).encode("utf-8"))
