"""Fix templates: only plain {fact} fields; nothing an author writes reaches str.format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import PACK_FILE
from tests.hardening.helpers import assert_no_traceback, kbwizard
from wizard.engine.fixes import render_fix
from wizard.kb.model import Pack
from wizard.kb.templates import fill, parse_template, template_fields

COMMAND = '      - "set NCP include IP address = {primary_ip}"\n'

BAD_FIELDS = [
    "{primary_ip:>2000000000}",
    "{primary_ip!r}",
    "{primary_ip.__class__}",
    "{primary_ip[0]}",
    "{primary_ip:{primary_ip}}",
    "{}",
    "{0}",
    "{ primary_ip }",
]


def _fix_line(text: str) -> int:
    """The line of the fix that holds COMMAND (what validate reports for its templates)."""
    lines = text.splitlines(keepends=True)
    at = lines.index(COMMAND)
    return next(i + 1 for i in range(at, -1, -1) if lines[i].startswith("  set-ncp-"))


@pytest.mark.parametrize("field", BAD_FIELDS)
def test_validate_rejects_anything_but_a_plain_field_with_file_and_line(
    tmp_path: Path, field: str
) -> None:
    text = PACK_FILE.read_text(encoding="utf-8")
    assert COMMAND in text
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(COMMAND, COMMAND.replace("{primary_ip}", field)))
    result = kbwizard("validate", str(path), timeout=60)
    assert_no_traceback(result)
    assert result.returncode == 1, (result.stdout, result.stderr)
    (line,) = [x for x in result.stdout.splitlines() if "template" in x]
    assert line.startswith(f"{path}:{_fix_line(text)}: ")
    assert "not a plain {fact} field" in line


@pytest.mark.parametrize("field", ["{primary_ip:>20000}", *BAD_FIELDS[1:]])
def test_rendering_never_interprets_a_bad_field(pack: Pack, field: str) -> None:
    fix = next(iter(pack.fixes.values()))
    planted = replace(fix, commands=(f"run {field}",), steps=(f"see {field}",))
    rendered = render_fix(planted, {"primary_ip": "10.1.1.11"})
    assert rendered.commands == ()  # never a padded, repr'd or looked-up value
    assert rendered.steps == (f"see {field}",)  # prose shown exactly as written


def test_plain_fields_and_literal_braces_render_as_before(pack: Pack) -> None:
    fix = next(iter(pack.fixes.values()))
    planted = replace(fix, commands=("x {{literal}} {primary_ip} }}{{",))
    rendered = render_fix(planted, {"primary_ip": "10.1.1.11"})
    assert rendered.commands == ("x {literal} 10.1.1.11 }{",)
    assert template_fields("{a}{{b}}{c}") == ["a", "c"]
    assert fill("{a}-{a}", {"a": "{b}"}) == "{b}-{b}"  # a value is never read as a template


@pytest.mark.parametrize("bad", ["{", "}", "a { b", "{a", "x}y", "{a}}"])
def test_unbalanced_braces_are_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_template(bad)
