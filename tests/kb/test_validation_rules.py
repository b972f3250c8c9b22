"""One broken pack per validation rule, each reporting the exact file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wizard.kb.loader import parse_pack
from wizard.kb.problems import Problem
from wizard.kb.registry import ANALYZERS
from wizard.kb.validate import validate_pack

BASE = (ROOT / "docs" / "examples" / "mini-vip.yaml").read_text(encoding="utf-8")


def problems_of(text: str | bytes, name: str = "broken.yaml") -> list[Problem]:
    data = text.encode() if isinstance(text, str) else text
    pack, problems = parse_pack(data, name)
    if pack is not None:
        problems = problems + validate_pack(pack, ANALYZERS)
    return problems


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text[:index].count("\n") + 1


def mutate(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_base_is_clean() -> None:
    assert problems_of(BASE) == []


# (rule, mutated text, substring on the expected line, expected message fragment)
CASES = [
    (
        "yaml syntax",
        mutate("    text: How are the virtual", "    text: How are: the virtual"),
        "How are: the",
        "YAML syntax error",
    ),
    (
        "unknown key",
        mutate("    fact: vip_method\n", "    fact: vip_method\n    colour: red\n"),
        "colour: red",
        "unknown key 'colour'",
    ),
    (
        "wrong type",
        mutate("    text: How are the virtual IPs", "    text: [How are the virtual IPs]\n    #"),
        "text: [How",
        "must be text",
    ),
    (
        "duplicate key",
        mutate("    fact: vip_method\n", "    fact: vip_method\n    fact: ncp_include_ip\n"),
        "fact: ncp_include_ip",
        "duplicate key 'fact'",
    ),
    (
        "edge to missing node",
        mutate(
            "next: o_fine}\n    unknown: o_more\n  q_ncp",
            "next: o_gone}\n    unknown: o_more\n  q_ncp",
        ),
        "next: o_gone}",
        "undefined node 'o_gone'",
    ),
    (
        "unreachable node",
        mutate(
            "fixes:\n  limit-ncp:",
            "  q_orphan:\n    kind: question\n"
            "    tid: x\n    fact: vip_method\n    text: t\n    why: w\n"
            "    how_to_check: h\n    choices:\n"
            "      - {value: bind, label: b, next: o_fine}\n"
            "fixes:\n  limit-ncp:",
        ),
        "  q_orphan:",
        "'q_orphan' is unreachable",
    ),
    (
        "no way out",
        mutate(
            "  o_more:\n    kind: outcome",
            "  d_stuck:\n    kind: decision\n    tid: x\n    rules: []\n    default: d_stuck2\n"
            "  o_more:\n    kind: outcome",
        ),
        "default: d_stuck2",
        "undefined node 'd_stuck2'",
    ),
    (
        "cycle",
        mutate(
            '      - {value: all, label: "all", next: o_registered}',
            '      - {value: all, label: "all", next: q_vip}',
        ),
        "  q_vip:",
        "cycle in the decision graph",
    ),
    (
        "undeclared fact",
        mutate("    fact: vip_method\n", "    fact: vip_mode\n"),
        "  q_vip:",
        "undeclared fact 'vip_mode'",
    ),
    (
        "choice outside values",
        mutate("{value: secondary, label", "{value: tertiary, label"),
        "{value: tertiary",
        "'tertiary', which is not a value",
    ),
    (
        "rule over undeclared fact",
        mutate(
            "  o_more:\n    kind: outcome",
            "  d_x:\n    kind: decision\n    tid: x\n    rules:\n"
            "      - when: {fact: colour, equals: red}\n"
            "        next: o_more\n    default: o_more\n  o_more:\n    kind: outcome",
        ),
        "when: {fact: colour",
        "undeclared fact 'colour'",
    ),
    (
        "rule over undeclared value",
        mutate(
            "applies_when: {fact: ncp_include_ip, equals: all}",
            "applies_when: {fact: vip_method, equals: sometimes}",
        ),
        "applies_when:",
        "'sometimes', which is not one of its values",
    ),
    (
        "fix not defined",
        mutate("    fixes: [limit-ncp]", "    fixes: [limit-ncp, teleport]"),
        "  o_registered:",
        "undefined fix 'teleport'",
    ),
    (
        "placeholder names no fact",
        mutate('= {primary_ip}"]', '= {primary_address}"]'),
        "  limit-ncp:",
        "template names no fact: '{primary_address}'",
    ),
    (
        "outcome never reached",
        mutate("unknown: o_more\n  q_ncp", "unknown: o_fine\n  q_ncp").replace(
            '    other: {label: "One address", next: o_fine}\n    unknown: o_more',
            '    other: {label: "One address", next: o_fine}\n    unknown: o_fine',
        ),
        "  o_more:",
        "outcome 'o_more' (needs-more-information) is never reached",
    ),
    (
        "python tag",
        mutate(
            "title: Are BIND-ed",
            "extra: !!python/object/apply:os.system [echo hi]\ntitle: Are BIND-ed",
        ),
        "extra: !!python",
        "tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
    ),
    (
        "alias",
        mutate("    values: [bind, secondary]", "    values: &v [bind, secondary]").replace(
            "    keywords: [all]", "    keywords: *v"
        ),
        "keywords: *v",
        "aliases",
    ),
    (
        "missing required key",
        mutate("    status: ruled-out\n", ""),
        "  o_fine:",
        "missing required key 'status'",
    ),
]


@pytest.mark.parametrize(("rule", "text", "needle", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_file_and_line(rule: str, text: str, needle: str, message: str) -> None:
    problems = problems_of(text)
    assert problems, rule
    expected_line = line_of(text, needle)
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].file == "broken.yaml"
    assert matching[0].line == expected_line, [str(p) for p in problems]


def test_non_utf8_bytes_report_their_line() -> None:
    data = BASE.encode().replace(b"title: Are BIND-ed", b"title: Are BIND\xff-ed", 1)
    (problem,) = problems_of(data)
    assert problem.line == line_of(BASE, "title: Are BIND-ed")
    assert "not UTF-8" in problem.message


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    problems = problems_of(bomb)
    assert any("aliases" in p.message for p in problems)


def test_deep_nesting_is_refused() -> None:
    problems = problems_of("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems and all(p.line >= 1 for p in problems)


TEN_MISTAKES = (
    mutate("    fact: vip_method\n", "    fact: vip_method\n    colour: red\n")  # 1 unknown key
    .replace("{value: secondary, label", "{value: tertiary, label")  # 2 choice outside values
    .replace(
        '    other: {label: "One address", next: o_fine}\n    unknown: o_more',
        '    other: {label: "One address", next: o_fine}\n    unknown: o_limbo',
    )  # 3 undefined
    .replace("    fixes: [limit-ncp]", "    fixes: [limit-ncp, teleport]")  # 4 undefined fix
    .replace('= {primary_ip}"]', '= {primary_address}"]')  # 5 placeholder
    .replace(
        "    description: How the virtual IPs are assigned.\n",
        "    description: How the virtual IPs are assigned.\n    description: again\n",
    )  # 6 dup
    .replace("    keywords: [all]", "    keywords: [all]\n    size: 3")  # 7 unknown key in fact
    .replace(
        "applies_when: {fact: ncp_include_ip, equals: all}",
        "applies_when: {fact: vip_method, equals: sometimes}",
    )  # 8 undeclared value
    .replace("  o_fine:\n    kind: outcome", "  o_fine:\n    kind: outcome\n    mood: calm")  # 9
    .replace(
        "    summary: Check the load script and the SET parameter.",
        "    summary: Check the load script and the SET parameter.\n    fixes: [x]",
    )  # 10
)


def test_validate_cli_reports_ten_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "ten.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "validate", str(path)], capture_output=True, text=True
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 10, lines
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "Traceback" not in result.stderr


def test_validate_cli_exit_codes(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "wizard", "validate"]
    assert subprocess.run(run, capture_output=True).returncode == 0
    missing = subprocess.run([*run, str(tmp_path / "nope.yaml")], capture_output=True, text=True)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_scope_entry_without_when_is_reported_not_a_crash() -> None:
    text = mutate("facts:\n", "scope:\n  - text: no condition here\nfacts:\n")
    problems = problems_of(text)
    assert any("missing required key 'when'" in p.message for p in problems)
    assert all(
        p.line == line_of(text, "  - text: no condition") for p in problems if "'when'" in p.message
    )


def test_an_artifact_step_takes_only_the_reason() -> None:
    """A step an artifact declares is never a template over facts: ``step_unmade`` takes
    ``{reason}`` (why the artifact was not made) and nothing else; the others take none."""
    reference = (ROOT / "knowledge" / "tid-3438100.yaml").read_text(encoding="utf-8")
    assert problems_of(reference, "ref.yaml") == []
    unmade = 'step_unmade: "No corrected script can be written for the pasted login script:'
    assert unmade in reference
    broken = reference.replace(unmade, unmade.replace("script:", "script {primary_ip}:"), 1)
    problems = problems_of(broken, "ref.yaml")
    assert [p.message for p in problems] == [
        "fix 'reorder-login-script': step_unmade takes only {reason} (why not made)"
    ]
    # The artifact's item ("- evidence: login-script"), the line above its name.
    assert problems[0].line == line_of(broken, "artifact: corrected-script") - 1
    made = 'step: "The corrected login script below'
    broken = reference.replace(made, made + " {reason}", 1)
    assert [p.message for p in problems_of(broken, "ref.yaml")] == [
        "fix 'reorder-login-script': an artifact's step takes no {placeholder}"
    ]
