"""The parts of the small test packs that the engine's and the screens' triage tests share.

tests/engine/triage_packs.py and tests/tui/triage_packs.py each build their own packs
(different questions, texts and ids) from these lines, and write them with
``write_packs``.
"""

from __future__ import annotations

from pathlib import Path

CHOICE = ["    type: choice", '    values: ["yes", "no"]']
"""A yes/no fact's declaration."""


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pack_head(
    pack_id: str, title: str, summary: str, document: str, source_title: str
) -> list[str]:
    """A pack's first lines: id, version, title, summary, source and explanation.

    ``title`` and ``source_title`` are written as given (quote them where needed).
    """
    return [
        f"id: {pack_id}",
        'version: "1.0.0"',
        f"title: {title}",
        f"summary: {summary}",
        "source:",
        f"  document: {document}",
        f"  title: {source_title}",
        '  published: "2024-01-01"',
        '  updated: "2024-01-02"',
        "  products: [Test]",
        "explanation:",
        "  title: Why",
        "  steps:",
        "    - The cause makes the symptom.",
    ]


def cause_question(pack_id: str, cause: str, tid: str, yes_next: str) -> list[str]:
    """The node ``q_cause``: yes goes to ``yes_next``, no rules out, "don't know" to o_more."""
    return [
        "  q_cause:",
        "    kind: question",
        f"    tid: {tid}",
        f"    fact: {cause}",
        f"    text: Is the cause of {pack_id} present?",
        "    why: It decides the article.",
        "    how_to_check: Look at the server.",
        "    choices:",
        f'      - {{value: "yes", label: "Yes", next: {yes_next}}}',
        '      - {value: "no", label: "No", next: o_out}',
        "    unknown: o_more",
    ]


def ruled_out(tid: str, collect: bool) -> list[str]:
    """The node ``o_out`` (asking for the console output when ``collect``)."""
    return [
        "  o_out:",
        "    kind: outcome",
        f"    tid: {tid}",
        "    diagnosis: not-this-issue",
        "    status: ruled-out",
        "    title: Not this issue",
        "    summary: The cause is not present.",
        *(["    collect: [The server console output.]"] if collect else []),
    ]


def undecided_and_fix(tid: str, fix_title: str, fix_tid: str, command: str) -> list[str]:
    """The node ``o_more`` and the pack's one fix ``fix-it`` (the pack's last lines)."""
    return [
        "  o_more:",
        "    kind: outcome",
        f"    tid: {tid}",
        "    diagnosis: needs-more-information",
        "    status: undecided",
        "    title: Not enough information",
        "    summary: The cause is not known.",
        "    collect: [The server console output.]",
        "fixes:",
        "  fix-it:",
        f"    title: {fix_title}",
        f"    tid: {fix_tid}",
        "    explanation: It removes the cause.",
        "    commands:",
        f"      - {command}",
        "    verify:",
        "      - Check again.",
        "",
    ]


def write_packs(folder: Path, packs: dict[str, str]) -> Path:
    """Each pack's text as ``ID.yaml`` in ``folder`` (a --pack-dir)."""
    folder.mkdir(parents=True, exist_ok=True)
    for pack_id, text in packs.items():
        (folder / f"{pack_id}.yaml").write_text(text, encoding="utf-8")
    return folder
