"""Load-script and SET-parameter analyzers: command variants, site context, conservatism."""

from __future__ import annotations

import pytest

from wizard.analyzers.netware import analyze_load_script, analyze_set_parameters, context_from
from wizard.analyzers.netware.load_script import bind_address


@pytest.mark.parametrize(
    "line",
    [
        "BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0",
        "bind ip ce1000_1_eii mask=255.255.255.0 address=10.1.1.180",
        "BIND IP CE1000_1_EII [ADDRESS=10.1.1.180 MASK=255.255.255.0]",
        "BIND IP TO CE1000_1_EII [MASK=255.255.255.0] [ADDR=10.1.1.180]",
        "BIND IP VNIC Mask = 255.255.255.255 Address = 10.1.1.180",
        "ignore_error BIND IP CE1000_1_EII ADDRESS=10.1.1.180",
    ],
)
def test_bind_variants_give_bind(line: str) -> None:
    load = analyze_load_script(line + "\n")
    finding = load.report.fact("vip_method")
    assert finding is not None
    assert (finding.value, finding.line) == ("bind", 1)
    assert load.virtual_ips == ("10.1.1.180",)


def test_bind_address_helper() -> None:
    assert bind_address("BIND IP TO B1 ADDR=1.2.3.4") == ("B1", "1.2.3.4")
    assert bind_address("BIND IPX B1") is None
    assert bind_address("BIND IP B1 MASK=255.0.0.0") == ("B1", "")


@pytest.mark.parametrize(
    "line",
    ["add secondary ipaddress 10.1.1.180", "ADD SECONDARY IP ADDRESS 10.1.1.180"],
)
def test_secondary_spellings(line: str) -> None:
    finding = analyze_load_script(line).report.fact("vip_method")
    assert finding is not None and finding.value == "secondary"


def test_invalid_addresses_are_not_counted() -> None:
    load = analyze_load_script(
        "add secondary ipaddress 10.1.1.300\nBIND IP B1 ADDRESS=1.2.3\nNUDP ADD VS 999.0.0.1\n"
    )
    assert load.virtual_ips == ()
    assert load.report.fact("vip_method") is None
    assert load.virtual_servers == ("VS",)
    assert sum(r.level == "warning" for r in load.report.remarks) == 2


def test_context_from_uses_pool_names_for_the_cluster_prefix() -> None:
    load = analyze_load_script(
        "nss /poolactivate=MY_POOL\nmount DATA VOLID=250\nmount ARCH VOLID=251\n"
        "NUDP ADD BIG_CLUSTER_MY_POOL_SERVER 10.2.2.2\nadd secondary ipaddress 10.2.2.2\n"
    )
    context = context_from(load)
    assert context.volume_objects == frozenset({"BIG_CLUSTER_DATA", "BIG_CLUSTER_ARCH"})
    assert context.cluster_volumes == frozenset({"DATA", "ARCH"})
    assert context.virtual_ips == frozenset({"10.2.2.2"})


def test_load_garbage_is_reported_not_fatal() -> None:
    load = analyze_load_script("hello world\n\x00\x01\n")
    assert [line for line, _ in load.report.unrecognised] == [1, 2]
    assert load.report.findings == ()


def test_set_list_value_is_taken_as_given_with_a_warning() -> None:
    settings = analyze_set_parameters("NCP Include IP Addresses: 10.1.1.11, 10.1.1.12\n")
    assert settings.ncp_include_ip == "10.1.1.11, 10.1.1.12"
    assert any(r.level == "warning" for r in settings.report.remarks)


def test_set_unparseable_value_is_ignored() -> None:
    settings = analyze_set_parameters("set NCP include IP address = banana\n")
    assert settings.ncp_include_ip is None
    assert settings.report.fact("ncp_include_ip") is None


def test_set_vnic_bind_is_not_the_primary_ip() -> None:
    settings = analyze_set_parameters(
        "LOAD VNIC NAME=VNIC\nBIND IP VNIC Mask=255.255.255.255 Address=10.1.1.1\n"
    )
    assert settings.primary_ip is None
    assert any("virtual NIC" in r.text for r in settings.report.remarks)


def test_set_prompt_prefixed_command() -> None:
    settings = analyze_set_parameters("NODE1:set NCP Include IP Address=10.1.1.11\n")
    assert settings.ncp_include_ip == "10.1.1.11"
