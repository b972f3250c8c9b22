"""People read words, not internals: fact labels instead of fact names, no Markdown
escapes outside Markdown, and a step's "command above" really is above it."""

from __future__ import annotations

import re

from textual.widgets import Static

from tests.tui.drive import answer_all, start
from tests.tui.scenarios import CONFIRMED
from wizard.engine.case import Case
from wizard.kb.model import Pack, Question
from wizard.report.formats import render
from wizard.report.summary import summarize
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.outcome import OutcomeScreen


def _confirmed(pack: Pack) -> Case:
    case = Case.start(pack)
    while isinstance(node := case.session.current, Question):
        case.session.answer(CONFIRMED[node.fact])
    return case


def _names(pack: Pack) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in pack.facts) + r")\b")


def test_every_fact_has_a_label_and_exports_use_it(pack: Pack) -> None:
    assert all(fact.label for fact in pack.facts.values())
    summary = summarize(_confirmed(pack))
    for fmt in ("text", "markdown", "html"):
        out = render(summary, fmt)
        assert _names(pack).search(out.replace("\\_", "_")) is None, fmt
        assert pack.facts["virtual_ips"].label in out.replace("&#x27;", "'"), fmt


def test_no_markdown_escapes_in_plain_text_and_none_needed_in_table_cells(pack: Pack) -> None:
    summary = summarize(_confirmed(pack))
    assert "\\." not in render(summary, "text")
    markdown = render(summary, "markdown")
    assert "| 10.1.1.11 |" in markdown  # a cell never starts a line: no "10\.1.1.11"
    assert "10\\." not in markdown


def test_a_missing_fact_is_named_in_words_in_the_prose(pack: Pack) -> None:
    summary = summarize(_confirmed(pack))
    fix = next(f for f in summary.fixes if f.missing)
    assert fix.missing == ("virtual_ips",)  # the JSON keeps the name
    assert fix.missing_words == ("the resources' virtual IP addresses",)


async def test_the_outcome_speaks_in_words_and_the_command_is_above_its_step(
    pack: Pack,
) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 60)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        texts = [str(w.render()) for w in screen.query(Static)]
        joined = "\n".join(texts)
        assert "Needs the resources' virtual IP addresses" in joined
        assert _names(pack).search(joined) is None
        _title, commands, body, _ = screen._slots[0]
        assert "the command above" in str(body.render())
        assert "command below" not in joined
        assert commands.region.y < body.region.y
