"""Provides the decision graph as Mermaid (renders on GitHub) or Graphviz DOT text.

Nothing a pack author wrote is ever emitted as Mermaid or DOT syntax: every node
gets a generated identifier (``n0``, ``n1`` … in graph order), and the author's
node id, question text, titles and answer labels appear only inside quoted,
escaped labels, with control characters shown visibly. A node id such as
``x["a"]\nclick x href "javascript:…"`` is a label, never a line of its own.
"""

from __future__ import annotations

import networkx as nx

from wizard.kb.graph import graph_of
from wizard.kb.model import Decision, Outcome, Pack, Question
from wizard.report.sanitize import one_line

GRAPH_FORMATS = ("mermaid", "dot")


def _short(text: str, limit: int = 60) -> str:
    text = one_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identifiers(graph: nx.DiGraph[str]) -> dict[str, str]:
    """A generated, syntax-safe identifier for every node id (never the author's id)."""
    return {node_id: f"n{index}" for index, node_id in enumerate(graph.nodes)}


def _node_label(pack: Pack, node_id: str) -> str:
    """The label lines: the node's id, then what it asks or decides (one line each)."""
    node = pack.nodes.get(node_id)
    shown = one_line(node_id)
    if isinstance(node, Question):
        return f"{shown}\n{one_line(node.fact)}?\n{_short(node.text)}"
    if isinstance(node, Decision):
        return f"decide: {shown}"
    if isinstance(node, Outcome):
        return f"{shown}\n{one_line(node.diagnosis)}\n{_short(node.title)}"
    return shown


_MERMAID_ENTITIES = str.maketrans(
    {"#": "#35;", "&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;",
     "|": "#124;", "\\": "#92;"}
)  # fmt: skip


def _mermaid_text(text: str) -> str:
    # Inside a quoted Mermaid label every character that Mermaid or the HTML it renders
    # to could read as syntax becomes an entity code (``#`` first, as it starts one);
    # the label stays on one line with <br/> so GitHub renders it.
    return text.translate(_MERMAID_ENTITIES).replace("\n", "<br/>")


def to_mermaid(pack: Pack) -> str:
    graph = graph_of(pack)
    ids = _identifiers(graph)
    lines = ["flowchart TD"]
    shapes = {"question": ('["', '"]'), "decision": ('{"', '"}'), "outcome": ('(["', '"])')}
    for node_id, attrs in graph.nodes(data=True):
        left, right = shapes.get(attrs.get("kind", ""), ('["', '"]'))
        label = _mermaid_text(_node_label(pack, node_id))
        lines.append(f"    {ids[node_id]}{left}{label}{right}")
    for source, target, data in graph.edges(data=True):
        label = _mermaid_text(_short(data["label"], 40))
        lines.append(f'    {ids[source]} -->|"{label}"| {ids[target]}')
    lines.append("    classDef outcome fill:#e8f5e9,stroke:#2e7d32")
    lines.append("    classDef decision fill:#fff8e1,stroke:#f9a825")
    for kind in ("outcome", "decision"):
        members = [ids[n] for n, attrs in graph.nodes(data=True) if attrs.get("kind") == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    """Text for inside a double-quoted DOT string: one line, quotes and escapes escaped."""
    lines = [one_line(line) for line in text.split("\n")]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def to_dot(pack: Pack) -> str:
    graph = graph_of(pack)
    ids = _identifiers(graph)
    shapes = {"question": "box", "decision": "diamond", "outcome": "doubleoctagon"}
    lines = [f'digraph "{_dot_text(pack.id)}" {{', "    rankdir=TB;"]
    for node_id, attrs in graph.nodes(data=True):
        label = _dot_text(_node_label(pack, node_id))
        shape = shapes.get(attrs.get("kind", ""), "box")
        lines.append(f'    {ids[node_id]} [shape={shape}, label="{label}"];')
    for source, target, data in graph.edges(data=True):
        label = _dot_text(_short(data["label"], 40))
        lines.append(f'    {ids[source]} -> {ids[target]} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(pack: Pack, fmt: str) -> str:
    return to_mermaid(pack) if fmt == "mermaid" else to_dot(pack)
