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
from tests.triage_packs import (
    CHOICE,
    cause_question,
    pack_head,
    quoted,
    ruled_out,
    undecided_and_fix,
)
from tests.triage_packs import (
    write_packs as write_packs,
)


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
            *pack_head(
                pack_id,
                quoted(title),
                "A small pack for the triage tests.",
                f"TEST {pack_id}",
                "Test article",
            ),
            "facts:",
            "  reconnect_fails:",
            *CHOICE,
            "    description: Clients cannot reconnect after a failover.",
            f"  {cause}:",
            *CHOICE,
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
            *cause_question(pack_id, cause, "Cause", "d_cause"),
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
            f"    title: {quoted(title + ' confirmed')}",
            "    summary: The cause is present.",
            "    fixes: [fix-it]",
            *ruled_out("Symptoms", collect=True),
            *undecided_and_fix("Cause", quoted("Fix " + title), "Resolution", quoted(command)),
        ]
    )


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
