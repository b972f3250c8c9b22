"""Triage in the wizard, by real key presses: the caller's report, the questions that tell
the articles apart (each shared fact asked once), the articles, switching and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tests.tui.drive import answer, footer_text
from tests.tui.triage_packs import LOGIN, RECONNECT, index_of
from wizard.kb.index import PackIndex
from wizard.kb.model import Question
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.articles import ArticlesScreen
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen
from wizard.tui.screens.report import ReportScreen
from wizard.tui.screens.start import StartScreen
from wizard.tui.screens.triage import TriageScreen


@pytest.fixture
def index(tmp_path: Path) -> PackIndex:
    return index_of(tmp_path / "packs")


def asked(app: KBWizardApp) -> str:
    """The fact of the question on screen (triage or article)."""
    screen = app.screen
    assert isinstance(screen, QuestionScreen), type(screen).__name__
    question = screen.question
    assert isinstance(question, Question)
    return question.fact


async def to_report(pilot: Pilot[None]) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, StartScreen)
    await pilot.press(*"INC-7", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReportScreen)


async def to_questions(pilot: Pilot[None]) -> None:
    """From the start to the first triage question, with the report's first symptom."""
    await to_report(pilot)
    await pilot.press("1", "enter")
    await pilot.pause()


async def to_final_articles(pilot: Pilot[None]) -> None:
    """Through the questions to the final articles: alpha confirmed, beta and gamma ruled
    out."""
    await to_questions(pilot)
    for value in ("yes", "yes", "no"):
        await answer(pilot, value)
    assert isinstance(pilot.app.screen, ArticlesScreen)


def article_ids(app: App[Any]) -> list[str | None]:
    """The articles listed on screen, in order."""
    listed = app.screen.query_one("#articles", OptionList)
    return [listed.get_option_at_index(i).id for i in range(listed.option_count)]


async def open_article(pilot: Pilot[None], pack: str) -> None:
    """Open ``pack`` from the articles on screen."""
    ids = article_ids(pilot.app)
    await pilot.press(*["down"] * ids.index(pack), "enter")
    await pilot.pause()


async def test_report_lists_every_symptom_once_and_toggles(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_report(pilot)
        symptoms = app.screen.query_one("#symptoms", OptionList)
        # alpha and beta share reconnect_fails=yes: one line, with alpha's wording first.
        assert symptoms.option_count == 2
        first = str(symptoms.get_option_at_index(0).prompt)
        assert "[ ] 1" in first and "[blink]now[/]" in first  # markup stays text
        await pilot.press("1")
        await pilot.pause()
        assert app.triage is not None and app.triage.reported == (RECONNECT,)
        assert "[x] 1" in str(symptoms.get_option_at_index(0).prompt)
        detail = str(app.screen.query_one("#symptom-detail", Static).render())
        assert "Mapped drives are lost when the resource moves" in detail  # beta's wording
        await pilot.press("down", "space")
        await pilot.pause()
        assert set(app.triage.reported) == {RECONNECT, LOGIN}
        await pilot.press("2")  # toggled off again
        await pilot.pause()
        assert app.triage.reported == (RECONNECT,)
        assert app.triage.header.reference == "INC-7"


async def test_whole_triage_flow_to_the_leading_article(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        # The question both alpha and beta need comes first, asked once for both.
        assert isinstance(app.screen, TriageScreen)
        assert asked(app) == "vip_bind"
        await answer(pilot, "yes")
        assert app.triage is not None
        assert [a.status for a in app.triage.articles() if a.pack == "beta"] == ["ruled-out"]
        assert asked(app) == "alpha_cause"
        await pilot.press("n", *"seen on NODE1", "enter")  # a note with the answer
        await answer(pilot, "yes")
        assert asked(app) == "login_error"
        await answer(pilot, "no")
        # Nothing tells them apart any more: the articles, the leading one first.
        assert isinstance(app.screen, ArticlesScreen)
        listed = app.screen.query_one("#articles", OptionList)
        assert listed.highlighted == 0 and listed.get_option_at_index(0).id == "alpha"
        assert "▶" in str(listed.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        # alpha opens decided: every answer given in triage is an answer there.
        assert isinstance(app.screen, OutcomeScreen)
        assert app.case is not None and app.case.pack.id == "alpha"
        assert app.case.session.recorded("alpha_cause") == ("yes", "seen on NODE1")
        assert app.case.session.recorded("vip_bind") == ("yes", None)
        extra = str(app.screen.query_one("#extra", Static).render())
        assert "Articles considered" in extra
        for name in ("TEST ALPHA", "TEST BETA", "TEST GAMMA"):
            assert name in extra
        assert "see TEST ALPHA" in extra  # beta, ruled out, points to the confirmed one
        # Every export lists them too.
        from wizard.report.formats import render
        from wizard.report.summary import summarize

        for fmt in ("markdown", "json", "html", "text"):
            assert "Gamma login errors" in render(summarize(app.case), fmt), fmt


async def test_switch_and_back_keeps_every_answer(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        await answer(pilot, "no")  # vip_bind: beta's way, alpha is ruled out
        assert asked(app) == "beta_cause"
        await pilot.press("a")  # the articles: switch to gamma
        await pilot.pause()
        assert isinstance(app.screen, ArticlesScreen)
        await open_article(pilot, "gamma")
        assert app.case is not None and app.case.pack.id == "gamma"
        assert asked(app) == "login_error"
        await answer(pilot, "yes")
        assert asked(app) == "gamma_cause"
        await pilot.press("n", *"draft only")  # typed, not submitted
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")  # back to the triage
        await pilot.pause()
        assert app.case is None and isinstance(app.screen, TriageScreen)
        assert app.triage is not None
        # Answered in the article: an answer of the triage now.
        assert app.triage.article("gamma") is not None
        assert asked(app) == "beta_cause"
        await answer(pilot, "yes")
        # gamma's cause, asked in triage now, with the note typed in gamma reopened.
        assert asked(app) == "gamma_cause"
        assert app.screen.query_one("#note", Input).value == "draft only"
        await pilot.press("escape", "a")  # leave the note, then the articles
        await pilot.pause()
        await open_article(pilot, "gamma")
        assert app.case is not None and app.case.pack.id == "gamma"
        session = app.case.session
        assert session.recorded("login_error") == ("yes", None)
        assert app.case.drafts.notes.get("gamma_cause") == "draft only"
        assert app.screen.query_one("#note", Input).value == "draft only"
        await pilot.press("escape", "a")
        await pilot.pause()
        await open_article(pilot, "beta")
        assert app.case is not None and app.case.pack.id == "beta"
        session = app.case.session
        for fact, value in (
            ("reconnect_fails", "yes"),
            ("vip_bind", "no"),
            ("beta_cause", "yes"),
        ):
            recorded = session.recorded(fact)
            assert recorded is not None and recorded[0] == value, fact
        assert isinstance(app.screen, OutcomeScreen)


async def test_back_from_the_first_triage_question_reaches_the_report(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        await answer(pilot, "yes")
        assert asked(app) == "alpha_cause"
        await pilot.press("escape")  # back: the shared question again, its answer kept
        await pilot.pause()
        assert asked(app) == "vip_bind"
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.get_option_at_index(choices.highlighted or 0).id == "yes"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert app.triage is not None and app.triage.reported == (RECONNECT,)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        # Start again: the same triage, nothing lost.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert app.triage.reported == (RECONNECT,)
        assert app.triage.header.reference == "INC-7"  # the ticket typed at the start, too


async def test_a_note_typed_in_triage_is_kept_unsubmitted(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        await pilot.press("n", *"bind in ncf")
        await pilot.pause(0.7)  # the draft is kept once typing pauses
        assert app.triage is not None
        drafts = app.triage.drafts("alpha").notes
        assert drafts.get("vip_bind") == "bind in ncf"
        note = app.screen.query_one("#note", Input)
        assert note.value == "bind in ncf"


def test_one_installed_pack_opens_it_directly(tmp_path: Path) -> None:
    from tests.tui.triage_packs import load_packs

    only = PackIndex.of_packs(load_packs(tmp_path / "packs")[:1])
    app = KBWizardApp(index=only, autosave=False)
    assert app.index is None and app.pack.id == "alpha"


async def test_triage_is_saved_as_it_goes_and_resumes_where_it_was(index: PackIndex) -> None:
    from wizard.store import is_triage, list_sessions, load_triage

    app = KBWizardApp(index=index)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        await answer(pilot, "no")  # vip_bind: beta's way
        await pilot.press("l", "enter")  # the article list beside the question: beta leads
        await pilot.pause()
        assert app.case is not None and app.case.pack.id == "beta"
        assert asked(app) == "beta_cause"
        await pilot.press("n", *"checking the ncf")  # typed, never submitted
        await pilot.pause(0.7)
        assert app.triage is not None
        triage_id = app.triage.id
    infos, _ = list_sessions()
    assert [i.id for i in infos] == [triage_id]  # one session: the triage, article inside
    assert is_triage(triage_id)
    resumed = load_triage(index, triage_id)
    assert resumed.header.reference == "INC-7" and resumed.reported == (RECONNECT,)
    again = KBWizardApp(triage=resumed, autosave=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        # Back in beta, at its question, with the note as it was typed.
        assert again.case is not None and again.case.pack.id == "beta"
        assert asked(again) == "beta_cause"
        assert again.screen.query_one("#note", Input).value == "checking the ncf"
        assert again.case.session.recorded("vip_bind") == ("no", None)
        await pilot.press("escape", "t")  # and back to the triage from there
        await pilot.pause()
        assert isinstance(again.screen, TriageScreen)


async def test_the_key_lists_of_the_triage_screens(index: PackIndex) -> None:
    from wizard.tui.dialogs.keys import KeysDialog

    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:

        async def listed() -> str:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, KeysDialog)
            text = str(app.screen.query_one(Static).render())
            await pilot.press("escape")
            await pilot.pause()
            return text

        await to_report(pilot)
        keys = await listed()
        for word in ("Toggle (by its number)", "space", "Articles considered", "Back"):
            assert word in keys, word
        await pilot.press("1", "enter")
        await pilot.pause()
        keys = await listed()
        assert "Articles considered" in keys and "Article list" in keys
        assert "Back to the triage" not in keys  # this is the triage
        await pilot.press("a")
        await pilot.pause()
        keys = await listed()
        assert "Back to the triage" in keys
        # The leading article points to no other: j is not offered (see the test below).
        assert "Go to the article it points to" not in keys
        await pilot.press("enter")  # continue in the leading article
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.case is not None
        keys = await listed()
        assert "Back to the triage's questions" in keys and "Articles considered" in keys
        footer = footer_text(app)
        assert "Triage" in footer


async def test_the_start_benchmark_hook_stops_at_the_callers_report(index: PackIndex) -> None:
    """benchmarks time KBWizardApp(auto_exit_on_first_question=True) with many packs: in
    triage it must stop once the caller's report is drawn, on its own."""
    app = KBWizardApp(index=index, autosave=False, auto_exit_on_first_question=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ReportScreen)
    assert app.return_code == 0


def test_run_without_a_pack_triages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from tests.tui.triage_packs import write_packs
    from wizard import cli
    from wizard.store import save_triage

    folder = str(write_packs(tmp_path / "packs"))
    made: list[KBWizardApp] = []

    def fake_run(app: KBWizardApp) -> int:
        made.append(app)
        return 0

    monkeypatch.setattr("wizard.tui.terminal.run", fake_run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["run", "--pack-dir", folder]) == 0
    assert made[-1].triaging and made[-1].triage is None
    assert made[-1].index is not None and {"alpha", "beta", "gamma"} <= set(made[-1].index.ids)
    assert cli.main(["run", "--pack-dir", folder, "--pack", "alpha"]) == 0
    assert not made[-1].triaging and made[-1].pack.id == "alpha"
    assert cli.main(["run", "--pack-dir", folder, "--fact", "vip_bind=no"]) == 0
    triage = made[-1].triage
    assert triage is not None and triage.facts().get("vip_bind") == "no"
    save_triage(triage)
    assert cli.main(["run", "--pack-dir", folder, "--resume", "last"]) == 0
    resumed = made[-1].triage
    assert resumed is not None and resumed.id == triage.id


async def test_a_ruled_out_article_jumps_to_the_one_that_fits(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_final_articles(pilot)  # alpha confirmed, beta and gamma ruled out
        ids = article_ids(app)
        await pilot.press(*["down"] * ids.index("beta"))
        await pilot.pause()
        detail = str(app.screen.query_one("#article-detail", Static).render())
        assert "ruled-out" in detail and "See TEST ALPHA" in detail
        await pilot.press("enter")  # open beta, ruled out
        await pilot.pause()
        assert app.case is not None and app.case.pack.id == "beta"
        assert isinstance(app.screen, OutcomeScreen)
        assert "j: TEST ALPHA" in str(app.screen.query_one("#extra", Static).render())
        await pilot.press("j")  # and on to the article that fits
        await pilot.pause()
        assert app.case is not None and app.case.pack.id == "alpha"
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*["down"] * ids.index("beta"), "j")  # j on the articles too
        await pilot.pause()
        assert app.case is not None and app.case.pack.id == "alpha"


async def test_see_also_is_offered_only_where_there_is_an_article_to_go_to(
    index: PackIndex,
) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_final_articles(pilot)  # alpha confirmed, beta and gamma ruled out

        ids = article_ids(app)
        assert ids[0] == "alpha"  # confirmed: it points nowhere
        assert "See also" not in footer_text(app)
        await pilot.press(*["down"] * ids.index("beta"))
        await pilot.pause()
        assert "See also" in footer_text(app)  # beta points to alpha
        await pilot.press("up")
        await pilot.pause()
        assert "See also" not in footer_text(app)


async def test_evidence_from_a_triage_question_opens_the_leading_article(
    index: PackIndex,
) -> None:
    from wizard.tui.screens.evidence import EvidenceScreen

    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = footer_text(app)
        assert "Paste evidence" not in footer  # the start screen of a triage: no article yet
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        await answer(pilot, "yes")
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        assert app.case is not None and app.case.pack.id == "alpha"
        assert isinstance(app.screen, EvidenceScreen)


async def test_each_shared_fact_is_asked_once_in_triage_and_articles(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await to_report(pilot)
        await pilot.press("1", "2", "enter")  # both symptoms
        await pilot.pause()
        for value in ("yes", "yes", "yes"):
            if not isinstance(app.screen, TriageScreen):
                break
            seen.append(asked(app))
            await answer(pilot, value)
        assert len(seen) == len(set(seen)), seen
        assert "reconnect_fails" not in seen and "login_error" not in seen  # the report
        # alpha and gamma are confirmed; in either, nothing answered is asked again.
        assert isinstance(app.screen, ArticlesScreen)
        ids = article_ids(app)
        for pack in ("alpha", "gamma"):
            await pilot.press("home", *["down"] * ids.index(pack), "enter")
            await pilot.pause()
            assert app.case is not None and app.case.pack.id == pack
            assert isinstance(app.screen, OutcomeScreen)  # decided: no question left
            await pilot.press("a")
            await pilot.pause()


async def test_revising_a_triage_answer_from_the_path(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_questions(pilot)
        await answer(pilot, "yes")  # vip_bind
        assert asked(app) == "alpha_cause"
        await pilot.press("p", "home", "enter")  # the first step of the path: vip_bind
        await pilot.pause()
        assert asked(app) == "vip_bind"
        await answer(pilot, "no")  # changed: beta's way now
        assert asked(app) == "beta_cause"
        assert app.triage is not None
        states = {a.pack: a.status for a in app.triage.articles()}
        assert states["alpha"] == "ruled-out" and states["beta"] == "undecided"


async def test_esc_on_the_final_articles_reopens_the_last_question(index: PackIndex) -> None:
    app = KBWizardApp(index=index, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_final_articles(pilot)  # alpha confirmed, beta and gamma ruled out
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen) and asked(app) == "login_error"
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.get_option_at_index(choices.highlighted or 0).id == "no"
