"""Every verdict is recorded, in order; an escalation is the case's and shows everywhere."""

from __future__ import annotations

import json
import subprocess
import sys

from wizard.engine.case import Case
from wizard.kb.model import Pack, Question
from wizard.report.formats import render
from wizard.report.summary import summarize
from wizard.store import list_sessions, load_case, save_case

CONFIRMED = {
    "reconnect_fails": "yes",
    "mapping_shows": "node",
    "vip_method": "bind",
    "ncp_include_ip": "all",
    "login_order": "node-first",
    "primary_ip": "10.1.1.11",
}
FIX1 = "set-ncp-include-ip-address"


def _confirmed(pack: Pack) -> Case:
    case = Case.start(pack)
    case.header.reference = "INC-9"
    while isinstance(node := case.session.current, Question):
        case.session.answer(CONFIRMED[node.fact])
    return case


def test_escalating_keeps_the_fix_verdicts_and_marks_the_case(pack: Pack) -> None:
    case = _confirmed(pack)
    case.verify(FIX1, "not-fixed", "still NODE1\\VOL1")
    case.verify(FIX1, "escalated", "to level 2")  # the TUI names the selected fix
    case.verify(FIX1, "fixed")
    summary = summarize(case)
    item = next(v for v in summary.verification if v.fix == FIX1)
    assert [e.verdict for e in item.history] == ["not-fixed", "fixed"]
    assert item.history[0].note == "still NODE1\\VOL1"
    assert summary.status == "escalated"
    assert summary.escalation is not None and summary.escalation.note == "to level 2"

    loaded = load_case(pack, save_case(case).stem)
    assert [(v.fix, v.verdict) for v in loaded.verifications] == [
        (FIX1, "not-fixed"),
        ("case", "escalated"),
        (FIX1, "fixed"),
    ]


def test_an_older_session_that_escalated_under_a_fix_still_reads_escalated(pack: Pack) -> None:
    case = _confirmed(pack)
    case.verify(FIX1, "not-fixed")
    data = case.to_dict()
    # Before: the escalation was stored under the selected fix and overwrote its verdict.
    data["verifications"].append(
        {"fix": FIX1, "verdict": "escalated", "note": None, "time": "2024-01-01T00:00:00Z"}
    )
    old = Case.from_dict(pack, data)
    summary = summarize(old)
    assert summary.status == "escalated"
    item = next(v for v in summary.verification if v.fix == FIX1)
    assert item.verdict == "not-fixed"


def test_every_export_format_shows_the_escalation_in_its_header(pack: Pack) -> None:
    case = _confirmed(pack)
    case.verify(FIX1, "not-fixed")
    case.verify(FIX1, "escalated", "handed to level 2")
    summary = summarize(case)
    for fmt in ("markdown", "html", "text"):
        out = render(summary, fmt)
        head = " ".join(out[: out.index("Fix 1")].split())
        assert "escalated to the next level" in head, fmt
        assert "handed to level 2" in head, fmt
        assert "not fixed" in out[out.index("Fix 1") :], fmt
    data = json.loads(render(summary, "json"))
    assert data["status"] == "escalated"
    assert data["escalation"]["note"] == "handed to level 2"
    fix = next(v for v in data["verification"] if v["fix"] == FIX1)
    assert [h["result"] for h in fix["history"]] == ["not-fixed"]


def test_a_fixed_verdict_does_not_tick_the_checks(pack: Pack) -> None:
    case = _confirmed(pack)
    case.verify(FIX1, "fixed")
    out = render(summarize(case), "markdown")
    assert "[x]" not in out
    assert "Reported: fixed" in out.replace("**", "")


def test_sessions_lists_an_escalated_case_as_escalated(pack: Pack) -> None:
    case = _confirmed(pack)
    case.verify(FIX1, "not-fixed")
    case.verify(FIX1, "escalated")
    save_case(case)
    (info,), _ = list_sessions()
    assert info.status == "escalated"
    out = subprocess.run(
        [sys.executable, "-m", "wizard", "sessions"], capture_output=True, text=True
    )
    assert out.returncode == 0
    row = next(line for line in out.stdout.splitlines() if "INC-9" in line)
    assert " escalated " in row
