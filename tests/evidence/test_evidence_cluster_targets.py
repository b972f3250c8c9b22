"""The login-script analyzer's cluster-volume facts and its remap, as a pack gets them.

How the script maps the cluster volumes (``cluster_volume_target``), the Directory Map
ROOT-with-colon facts, and the ``remapped-script`` / ``remap-diff`` products, read
through the plugin with the context a case gives it (stated facts, load scripts).
"""

from __future__ import annotations

import codecs

from wizard.analyzers.netware import plugins
from wizard.analyzers.netware.plugins import LOGIN_SCRIPT
from wizard.engine.case import Case
from wizard.evidence.protocol import Context
from wizard.kb.loader import parse_pack
from wizard.kb.model import Pack

SITE = {
    "node_names": ("NODE1", "NODE2"),
    "primary_ip": ("10.1.1.11",),
    "virtual_ips": ("137.46.52.1",),
    "cluster_volumes": ("VOL2", "NSSVOL1"),
}
SCRIPT = (
    "REM Gr\u00fc\u00dfe\r\n"
    "map h:= \\\\137.46.52.1\\NSSVOL1\r\n"
    "map o:=NODE1/vol2:\\daten\r\n"
    "MAP ROOT S16:=.MYMAP.MYORG:\\APPS\r\n"
)


def _context(**facts: tuple[str, ...]) -> Context:
    return Context({**SITE, **facts})


def test_the_remapped_script_keeps_utf16_and_every_other_byte() -> None:
    data = codecs.BOM_UTF16_LE + SCRIPT.encode("utf-16-le")
    reading = LOGIN_SCRIPT.analyze(
        data, _context(cluster_name=("my-cluster",), cluster_context=(".Corp.EMA",))
    )
    script = reading.product("remapped-script")
    diff = reading.product("remap-diff")
    assert script is not None and diff is not None
    expected = SCRIPT.replace("NODE1/vol2:", ".my-cluster_vol2.Corp.EMA:")
    assert script.text == expected
    assert script.data == codecs.BOM_UTF16_LE + expected.encode("utf-16-le")
    assert script.marked == (3,)
    assert "-map o:=NODE1/vol2:\\daten\n" in diff.text
    assert "+map o:=.my-cluster_vol2.Corp.EMA:\\daten\n" in diff.text
    assert diff.text.count("\n-") == 1 and diff.text.count("\n+") == 2  # +++ header, one line
    assert any(
        "line 3: NODE1/vol2:\\daten -> .my-cluster_vol2.Corp.EMA:" in n for n in script.notes
    )
    found = {f.fact: (f.value, f.line) for f in reading.report.findings}
    assert found["cluster_volume_target"] == ("node", 3)
    assert found["dirmap_root_colon"] == ("yes", 4)
    assert found["dirmap_map_command"] == ("MAP ROOT S16:=.MYMAP.MYORG:\\APPS", 4)
    assert found["dirmap_map_fixed"] == ("MAP ROOT S16:=.MYMAP.MYORG\\APPS", 4)


def test_without_the_context_no_script_and_the_reason() -> None:
    reading = LOGIN_SCRIPT.analyze(SCRIPT.encode("utf-8"), _context(cluster_name=("CL1",)))
    for name in ("remapped-script", "remap-diff"):
        made = reading.product(name)
        assert made is not None and made.text == ""
        assert "cluster_context" in made.notes[0] and "cluster_name" not in made.notes[0]
    bad = LOGIN_SCRIPT.analyze(
        SCRIPT.encode("utf-8"), _context(cluster_name=("MY CLUSTER",), cluster_context=("X",))
    )
    made = bad.product("remapped-script")
    assert made is not None and made.text == "" and "cannot be written" in made.notes[0]


def test_nothing_to_remap_makes_no_product() -> None:
    script = b"map h:= \\\\137.46.52.1\\NSSVOL1\nmap o:=.my-cluster_vol2.Corp.EMA:\n"
    reading = LOGIN_SCRIPT.analyze(script, _context(cluster_name=("my-cluster",)))
    assert reading.product("remapped-script") is None
    assert reading.report.fact("cluster_volume_target") is not None
    assert [r["kind"] for r in reading.records] == ["virtual-ip", "volume-object"]
    assert [r["cluster_volume"] for r in reading.records] == ["virtual-ip", "volume-object"]


def test_the_master_ip_and_cluster_object_only_when_known() -> None:
    script = b"MAP F:=\\\\10.1.1.100\\VOL2\nMAP G:=CL1/VOL2:\n"
    plain = LOGIN_SCRIPT.analyze(script, _context())
    assert [r["role"] for r in plain.records] == ["unknown", "other"]
    assert plain.report.fact("cluster_volume_target") is None
    known = LOGIN_SCRIPT.analyze(script, _context(master_ip=("10.1.1.100",), cluster_name=("cl1",)))
    assert [(r["role"], r["kind"]) for r in known.records] == [
        ("node", "master-ip"),
        ("node", "cluster-object"),
    ]
    assert known.report.fact("cluster_volume_target") is not None
    assert known.table is not None
    assert [row.cells[4] for row in known.table.rows] == ["Master IP", "cluster obj"]


PACK = b"""
id: test-remap
version: "1.0.0"
title: Cluster volumes mapped through a node
summary: Mapped through the node, the drive is lost on failover.
source:
  document: TEST 3
  title: Test article
  published: "2020-01-01"
  updated: "2020-01-01"
  products: [Test]
facts:
  cluster_name:
    type: text
    description: The cluster's name.
  cluster_context:
    type: text
    description: The context of the cluster's objects.
  node_names:
    type: list
    description: The cluster nodes' names.
  cluster_volume_target:
    type: choice
    values: [node, cluster-object, volume-object, virtual-ip, virtual-server]
    description: How the script maps the cluster volumes.
evidence:
  login-script:
    analyzer: netware-login-script
    title: Login script
    description: The login script.
    supplies: [cluster_volume_target]
  load-script:
    analyzer: ncs-load-script
    title: Load script
    description: A cluster resource load script.
    supplies: []
start: q_target
nodes:
  q_target:
    kind: question
    tid: Symptom
    fact: cluster_volume_target
    text: How are the cluster volumes mapped?
    choices:
      - {value: node, label: "Through a node", next: o_node}
      - {value: cluster-object, label: "Through the cluster object", next: o_node}
      - {value: volume-object, label: "Volume objects", next: o_fine}
      - {value: virtual-ip, label: "Virtual IP", next: o_fine}
      - {value: virtual-server, label: "Virtual server", next: o_fine}
    unknown: o_more
  o_node:
    kind: outcome
    tid: Cause
    diagnosis: through-node
    status: confirmed
    title: Through a node
    summary: Lost on failover.
  o_fine:
    kind: outcome
    tid: Cause
    diagnosis: fine
    status: ruled-out
    title: Fine
    summary: Follows the volume.
  o_more:
    kind: outcome
    tid: Cause
    diagnosis: unknown
    status: undecided
    title: Not known
    summary: Look.
explanation:
  title: How it happens
  steps:
    - The drive is mapped through the node.
"""


def _pack() -> Pack:
    pack, problems = parse_pack(PACK, "test-remap.yaml")
    assert pack is not None, problems
    return pack


def test_a_case_gives_the_analyzer_the_stated_cluster_and_the_load_scripts_volumes() -> None:
    from wizard.engine.session import Given

    given = [
        Given("cluster_name", "my-cluster", "fact"),
        Given("cluster_context", "Corp.EMA", "fact"),
        Given("node_names", ("NODE1", "NODE2"), "fact"),
    ]
    case = Case.start(_pack(), given)
    case.add_evidence("login-script", b"REM x\nMAP S1:=NODE1/SYS:\nmap o:=NODE1/vol2:\n")
    # Without the load script, VOL2 is not known to be a cluster volume.
    assert not [g for g in case.analysis().findings if g.fact == "cluster_volume_target"]
    case.add_evidence("load-script", b"nss /poolactivate=POOL1\nmount VOL2 VOLID=254\n")
    found = {g.fact: g for g in case.analysis().findings}
    assert (found["cluster_volume_target"].value, found["cluster_volume_target"].source) == (
        "node",
        "login-script:3",
    )
    ((_, made),) = case.analysis().products("login-script", "remapped-script")
    assert made.text == "REM x\nMAP S1:=NODE1/SYS:\nmap o:=.my-cluster_vol2.Corp.EMA:\n"


def _drive_and_volume(script: bytes) -> dict[str, object]:
    reading = LOGIN_SCRIPT.analyze(script, _context(preferred_server=("node",)))
    return {
        f.fact: f.value
        for f in reading.report.findings
        if f.fact in ("cluster_volume_target", "cluster_volume", "drive")
    }


def test_a_plain_mapping_through_a_node_gives_its_drive_and_volume() -> None:
    """What the one-line fix command maps (TID 7014886: map o:=.my-cluster_vol2.Corp.EMA:)."""
    for script, drive in (
        (b"MAP O:=NODE1/VOL2:\r\n", "O"),
        (b"map s:=node1\\vol2:\n", "S"),  # the letter S, not a search drive
        (b"MAP G:=VOL2:\n", "G"),  # a bare volume on the default server, a node here
    ):
        assert _drive_and_volume(script) == {
            "cluster_volume_target": "node",
            "cluster_volume": "VOL2",
            "drive": drive,
        }, script


def test_a_mapping_that_one_line_would_change_gives_no_drive_or_volume() -> None:
    """Options, search drives, a path or no drive letter would be lost in the one-line
    command: the kind is still reported, the remapped script keeps the rest."""
    for script in (
        b"MAP INS S1:=NODE1/VOL2:\n",
        b"MAP S16:=W:=NODE1/VOL2:\n",
        b"MAP ROOT P:=NODE1/VOL2:HOME\n",
        b"MAP O:=NODE1/VOL2:\\DATEN\n",
        b"MAP N NODE1/VOL2:\n",
        b"MAP *1:=NODE1/VOL2:\n",
    ):
        assert _drive_and_volume(script) == {"cluster_volume_target": "node"}, script


def _load_offers(*scripts: bytes) -> tuple[str, ...]:
    """``volume_ips`` as a case gathers it from several load scripts."""
    from wizard.analyzers.netware.plugins import LOAD_SCRIPT

    return tuple(
        item
        for data in scripts
        for item in LOAD_SCRIPT.analyze(data, Context()).offers["volume_ips"]
    )


POOL2 = b"mount VOL2 VOLID=253\nNUDP ADD MY-CLUSTER_POOL2_SERVER 10.1.1.182\n"
POOL3 = b"mount vol3\nadd secondary ipaddress 10.1.1.183\n"
NODE_MAPPED = b"MAP DISPLAY OFF\nMAP O:=NODE1/VOL2:\n"
MOUNTED = {"node_names": ("NODE1",), "cluster_volumes": ("VOL2", "VOL3")}


def test_the_volume_ip_is_the_one_of_the_resource_that_mounts_the_volume() -> None:
    offers = _load_offers(POOL3, POOL2)
    assert offers == ("VOL3=10.1.1.183", "VOL2=10.1.1.182")
    reading = LOGIN_SCRIPT.analyze(NODE_MAPPED, Context({**MOUNTED, "volume_ips": offers}))
    found = reading.report.fact("cluster_volume_ip")
    assert found is not None
    assert (found.value, found.line) == ("10.1.1.182", 2)
    assert "VOL2" in found.detail and "10.1.1.182" in found.detail
    # The audit's brief reading has the same findings.
    brief = LOGIN_SCRIPT.analyze(NODE_MAPPED, Context({**MOUNTED, "volume_ips": offers}, brief=()))
    assert brief.report.findings == reading.report.findings


def test_a_volume_with_two_ips_gives_no_value_but_says_why() -> None:
    other = b"mount VOL2\nadd secondary ipaddress 10.1.1.190\n"
    offers = _load_offers(POOL2, other)
    reading = LOGIN_SCRIPT.analyze(NODE_MAPPED, Context({**MOUNTED, "volume_ips": offers}))
    assert reading.report.fact("cluster_volume_ip") is None
    said = [r.text for r in reading.report.remarks if "10.1.1.190" in r.text]
    assert said and "10.1.1.182" in said[0] and "VOL2" in said[0]


def test_no_volume_ip_without_a_load_script_that_mounts_the_volume() -> None:
    context = Context({**MOUNTED, "volume_ips": _load_offers(POOL3)})
    assert LOGIN_SCRIPT.analyze(NODE_MAPPED, context).report.fact("cluster_volume_ip") is None
    bare = Context({**MOUNTED, "virtual_ips": ("10.1.1.182",)})
    assert LOGIN_SCRIPT.analyze(NODE_MAPPED, bare).report.fact("cluster_volume_ip") is None


def test_the_site_made_for_the_last_facts_is_never_given_for_other_facts() -> None:
    # The plugin keeps the site it made for the last facts (an audit asks with the same
    # ones for every script): other facts, other corrections, or the same dict changed in
    # place, each read as they would with nothing kept.
    script = b"MAP F:=NODE1/SYS:\r\nMAP G:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"

    def roles(context: Context, cold: bool = False) -> list[str]:
        if cold:
            plugins._last_site.clear()
        reading = LOGIN_SCRIPT.analyze(script, context)
        assert reading.table is not None
        return [row.cells[3] for row in reading.table.rows]

    facts = {"node_names": ("NODE1",), "virtual_servers": ("CLUSTER1_POOL1_SERVER",)}
    contexts = [
        Context(facts),
        Context(facts, corrections={"NODE1": "virtual"}),
        Context(dict(facts)),
        Context({**facts, "virtual_servers": ()}),
        Context({**facts, "primary_ip": ("10.1.1.11",)}),
    ]
    warm = [roles(context) for context in contexts]
    assert warm == [roles(context, cold=True) for context in contexts]
    assert warm[0] == warm[2] == ["node", "virtual"] and warm[1] == ["virtual*", "virtual"]
    roles(Context(facts))
    facts["node_names"] = ("CLUSTER1_POOL1_SERVER",)  # the same dict, changed in place
    facts["virtual_servers"] = ("NODE1",)
    assert roles(Context(facts)) == ["virtual", "node"] == roles(Context(facts), cold=True)
