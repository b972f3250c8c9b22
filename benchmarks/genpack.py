"""Generates valid, chain/tree-shaped knowledge packs of a given node count.

The shape: a chain of blocks, each a question (``q<i>``) whose "yes" leads to a
decision (``d<i>``) and whose "no" leads to an outcome (``o<i>``); the decision
goes on to the next question or, by default, to the outcome. Every outcome
offers one of a handful of fixes whose templates use the facts, so every check
of ``wizard.kb.validate`` has work to do and the pack is clean (no problems).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

FACTS = 8
FIXES = 5


def generate_pack(nodes: int, pack_id: str = "generated", prefix: str = "") -> str:
    """YAML text of a valid pack with about ``nodes`` nodes (at least 4).

    ``prefix`` goes before every fact name, so packs generated with different prefixes
    share no fact (unrelated articles, as a knowledge base of many packs has); with a
    prefix the pack also lists one symptom of its own.
    """
    text = _generate(nodes, pack_id)
    if not prefix:
        return text
    for name in [f"f{f}" for f in range(FACTS)] + ["primary_ip", "names"]:
        text = re.sub(rf"(?<![\w{{]){name}\b|(?<={{){name}(?=}})", prefix + name, text)
    return text + "\n".join(
        [
            "symptoms:",
            "  - id: own",
            f"    text: Condition 0 of {pack_id} is present.",
            f"    fact: {prefix}f0",
            '    value: "yes"',
            "",
        ]
    )


def generate_packs(folder: Path, count: int, nodes: int = 31) -> list[Path]:
    """``count`` unrelated generated packs (``gen-000`` …) written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        pack_id = f"gen-{number:03d}"
        path = folder / f"{pack_id}.yaml"
        path.write_text(generate_pack(nodes, pack_id, f"g{number:03d}_"), encoding="utf-8")
        paths.append(path)
    return paths


def _generate(nodes: int, pack_id: str) -> str:
    blocks = max(1, (nodes - 1) // 3)
    out: list[str] = [
        f"id: {pack_id}",
        'version: "1.0.0"',
        "title: Generated benchmark pack",
        "summary: >-",
        "  A machine-written pack used to measure loading and validation;",
        "  its shape is a long chain of question, decision and outcome nodes.",
        "source:",
        "  document: BENCH 1",
        "  title: Generated",
        '  published: "2024-01-01"',
        '  updated: "2024-01-02"',
        "  products: [Benchmark]",
        "explanation:",
        "  title: Why",
        "  steps:",
        "    - Every block asks one question and checks one decision.",
        "facts:",
    ]
    for f in range(FACTS):
        out += [
            f"  f{f}:",
            "    type: choice",
            '    values: ["yes", "no"]',
            f"    description: Generated choice fact number {f}.",
        ]
    out += [
        "  primary_ip:",
        "    type: ipv4",
        "    keywords: [all]",
        "    description: An address used in the fix templates.",
        "  names:",
        "    type: list",
        "    description: Names used in the fix templates.",
        "start: q0",
        "nodes:",
    ]
    for i in range(blocks):
        fact = f"f{i % FACTS}"
        nxt = f"q{i + 1}" if i + 1 < blocks else "o_end"
        out += [
            f"  q{i}:",
            "    kind: question",
            f"    tid: Section {i}",
            f"    fact: {fact}",
            f"    text: Is condition {i} present on the affected server?",
            "    why: >-",
            "      The answer decides whether the next check applies; it is asked",
            "      once and remembered for the rest of the case.",
            "    how_to_check: Look at the server console and compare with the notes.",
            "    choices:",
            f'      - {{value: "yes", label: "Yes, it is", next: d{i}}}',
            f'      - {{value: "no", label: "No, it is not", next: o{i}}}',
            f"    unknown: d{i}",
            f"  d{i}:",
            "    kind: decision",
            f"    tid: Section {i}",
            "    rules:",
            "      - when:",
            "          any:",
            f'            - {{fact: {fact}, equals: "yes"}}',
            f'            - {{fact: f{(i + 1) % FACTS}, in: ["yes"]}}',
            f"        next: {nxt}",
            f"        label: condition {i} holds",
            f"    default: o{i}",
            f"  o{i}:",
            "    kind: outcome",
            f"    tid: Section {i}",
            "    diagnosis: not-this-issue",
            "    status: ruled-out",
            f'    title: "Stopped at block {i}"',
            f"    summary: The chain ended at block {i}.",
            f"    fixes: [fix{i % FIXES}]",
            "    collect:",
            "      - The server console output.",
        ]
    out += [
        "  o_end:",
        "    kind: outcome",
        "    tid: End",
        "    diagnosis: confirmed",
        "    status: confirmed",
        "    title: Reached the end",
        "    summary: Every condition held.",
        "    fixes: [fix0]",
        "fixes:",
    ]
    for x in range(FIXES):
        out += [
            f"  fix{x}:",
            f"    title: Fix number {x}",
            "    tid: Resolution",
            "    explanation: It removes the cause found by the chain.",
            f'    applies_when: {{fact: f{x % FACTS}, equals: "yes"}}',
            "    commands:",
            "      - set NCP include IP address = {primary_ip}",
            "    steps:",
            "      - Repeat for each of {names}.",
            "    verify:",
            "      - Run the check again on {primary_ip}.",
        ]
    return "\n".join(out) + "\n"


def node_count(text: str) -> int:
    """The number of nodes the generated text holds."""
    return sum(1 for line in text.splitlines() if line.startswith("    kind: "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("nodes", type=int)
    args = parser.parse_args(argv)
    sys.stdout.write(generate_pack(args.nodes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
