"""Provides the pack's decision graph as a plain networkx DiGraph, and small questions about it.

Nodes carry ``kind`` and ``node`` (the model object); edges carry ``via``
(choice, other, unknown, rule, default), ``label`` and ``value``.
"""

from __future__ import annotations

from functools import cache

import networkx as nx

from wizard.kb.model import Pack


def build_graph(pack: Pack) -> nx.DiGraph[str]:
    """The decision graph; edges to undefined nodes are left out (validation reports them)."""
    graph: nx.DiGraph[str] = nx.DiGraph(pack=pack.id)
    for node_id, node in pack.nodes.items():
        graph.add_node(node_id, kind=node.kind, node=node)
    for node_id, node in pack.nodes.items():
        for via, label, target in node.routes():
            if target not in pack.nodes:
                continue
            if graph.has_edge(node_id, target):
                # Several answers may lead to the same node: keep them all in the label.
                data = graph.edges[node_id, target]
                data["label"] = f"{data['label']} / {label}"
                data["values"].append(label)
                continue
            graph.add_edge(node_id, target, via=via, label=label, values=[label])
    return graph


def outcomes(graph: nx.DiGraph[str]) -> list[str]:
    return [n for n, data in graph.nodes(data=True) if data["kind"] == "outcome"]


def remaining_questions(graph: nx.DiGraph[str]) -> dict[str, tuple[int, int]]:
    """For every node: the fewest and most questions still to ask before an outcome.

    Counts the node itself when it is a question. Needs an acyclic graph.
    """
    result: dict[str, tuple[int, int]] = {}
    for node_id in reversed(list(nx.topological_sort(graph))):
        own = 1 if graph.nodes[node_id]["kind"] == "question" else 0
        below = [result[s] for s in graph.successors(node_id)]
        if not below:
            result[node_id] = (own, own)
        else:
            result[node_id] = (own + min(b[0] for b in below), own + max(b[1] for b in below))
    return result


def root_to_outcome_paths(graph: nx.DiGraph[str], start: str) -> list[list[str]]:
    """Every path from ``start`` to an outcome (the graph is small and acyclic)."""
    paths: list[list[str]] = []
    for end in outcomes(graph):
        paths.extend(nx.all_simple_paths(graph, start, end))
    return paths


@cache
def _graph_for(pack: Pack) -> nx.DiGraph[str]:
    return build_graph(pack)


def graph_of(pack: Pack) -> nx.DiGraph[str]:
    """The (cached) graph of a loaded pack."""
    return _graph_for(pack)
