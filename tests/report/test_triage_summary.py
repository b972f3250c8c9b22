"""A case opened from triage lists every article considered, with status and why."""

from __future__ import annotations

from pathlib import Path

from tests.engine.test_triage_cli import HOSTILE
from tests.engine.triage_packs import (  # reference_only: autouse, the reference pack alone
    reference_only,  # noqa: F401
    small_pack,
    write_packs,
)
from wizard.engine.case import Case
from wizard.engine.triage import Triage
from wizard.kb.index import PackIndex
from wizard.report.formats import render
from wizard.report.render_json import to_data
from wizard.report.summary import summarize


def test_the_case_summary_lists_the_articles_considered(tmp_path: Path) -> None:
    folder = write_packs(
        tmp_path / "packs",
        {
            "demo-alpha": small_pack("demo-alpha", "alpha_cause"),
            "demo-hostile": small_pack("demo-hostile", "hostile_cause", title=HOSTILE),
        },
    )
    triage = Triage.start(PackIndex.build([str(folder)]))
    triage.answer("reconnect_fails", "yes")
    triage.answer("alpha_cause", "yes")
    triage.answer("hostile_cause", "no")
    case = triage.case_for("demo-alpha")
    summary = summarize(case)
    assert [(a.pack, a.status) for a in summary.articles] == [
        ("demo-alpha", "confirmed"),
        ("tid-3438100", "undecided"),
        ("demo-hostile", "ruled-out"),
    ]
    data = to_data(summary)
    considered = data["articles_considered"]
    assert considered[0]["why"] == [
        "Clients cannot reconnect after a failover: Yes",
        "The cause of demo-alpha is present: Yes",
    ]
    assert considered[2]["see_also"] == ["demo-alpha"]
    markdown = render(summary, "md")
    assert "## Articles considered" in markdown
    assert "| Article | Status | Diagnosis | Why |" in markdown
    assert "Not this issue" in markdown
    html = render(summary, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = render(summary, "text")
    assert "Articles considered" in text and "\u202e" not in text

    # saved with the case, and back
    back = Case.from_dict(case.pack, case.to_dict())
    assert back.considered == case.considered


def test_a_case_not_from_triage_has_no_articles_considered() -> None:
    from wizard.kb.registry import open_pack

    summary = summarize(Case.start(open_pack()))
    assert summary.articles == []
    assert "articles_considered" not in to_data(summary)
    assert "Articles considered" not in render(summary, "md")
