"""Provides saved sessions: one JSON file per case, written atomically after every step.

A crash or ``kill -9`` at any moment leaves the last complete step on disk
(the file is replaced by rename, never rewritten in place). Corrupt or
foreign files in the folder are reported and skipped, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.atomic import WriteError, write_atomic
from wizard.engine.case import Case
from wizard.engine.session import SessionError
from wizard.kb.model import Outcome, Pack
from wizard.kb.problems import PackError
from wizard.kb.values import shown
from wizard.paths import sessions_dir
from wizard.safeio import ReadError, is_regular, read_bounded

if TYPE_CHECKING:
    from wizard.engine.triage import Triage
    from wizard.kb.index import PackIndex

TRIAGE = "triage"
"""The ``kind`` of a saved triage (in its index), and the section that holds it."""

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

MAX_SESSION_BYTES = 64 * 1024 * 1024
"""Larger session files are skipped: a case holds a few artifacts of at most 10 MiB each."""


@dataclass(frozen=True)
class SessionInfo:
    """What the session list shows, read without loading the pack."""

    id: str
    reference: str
    pack: str
    pack_version: str
    started: str
    updated: str
    status: str
    diagnosis: str
    path: Path
    kind: str = "case"
    """``case`` (one article's case) or ``triage`` (a case across every article)."""


@dataclass(frozen=True)
class Skipped:
    """A file in the sessions folder that could not be read."""

    path: Path
    reason: str


def _file(session_id: str, folder: Path | None = None) -> Path:
    if not _ID.match(session_id):
        raise SessionError(f"'{shown(session_id)}' is not a session id")
    return (folder or sessions_dir()) / f"{session_id}.json"


def save_case(case: Case, folder: Path | None = None) -> Path:
    """Save ``case`` atomically; WriteError (one line) when the folder is not writable."""
    walk = case.session.walk()
    node = walk.node
    data = case.to_dict()
    data["index"] = {
        "reference": case.header.reference,
        "pack": case.pack.id,
        "pack_version": case.pack.version,
        "pack_sha256": case.pack.sha256,
        "pack_path": os.path.abspath(case.pack.path) if case.pack.path else "",
        "status": "escalated"
        if case.escalation is not None
        else "decided"
        if isinstance(node, Outcome)
        else "in-progress",
        "diagnosis": node.diagnosis if isinstance(node, Outcome) else "",
        "at": node.id,
    }
    path = _file(case.id, folder)
    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def save_triage(triage: Triage, folder: Path | None = None) -> Path:
    """Save ``triage`` atomically (fold an open article's Case in first: ``absorb``)."""
    leading = triage.leading()
    states = triage.articles()
    decided = (leading is not None and leading.status == "confirmed") or (
        bool(states) and all(s.status == "ruled-out" for s in states)
    )
    data = {
        "id": triage.id,
        "created": triage.created,
        "updated": triage.updated,
        "index": {
            "kind": TRIAGE,
            "reference": triage.header.reference,
            "pack": TRIAGE,
            "pack_version": "",
            "status": "decided" if decided else "in-progress",
            "diagnosis": f"{leading.pack}: {leading.diagnosis}" if leading is not None else "",
            "at": triage.current or "",
            "articles": len(states),
        },
        TRIAGE: triage.to_dict(),
    }
    path = _file(triage.id, folder)
    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def is_triage(session_id: str, folder: Path | None = None) -> bool:
    """Whether the saved session ``session_id`` is a triage (not one article's case)."""
    raw = _read(_file(resolve_id(session_id, folder), folder))
    return bool(raw["index"].get("kind") == TRIAGE)


def load_triage(index: PackIndex, session_id: str, folder: Path | None = None) -> Triage:
    """Load a saved triage; SessionError (one line) if missing, damaged or not a triage."""
    from wizard.engine.triage import Triage

    raw = _read(_file(resolve_id(session_id, folder), folder))
    if raw["index"].get("kind") != TRIAGE or not isinstance(raw.get(TRIAGE), dict):
        raise SessionError(f"session '{shown(session_id)}' is not a triage")
    return Triage.from_dict(index, raw[TRIAGE])


def _read(path: Path) -> dict[str, Any]:
    """A saved session's JSON, checked for the shape the list needs; SessionError otherwise."""
    try:
        data = read_bounded(path, MAX_SESSION_BYTES, "session")
    except ReadError as exc:
        raise SessionError(str(exc)) from None
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SessionError(f"{path}: not a saved session ({type(exc).__name__})") from None
    except RecursionError:
        raise SessionError(f"{path}: not a saved session (nested too deeply)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("index"), dict):
        raise SessionError(f"{path}: not a saved session (no index)")
    if not isinstance(raw.get("id"), str) or not _ID.match(raw["id"]):
        raise SessionError(f"{path}: not a saved session (no valid id)")
    index = raw["index"]
    for key in ("reference", "pack", "pack_version", "status", "diagnosis", "at", "kind"):
        if not isinstance(index.get(key, ""), str):
            raise SessionError(f"{path}: not a saved session (index '{key}' is not text)")
    for key in ("created", "updated"):
        if not isinstance(raw.get(key, ""), str):
            raise SessionError(f"{path}: not a saved session ('{key}' is not text)")
    return raw


def _status(raw: dict[str, Any], index: dict[str, Any]) -> str:
    """The index's status, or ``escalated`` when the case was escalated (older files say
    ``decided`` there)."""
    verdicts = raw.get("verifications")
    if isinstance(verdicts, list) and any(
        isinstance(v, dict) and v.get("verdict") == "escalated" for v in verdicts
    ):
        return "escalated"
    return str(index.get("status", ""))


def list_sessions(folder: Path | None = None) -> tuple[list[SessionInfo], list[Skipped]]:
    """Saved sessions, newest first, and the files that had to be skipped."""
    folder = folder or sessions_dir()
    infos: list[SessionInfo] = []
    skipped: list[Skipped] = []
    if not folder.is_dir():
        return infos, skipped
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix != ".json":
            if not path.name.startswith("."):
                skipped.append(Skipped(path, "not a .json session file"))
            continue
        try:
            raw = _read(path)
            index = raw["index"]
            infos.append(
                SessionInfo(
                    id=raw["id"],
                    reference=str(index.get("reference", "")),
                    pack=str(index.get("pack", "")),
                    pack_version=str(index.get("pack_version", "")),
                    started=str(raw.get("created", "")),
                    updated=str(raw.get("updated", "")),
                    status=_status(raw, index),
                    diagnosis=str(index.get("diagnosis", "")),
                    path=path,
                    kind=str(index.get("kind", "")) or "case",
                )
            )
        except SessionError as exc:
            skipped.append(Skipped(path, str(exc).split(": ", 1)[-1]))
    infos.sort(key=lambda i: (i.updated, i.id), reverse=True)
    return infos, skipped


def resolve_id(session_id: str, folder: Path | None = None) -> str:
    """``last`` -> the newest session's id; otherwise the id itself (or a unique prefix)."""
    infos, _ = list_sessions(folder)
    if session_id == "last":
        if not infos:
            raise SessionError("there are no saved sessions to resume")
        return infos[0].id
    exact = [i for i in infos if i.id == session_id]
    if exact:
        return session_id
    matches = [i for i in infos if i.id.startswith(session_id)]
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        raise SessionError(f"'{session_id}' matches {len(matches)} sessions; give more of the id")
    raise SessionError(f"no saved session '{shown(session_id)}' (see 'kbwizard sessions')")


@dataclass(frozen=True)
class SavedPack:
    """The pack a saved session was made with, as its index records it."""

    id: str
    path: str = ""
    sha256: str = ""
    """The pack file's content hash (empty in sessions saved before it was recorded)."""


def saved_pack(session_id: str, folder: Path | None = None) -> SavedPack:
    """The pack a saved session was made with: its id, file and content hash."""
    index = _read(_file(resolve_id(session_id, folder), folder))["index"]

    def text(key: str) -> str:
        value = index.get(key, "")
        return value if isinstance(value, str) else ""

    return SavedPack(text("pack"), text("pack_path"), text("pack_sha256"))


_PACK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def open_saved_pack(saved: SavedPack, extra: list[str] | None = None) -> Pack:
    """The pack a saved session recorded, found only where a pack may come from.

    That is the recorded file when it still has the recorded content hash (the
    very pack the session was made with), else the pack of that id on the pack
    search path. A recorded path is never trusted by itself: a session naming
    some other file never loads it. SessionError (one line) when neither is there.
    """
    from wizard.kb.cache import load_checked
    from wizard.kb.packfile import read_pack_file
    from wizard.kb.registry import analyzer_specs, find_pack
    from wizard.paths import cache_dir

    if saved.path and re.fullmatch(r"[0-9a-f]{64}", saved.sha256) and is_regular(saved.path):
        try:
            same = hashlib.sha256(read_pack_file(saved.path)).hexdigest() == saved.sha256
        except PackError:
            same = False
        if same:
            pack = load_checked(Path(saved.path), analyzer_specs(), cache_dir())
            if pack.sha256 == saved.sha256:
                return pack
    valid_id = bool(_PACK_ID.match(saved.id)) and not saved.id.endswith((".yaml", ".yml"))
    pack_file = find_pack(saved.id, extra) if valid_id else None
    if pack_file is not None:
        return load_checked(pack_file.path, analyzer_specs(), cache_dir())
    where = f" (file {shown(saved.path, 200)})" if saved.path else ""
    raise SessionError(
        f"the session's pack '{shown(saved.id)}'{where} is not installed, and its file is gone "
        "or has changed; name the pack file with --pack FILE"
    )


def load_case(pack: Pack, session_id: str, folder: Path | None = None) -> Case:
    """Load a saved case; SessionError (one line) if it is missing, damaged or incompatible."""
    path = _file(resolve_id(session_id, folder), folder)
    raw = _read(path)
    if raw["index"].get("kind") == TRIAGE:
        raise SessionError(f"session '{shown(session_id)}' is a triage, not one article's case")
    return Case.from_dict(pack, raw)


def prune(days: float, folder: Path | None = None) -> list[Path]:
    """Delete sessions not changed for ``days`` days; returns what was removed."""
    cutoff = time.time() - days * 86400
    removed = []
    infos, _ = list_sessions(folder)
    for info in infos:
        try:
            if info.path.stat().st_mtime < cutoff:
                info.path.unlink()
                removed.append(info.path)
        except OSError as exc:
            raise WriteError(f"cannot remove {info.path}: {exc.strerror or exc}") from None
    return removed
