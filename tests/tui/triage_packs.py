"""Three small packs for the triage screens, so their tests do not hang on the shipped ones.

``alpha`` and ``beta`` share the symptom ``reconnect_fails=yes`` (each with its own
wording) and the fact ``vip_bind`` (asked once for both): bound with BIND points to
alpha, not bound to beta; each then has a cause fact of its own. ``gamma`` starts from
another symptom (``login_error``). Titles and texts carry markup, which must stay text.
"""

from __future__ import annotations

from pathlib import Path

from tests.triage_packs import CHOICE, cause_question, pack_head, ruled_out, undecided_and_fix
from tests.triage_packs import write_packs as write_pack_files
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
        *pack_head(
            pack_id,
            f'"{title}"',
            "A small pack for the triage screens.",
            f"TEST {pack_id.upper()}",
            f'"{title}"',
        ),
        "facts:",
        f"  {first}:",
        *CHOICE,
        f"    description: The caller reports {first}.",
        f'    label: "{first.replace("_", " ")}"',
        "  vip_bind:",
        *CHOICE,
        "    description: The virtual IPs are bound with BIND.",
        '    label: "virtual IPs bound with BIND"',
        f"  {cause}:",
        *CHOICE,
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
        *cause_question(pack_id, cause, "Test", "o_yes"),
        "  o_yes:",
        "    kind: outcome",
        "    tid: Test",
        f"    diagnosis: {pack_id}-confirmed",
        "    status: confirmed",
        f'    title: "{title} confirmed"',
        "    summary: The cause is present.",
        "    fixes: [fix-it]",
        *ruled_out("Test", collect=False),
        *undecided_and_fix("Test", f'"Fix {pack_id}"', "Test", f'"fix {pack_id}"'),
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
    return write_pack_files(folder, PACKS)


def load_packs(folder: Path) -> list[Pack]:
    write_packs(folder)
    return [load_pack(folder / f"{pack_id}.yaml") for pack_id in PACKS]


def index_of(folder: Path) -> PackIndex:
    """An index of exactly the three packs (the bundled ones left out)."""
    return PackIndex.of_packs(load_packs(folder))
