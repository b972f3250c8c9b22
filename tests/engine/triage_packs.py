"""Small packs for the triage tests, written into a --pack-dir.

Each pack shares ``reconnect_fails`` (the reference pack's symptom fact, same type and
values) and has a cause fact of its own: yes confirms it, no rules it out, "don't
know" leaves it undecided.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PACK_FILE


def small_pack(
    pack_id: str,
    cause: str,
    *,
    title: str = "",
    symptom_text: str = "Clients cannot reconnect after the resource fails over.",
    extra_symptom: str = "",
    command: str = "fix it on {server}",
) -> str:
    title = title or f"Test article {pack_id}"
    symptoms = [
        "symptoms:",
        "  - id: no-reconnect",
        f"    text: {symptom_text}",
        "    fact: reconnect_fails",
        '    value: "yes"',
    ]
    if extra_symptom:
        symptoms += [
            "  - id: own",
            f"    text: {extra_symptom}",
            f"    fact: {cause}",
            '    value: "yes"',
        ]
    return "\n".join(
        [
            f"id: {pack_id}",
            'version: "1.0.0"',
            f"title: {_quoted(title)}",
            "summary: A small pack for the triage tests.",
            "source:",
            f"  document: TEST {pack_id}",
            "  title: Test article",
            '  published: "2024-01-01"',
            '  updated: "2024-01-02"',
            "  products: [Test]",
            "explanation:",
            "  title: Why",
            "  steps:",
            "    - The cause makes the symptom.",
            "facts:",
            "  reconnect_fails:",
            "    type: choice",
            '    values: ["yes", "no"]',
            "    description: Clients cannot reconnect after a failover.",
            f"  {cause}:",
            "    type: choice",
            '    values: ["yes", "no"]',
            f"    description: The cause of {pack_id} is present.",
            "  server:",
            "    type: text",
            "    description: The server to fix.",
            *symptoms,
            "start: q_reconnect",
            "nodes:",
            "  q_reconnect:",
            "    kind: question",
            "    tid: Symptoms",
            "    fact: reconnect_fails",
            "    text: Are clients unable to reconnect after a failover?",
            "    why: It is the symptom.",
            "    how_to_check: Ask the caller.",
            "    choices:",
            '      - {value: "yes", label: "Yes", next: q_cause}',
            '      - {value: "no", label: "No", next: o_out}',
            "    unknown: q_cause",
            "  q_cause:",
            "    kind: question",
            "    tid: Cause",
            f"    fact: {cause}",
            f"    text: Is the cause of {pack_id} present?",
            "    why: It decides the article.",
            "    how_to_check: Look at the server.",
            "    choices:",
            '      - {value: "yes", label: "Yes", next: d_cause}',
            '      - {value: "no", label: "No", next: o_out}',
            "    unknown: o_more",
            "  d_cause:",
            "    kind: decision",
            "    tid: Cause",
            "    rules:",
            '      - when: {fact: reconnect_fails, equals: "no"}',
            "        next: o_out",
            "        label: no symptom",
            "    default: o_yes",
            "  o_yes:",
            "    kind: outcome",
            "    tid: Resolution",
            f"    diagnosis: {pack_id}-confirmed",
            "    status: confirmed",
            f"    title: {_quoted(title + ' confirmed')}",
            "    summary: The cause is present.",
            "    fixes: [fix-it]",
            "  o_out:",
            "    kind: outcome",
            "    tid: Symptoms",
            "    diagnosis: not-this-issue",
            "    status: ruled-out",
            "    title: Not this issue",
            "    summary: The cause is not present.",
            "    collect: [The server console output.]",
            "  o_more:",
            "    kind: outcome",
            "    tid: Cause",
            "    diagnosis: needs-more-information",
            "    status: undecided",
            "    title: Not enough information",
            "    summary: The cause is not known.",
            "    collect: [The server console output.]",
            "fixes:",
            "  fix-it:",
            f"    title: {_quoted('Fix ' + title)}",
            "    tid: Resolution",
            "    explanation: It removes the cause.",
            "    commands:",
            f"      - {_quoted(command)}",
            "    verify:",
            "      - Check again.",
            "",
        ]
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_packs(folder: Path, packs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for pack_id, text in packs.items():
        (folder / f"{pack_id}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def reference_only(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The bundled packs are the reference pack alone, whatever else ships: the tests that
    use it count and order articles. (tests/engine/test_triage_knowledge.py runs triage on
    every shipped pack.)"""
    from wizard.kb import registry

    folder = tmp_path_factory.mktemp("bundled")
    shutil.copy(PACK_FILE, folder / PACK_FILE.name)
    (folder / registry.DEFAULT_PACK_FILE).write_text(PACK_FILE.stem + "\n", encoding="utf-8")
    monkeypatch.setattr(registry, "bundled_dir", lambda: folder)
    return folder
