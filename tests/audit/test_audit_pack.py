"""The pack's ``audit:`` section: loaded into the model, checked by ``validate`` at its line."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PACK_FILE, ROOT
from tests.kb.test_validation_rules import line_of, problems_of
from wizard.kb.loader import parse_pack

REFERENCE = PACK_FILE.read_text(encoding="utf-8")
SECTION = REFERENCE[REFERENCE.index("\naudit:\n") + 1 : REFERENCE.index("\nstart:")]


def test_the_reference_pack_declares_its_audit() -> None:
    pack, problems = parse_pack(REFERENCE.encode(), "ref.yaml")
    assert problems == [] and pack is not None and pack.audit is not None
    audit = pack.audit
    assert (audit.evidence, audit.fact, audit.at_risk) == (
        "login-script",
        "login_order",
        ("node-first",),
    )
    assert (audit.artifact, audit.diff, audit.attribute) == (
        "corrected-script",
        "diff",
        "loginScript",
    )
    assert audit.line == line_of(REFERENCE, "\naudit:") + 1
    assert problems_of(REFERENCE, "ref.yaml") == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("evidence: login-script\n  fact", "evidence: no-such-kind\n  fact", "undeclared evidence"),
        ("fact: login_order", "fact: node_names", "not a fact that evidence"),
        ("at_risk: [node-first]", "at_risk: [sideways]", "at_risk value 'sideways'"),
        ('artifact: "corrected-script"', 'artifact: "poem"', "does not produce 'poem'"),
        ('diff: "diff"', 'diff: "patch"', "does not produce 'patch'"),
        ("attribute: loginScript", "attribute: login script", "not an LDAP attribute name"),
        ("  title: Login script\n", "  title: Login script\n  colour: red\n", "colour"),
    ],
)
def test_a_broken_audit_section_is_one_problem_at_its_line(
    old: str, new: str, message: str
) -> None:
    assert old in SECTION
    broken = REFERENCE.replace(SECTION, SECTION.replace(old, new, 1), 1)
    problems = problems_of(broken, "ref.yaml")
    assert len(problems) == 1, problems
    assert message in problems[0].message
    start = line_of(broken, "\naudit:") + 1
    assert start <= problems[0].line <= start + SECTION.count("\n") + 1


def test_the_schema_describes_the_audit_section() -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "knowledge" / "pack.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(REFERENCE)
    jsonschema.validate(data, schema)
    data["audit"]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
