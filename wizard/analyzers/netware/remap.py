"""The remap fix (TID 7014886): map the cluster volumes through their volume objects.

Provides ``remap_login_script``: from an analysed login script it rewrites, in place, the
target of every mapping of a cluster volume that goes through a cluster node (its name,
its primary IP, a bare volume on a node) or through the cluster object / Cluster Master IP
to the cluster volume object form ``.{cluster_name}_{VOLUME}.{cluster_context}:`` (TID
7014886: ``map o:=.my-cluster_vol2.Corp.EMA:``), keeping any path after the volume and
every other byte (comments, casing, IF blocks, each line's own ending, the original
encoding). The diff is built as the reorder's is (``script_diff``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.gcpause import paused_gc

from .login_script import LoginScriptAnalysis, Mapping
from .script_diff import Unit, joined, unified_diff

REWRITTEN = ("node", "cluster-object")
"""The ``cluster_volume`` values of the mappings the remap rewrites."""

_NAME = re.compile(r"[^\s;:\"\\/*?<>|,\[\]]+")
"""A cluster name or context the object form can hold (no blank, separator or wildcard)."""
_SLASH = re.compile(r"[\\/]")
MAX_NOTED = 20
"""At most this many mappings are named in a note; the rest are counted."""


@dataclass(frozen=True)
class Remapping:
    """The remapped script (text and original-encoding bytes), its diff, and what was done."""

    text: str
    data: bytes
    diff: str
    changed: tuple[int, ...]
    """The numbers of the lines rewritten."""
    notes: tuple[str, ...]
    unavailable: str = ""
    """Why no script can be given although mappings need rewriting ("" when one is)."""


def _volume_object(name: str, context: str, volume: str) -> str:
    return f".{name}_{volume}.{context}:"


def _split(mapping: Mapping) -> tuple[int, int, str] | None:
    """(start, end, volume as written) of the part of ``mapping.target`` that names its
    server and volume (what the volume object replaces), or None when there is none."""
    target = mapping.target
    start = len(target) - len(target.lstrip())
    if target[start : start + 1] == '"':
        start += 1
    body = target[start:]
    form = mapping.form
    if form in ("unc-ip", "unc-name"):
        parts = _SLASH.split(body[2:], maxsplit=2)
        if len(parts) < 2 or not parts[1].rstrip('":'):
            return None
        volume = parts[1].rstrip('"')
        end = start + 2 + len(parts[0]) + 1 + len(volume)
        return start, end, volume.rstrip(":")
    colon = body.find(":")
    if colon < 0:
        return None
    head = body[:colon]
    if form == "volume-object":  # a node's own volume object, .<NODE>_<VOLUME>.context:
        rdn = head.lstrip(".").partition(".")[0]
        if "=" in rdn:
            rdn = rdn.partition("=")[2]
        volume = rdn.rpartition("_")[2]
    elif form == "bare-volume":
        volume = head
    elif form in ("server-volume", "ip-volume"):
        volume = _SLASH.split(head)[-1]
    else:
        return None
    volume = volume.strip()
    if not volume:
        return None
    return start, start + colon + 1, volume


def remap_login_script(
    analysis: LoginScriptAnalysis, cluster_name: str, cluster_context: str
) -> Remapping | None:
    """The script with its node and cluster-object mappings of cluster volumes rewritten to
    the cluster volume object form; None when no mapping needs it."""
    with paused_gc():
        return _remap(analysis, cluster_name.strip(), cluster_context.strip().strip("."))


def _remap(analysis: LoginScriptAnalysis, name: str, context: str) -> Remapping | None:
    by_line: dict[int, list[Mapping]] = {}
    for mapping in analysis.mappings:
        if mapping.cluster_volume in REWRITTEN:
            by_line.setdefault(mapping.line, []).append(mapping)
    if not by_line:
        return None
    decoded = analysis.decoded
    first = min(by_line)
    missing = [
        word for word, value in (("cluster_name", name), ("cluster_context", context)) if not value
    ]
    reason = ""
    if missing:
        reason = (
            f"line {first} maps a cluster volume through a node or the cluster object, but "
            f"the cluster volume object's name needs {' and '.join(missing)} (the cluster's "
            "name and the eDirectory context of its objects), which is not known"
        )
    elif not _NAME.fullmatch(name) or not _NAME.fullmatch(context):
        reason = (
            f"the cluster name {name!r} or context {context!r} cannot be written in a MAP "
            "target (blanks, ';', ':', slashes or quotes in it); write the mapping by hand"
        )
    if reason:
        return Remapping(decoded.text, decoded.encode(decoded.text), "", (), (), reason)
    lines = decoded.lines
    units = [Unit(line.number, line.text, line.ending, []) for line in lines]
    changed: set[tuple[int, int]] = set()
    skipped: list[Mapping] = []
    rewritten: list[tuple[Mapping, str]] = []
    for number, mappings in by_line.items():
        if not 0 < number <= len(units):
            skipped.extend(mappings)
            continue
        text = units[number - 1].text
        out: list[str] = []
        cursor = 0
        for mapping in mappings:
            split = _split(mapping)
            at = text.find(mapping.target, cursor) if mapping.target else -1
            if split is None or at < 0:
                skipped.append(mapping)
                continue
            start, end, volume = split
            new = _volume_object(name, context, volume)
            out.append(text[cursor : at + start])
            out.append(new)
            cursor = at + end
            rewritten.append((mapping, new))
        if cursor:
            units[number - 1].text = "".join(out) + text[cursor:]
            changed.add((number, -1))
    if not changed:
        reason = (
            f"line {first} maps a cluster volume through a node or the cluster object in a "
            "form that cannot be rewritten safely; write the mapping by hand as "
            + _volume_object(name, context, "VOLUME")
        )
        return Remapping(decoded.text, decoded.encode(decoded.text), "", (), (), reason)
    text = joined(units)
    numbers = tuple(sorted(number for number, _ in changed))
    shown = ", ".join(
        f"line {m.line}: {m.target.strip()} -> {new}" for m, new in rewritten[:MAX_NOTED]
    )
    if len(rewritten) > MAX_NOTED:
        shown += f" and {len(rewritten) - MAX_NOTED} more"
    notes = [
        f"rewritten to the cluster volume object form .{name}_VOLUME.{context}: ({shown}); "
        "the names follow NCS's <CLUSTER>_<VOLUME> convention: check that each object "
        "exists in that context before pasting the script back"
    ]
    if skipped:
        lines_text = ", ".join(str(m.line) for m in skipped[:MAX_NOTED])
        notes.append(
            f"not rewritten (a form that cannot be changed safely), change by hand: line "
            f"{lines_text}"
        )
    diff = unified_diff([line.text for line in lines], units, changed, "remapped")
    return Remapping(text, decoded.encode(text), diff, numbers, tuple(notes))
