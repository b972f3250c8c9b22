"""Result types shared by the evidence analyzers.

Provides the vocabulary every analyzer answers in: a ``Finding`` (one fact the
artifact supplies, with the line that decided it), a ``Remark`` (something worth
telling the user that is not a fact), the ``EvidenceReport`` that bundles them,
and the ``SiteContext`` (what is already known about the site) used to classify
login-script targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wizard.evidence.text import SourceLine

Role = Literal["node", "virtual", "other", "unknown"]
"""What a login-script target connects to: a cluster node, a virtual server,
something unrelated to the cluster, or not known."""

ROLES: tuple[Role, ...] = ("node", "virtual", "other", "unknown")


@dataclass(frozen=True)
class Finding:
    """One fact an artifact supplies, with the line that decided it (provenance)."""

    fact: str
    value: str | tuple[str, ...]
    line: int
    detail: str


@dataclass(frozen=True)
class Remark:
    """Something worth telling the user that is not a fact (caveats, doubts)."""

    line: int | None
    level: Literal["info", "warning"]
    text: str


def escape_remarks(data: bytes | str, lines: Iterable[SourceLine]) -> tuple[Remark, ...]:
    """A warning when the text holds ESC (a terminal escape): a paste that went through a
    terminal may be scrambled, so the user is told which lines to check, never left guessing.

    ``data`` is the artifact as given: without an ESC byte in it (one C-level search, in
    every encoding the decoder reads) the lines are not looked at.
    """
    has_escape = b"\x1b" in data if isinstance(data, bytes) else "\x1b" in data
    if not has_escape:
        return ()
    found = [line.number for line in lines if "\x1b" in line.text]
    if not found:
        return ()
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    where = f" (lines {', '.join(str(n) for n in found[:5])}{more})" if len(found) > 1 else ""
    return (
        Remark(
            found[0],
            "warning",
            f"the text holds terminal escape characters (ESC, shown as \\x1b){where}: it may "
            "have been scrambled on its way here; check these lines against the original",
        ),
    )


@dataclass(frozen=True)
class EvidenceReport:
    """What one analyzer made of one artifact; never fatal, always complete."""

    kind: str
    findings: tuple[Finding, ...]
    unrecognised: tuple[tuple[int, str], ...]
    remarks: tuple[Remark, ...]
    encoding: str

    def fact(self, name: str) -> Finding | None:
        """The finding for fact ``name``, or None when the artifact does not supply it."""
        for finding in self.findings:
            if finding.fact == name:
                return finding
        return None


@dataclass(frozen=True)
class SiteContext:
    """What is known about the site from other evidence or answered facts.

    Names are compared upper-cased. ``role_overrides`` holds the user's
    corrections keyed by ``Mapping.server`` (upper-cased; ``""`` stands for the
    default server of bare-volume mappings) and wins over everything else.
    """

    node_names: frozenset[str] = frozenset()
    virtual_servers: frozenset[str] = frozenset()
    virtual_ips: frozenset[str] = frozenset()
    node_ips: frozenset[str] = frozenset()
    cluster_volumes: frozenset[str] = frozenset()
    volume_objects: frozenset[str] = frozenset()
    role_overrides: Mapping[str, Role] = field(default_factory=dict)

    def merged(self, other: SiteContext) -> SiteContext:
        """Union of both contexts; ``other``'s role overrides win on the same key."""
        overrides: dict[str, Role] = dict(self.role_overrides)
        overrides.update(other.role_overrides)
        return SiteContext(
            node_names=self.node_names | other.node_names,
            virtual_servers=self.virtual_servers | other.virtual_servers,
            virtual_ips=self.virtual_ips | other.virtual_ips,
            node_ips=self.node_ips | other.node_ips,
            cluster_volumes=self.cluster_volumes | other.cluster_volumes,
            volume_objects=self.volume_objects | other.volume_objects,
            role_overrides=overrides,
        )
