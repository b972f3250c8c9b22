"""Provides the three NetWare analyzers as plugins of the ``kbwizard.analyzers`` group.

Each object below is what ``pyproject.toml`` registers; importing this module is
cheap (the parsers are imported when an artifact is read). The examples are
doctests (``pytest --doctest-modules wizard/analyzers``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from wizard.evidence.model import EvidenceReport, Finding, Remark
from wizard.evidence.protocol import (
    Combination,
    CombinedFinding,
    Context,
    Place,
    Produced,
    Reading,
    Row,
    RowQuestion,
    Table,
    Tone,
)

if TYPE_CHECKING:
    from wizard.analyzers.netware.login_script import LoginScriptAnalysis
    from wizard.analyzers.netware.model import Role, SiteContext
    from wizard.analyzers.netware.remap import Remapping

ROLES = ("node", "virtual", "other", "unknown")
"""What a login-script target connects to; the corrections a person may give a row."""

_TONE: dict[str, Tone] = {"node": "bad", "virtual": "good", "other": "", "unknown": "warn"}


def _upper(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.upper() for v in values if v)


_ROLE_CHOICES = (
    ("node", "A cluster node"),
    ("virtual", "A virtual server (a cluster resource)"),
    ("other", "Another server, outside the cluster"),
)


def _role_questions(analysis: LoginScriptAnalysis) -> tuple[RowQuestion, ...]:
    """The targets the login order hinges on whose role is not known for sure (unknown,
    or only a hint: a name convention, SYS: on the default server), in script order,
    each with the line that makes it matter. The default server is asked as the
    ``preferred_server`` fact (the server users log in through)."""
    lines = analysis.decoded.lines
    seen: set[str] = set()
    out: list[RowQuestion] = []
    for mapping in analysis.unsettled:
        key = mapping.server.upper()
        if key in seen or (not key and mapping.form != "bare-volume"):
            continue
        seen.add(key)
        line_text = lines[mapping.line - 1].text.strip() if mapping.line <= len(lines) else ""
        why = (
            f"Line {mapping.line} decides the login order: a cluster node mapped before a "
            "virtual server makes it node-first, and this target's role is "
            + ("only guessed" if mapping.hint else "not known")
            + f" ({mapping.role_reason.removesuffix(' — confirm')})."
        )
        if not key:
            text = (
                f"Is {mapping.volume}: on the default server (users' preferred server) "
                "a cluster node?"
            )
            choices: tuple[tuple[str, str], ...] = (
                ("node", "A cluster node"),
                ("other", "Another server, outside the cluster"),
            )
            fact: str | None = "preferred_server"
        elif mapping.role == "virtual":
            text = f"Is {mapping.server} a virtual server of the cluster (a cluster resource)?"
            choices, fact = _ROLE_CHOICES, None
        else:
            text = f"Is {mapping.server} one of the cluster nodes?"
            choices, fact = _ROLE_CHOICES, None
        out.append(
            RowQuestion(key, text, why, choices, mapping.line, line_text, mapping.role, fact)
        )
    return tuple(out)


_COLUMNS = ("Line", "Drive", "Target", "Role", "Kind", "Why")


def _remapped(remapping: Remapping | None) -> tuple[Produced, ...]:
    """``remapped-script`` and ``remap-diff`` (or, when no script can be made, both empty
    with the reason); nothing when no mapping needs remapping."""
    if remapping is None:
        return ()
    if remapping.unavailable:
        unmade = (remapping.unavailable,)
        return (
            Produced("remapped-script", "", "text", (), unmade),
            Produced("remap-diff", "", "diff", (), unmade),
        )
    return (
        Produced(
            "remapped-script",
            remapping.text,
            "text",
            remapping.changed,
            remapping.notes,
            remapping.data,
        ),
        Produced("remap-diff", remapping.diff, "diff", (), remapping.notes),
    )


MAX_VOLUME_IPS = 64
"""Volumes and IPs of one load script paired in ``volume_ips`` (each bound)."""


def _with_volume_ip(report: EvidenceReport, volume_ips: Sequence[str]) -> EvidenceReport:
    """``report`` with ``cluster_volume_ip`` when the load scripts tell the secondary IP
    of the one resource that mounts the ``cluster_volume`` the script maps (``VOLUME=IP``
    items offered by the load-script analyzer); a volume with several IPs is a remark."""
    found = report.fact("cluster_volume")
    if found is None or not isinstance(found.value, str) or not volume_ips:
        return report
    volume = found.value.upper()
    ips: dict[str, None] = {}
    for item in volume_ips:
        name, _, ip = item.partition("=")
        if name == volume and ip:
            ips[ip] = None
    if not ips:
        return report
    if len(ips) > 1:
        remark = Remark(
            found.line,
            "info",
            f"the load scripts that mount {volume} assign more than one IP address "
            f"({', '.join(list(ips)[:4])}): say which is its resource's secondary IP "
            "address (cluster_volume_ip)",
        )
        return replace(report, remarks=(*report.remarks, remark))
    (ip,) = ips
    finding = Finding(
        "cluster_volume_ip",
        ip,
        found.line,
        f"line {found.line} maps the cluster volume {volume}; the load script that mounts "
        f"{volume} assigns its resource the IP address {ip}",
    )
    return replace(report, findings=(*report.findings, finding))


_last_site: list[tuple[dict[str, tuple[str, ...]], dict[str, str], SiteContext]] = []
"""The facts and corrections of the last ``_site_context`` and what it made of them."""


def _site_context(context: Context) -> SiteContext:
    """What the login-script analysis knows of the site, from the facts and corrections.

    An audit asks with the same context for every script: the last one made is kept and
    given again while the facts and corrections are equal to those it was made from
    (compared with copies, so a mapping changed in place is never taken for the same)."""
    from wizard.analyzers.netware.model import SiteContext

    facts = context.facts
    corrections = context.corrections
    last = _last_site[0] if _last_site else None
    if last is not None and facts == last[0] and corrections == last[1]:
        return last[2]
    site = SiteContext(
        node_names=_upper(facts.get("node_names", ())),
        virtual_servers=_upper(facts.get("virtual_servers", ())),
        virtual_ips=_upper(facts.get("virtual_ips", ())),
        node_ips=_upper(facts.get("primary_ip", ())),
        cluster_volumes=frozenset(facts.get("cluster_volumes", ())),
        volume_objects=frozenset(facts.get("volume_objects", ())),
        cluster_names=_upper(facts.get("cluster_name", ())),
        master_ips=frozenset(facts.get("master_ip", ())),
        role_overrides={
            # A bare volume is on the server users log in through (preferred_server).
            **({"": cast("Role", facts["preferred_server"][0])}
               if tuple(facts.get("preferred_server", ())) in (("node",), ("other",))
               else {}),
            **{k: cast("Role", v) for k, v in corrections.items() if v in ROLES},
        },
    )  # fmt: skip
    if site.node_ips & site.virtual_ips:
        # A "primary IP" the evidence shows as a virtual IP is not the node's: a
        # conflict (Session.conflicts), never what makes a mapping a node mapping.
        site = replace(site, node_ips=site.node_ips - site.virtual_ips)
    copied = {name: tuple(values) for name, values in facts.items()}
    _last_site[:] = [(copied, dict(corrections), site)]
    return site


@dataclass(frozen=True)
class LoginScriptAnalyzer:
    """Reads a NetWare login script: does it connect to a cluster node before the virtual servers?

    Sample input (a container login script)::

        MAP S1:=10.1.1.11/SYS:
        MAP F:=CLUSTER1_POOL1_SERVER/VOL1:

    Facts yielded (with the site's node address known)::

        >>> context = Context(
        ...     {"primary_ip": ("10.1.1.11",), "virtual_servers": ("CLUSTER1_POOL1_SERVER",)}
        ... )
        >>> script = b"MAP S1:=10.1.1.11/SYS:\\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\\n"
        >>> reading = LOGIN_SCRIPT.analyze(script, context)
        >>> for f in reading.report.findings:
        ...     print(f.fact, f.value, f.line)
        login_order node-first 1
        cluster_volume_target virtual-server 2
        dirmap_root_colon no 1
        >>> [(row.cells[1], row.cells[3], row.cells[4]) for row in reading.table.rows]
        [('S1:', 'node', 'node IP'), ('F:', 'virtual', 'virtual srv')]
        >>> print(reading.product("corrected-script").text, end="")
        MAP F:=CLUSTER1_POOL1_SERVER/VOL1:
        MAP S1:=10.1.1.11/SYS:

    Reads ``node_names``, ``virtual_servers``, ``virtual_ips``, ``primary_ip`` (the
    node's addresses), ``cluster_volumes`` and ``volume_objects`` (from a load
    script) to tell nodes from virtual servers; a person's corrections of a
    target's role (``node``, ``virtual``, ``other``, ``unknown``) win. Produces
    ``corrected-script`` (the script with the node mappings after the virtual
    ones, every other byte kept) and ``diff`` (the same as a unified diff).
    """

    name: str = "netware-login-script"
    title: str = "NetWare login script (MAP / ATTACH order)"
    reads: tuple[str, ...] = (
        "node_names",
        "virtual_servers",
        "virtual_ips",
        "primary_ip",
        "cluster_volumes",
        "volume_objects",
        "preferred_server",
        "cluster_name",
        "cluster_context",
        "master_ip",
        "volume_ips",
    )
    supplies: tuple[str, ...] = (
        "login_order",
        "cluster_volume_target",
        "cluster_volume",
        "cluster_volume_ip",
        "drive",
        "dirmap_root_colon",
        "dirmap_map_command",
        "dirmap_map_fixed",
    )
    produces: tuple[str, ...] = ("corrected-script", "diff", "remapped-script", "remap-diff")
    corrections: tuple[str, ...] = ROLES

    def analyze(self, data: bytes, context: Context) -> Reading:
        from wizard.analyzers.netware.login_script import analyze_login_script
        from wizard.analyzers.netware.reorder import LOGIN_THROUGH_NODE_CAVEAT, reorder_login_script

        facts = context.facts
        site = _site_context(context)
        analysis = analyze_login_script(data, site)
        report = _with_volume_ip(analysis.report, facts.get("volume_ips", ()))
        brief = context.brief  # the audit: findings and the products it names, nothing else
        reordering = reorder_login_script(analysis, diff=brief is None or "diff" in brief)
        produced: tuple[Produced, ...] = ()
        notes = tuple(w for w in reordering.warnings if w != LOGIN_THROUGH_NODE_CAVEAT)
        if reordering.changed:
            marked: tuple[int, ...] = ()
            if brief is None:
                moved = set(reordering.moved)
                moved_texts = {line.text for line in analysis.decoded.lines if line.number in moved}
                marked = tuple(
                    n
                    for n, text in enumerate(reordering.text.splitlines(), 1)
                    if text in moved_texts
                )
            produced = (
                Produced(
                    "corrected-script", reordering.text, "text", marked, notes, reordering.data
                ),
                Produced("diff", reordering.diff, "diff", (), notes),
            )
        elif reordering.unavailable:
            # No script: the reason, for the fix that would show it (never a fix
            # referring to a corrected script that is not there).
            unmade = (reordering.unavailable,)
            produced = (
                Produced("corrected-script", "", "text", (), unmade),
                Produced("diff", "", "diff", (), unmade),
            )
        if brief is not None:
            return Reading(
                report=report,
                decoded=analysis.decoded,
                decisive=analysis.deciding_lines,
                records_name="mappings",
                produced=produced,
                detail=(analysis, reordering),
            )
        from wizard.analyzers.netware.login_script import SHORT_KINDS, TARGET_KINDS
        from wizard.analyzers.netware.remap import remap_login_script

        produced += _remapped(
            remap_login_script(
                analysis,
                next(iter(facts.get("cluster_name", ())), ""),
                next(iter(facts.get("cluster_context", ())), ""),
            )
        )
        deciding = set(analysis.deciding_lines)
        overrides = {k.upper() for k in context.corrections}
        rows = []
        doc_rows = []
        records: list[Mapping[str, str | int | bool | None]] = []
        for m in analysis.mappings:
            why = m.role_reason + (f" [{m.condition}]" if m.condition else "")
            corrected = m.server.upper() in overrides
            # The role, with ? for a name-convention hint and * for a person's correction.
            word = m.role + ("*" if corrected else "?" if m.hint else "")
            role: str = m.role
            if corrected:
                role += " (corrected)"
            elif m.hint:
                role += " (a hint from the name: confirm, ctrl+r corrects)"
            kind = TARGET_KINDS.get(m.target_kind, m.target_kind)
            rows.append(
                Row(
                    (str(m.line), m.drive, m.target, word, SHORT_KINDS.get(m.target_kind, ""), why),
                    m.line,
                    _TONE.get(m.role, ""),
                    m.server.upper(),
                    m.role,
                    m.line in deciding,
                    f"{m.drive} {m.target} is {role}: {why} (target: {kind})",
                )
            )
            doc_rows.append(
                Row(
                    (
                        str(m.line),
                        m.drive,
                        m.target,
                        m.role + (" (hint)" if m.hint else ""),
                        kind,
                        why,
                    ),
                    m.line,
                )
            )
            records.append(
                {
                    "line": m.line,
                    "drive": m.drive,
                    "target": m.target,
                    "server": m.server,
                    "role": m.role,
                    "kind": m.target_kind,
                    "cluster_volume": m.cluster_volume or None,
                    "reason": m.role_reason,
                    "hint": m.hint,
                    "condition": m.condition,
                }
            )
        lines = ", ".join(str(n) for n in analysis.deciding_lines)
        headline = ""
        if analysis.mappings:
            headline = f"Login order: {analysis.login_order or 'not decided'}" + (
                f" (lines {lines})" if lines else " — correct the roles below (ctrl+r)"
            )
        return Reading(
            report=report,
            decoded=analysis.decoded,
            decisive=analysis.deciding_lines,
            headline=headline,
            table=Table(_COLUMNS, tuple(rows), 3) if rows else None,
            report_table=Table(_COLUMNS, tuple(doc_rows)) if doc_rows else None,
            records_name="mappings",
            records=tuple(records),
            produced=produced,
            questions=_role_questions(analysis),
            detail=(analysis, reordering),
        )


@dataclass(frozen=True)
class LoadScriptAnalyzer:
    """Reads a Novell Cluster Services resource load script: how its virtual IP is assigned.

    Sample input::

        BIND IP VNIC ADDRESS=10.1.1.180 MASK=255.255.255.0
        NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180
        mount VOL1

    Facts yielded::

        >>> script = (b"BIND IP VNIC ADDRESS=10.1.1.180 MASK=255.255.255.0\\n"
        ...           b"NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\\nmount VOL1\\n")
        >>> reading = LOAD_SCRIPT.analyze(script, Context())
        >>> for f in reading.report.findings:
        ...     print(f.fact, f.value, f.line)
        vip_method bind 1
        virtual_ips ('10.1.1.180',) 1
        virtual_servers ('CLUSTER1_POOL1_SERVER',) 2
        cvsbind_in_load_script no 2

    Besides its facts it offers ``cluster_volumes``, ``volume_objects`` (the
    ``<CLUSTER>_<VOLUME>`` objects) and ``volume_ips`` (``VOLUME=IP``: each volume it
    mounts with each virtual IP it assigns) to the login-script analyzer. It also supplies
    ``volume_ids`` (``VOLUME=ID`` of each ``mount VOLUME VOLID=ID``),
    ``duplicate_volume_ids`` and ``volume_ids_unique`` (only ``no``: two volumes with one
    ID) and ``cvsbind_in_load_script`` (a CVSBIND ADD line, or NUDP ADD without one).

    Read together (``combine``), several load scripts (one per cluster resource) give
    ``volume_ids`` of them all and the IDs two of them share, each line of each script
    cited::

        >>> a = LOAD_SCRIPT.analyze(b"mount VOL1 VOLID=254\\n", Context())
        >>> b = LOAD_SCRIPT.analyze(
        ...     b"NUDP ADD CL_POOL2_SERVER 10.1.1.181\\nmount VOL2 VOLID=254\\n", Context()
        ... )
        >>> together = LOAD_SCRIPT.combine([("load-script:a.ncf", a), ("load-script:b.ncf", b)])
        >>> for f in together.findings:
        ...     print(f.fact, f.value, [tuple(p) for p in f.places])
        volume_ids ('VOL1=254', 'VOL2=254') [(0, 1), (1, 2)]
        duplicate_volume_ids ('254',) [(0, 1), (1, 2)]
        volume_ids_unique no [(0, 1), (1, 2)]
        cvsbind_in_load_script no [(1, 1)]
    """

    name: str = "ncs-load-script"
    title: str = "Cluster resource load script (BIND / secondary IP, NUDP)"
    reads: tuple[str, ...] = ()
    supplies: tuple[str, ...] = (
        "vip_method",
        "virtual_ips",
        "virtual_servers",
        "volume_ids",
        "duplicate_volume_ids",
        "volume_ids_unique",
        "cvsbind_in_load_script",
    )
    produces: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()

    def analyze(self, data: bytes, context: Context) -> Reading:
        from wizard.analyzers.netware.load_script import analyze_load_script, context_from

        analysis = analyze_load_script(data)
        site = context_from(analysis)
        offers = {
            "cluster_volumes": tuple(sorted(site.cluster_volumes)),
            "volume_objects": tuple(sorted(site.volume_objects)),
            # VOLUME=IP: the volumes this resource mounts and the secondary IPs it adds
            # (one load script is one resource), for the mapping by a volume's own IP.
            "volume_ips": tuple(
                f"{volume.upper()}={ip}"
                for volume in analysis.volumes[:MAX_VOLUME_IPS]
                for ip in analysis.virtual_ips[:MAX_VOLUME_IPS]
            ),
        }
        return Reading(
            report=analysis.report,
            decoded=analysis.decoded,
            records_name="mappings",  # none: every NetWare evidence entry has the key
            offers=offers,
            detail=analysis,
        )

    def combine(self, readings: Sequence[tuple[str, Reading]]) -> Combination:
        """The volume IDs and CVSBIND lines of all the load scripts of a case together."""
        from wizard.analyzers.netware.load_script import (
            LoadScriptAnalysis,
            cvsbind_fact,
            volume_id_facts,
        )

        labels = [label for label, _ in readings]

        def where(place: Place) -> str:
            label = labels[place.reading]
            return f"line {place.line}" if len(labels) == 1 else f"{label} line {place.line}"

        def group(place: Place) -> int:
            return place.reading

        mounts: list[tuple[Place, str, str]] = []
        scripts: list[tuple[Place | None, Place | None]] = []
        for index, (_, reading) in enumerate(readings):
            analysis = reading.detail
            if not isinstance(analysis, LoadScriptAnalysis):
                continue
            mounts.extend((Place(index, line), vol, vid) for line, vol, vid in analysis.volume_ids)
            scripts.append(
                (
                    Place(index, analysis.cvsbind_line) if analysis.cvsbind_line else None,
                    Place(index, analysis.nudp_line) if analysis.nudp_line else None,
                )
            )
        found, said = volume_id_facts(mounts, where, group, across=True)
        cvsbind = cvsbind_fact(scripts, where)
        if cvsbind is not None:
            found.append(cvsbind)
        findings = tuple(CombinedFinding(f.fact, f.value, f.places, f.detail) for f in found)
        remarks = tuple(
            (place.reading, Remark(place.line, "warning", text)) for place, text in said
        )
        return Combination(findings, remarks)


@dataclass(frozen=True)
class SetParametersAnalyzer:
    """Reads NetWare console SET output or AUTOEXEC.NCF: NCP Include IP Address, primary IP.

    Sample input::

        set NCP Include IP Address = all
        BIND IP INTEL_1000 ADDRESS=10.1.1.11 MASK=255.255.255.0

    Facts yielded::

        >>> text = (b"set NCP Include IP Address = all\\n"
        ...         b"BIND IP INTEL_1000 ADDRESS=10.1.1.11 MASK=255.255.255.0\\n")
        >>> reading = SET_PARAMETERS.analyze(text, Context())
        >>> [(f.fact, f.value, f.line) for f in reading.report.findings]
        [('ncp_include_ip', 'all', 1), ('primary_ip', '10.1.1.11', 2)]
    """

    name: str = "netware-set-parameters"
    title: str = "NetWare SET parameters / AUTOEXEC.NCF"
    reads: tuple[str, ...] = ()
    supplies: tuple[str, ...] = ("ncp_include_ip", "primary_ip")
    produces: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()

    def analyze(self, data: bytes, context: Context) -> Reading:
        from wizard.analyzers.netware.set_parameters import analyze_set_parameters

        analysis = analyze_set_parameters(data)
        return Reading(
            report=analysis.report,
            decoded=analysis.decoded,
            records_name="mappings",  # none: every NetWare evidence entry has the key
            detail=analysis,
        )


LOGIN_SCRIPT = LoginScriptAnalyzer()
LOAD_SCRIPT = LoadScriptAnalyzer()
SET_PARAMETERS = SetParametersAnalyzer()
