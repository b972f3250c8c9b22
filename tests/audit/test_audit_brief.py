"""``Context.brief`` (what the audit asks for) never changes what the analyzer finds."""

from __future__ import annotations

import pytest

from tests.audit.gen import corpus_scripts
from wizard.evidence.protocol import Context
from wizard.evidence.registry import get

FACTS = {
    "node_names": ("NODE1", "NODE2"),
    "virtual_servers": ("CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"),
    "virtual_ips": ("10.1.1.180", "10.1.1.181"),
    "primary_ip": ("10.1.1.11",),
}


@pytest.mark.parametrize(("name", "data"), corpus_scripts(), ids=lambda v: str(v)[:40])
def test_a_brief_reading_finds_and_makes_what_a_full_one_does(name: str, data: bytes) -> None:
    analyzer = get("netware-login-script")
    assert analyzer is not None
    full = analyzer.analyze(data, Context(FACTS))
    brief = analyzer.analyze(data, Context(FACTS, brief=("corrected-script",)))
    assert brief.report == full.report
    assert brief.decisive == full.decisive
    made, wanted = full.product("corrected-script"), brief.product("corrected-script")
    assert (made is None) == (wanted is None)
    if made is not None and wanted is not None:
        assert (wanted.text, wanted.data, wanted.notes) == (made.text, made.data, made.notes)
    assert brief.table is None and brief.questions == () and brief.records == ()
    with_diff = analyzer.analyze(data, Context(FACTS, brief=("corrected-script", "diff")))
    assert with_diff.product("diff") == full.product("diff")
