"""Provides the decision graph as Mermaid (renders on GitHub) or Graphviz DOT text."""

from __future__ import annotations

from wizard.kb.graph import graph_of
from wizard.kb.model import Decision, Outcome, Pack, Question

GRAPH_FORMATS = ("mermaid", "dot")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_label(pack: Pack, node_id: str) -> str:
    node = pack.nodes[node_id]
    if isinstance(node, Question):
        return f"{node.fact}?\n{_short(node.text)}"
    if isinstance(node, Decision):
        return f"decide: {node_id}"
    assert isinstance(node, Outcome)
    return f"{node.diagnosis}\n{_short(node.title)}"


def _mermaid_text(text: str) -> str:
    # Inside a quoted Mermaid label only the quote needs an entity; keep the
    # label on one line with <br/> so GitHub renders it.
    out = (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )
    return out.replace("\n", "<br/>")


def to_mermaid(pack: Pack) -> str:
    graph = graph_of(pack)
    lines = ["flowchart TD"]
    shapes = {"question": ('["', '"]'), "decision": ('{"', '"}'), "outcome": ('(["', '"])')}
    for node_id, attrs in graph.nodes(data=True):
        left, right = shapes[attrs["kind"]]
        lines.append(f"    {node_id}{left}{_mermaid_text(_node_label(pack, node_id))}{right}")
    for source, target, data in graph.edges(data=True):
        lines.append(f'    {source} -->|"{_mermaid_text(_short(data["label"], 40))}"| {target}')
    lines.append("    classDef outcome fill:#e8f5e9,stroke:#2e7d32")
    lines.append("    classDef decision fill:#fff8e1,stroke:#f9a825")
    for kind in ("outcome", "decision"):
        members = [n for n, attrs in graph.nodes(data=True) if attrs["kind"] == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(pack: Pack) -> str:
    graph = graph_of(pack)
    shapes = {"question": "box", "decision": "diamond", "outcome": "doubleoctagon"}
    lines = [f'digraph "{_dot_text(pack.id)}" {{', "    rankdir=TB;"]
    for node_id, attrs in graph.nodes(data=True):
        label = _dot_text(_node_label(pack, node_id))
        shape = shapes[attrs["kind"]]
        lines.append(f'    "{_dot_text(node_id)}" [shape={shape}, label="{label}"];')
    for source, target, data in graph.edges(data=True):
        label = _dot_text(_short(data["label"], 40))
        lines.append(f'    "{_dot_text(source)}" -> "{_dot_text(target)}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(pack: Pack, fmt: str) -> str:
    return to_mermaid(pack) if fmt == "mermaid" else to_dot(pack)
