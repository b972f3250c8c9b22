"""Three small packs for the triage screens, so their tests do not hang on the shipped ones.

``alpha`` and ``beta`` share the symptom ``reconnect_fails=yes`` (each with its own
wording) and the fact ``vip_bind`` (asked once for both): bound with BIND points to
alpha, not bound to beta; each then has a cause fact of its own. ``gamma`` starts from
another symptom (``login_error``). Titles and texts carry markup, which must stay text.
"""

from __future__ import annotations

from pathlib import Path

from wizard.kb.index import PackIndex
from wizard.kb.loader import load_pack
from wizard.kb.model import Pack


def _pack(
    pack_id: str,
    title: str,
    symptoms: list[tuple[str, str, str]],
    first: str,
    bind_value: str | None,
    cause: str,
) -> str:
    """A pack: symptom question ``first`` → (``vip_bind`` when ``bind_value``) → cause."""
    lines = [
        f"id: {pack_id}",
        'version: "1.0.0"',
        f'title: "{title}"',
        "summary: A small pack for the triage screens.",
        "source:",
        f"  document: TEST {pack_id.upper()}",
        f'  title: "{title}"',
        '  published: "2024-01-01"',
        '  updated: "2024-01-02"',
        "  products: [Test]",
        "explanation:",
        "  title: Why",
        "  steps:",
        "    - The cause makes the symptom.",
        "facts:",
        f"  {first}:",
        "    type: choice",
        '    values: ["yes", "no"]',
        f"    description: The caller reports {first}.",
        f'    label: "{first.replace("_", " ")}"',
        "  vip_bind:",
        "    type: choice",
        '    values: ["yes", "no"]',
        "    description: The virtual IPs are bound with BIND.",
        '    label: "virtual IPs bound with BIND"',
        f"  {cause}:",
        "    type: choice",
        '    values: ["yes", "no"]',
        f"    description: The cause of {pack_id} is present.",
        f'    label: "cause of {pack_id}"',
        "symptoms:",
    ]
    for number, (fact, value, text) in enumerate(symptoms):
        lines += [
            f"  - id: s{number}",
            f'    text: "{text}"',
            f"    fact: {fact}",
            f'    value: "{value}"',
        ]
    after_first = "q_bind" if bind_value is not None else "q_cause"
    lines += [
        "start: q_first",
        "nodes:",
        "  q_first:",
        "    kind: question",
        "    tid: Test",
        f"    fact: {first}",
        f"    text: Does the caller report {first.replace('_', ' ')}?",
        "    why: It is the symptom the article starts from.",
        "    how_to_check: Ask the caller.",
        "    choices:",
        f'      - {{value: "yes", label: "Yes", next: {after_first}}}',
        '      - {value: "no", label: "No", next: o_out}',
        f"    unknown: {after_first}",
    ]
    if bind_value is not None:
        other = "no" if bind_value == "yes" else "yes"
        lines += [
            "  q_bind:",
            "    kind: question",
            "    tid: Test",
            "    fact: vip_bind",
            "    text: Are the virtual IPs bound with BIND in the load script?",
            "    why: BIND and secondary IPs fail in different ways.",
            "    how_to_check: Read the resource's load script.",
            "    choices:",
            f'      - {{value: "{bind_value}", label: "{bind_value.title()}", next: q_cause}}',
            f'      - {{value: "{other}", label: "{other.title()}", next: o_out}}',
            "    unknown: q_cause",
        ]
    lines += [
        "  q_cause:",
        "    kind: question",
        "    tid: Test",
        f"    fact: {cause}",
        f"    text: Is the cause of {pack_id} present?",
        "    why: It decides the article.",
        "    how_to_check: Look at the server.",
        "    choices:",
        '      - {value: "yes", label: "Yes", next: o_yes}',
        '      - {value: "no", label: "No", next: o_out}',
        "    unknown: o_more",
        "  o_yes:",
        "    kind: outcome",
        "    tid: Test",
        f"    diagnosis: {pack_id}-confirmed",
        "    status: confirmed",
        f'    title: "{title} confirmed"',
        "    summary: The cause is present.",
        "    fixes: [fix-it]",
        "  o_out:",
        "    kind: outcome",
        "    tid: Test",
        "    diagnosis: not-this-issue",
        "    status: ruled-out",
        "    title: Not this issue",
        "    summary: The cause is not present.",
        "  o_more:",
        "    kind: outcome",
        "    tid: Test",
        "    diagnosis: needs-more-information",
        "    status: undecided",
        "    title: Not enough information",
        "    summary: The cause is not known.",
        "    collect: [The server console output.]",
        "fixes:",
        "  fix-it:",
        f'    title: "Fix {pack_id}"',
        "    tid: Test",
        "    explanation: It removes the cause.",
        "    commands:",
        f'      - "fix {pack_id}"',
        "    verify:",
        "      - Check again.",
        "",
    ]
    return "\n".join(lines)


RECONNECT = "reconnect_fails=yes"
LOGIN = "login_error=yes"

PACKS = {
    "alpha": _pack(
        "alpha",
        "Alpha [bold red]drives[/] lost",
        [("reconnect_fails", "yes", "Drives do not reconnect after failover [blink]now[/]")],
        "reconnect_fails",
        "yes",
        "alpha_cause",
    ),
    "beta": _pack(
        "beta",
        "Beta secondary IPs",
        [("reconnect_fails", "yes", "Mapped drives are lost when the resource moves")],
        "reconnect_fails",
        "no",
        "beta_cause",
    ),
    "gamma": _pack(
        "gamma",
        "Gamma login errors",
        [("login_error", "yes", "Login fails with error 8884")],
        "login_error",
        None,
        "gamma_cause",
    ),
}


def write_packs(folder: Path) -> Path:
    """The three packs as files in ``folder`` (a --pack-dir)."""
    folder.mkdir(parents=True, exist_ok=True)
    for pack_id, text in PACKS.items():
        (folder / f"{pack_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def load_packs(folder: Path) -> list[Pack]:
    write_packs(folder)
    return [load_pack(folder / f"{pack_id}.yaml") for pack_id in PACKS]


def index_of(folder: Path) -> PackIndex:
    """An index of exactly the three packs (the bundled ones left out)."""
    return PackIndex.of_packs(load_packs(folder))
