"""The shipped TID 3438100 pack: valid, acyclic, complete, and faithful to the TID's logic."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
import yaml

from tests.conftest import PACK_FILE, ROOT
from wizard.kb.graph import graph_of, remaining_questions, root_to_outcome_paths
from wizard.kb.loader import parse_pack
from wizard.kb.model import Decision, Outcome, Pack, Question
from wizard.kb.registry import ANALYZERS
from wizard.kb.validate import validate_pack

CONTRACT_FACTS = {
    "reconnect_fails": ("choice", {"yes", "no"}),
    "mapping_shows": ("choice", {"node", "virtual"}),
    "trace_target": ("choice", {"primary", "virtual"}),
    "vip_method": ("choice", {"bind", "secondary"}),
    "ncp_include_ip": ("ipv4", set()),
    "primary_ip": ("ipv4", set()),
    "login_order": ("choice", {"node-first", "virtual-first", "no-node-mapping"}),
    "node_names": ("list", set()),
    "virtual_servers": ("list", set()),
    "virtual_ips": ("list", set()),
}


def test_pack_validates_clean() -> None:
    pack, problems = parse_pack(PACK_FILE.read_bytes(), str(PACK_FILE))
    assert pack is not None
    assert problems + validate_pack(pack, ANALYZERS) == []


def test_example_pack_in_docs_validates() -> None:
    path = ROOT / "docs" / "examples" / "mini-vip.yaml"
    pack, problems = parse_pack(path.read_bytes(), str(path))
    assert pack is not None and problems + validate_pack(pack, ANALYZERS) == []


@pytest.mark.parametrize("path", [PACK_FILE, ROOT / "docs" / "examples" / "mini-vip.yaml"])
def test_packs_match_published_json_schema(path: Path) -> None:
    schema = json.loads((ROOT / "knowledge" / "pack.schema.json").read_text())
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads((ROOT / "knowledge" / "pack.schema.json").read_text())
    data = yaml.safe_load(PACK_FILE.read_text())
    data["nodes"]["q_vip"]["colour"] = "red"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_contract_names_present(pack: Pack) -> None:
    for name, (kind, values) in CONTRACT_FACTS.items():
        assert pack.facts[name].type == kind
        if values:
            assert set(pack.facts[name].values) == values
    assert "all" in pack.facts["ncp_include_ip"].keywords
    diagnoses = {n.diagnosis for n in pack.nodes.values() if isinstance(n, Outcome)}
    assert diagnoses == {"tid3438100-confirmed", "not-this-issue", "needs-more-information"}
    assert set(pack.fixes) == {
        "set-ncp-include-ip-address",
        "reorder-login-script",
        "use-secondary-ipaddress",
    }
    assert set(pack.evidence) == {"login-script", "load-script", "set-parameters"}
    assert (
        "set NCP include IP address = {primary_ip}"
        in pack.fixes["set-ncp-include-ip-address"].commands
    )


def test_graph_is_acyclic_and_every_outcome_reachable(pack: Pack) -> None:
    graph = graph_of(pack)
    assert nx.is_directed_acyclic_graph(graph)
    reachable = nx.descendants(graph, pack.start)
    outcomes = [n for n in pack.nodes.values() if isinstance(n, Outcome)]
    assert outcomes and all(o.id in reachable for o in outcomes)


def test_every_question_is_explained(pack: Pack) -> None:
    for q in pack.questions:
        assert len(q.why) > 40 and len(q.how_to_check) > 40, q.id
        assert q.tid and q.unknown, q.id
    for node in pack.nodes.values():
        assert node.tid, node.id
    for fix in pack.fixes.values():
        assert fix.tid and fix.verify and fix.explanation, fix.id


def test_pack_records_scope_sources_and_mechanism(pack: Pack) -> None:
    assert pack.source.document == "TID 3438100"
    assert any("6.5 Support Pack 6" in p for p in pack.source.products)
    assert any("Business Continuity Clustering" in p for p in pack.source.products)
    assert len(pack.scope) == 2
    assert len(pack.symptoms) == 4
    assert len(pack.explanation) >= 6
    assert any("DNS" in s and "SLP" in s for s in pack.explanation)
    q_login = pack.question_for("login_order")
    assert q_login is not None and "DNS" in q_login.why


def _conditions_on_path(pack: Pack, path: list[str]) -> dict[str, set[str]]:
    """The fact values a path commits to, read from its edges (choices and rules)."""
    graph = graph_of(pack)
    seen: dict[str, set[str]] = {}
    for a, b in pairwise(path):
        node = pack.nodes[a]
        if isinstance(node, Question):
            via = graph.edges[a, b]["via"]
            values = {c.value for c in node.choices if c.next == b}
            if node.other is not None and node.other.next == b:
                values.add("<typed>")
            if via == "unknown" or (node.unknown == b and not values):
                values.add("?")
            seen.setdefault(node.fact, set()).update(values)
        elif isinstance(node, Decision):
            for rule in node.rules:
                if rule.next == b:
                    for part in [rule.when, *rule.when.parts]:
                        if part.fact:
                            seen.setdefault(part.fact, set()).update(part.values)
    return seen


def test_every_root_to_outcome_path_follows_the_tid(pack: Pack) -> None:
    graph = graph_of(pack)
    paths = root_to_outcome_paths(graph, pack.start)
    assert len(paths) >= 10
    confirmed = [p for p in paths if pack.nodes[p[-1]].diagnosis == "tid3438100-confirmed"]  # type: ignore[union-attr]
    assert confirmed
    for path in confirmed:
        # The only way in is the d_confirm rule that requires BIND, all and node-first.
        assert "d_confirm" in path
        rule = next(r for r in pack.nodes["d_confirm"].rules)  # type: ignore[union-attr]
        facts = rule.when.facts()
        assert {"vip_method", "ncp_include_ip", "login_order"} <= facts
        conds = _conditions_on_path(pack, path)
        assert conds.get("vip_method", {"?"}) <= {"bind", "?"}
        assert "secondary" not in conds.get("vip_method", set())
        assert "<typed>" not in conds.get("ncp_include_ip", set())
        assert conds.get("login_order", {"?"}) <= {"node-first", "?"}
        assert "virtual" not in conds.get("mapping_shows", set())
        assert "virtual" not in conds.get("trace_target", set())
    for path in paths:
        conds = _conditions_on_path(pack, path)
        end = pack.nodes[path[-1]]
        assert isinstance(end, Outcome)
        # Contradicting signs and ruling-out configuration never lead to confirmed.
        if "secondary" in conds.get("vip_method", set()) or "virtual" in conds.get(
            "mapping_shows", set()
        ):
            assert end.diagnosis == "not-this-issue"


def test_progress_counts_from_graph(pack: Pack) -> None:
    counts = remaining_questions(graph_of(pack))
    fewest, most = counts[pack.start]
    assert fewest == 2  # reconnect, mapping=virtual -> ruled out
    assert most == 7  # all seven questions, the optional primary IP included
    for node in pack.nodes.values():
        if isinstance(node, Outcome):
            assert counts[node.id] == (0, 0)
