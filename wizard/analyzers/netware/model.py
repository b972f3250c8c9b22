"""Provides what the NetWare analyzers know of a site: the roles of login-script targets and
the ``SiteContext`` (names and addresses known from other evidence or answers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["node", "virtual", "other", "unknown"]
"""What a login-script target connects to: a cluster node, a virtual server,
something unrelated to the cluster, or not known."""

ROLES: tuple[Role, ...] = ("node", "virtual", "other", "unknown")


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
    cluster_names: frozenset[str] = frozenset()
    """The cluster object's name(s) (``cluster_name``): mapping through it reaches the
    node that holds the Cluster Master IP."""
    master_ips: frozenset[str] = frozenset()
    """The Cluster Master IP address(es) (``master_ip``)."""

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
            cluster_names=self.cluster_names | other.cluster_names,
            master_ips=self.master_ips | other.master_ips,
        )
