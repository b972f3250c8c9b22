"""`kbwizard diagnose --pack <id>` on realistic sites of the three article packs
(TID 7014886, the NCS volume ID sections, TID 10019026), run in-process.

Each site is written from its article: what the admin pastes or the agent is told,
and the exact result the article calls for (status, diagnosis, fixes, the commands
with the site's own values, the other articles pointed to).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from wizard.cli import main


def diagnose(
    capsys: pytest.CaptureFixture[str],
    pack: str,
    evidence: Sequence[str] = (),
    facts: Sequence[str] = (),
) -> tuple[int, dict[str, Any]]:
    """``diagnose --pack PACK`` on ``evidence`` (``KIND=PATH``) and ``facts`` (``NAME=VALUE``)."""
    args = ["--pack", pack]
    args += [arg for item in evidence for arg in ("--evidence", item)]
    args += [arg for item in facts for arg in ("--fact", item)]
    code = main(["diagnose", *args, "--format", "json"])
    captured = capsys.readouterr()
    assert code in (0, 3), captured.err
    data: dict[str, Any] = json.loads(captured.out)
    return code, data


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("ascii"))
    return str(path)


def commands(data: dict[str, Any]) -> dict[str, list[str]]:
    return {fix["id"]: fix["commands"] for fix in data["fixes"]}


LOAD_POOL2 = (
    "nss /poolactivate=POOL2\n"
    "mount VOL2 VOLID=253\n"
    "CLUSTER CVSBIND ADD MY-CLUSTER_POOL2_SERVER 10.1.1.182\n"
    "NUDP ADD MY-CLUSTER_POOL2_SERVER 10.1.1.182\n"
    "add secondary ipaddress 10.1.1.182\n"
)


# --- TID 7014886 ----------------------------------------------------------------


def test_7014886_drives_mapped_to_the_hosting_node_with_secondary_ips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The login script maps VOL2 through NODE1; the resource uses a secondary IP: the
    exact volume-object mapping and the mapping by that IP, and the rewritten script."""
    login = write(tmp_path, "login.txt", "MAP INS S1:=SYS:PUBLIC\r\nMAP O:=NODE1/VOL2:\r\n")
    load = write(tmp_path, "pool2.ncf", LOAD_POOL2)
    code, data = diagnose(
        capsys,
        "tid-7014886",
        evidence=[f"login-script={login}", f"load-script={load}"],
        facts=[
            "reconnect_fails=yes",
            "node_names=NODE1,NODE2",
            "cluster_name=my-cluster",
            "cluster_context=Corp.EMA",
            "cluster_volume=VOL2",
            "drive=O",
        ],
    )
    assert code == 0
    assert (data["outcome_status"], data["diagnosis"]) == ("confirmed", "tid7014886-mapped-to-node")
    assert data["facts"]["cluster_volume_target"] == "node"
    assert data["provenance"]["cluster_volume_target"].startswith("login-script:2")
    assert commands(data) == {
        "map-volume-object": ["map O:=.my-cluster_VOL2.Corp.EMA:"],
        "map-secondary-ip": ["map O:=\\\\10.1.1.182\\VOL2"],
    }
    volume_fix = next(f for f in data["fixes"] if f["id"] == "map-volume-object")
    scripts = {a["name"]: a["text"] for a in volume_fix["artifacts"]}
    assert (
        scripts["remapped-script"]
        == "MAP INS S1:=SYS:PUBLIC\r\nMAP O:=.my-cluster_VOL2.Corp.EMA:\r\n"
    )
    assert "+MAP O:=.my-cluster_VOL2.Corp.EMA:" in scripts["remap-diff"]
    assert data["see_also"] == []


def test_7014886_mapping_through_the_cluster_master_ip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    login = write(tmp_path, "login.txt", "MAP O:=10.1.1.100/VOL2:\n")
    load = write(tmp_path, "pool2.ncf", LOAD_POOL2)
    code, data = diagnose(
        capsys,
        "tid-7014886",
        evidence=[f"login-script={login}", f"load-script={load}"],
        facts=["reconnect_fails=yes", "master_ip=10.1.1.100", "node_names=NODE1,NODE2"],
    )
    assert code == 0
    assert data["diagnosis"] == "tid7014886-mapped-to-cluster-object"
    assert data["facts"]["cluster_volume_target"] == "cluster-object"
    # The script gives the drive and the volume (line 1); the cluster's name and context
    # are not known: no command, those facts named instead.
    assert (data["facts"]["drive"], data["facts"]["cluster_volume"]) == ("O", "VOL2")
    assert data["provenance"]["drive"] == "login-script:1"
    volume_fix = next(f for f in data["fixes"] if f["id"] == "map-volume-object")
    assert volume_fix["commands"] == []
    assert set(volume_fix["missing"]) == {"cluster_name", "cluster_context"}


def test_7014886_the_exact_mapping_from_the_script_and_the_cluster_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: the drive and volume come from the script's mapping through
    the hosting node, the cluster's name and context from the person; the command is
    TID 7014886's form for this site, and the secondary-IP form uses the load script's IP."""
    login = write(tmp_path, "login.txt", "MAP S1:=NODE1/SYS:PUBLIC\r\nMAP O:=NODE1/VOL2:\r\n")
    load = write(
        tmp_path,
        "pool2.ncf",
        "mount VOL2 VOLID=253\nNUDP ADD MYCL_POOL2_SERVER 137.46.52.1\n"
        "add secondary ipaddress 137.46.52.1\n",
    )
    code, data = diagnose(
        capsys,
        "tid-7014886",
        evidence=[f"login-script={login}", f"load-script={load}"],
        facts=[
            "reconnect_fails=yes",
            "node_names=NODE1,NODE2",
            "cluster_name=my-cluster",
            "cluster_context=Corp.EMA",
        ],
    )
    assert code == 0
    assert data["diagnosis"] == "tid7014886-mapped-to-node"
    commands = {f["id"]: f["commands"] for f in data["fixes"]}
    assert commands["map-volume-object"] == ["map O:=.my-cluster_VOL2.Corp.EMA:"]
    assert commands["map-secondary-ip"] == ["map O:=\\\\137.46.52.1\\VOL2"]


def test_7014886_a_site_mapping_by_volume_object_is_ruled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    login = write(
        tmp_path, "login.txt", "MAP INS S1:=SYS:PUBLIC\nmap o:=.my-cluster_VOL2.Corp.EMA:\n"
    )
    load = write(tmp_path, "pool2.ncf", LOAD_POOL2)
    code, data = diagnose(
        capsys,
        "tid-7014886",
        evidence=[f"login-script={login}", f"load-script={load}"],
        facts=["reconnect_fails=yes", "node_names=NODE1,NODE2"],
    )
    assert code == 0
    assert (data["outcome_status"], data["diagnosis"]) == ("ruled-out", "tid7014886-not-this-issue")
    assert data["facts"]["cluster_volume_target"] == "volume-object"
    assert data["fixes"] == []
    assert [(s["pack"], s["title"]) for s in data["see_also"]] == [
        (
            "tid-3438100",
            "Cluster resource unreachable after failover (virtual IPs bound with BIND)",
        ),
        (
            "ncs-volume-id",
            "Clients do not reconnect after failover "
            "(volume IDs not unique, or changed without a reset)",
        ),
    ]


@pytest.mark.parametrize(
    "fact",
    [
        "cluster_name=my cluster",
        "cluster_context=Corp.EMA;MAP F:=SYS:",
        "drive=O:",
        "cluster_volume=VOL2\x1b",
    ],
)
def test_7014886_a_value_that_cannot_go_into_the_command_is_refused(
    capsys: pytest.CaptureFixture[str], fact: str
) -> None:
    code = main(["diagnose", "--pack", "tid-7014886", "--fact", fact])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err
    assert fact.split("=")[0] in err and "cannot hold" in err


def test_3438100_a_secondary_ip_site_is_pointed_to_7014886(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The reference pack rules out a site with secondary addresses, and points it to
    the article written for sites that map the node (its ruled-out outcome's see_also)."""
    code, data = diagnose(
        capsys,
        "tid-3438100",
        facts=["reconnect_fails=no", "mapping_shows=node", "vip_method=secondary"],
    )
    assert code == 0 and data["diagnosis"] == "not-this-issue"
    assert [s["pack"] for s in data["see_also"]] == ["tid-7014886"]
    assert data["see_also"][0]["title"].startswith("Drives mapped to the hosting node")


# --- TID 10019026 -----------------------------------------------------------------


def test_10019026_map_root_with_colon_and_error_8884(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    login = write(
        tmp_path,
        "login.txt",
        "MAP DISPLAY OFF\r\nMAP INS S1:=SYS:PUBLIC\r\nMAP ROOT S16:=.MYMAP.MYORG:\\APPS\r\n",
    )
    code, data = diagnose(
        capsys,
        "tid-10019026",
        evidence=[f"login-script={login}"],
        facts=["map_error_code=8884", "client_platform=windows-nt"],
    )
    assert code == 0
    assert (data["outcome_status"], data["diagnosis"]) == ("confirmed", "tid10019026-confirmed")
    assert data["facts"]["dirmap_map_command"] == "MAP ROOT S16:=.MYMAP.MYORG:\\APPS"
    assert data["provenance"]["dirmap_root_colon"].startswith("login-script:3")
    assert commands(data) == {"remove-colon": ["MAP ROOT S16:=.MYMAP.MYORG\\APPS"]}
    step = data["fixes"][0]["steps"][0]
    assert "replace the line MAP ROOT S16:=.MYMAP.MYORG:\\APPS with the command above" in step
    # The TID gives no check that the fix worked: none is invented.
    assert data["fixes"][0]["verify"] == []


def test_10019026_the_object_points_to_a_volume_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    login = write(tmp_path, "login.txt", "MAP ROOT S16:=.MYMAP.MYORG:\\APPS\n")
    code, data = diagnose(
        capsys,
        "tid-10019026",
        evidence=[f"login-script={login}"],
        facts=["map_error_code=8875", "client_platform=windows-nt", "dirmap_points_to_root=yes"],
    )
    assert code == 0
    assert (data["outcome_status"], data["diagnosis"]) == (
        "ruled-out",
        "tid10019026-not-this-issue",
    )
    assert data["fixes"] == []


def test_10019026_a_script_without_the_colon_is_ruled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    login = write(
        tmp_path, "login.txt", "MAP INS S1:=SYS:PUBLIC\nMAP ROOT S16:=.MYMAP.MYORG\\APPS\n"
    )
    code, data = diagnose(
        capsys,
        "tid-10019026",
        evidence=[f"login-script={login}"],
        facts=["map_error_code=8884"],
    )
    assert code == 0
    assert data["facts"]["dirmap_root_colon"] == "no"
    assert data["outcome_status"] == "ruled-out"
    assert data["title"] == "Not this issue: no colon after the Directory Map object"


def test_10019026_the_error_alone_is_undecided(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = diagnose(capsys, "tid-10019026", facts=["map_error_code=8804"])
    assert code == 3
    assert data["outcome_status"] == "undecided"
    assert data["missing"][0] == "dirmap_root_colon"


# --- NCS volume IDs -----------------------------------------------------------------


def test_ncs_volume_id_two_load_scripts_sharing_volid_254(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(
        tmp_path,
        "pool1.ncf",
        "nss /poolactivate=POOL1\nmount VOL1 VOLID=254\n"
        "NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n",
    )
    second = write(
        tmp_path,
        "pool2.ncf",
        "nss /poolactivate=POOL2\nmount VOL2 VOLID=254\n"
        "NUDP ADD CLUSTER1_POOL2_SERVER 10.1.1.181\n",
    )
    code, data = diagnose(
        capsys,
        "ncs-volume-id",
        evidence=[f"load-script={first}", f"load-script={second}"],
        facts=["reconnect_fails=yes", "uses_bcc=no"],
    )
    assert code == 0
    assert (data["outcome_status"], data["diagnosis"]) == ("confirmed", "ncs-volume-id-duplicate")
    assert data["facts"]["duplicate_volume_ids"] == ["254"]
    assert data["facts"]["volume_ids_unique"] == "no"
    where = data["provenance"]["duplicate_volume_ids"]
    assert "pool1.ncf" in where and "pool2.ncf" in where and ":2" in where
    assert [f["id"] for f in data["fixes"]] == [
        "make-volume-ids-unique",
        "offline-online-resource",
        "clients-log-in-again",
    ]
    steps = " ".join(s for f in data["fixes"] for s in f["steps"])
    assert "used by more than one volume: 254" in steps
    assert "offline" in steps and "log out and log in again" in steps


def test_ncs_volume_id_a_change_not_yet_applied(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = diagnose(
        capsys,
        "ncs-volume-id",
        facts=[
            "reconnect_fails=yes",
            "volume_ids_unique=yes",
            "volid_changed=yes",
            "resource_cycled=yes",
            "clients_relogged=no",
        ],
    )
    assert code == 0
    assert data["diagnosis"] == "ncs-volume-id-clients-not-reset"
    assert [f["id"] for f in data["fixes"]] == ["clients-log-in-again"]


def test_ncs_volume_id_unique_ids_point_to_the_other_articles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, data = diagnose(
        capsys,
        "ncs-volume-id",
        facts=["reconnect_fails=yes", "volume_ids_unique=yes", "volid_changed=no"],
    )
    assert code == 0 and data["outcome_status"] == "ruled-out"
    assert [s["pack"] for s in data["see_also"]] == ["tid-3438100", "tid-7014886"]
