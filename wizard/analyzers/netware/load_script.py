"""NCS cluster resource load/unload script analyzer.

Provides ``analyze_load_script`` (bytes or text -> ``LoadScriptAnalysis``: how
the virtual IPs are assigned - ``BIND IP … ADDRESS=`` vs ``add secondary
ipaddress`` - the virtual IPs, the virtual NCP server names from ``NUDP ADD`` /
``CVSBIND ADD`` / ``CLUSTER CVSBIND ADD``, pools and volumes) and
``context_from``, which turns that into a ``SiteContext`` for classifying
login-script targets. Unload-script commands are recognised too; lines that are
not script commands are reported, never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from wizard.evidence.model import EvidenceReport, Finding, Remark, escape_remarks
from wizard.evidence.text import MAX_PATTERN_LINE, DecodedText, decode, is_ipv4, paste_content

from .model import SiteContext

KIND = "load-script"
_SETTLED_LINES = 65_536

# Never starts inside a run of blanks: a run not followed by "=" is then scanned once, not
# once from each of its characters (quadratic on a line of blanks).
_KEY_VALUE_SPACING = re.compile(r"(?<![ \t])[ \t]*=[ \t]*")
_SECONDARY = re.compile(r"(ADD|DEL|DELETE)[ \t]+SECONDARY[ \t]+IP[ \t]*ADDRESS[ \t]+(\S+)")
_ADVERTISE = re.compile(r"(?:CLUSTER[ \t]+)?(CVSBIND|NUDP)[ \t]+(ADD|DEL|DELETE)\b(.*)")
_POOL = re.compile(r"NSS\b.*?/POOL(DE)?ACTIVATE[ \t]*=[ \t]*([^\s/]+)")
_MOUNT = re.compile(r"MOUNT[ \t]+(\S+)")
_VOLID = re.compile(r"(?:^| )/?VOLID ?= ?([^ ]*)")
_NCPCON_MOUNT = re.compile(r"NCPCON MOUNT ([^ =]+) ?= ?([^ ]*)")
_PREFIXES = ("IGNORE_ERROR", "EXIT_ON_ERROR")
MAX_VOLUME_ID = 254
"""Volume IDs are 0 to 254 (0 is SYS, 1 is _ADMIN; cluster volumes count down from 254)."""
_RESERVED_IDS = {"0": "SYS", "1": "_ADMIN"}
_MAX_ID_REMARKS = 20
_WORD = re.compile(r"[A-Z_][A-Z0-9_]*")

_KNOWN_COMMANDS = frozenset(
    {
        "LOAD", "UNLOAD", "SET", "CLUSTER", "CIFS", "AFPBIND", "SLEEP", "DELAY", "EXIT",
        "DISMOUNT", "NSS", "MOUNT", "BIND", "UNBIND", "NUDP", "CVSBIND", "ADD", "DEL",
        "ECHO", "TRUSTMIG", "NCPCON", "SEARCH", "ENABLE", "DISABLE", "CALL",
    }
)  # fmt: skip


@dataclass(frozen=True)
class LoadScriptAnalysis:
    """What a cluster resource script says about its virtual server and IPs."""

    report: EvidenceReport
    virtual_ips: tuple[str, ...]
    virtual_servers: tuple[str, ...]
    pools: tuple[str, ...]
    volumes: tuple[str, ...]
    bind_lines: tuple[int, ...]
    secondary_lines: tuple[int, ...]
    decoded: DecodedText
    volume_ids: tuple[tuple[int, str, str], ...] = ()
    """(line, volume, ID) of each ``mount <volume> VOLID=<ID>`` (the first line of each
    volume and ID pair), in script order."""
    cvsbind_line: int = 0
    """The first ``CVSBIND ADD`` / ``CLUSTER CVSBIND ADD`` line (0: none)."""
    nudp_line: int = 0
    """The first ``NUDP ADD`` line (0: none)."""


def bind_address(command: str) -> tuple[str, str] | None:
    """``(board, address value)`` of a ``BIND IP`` command, or None when it is not one.

    Parameters are ``key=value`` in any order and case, maybe inside square
    brackets; the address key is ``ADDRESS`` or (unconfirmed) ``ADDR``. The
    address value is returned as written ("" when absent) for the caller to
    validate.
    """
    if len(command) > MAX_PATTERN_LINE:
        return None
    normalised = _KEY_VALUE_SPACING.sub("=", command.replace("[", " ").replace("]", " "))
    tokens = normalised.replace(",", " ").split()
    if len(tokens) < 2 or tokens[0].upper() != "BIND" or tokens[1].upper() != "IP":
        return None
    board = ""
    address = ""
    for token in tokens[2:]:
        key, equals, value = token.partition("=")
        if not equals:
            if not board and key.upper() != "TO":
                board = key
            continue
        if key.upper() in ("ADDRESS", "ADDR") and not address:
            address = value.strip("\"'")
    return board, address


def _strip_prefixes(upper: str) -> str:
    """Drop ``ignore_error`` (NCS) prefixes, which do not change what a command does."""
    while upper.startswith(_PREFIXES):
        for prefix in _PREFIXES:
            if upper.startswith(prefix):
                upper = upper[len(prefix) :].lstrip()
    return upper


class _Reader:
    """Collects facts from the script lines in one pass."""

    def __init__(self) -> None:
        self.virtual_ips: dict[str, None] = {}  # distinct, in order (a set in order)
        self.virtual_servers: dict[str, None] = {}  # distinct, in order (a set in order)
        self.server_lines: dict[str, int] = {}
        self.ip_lines: dict[str, int] = {}
        self.pools: dict[str, None] = {}  # distinct, in order (a set in order)
        self.volumes: dict[str, None] = {}  # distinct, in order (a set in order)
        self.bind_lines: list[int] = []
        self.secondary_lines: list[int] = []
        self.unbind_lines: list[int] = []
        self.del_secondary_lines: list[int] = []
        self.unrecognised: list[tuple[int, str]] = []
        self.remarks: list[Remark] = []
        self.commands = 0
        self.volume_ids: dict[tuple[str, str], int] = {}  # (volume, ID) -> first line
        self.recorded = 0  # volume IDs and CVSBIND/NUDP lines recorded (for state())
        self.id_remarks = 0
        self.cvsbind_line = 0
        self.nudp_line = 0

    def state(self) -> tuple[int, ...]:
        """Changes whenever a line records anything but a command or unrecognised text."""
        return (
            len(self.virtual_ips), len(self.virtual_servers), len(self.server_lines),
            len(self.ip_lines), len(self.pools), len(self.volumes), len(self.bind_lines),
            len(self.secondary_lines), len(self.unbind_lines), len(self.del_secondary_lines),
            len(self.remarks), self.recorded,
        )  # fmt: skip

    def volume_id(self, number: int, volume: str, value: str) -> None:
        """Record ``mount <volume> VOLID=<value>``; a value that is no volume ID is said."""
        digits = value.isascii() and value.isdigit()
        if not digits or (len(value) > 2 and int(value) > MAX_VOLUME_ID):
            if self.id_remarks < _MAX_ID_REMARKS:
                self.remarks.append(
                    Remark(
                        number,
                        "warning",
                        f"line {number}: {value or 'nothing'} is not a volume ID (0 to "
                        f"{MAX_VOLUME_ID}); not counted",
                    )
                )
            self.id_remarks += 1
            return
        if value[0] == "0" and len(value) > 1:
            value = str(int(value))
        key = (volume, value)
        if key in self.volume_ids:
            return
        self.volume_ids[key] = number
        self.recorded += 1
        reserved = _RESERVED_IDS.get(value)
        if reserved is not None and self.id_remarks < _MAX_ID_REMARKS:
            self.id_remarks += 1
            self.remarks.append(
                Remark(
                    number,
                    "warning",
                    f"line {number} mounts {volume} with volume ID {value}, which is reserved "
                    f"for {reserved}",
                )
            )

    def ip(self, value: str, number: int) -> None:
        if value not in self.ip_lines:
            self.ip_lines[value] = number
        self.virtual_ips[value] = None

    def line(self, number: int, text: str) -> None:
        if len(text) > MAX_PATTERN_LINE:
            self.unrecognised.append((number, text))
            return
        content, decoration = paste_content(text)
        if decoration:
            self.unrecognised.append((number, text))
            return
        stripped = content.strip()
        if not stripped:
            return
        if (
            stripped[0] in "#;"
            or stripped.upper().startswith(("REM ", "//"))
            or (stripped.upper() == "REM")
        ):
            return
        upper = _strip_prefixes(" ".join(stripped.upper().split()))
        if not upper:
            return
        if self.command(number, upper):
            self.commands += 1
        else:
            self.unrecognised.append((number, text))

    def command(self, number: int, upper: str) -> bool:
        secondary = _SECONDARY.match(upper)
        if secondary is not None:
            value = secondary.group(2)
            if not is_ipv4(value):
                self.remarks.append(
                    Remark(number, "warning", f"line {number}: {value} is not a valid IPv4 address")
                )
                return True
            if secondary.group(1) == "ADD":
                self.secondary_lines.append(number)
            else:
                self.del_secondary_lines.append(number)
            self.ip(value, number)
            return True
        advertise = _ADVERTISE.match(upper)
        if advertise is not None:
            args = advertise.group(3).split()
            if advertise.group(2) == "ADD":
                if advertise.group(1) == "CVSBIND":
                    if not self.cvsbind_line:
                        self.cvsbind_line = number
                        self.recorded += 1
                elif not self.nudp_line:
                    self.nudp_line = number
                    self.recorded += 1
                if args:
                    name = args[0]
                    if name not in self.server_lines:
                        self.server_lines[name] = number
                    self.virtual_servers[name] = None
                if len(args) > 1 and is_ipv4(args[1]):
                    self.ip(args[1], number)
            return True
        if upper.startswith(("BIND ", "UNBIND ")):
            return self.bind(number, upper)
        pool = _POOL.match(upper)
        if pool is not None:
            if pool.group(1) is None:
                self.pools[pool.group(2)] = None
            return True
        mount = _MOUNT.match(upper)
        if mount is not None:
            volume = mount.group(1)
            if volume != "ALL":
                self.volumes[volume] = None
                volid = _VOLID.search(upper, mount.end()) if "VOLID" in upper else None
                if volid is not None:
                    self.volume_id(number, volume, volid.group(1))
            return True
        ncpcon = _NCPCON_MOUNT.match(upper)
        if ncpcon is not None:  # OES: ncpcon mount <volume>=<ID>
            self.volumes[ncpcon.group(1)] = None
            self.volume_id(number, ncpcon.group(1), ncpcon.group(2))
            return True
        word = _WORD.match(upper)
        return word is not None and word.group() in _KNOWN_COMMANDS

    def bind(self, number: int, upper: str) -> bool:
        unbind = upper.startswith("UNBIND ")
        parsed = bind_address(upper[2:] if unbind else upper)
        if parsed is None:
            return True
        _board, address = parsed
        if not address:
            self.remarks.append(
                Remark(number, "info", f"line {number}: BIND IP without ADDRESS=; not counted")
            )
            return True
        if not is_ipv4(address):
            self.remarks.append(
                Remark(number, "warning", f"line {number}: {address} is not a valid IPv4 address")
            )
            return True
        if unbind:
            self.unbind_lines.append(number)
        else:
            self.bind_lines.append(number)
        self.ip(address, number)
        return True


def _lines_text(lines: list[int]) -> str:
    return ", ".join(str(line) for line in lines)


def analyze_load_script(data: bytes | str) -> LoadScriptAnalysis:
    """Read a cluster load (or unload) script: vip_method, virtual IPs, virtual servers."""
    decoded = decode(data)
    reader = _Reader()
    # What a line that changed nothing else did (0 nothing, 1 a command, 2 unrecognised), by
    # its text: a repeated line costs one lookup. Bounded in size.
    settled: dict[str, int] = {}
    for number, text in decoded.numbered():  # an empty line says nothing
        outcome = settled.get(text)
        if outcome is None and len(settled) >= _SETTLED_LINES:  # full: no more bookkeeping
            reader.line(number, text)
        elif outcome is None:
            before = reader.state()
            commands, unrecognised = reader.commands, len(reader.unrecognised)
            reader.line(number, text)
            if reader.state() == before:
                settled[text] = (reader.commands - commands) + 2 * (
                    len(reader.unrecognised) - unrecognised
                )
        elif outcome == 1:
            reader.commands += 1
        elif outcome == 2:
            reader.unrecognised.append((number, text))
    findings: list[Finding] = []
    remarks = list(reader.remarks) + list(escape_remarks(data, decoded.numbered()))
    bind, secondary = reader.bind_lines, reader.secondary_lines
    if bind and secondary:
        remarks.append(
            Remark(
                bind[0],
                "warning",
                f"the script both BINDs virtual IPs (line {_lines_text(bind)}) and adds them as "
                f"secondary addresses (line {_lines_text(secondary)}); which method is in use "
                "must be confirmed",
            )
        )
    elif bind:
        findings.append(
            Finding(
                "vip_method",
                "bind",
                bind[0],
                f"line {bind[0]} assigns {next(iter(reader.virtual_ips), 'an IP')}"
                " with BIND IP … ADDRESS=, a real binding that NCP registers",
            )
        )
    elif secondary:
        findings.append(
            Finding(
                "vip_method",
                "secondary",
                secondary[0],
                f"line {secondary[0]} assigns the virtual IP with add secondary ipaddress",
            )
        )
    elif reader.unbind_lines and not reader.del_secondary_lines:
        line = reader.unbind_lines[0]
        findings.append(
            Finding(
                "vip_method", "bind", line, f"line {line} (unload script) UNBINDs the virtual IP"
            )
        )
        remarks.append(Remark(line, "info", "vip_method taken from the unload script (UNBIND)"))
    elif reader.del_secondary_lines and not reader.unbind_lines:
        line = reader.del_secondary_lines[0]
        findings.append(
            Finding(
                "vip_method",
                "secondary",
                line,
                f"line {line} (unload script) deletes the secondary address",
            )
        )
        remarks.append(
            Remark(
                line, "info", "vip_method taken from the unload script (del secondary ipaddress)"
            )
        )
    else:
        remarks.append(
            Remark(
                None,
                "info",
                "no BIND IP … ADDRESS= and no add secondary ipaddress line: how the virtual IP "
                "is assigned is not known from this script",
            )
        )
    if reader.virtual_ips:
        first = min(reader.ip_lines.values())
        findings.append(
            Finding(
                "virtual_ips",
                tuple(reader.virtual_ips),
                first,
                "virtual IP addresses the script assigns or advertises: "
                + ", ".join(f"{ip} (line {reader.ip_lines[ip]})" for ip in reader.virtual_ips),
            )
        )
    if reader.virtual_servers:
        first = min(reader.server_lines.values())
        findings.append(
            Finding(
                "virtual_servers",
                tuple(reader.virtual_servers),
                first,
                "virtual NCP server names advertised with NUDP/CVSBIND ADD: "
                + ", ".join(
                    f"{name} (line {reader.server_lines[name]})" for name in reader.virtual_servers
                ),
            )
        )
    mounts = tuple((line, volume, value) for (volume, value), line in reader.volume_ids.items())
    found, said = volume_id_facts(mounts, _line_words, None)
    cvsbind = cvsbind_fact([(reader.cvsbind_line or None, reader.nudp_line or None)], _line_words)
    if cvsbind is not None:
        found.append(cvsbind)
    findings.extend(Finding(f.fact, f.value, f.places[0], f.detail) for f in found)
    remarks.extend(Remark(line, "warning", text) for line, text in said)
    if reader.commands == 0 and decoded.body:
        remarks.append(Remark(None, "info", "no cluster load-script commands found"))
    report = EvidenceReport(
        KIND, tuple(findings), tuple(reader.unrecognised), tuple(remarks), decoded.encoding
    )
    return LoadScriptAnalysis(
        report,
        tuple(reader.virtual_ips),
        tuple(reader.virtual_servers),
        tuple(reader.pools),
        tuple(reader.volumes),
        tuple(bind),
        tuple(secondary),
        decoded,
        mounts,
        reader.cvsbind_line,
        reader.nudp_line,
    )


P = TypeVar("P")
MAX_PLACES = 50
"""At most this many lines are cited for one fact (the detail counts the rest)."""
_MAX_SHOWN = 10


@dataclass(frozen=True)
class Found(Generic[P]):
    """A volume or CVSBIND fact with every place that shows it (a line, or an artifact's
    line when several load scripts are read together)."""

    fact: str
    value: str | tuple[str, ...]
    places: tuple[P, ...]
    detail: str


def _line_words(line: int) -> str:
    return f"line {line}"


def _more(items: list[str], total: int) -> str:
    return ", ".join(items) + (f" and {total - len(items)} more" if total > len(items) else "")


def volume_id_facts(
    mounts: Sequence[tuple[P, str, str]],
    where: Callable[[P], str],
    group: Callable[[P], object] | None,
    across: bool = False,
) -> tuple[list[Found[P]], list[tuple[P, str]]]:
    """``volume_ids``, and ``duplicate_volume_ids`` with ``volume_ids_unique`` = no when two
    different volumes are mounted with one ID, from ``mounts`` ((place, volume, ID) in
    order, each pair once); and a remark (place, text) for each duplicated ID in each
    ``group`` of places (an artifact) it shows in (with ``across``, only for the IDs shared
    by several groups: each artifact has its own remarks); ``group`` None: one group.
    ``where`` words a place. Linear."""
    if not mounts:
        return [], []
    values = dict.fromkeys(f"{volume}={value}" for _, volume, value in mounts)
    firsts: dict[object, P] = {}
    by_id: dict[str, dict[str, P]] = {}
    last: object = firsts  # no group is this object
    for place, volume, value in mounts:
        if group is not None:
            key = group(place)
            if key != last and key not in firsts:
                firsts[key] = place
            last = key
        volumes = by_id.get(value)
        if volumes is None:
            by_id[value] = {volume: place}
        elif volume not in volumes:
            volumes[volume] = place
    if group is None:
        firsts[0] = mounts[0][0]
    shown = [f"{pair}" for pair in list(values)[:_MAX_SHOWN]]
    found = [
        Found(
            "volume_ids",
            tuple(values),
            tuple(firsts.values())[:MAX_PLACES],
            "volumes mounted with VOLID= (VOLUME=ID), first at "
            + where(mounts[0][0])
            + ": "
            + _more(shown, len(values)),
        )
    ]
    duplicated = {value: volumes for value, volumes in by_id.items() if len(volumes) > 1}
    if not duplicated:
        return found, []
    places: list[P] = []
    words: list[str] = []
    remarks: list[tuple[P, str]] = []
    for value, volumes in duplicated.items():
        places.extend(list(volumes.values())[: MAX_PLACES - len(places)])
        users = [f"{volume} ({where(place)})" for volume, place in list(volumes.items())[:8]]
        listed = _more(users, len(volumes))
        if len(words) < _MAX_SHOWN:
            words.append(f"volume ID {value}: {listed}")
        groups: dict[object, P] = {}
        for place in volumes.values():
            groups.setdefault(0 if group is None else group(place), place)
        if across and len(groups) < 2:
            continue
        for place in groups.values():
            if len(remarks) < _MAX_ID_REMARKS:
                remarks.append(
                    (
                        place,
                        f"volume ID {value} is used by {listed}: volume IDs must be unique "
                        "across every volume on all nodes of the cluster",
                    )
                )
    detail = (
        "volume IDs used by more than one volume: "
        + _more(words, len(duplicated)).replace(", volume ID", "; volume ID")
        + " (they must be unique across every volume on all nodes of the cluster)"
    )
    ids = tuple(duplicated)
    found.append(Found("duplicate_volume_ids", ids, tuple(places), detail))
    found.append(Found("volume_ids_unique", "no", tuple(places), detail))
    return found, remarks


def cvsbind_fact(
    scripts: Sequence[tuple[P | None, P | None]], where: Callable[[P], str]
) -> Found[P] | None:
    """``cvsbind_in_load_script`` from each script's first (CVSBIND ADD, NUDP ADD) place:
    no when a script advertises with NUDP ADD but has no CVSBIND ADD, yes when a script
    has CVSBIND ADD (and none lacks it); None when no script has either."""
    lacking = [nudp for cvsbind, nudp in scripts if cvsbind is None and nudp is not None]
    if lacking:
        listed = _more([where(place) for place in lacking[:_MAX_SHOWN]], len(lacking))
        detail = f"NUDP ADD without a CVSBIND ADD in the same script ({listed})"
        return Found("cvsbind_in_load_script", "no", tuple(lacking[:MAX_PLACES]), detail)
    having = [cvsbind for cvsbind, _ in scripts if cvsbind is not None]
    if having:
        listed = _more([where(place) for place in having[:_MAX_SHOWN]], len(having))
        detail = f"CVSBIND ADD advertises the virtual server ({listed})"
        return Found("cvsbind_in_load_script", "yes", tuple(having[:MAX_PLACES]), detail)
    return None


def _cluster_of(server: str, pools: dict[str, int]) -> str | None:
    """The <CLUSTER> part of a <CLUSTER>_<POOL>_SERVER name, preferring known pool names.

    ``pools`` maps each pool name to its position in the script: the earliest known pool
    that ends the name wins. Looks only at the name's own underscores, never at every pool.
    """
    if not server.endswith("_SERVER"):
        return None
    stem = server[: -len("_SERVER")]
    best: tuple[int, str] | None = None
    index = stem.find("_", 1)  # a cluster part of at least one character
    while index >= 0:
        rank = pools.get(stem[index + 1 :])
        if rank is not None and (best is None or rank < best[0]):
            best = rank, stem[:index]
        index = stem.find("_", index + 1)
    if best is not None:
        return best[1]
    cluster, underscore, pool = stem.rpartition("_")
    return cluster if underscore and cluster and pool else None


MAX_VOLUME_OBJECTS = 100_000
"""At most this many <CLUSTER>_<VOLUME> names are derived (clusters times volumes grows
as a product; a real load script names one cluster and a few volumes)."""


def context_from(load: LoadScriptAnalysis) -> SiteContext:
    """Site knowledge a load script gives: virtual servers/IPs, volumes, volume objects.

    Volume objects ``<CLUSTER>_<VOLUME>`` are derived only when a virtual server
    is named ``<CLUSTER>_<POOL>_SERVER`` (NCS's own naming); the volume-to-resource
    link through ``mount`` is evidence, not a guess.
    """
    pools = {pool: rank for rank, pool in reversed(list(enumerate(load.pools)))}
    clusters: dict[str, None] = {}
    for server in load.virtual_servers:
        cluster = _cluster_of(server, pools)
        if cluster:
            clusters[cluster] = None
    objects: set[str] = set()
    for cluster in clusters:
        if len(objects) >= MAX_VOLUME_OBJECTS:
            break
        objects.update(f"{cluster}_{volume}" for volume in load.volumes[:MAX_VOLUME_OBJECTS])
    return SiteContext(
        virtual_servers=frozenset(load.virtual_servers),
        virtual_ips=frozenset(load.virtual_ips),
        cluster_volumes=frozenset(load.volumes),
        volume_objects=frozenset(objects),
    )
