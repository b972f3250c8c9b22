"""`kbwizard graph`: the whole decision graph as Mermaid and DOT, every node and edge."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wizard.kb.graph import graph_of
from wizard.kb.model import Pack


@pytest.mark.parametrize(("fmt", "arrow"), [("mermaid", " -->|"), ("dot", " -> ")])
def test_graph_has_every_node_and_edge(pack: Pack, fmt: str, arrow: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "graph", "--format", fmt], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    graph = graph_of(pack)
    edges = [line for line in result.stdout.splitlines() if arrow in line]
    assert len(edges) == graph.number_of_edges()
    for node_id in pack.nodes:
        assert node_id in result.stdout
    # Quotes in pack text never break the syntax.
    if fmt == "mermaid":
        assert result.stdout.startswith("flowchart TD")
        assert "#quot;NCP Include IP Address#quot;" in result.stdout
    else:
        assert result.stdout.startswith('digraph "tid-3438100"')
        assert '\\"NCP Include IP Address\\"' in result.stdout
