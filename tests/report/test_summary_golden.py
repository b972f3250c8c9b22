"""Golden files for every summary format on three cases, and escaping of hostile text.

Regenerate after an intended change with: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.engine.case import Case, CaseHeader
from wizard.engine.session import Given
from wizard.kb.model import Pack, Question
from wizard.report.formats import EXTENSIONS, render
from wizard.report.summary import summarize

GOLDEN = Path(__file__).parent / "golden"
FIXED = "2026-01-02T03:04:05+00:00"

HOSTILE_LOGIN = (
    "REM <script>alert('x')</script> [bold red]markup[/] [@click=app.quit]quit[/]\n"
    "MAP S1:=10.1.1.11/SYS:PUBLIC\n"
    "```\n"
    "# not a heading | not | a table *not bold*\n"
    'WRITE "\x1b[31mred\x1b[0m"\n'
    "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
)
LOAD = "NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\nBIND IP CE1000_1_EII ADDRESS=10.1.1.180\n"
SETP = "BIND IP CE1000_1_EII ADDRESS=10.1.1.11 MASK=255.255.255.0\nNCP Include IP Address: all\n"


@pytest.fixture(autouse=True)
def _frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("wizard.engine.session", "wizard.engine.case", "wizard.report.summary"):
        monkeypatch.setattr(f"{module}.now", lambda: FIXED)


def _answer_all(case: Case, answers: dict[str, str], notes: dict[str, str]) -> None:
    while isinstance(node := case.session.current, Question):
        case.session.answer(answers.get(node.fact, "?"), note=notes.get(node.fact))


def confirmed_with_evidence(pack: Pack) -> Case:
    case = Case(pack, Case.start(pack).session, id="golden1", created=FIXED, updated=FIXED)
    case.header = CaseHeader("INC-1042 <b>", "Dana [i]x[/i]", "ops@example.com")
    case.store_artifact("login-script", HOSTILE_LOGIN, "login.txt")
    case.store_artifact("load-script", LOAD, "load.ncf")
    case.store_artifact("set-parameters", SETP, "autoexec.ncf")
    case.refresh_evidence()
    _answer_all(
        case,
        {"reconnect_fails": "yes", "mapping_shows": "node"},
        {"reconnect_fails": "Caller: `H:` drops </td> after <img src=x> migration"},
    )
    case.verify("set-ncp-include-ip-address", "fixed", "worked after re-login")
    return case


def confirmed_without_evidence(pack: Pack) -> Case:
    given = [Given("virtual_ips", ("10.1.1.180",), "fact")]
    case = Case(pack, Case.start(pack, given).session, id="golden2", created=FIXED, updated=FIXED)
    _answer_all(
        case,
        {
            "reconnect_fails": "yes",
            "mapping_shows": "node",
            "vip_method": "bind",
            "ncp_include_ip": "all",
            "login_order": "node-first",
            "primary_ip": "10.1.1.11",
        },
        {},
    )
    case.verify("set-ncp-include-ip-address", "not-fixed", "mapping still shows NODE1")
    case.verify("set-ncp-include-ip-address", "escalated", "handed to level 2")
    return case


def not_this_issue(pack: Pack) -> Case:
    case = Case(pack, Case.start(pack).session, id="golden3", created=FIXED, updated=FIXED)
    _answer_all(
        case,
        {
            "reconnect_fails": "yes",
            "mapping_shows": "node",
            "vip_method": "bind",
            "ncp_include_ip": "all",
            "login_order": "virtual-first",
        },
        {"login_order": "checked all three scripts"},
    )
    return case


CASES: dict[str, Callable[[Pack], Case]] = {
    "confirmed-evidence": confirmed_with_evidence,
    "confirmed-facts": confirmed_without_evidence,
    "not-this-issue": not_this_issue,
}
FORMATS = ["markdown", "json", "html", "text"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(CASES))
def test_golden(pack: Pack, name: str, fmt: str) -> None:
    text = render(summarize(CASES[name](pack)), fmt)
    text = text.replace(pack.sha256, "<sha256>").replace(pack.sha256[:16], "<sha256>")
    golden = GOLDEN / f"{name}{EXTENSIONS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_golden_cases_decide_as_intended(pack: Pack) -> None:
    assert summarize(confirmed_with_evidence(pack)).diagnosis == "tid3438100-confirmed"
    assert summarize(confirmed_without_evidence(pack)).diagnosis == "tid3438100-confirmed"
    assert summarize(not_this_issue(pack)).diagnosis == "not-this-issue"


def test_html_escapes_everything(pack: Pack) -> None:
    html = render(summarize(confirmed_with_evidence(pack)), "html")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x&gt;" in html
    assert "\x1b" not in html and "\\x1b[31m" in html
    assert 'src="http' not in html and "<link" not in html  # self-contained
    assert "@media print" in html


def _outside_code_blocks(md: str) -> tuple[str, list[list[str]]]:
    """Markdown outside fenced blocks (CommonMark: a block closes only on a fence at least
    as long as its opening), and the blocks themselves."""
    outside: list[str] = []
    blocks: list[list[str]] = []
    fence = ""
    for line in md.splitlines():
        if not fence:
            match = re.match(r"(`{3,})", line)
            if match:
                fence = match.group(1)
                blocks.append([])
            else:
                outside.append(line)
        elif re.fullmatch(rf"`{{{len(fence)},}}\s*", line):
            fence = ""
        else:
            blocks[-1].append(line)
    assert not fence, "a code block was left open"
    return "\n".join(outside), blocks


def test_markdown_pasted_backticks_cannot_close_the_block(pack: Pack) -> None:
    md = render(summarize(confirmed_with_evidence(pack)), "markdown")
    outside, blocks = _outside_code_blocks(md)
    # The pasted ``` line stays inside the evidence block, with the lines after it.
    evidence = next(b for b in blocks if any("```" in line for line in b))
    joined = "\n".join(evidence)
    assert "```" in joined and "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:" in joined
    assert "# not a heading" in joined
    # Outside code, nothing is raw HTML or markup.
    for raw in ("<script>", "<img", "<b>", "</td>"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), outside), raw
    assert "\\<img src=x\\>" in outside
    assert "\x1b" not in md


def test_text_neutralises_control_characters(pack: Pack) -> None:
    text = render(summarize(confirmed_with_evidence(pack)), "text")
    assert "\x1b" not in text and "\\x1b[31m" in text
    assert "worked after re-login" in text


def test_json_schema_version_and_contract(pack: Pack) -> None:
    data = json.loads(render(summarize(confirmed_with_evidence(pack)), "json"))
    assert data["schema_version"] == 1
    assert data["verification"][0]["result"] == "fixed"
    assert data["case"]["reference"] == "INC-1042 <b>"
    ev = {e["kind"]: e for e in data["evidence"]}
    assert {"line": 2, "text": "MAP S1:=10.1.1.11/SYS:PUBLIC"} in ev["login-script"][
        "decisive_lines"
    ]
