"""Login-script analyzer: classification rules, order decisions, remarks."""

from __future__ import annotations

from wizard.analyzers.netware import SiteContext, analyze, analyze_login_script
from wizard.analyzers.netware.login_script import parse_target

CTX = SiteContext(
    node_names=frozenset({"NODE1"}),
    node_ips=frozenset({"10.1.1.11"}),
    virtual_servers=frozenset({"CLUSTER1_POOL1_SERVER"}),
    virtual_ips=frozenset({"10.1.1.180"}),
    cluster_volumes=frozenset({"VOL1"}),
)


def _roles(script: str, context: SiteContext = CTX) -> list[tuple[int, str]]:
    return [(m.line, m.role) for m in analyze_login_script(script, context).mappings]


def test_parse_target_forms() -> None:
    assert parse_target("NODE1/SYS:PUBLIC") == ("NODE1", "SYS", "server-volume", "")
    assert parse_target("vserver\\data:") == ("VSERVER", "DATA", "server-volume", "")
    assert parse_target("10.1.1.11/sys:") == ("10.1.1.11", "SYS", "ip-volume", "")
    assert parse_target("SYS:APPS") == ("", "SYS", "bare-volume", "")
    assert parse_target(".CLUSTER1_VOL2.CORP.ACME:") == ("CLUSTER1_VOL2", "", "volume-object", "")
    assert parse_target(".CN=CLUSTER1_VOL2.OU=CORP.O=ACME:") == (
        "CLUSTER1_VOL2",
        "",
        "volume-object",
        "",
    )
    assert parse_target(".APPL.SALES.ACME") == ("APPL", "", "directory-map", "")
    assert parse_target("\\\\10.1.1.180\\NSSVOL1") == ("10.1.1.180", "NSSVOL1", "unc-ip", "")
    assert parse_target("\\\\VSERVER\\DATA") == ("VSERVER", "DATA", "unc-name", "")
    assert parse_target("F:") == ("", "", "drive", "F")
    assert parse_target("") is None


def test_role_overrides_win_over_everything() -> None:
    context = CTX.merged(SiteContext(role_overrides={"NODE1": "virtual", "": "other"}))
    analysis = analyze_login_script("MAP F:=NODE1/SYS:\nMAP S1:=SYS:PUBLIC\n", context)
    assert [(m.role, m.hint) for m in analysis.mappings] == [("virtual", False), ("other", False)]
    assert "by you" in analysis.mappings[0].role_reason
    assert analysis.login_order == "no-node-mapping"


def test_merged_unions_sets_and_later_overrides_win() -> None:
    first = SiteContext(node_names=frozenset({"A"}), role_overrides={"X": "node"})
    second = SiteContext(node_names=frozenset({"B"}), role_overrides={"X": "virtual"})
    merged = first.merged(second)
    assert merged.node_names == frozenset({"A", "B"})
    assert merged.role_overrides == {"X": "virtual"}


def test_del_mappings_never_decide() -> None:
    analysis = analyze_login_script(
        "MAP DEL S1:\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\nMAP G:=NODE1/SYS:\n", CTX
    )
    assert analysis.mappings[0].form == "del"
    assert analysis.login_order == "virtual-first"
    assert analysis.deciding_lines == (2, 3)


def test_a_server_outside_the_node_list_is_another_server_and_said_so() -> None:
    analysis = analyze_login_script(
        "MAP H:=FS9/DATA:\nMAP S1:=10.1.1.11/SYS:\nMAP F:=10.1.1.180/VOL1:\n", CTX
    )
    assert analysis.login_order == "node-first"
    assert analysis.mappings[0].role == "other"
    assert not [r for r in analysis.report.remarks if r.level == "warning"]
    assert any(
        "FS9 is taken as another server: it is not among the cluster nodes (NODE1)" in r.text
        for r in analysis.report.remarks
    )


def test_an_unknown_address_before_a_virtual_server_still_leaves_the_order_open() -> None:
    analysis = analyze_login_script("MAP H:=10.9.9.9/DATA:\nMAP F:=10.1.1.180/VOL1:\n", CTX)
    assert analysis.login_order is None
    assert [m.server for m in analysis.unsettled] == ["10.9.9.9"]


def test_conditional_virtual_then_unconditional_node_is_node_first() -> None:
    # Users outside SALES reach the node before any virtual server.
    script = (
        'IF MEMBER OF "SALES" THEN\n  MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\nEND\n'
        "MAP S1:=NODE1/SYS:PUBLIC\n"
    )
    analysis = analyze_login_script(script, CTX)
    finding = analysis.report.fact("login_order")
    assert finding is not None
    assert (finding.value, finding.line) == ("node-first", 4)
    assert "runs only IF MEMBER OF" in finding.detail


def test_node_only_is_node_first_and_says_no_virtual_follows() -> None:
    finding = analyze_login_script("MAP S1:=NODE1/SYS:\n", CTX).report.fact("login_order")
    assert finding is not None
    assert finding.value == "node-first"
    assert "no virtual-server mapping follows" in finding.detail


def test_script_without_mappings_stays_undecided_and_asks_for_the_other_script() -> None:
    # The drives are mapped by another login script (container, profile or user).
    analysis = analyze_login_script('WRITE "Hello"\nNO_DEFAULT\nEXIT\n', CTX)
    assert analysis.login_order is None
    assert any("another login script" in r.text for r in analysis.report.remarks)


def test_comment_only_script_decides_nothing() -> None:
    analysis = analyze_login_script("REM MAP S1:=NODE1/SYS:\n; nothing\n", CTX)
    assert analysis.login_order is None
    assert analysis.report.findings == ()


def test_bare_cluster_volume_is_unknown_with_a_remark() -> None:
    analysis = analyze_login_script("MAP F:=VOL1:DATA\n", CTX)
    assert analysis.mappings[0].role == "unknown"
    assert any("depends on the default server" in r.text for r in analysis.report.remarks)
    assert analysis.login_order is None


def test_variables_and_unknown_ip_and_directory_map_are_unknown() -> None:
    roles = _roles("MAP F:=%FILE_SERVER/SYS:\nMAP G:=10.9.9.9/SYS:\nMAP S2:=.APPL.SALES.ACME\n")
    assert roles == [(1, "unknown"), (2, "unknown"), (3, "unknown")]
    reasons = [
        m.role_reason for m in analyze_login_script("MAP F:=%FILE_SERVER/SYS:", CTX).mappings
    ]
    assert "variable %FILE_SERVER" in reasons[0]


def test_volume_object_rules() -> None:
    context = SiteContext(node_names=frozenset({"NODE1"}), cluster_volumes=frozenset({"VOL1"}))
    analysis = analyze_login_script(
        "MAP F:=.CN=CLUSTER1_VOL1.O=ACME:\nMAP G:=.NODE1_SYS.ACME:\nMAP H:=.X_DATA.ACME:\n"
        "MAP I:=.FS2_SYS.ACME:\n",
        context,
    )
    assert [(m.role, m.hint) for m in analysis.mappings] == [
        ("virtual", False),
        ("node", False),
        ("virtual", True),
        ("node", True),
    ]


def test_drive_copy_follows_latest_mapping_and_del() -> None:
    analysis = analyze_login_script("MAP F:=NODE1/SYS:\nMAP G:=F:\nMAP DEL F:\nMAP H:=F:\n", CTX)
    assert [m.role for m in analysis.mappings] == ["node", "node", "other", "unknown"]


def test_map_syntax_variants() -> None:
    analysis = analyze_login_script(
        "map root  h: = NODE1/SYS:HOME\nMAP INS S16:=W:= SYS:APPS\nMap /W x:=node1/sys:\n"
        "MAP *1:=SYS:PUBLIC;*2:=SYS:PUBLIC\\DOS;\n",
        CTX,
    )
    assert [(m.drive, m.options) for m in analysis.mappings] == [
        ("H:", ("ROOT",)),
        ("S16:=W:", ("INS",)),
        ("X:", ("W",)),
        ("*1:", ()),
        ("*2:", ()),
    ]
    assert analysis.report.unrecognised == ()


def test_passed_over_commands_are_recognised() -> None:
    script = (
        'WRITE "Hi"\nDRIVE F:\nFIRE PHASERS 3 TIMES\nPAUSE\nSET X="1"\nINCLUDE .LS.ACME\n'
        "#CAPTURE Q=.Q1.ACME\n@NOTEPAD\nNO_DEFAULT\nCONTEXT .CORP.ACME\nDISPLAY SYS:X.TXT\n"
        "FDISPLAY SYS:Y.TXT\nCOMSPEC=S2:COMMAND.COM\nSWAP\nGOTO DONE\nDONE:\nREMARK x\nrem y\n"
        "MAP DISPLAY ON\nMAP ERRORS OFF\nMAP\nEXIT\n"
    )
    analysis = analyze_login_script(script, CTX)
    assert analysis.report.unrecognised == ()
    assert analysis.mappings == ()


def test_unbalanced_blocks_are_remarked_not_fatal() -> None:
    analysis = analyze_login_script('END\nELSE\nIF MEMBER OF "A" THEN\nMAP F:=NODE1/SYS:\n', CTX)
    texts = " ".join(r.text for r in analysis.report.remarks)
    assert "END without" in texts and "ELSE without" in texts and "has no END" in texts
    assert analysis.mappings[0].condition == 'IF MEMBER OF "A"'


def test_then_inside_quotes_is_not_the_keyword() -> None:
    analysis = analyze_login_script(
        'IF LOGIN_NAME = "THEN" THEN MAP F:=NODE1/SYS:\nMAP G:=10.1.1.180/VOL1:\n', CTX
    )
    assert analysis.mappings[0].condition == 'IF LOGIN_NAME = "THEN"'
    assert analysis.mappings[1].condition is None


def test_analyze_dispatch_and_unknown_kind() -> None:
    report = analyze("login-script", "MAP F:=NODE1/SYS:\n", CTX)
    assert report.kind == "login-script"
    assert analyze("load-script", "").kind == "load-script"
    assert analyze("set-parameters", b"").kind == "set-parameters"
    try:
        analyze("bogus", "")
    except ValueError as error:
        assert "bogus" in str(error)
    else:
        raise AssertionError("unknown kind accepted")
