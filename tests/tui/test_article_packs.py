"""The wizard on the article packs (TID 7014886, TID 10019026): a typed name that cannot
go into the fix command is refused with the reason, a question whose article gives no
check says so, and the outcome shows the site's command."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.conftest import ROOT
from tests.tui.drive import answer, screen_text, start
from wizard.kb.loader import load_pack
from wizard.kb.model import NO_CHECK
from wizard.kb.registry import ANALYZERS
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen


async def test_7014886_a_cluster_name_with_a_space_is_refused_then_the_command_is_exact() -> None:
    pack = load_pack(ROOT / "knowledge" / "tid-7014886.yaml", ANALYZERS)
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await answer(pilot, "node")
        typed = app.screen.query_one("#typed", Input)
        typed.focus()
        await pilot.press(*"my cluster", "enter")
        await pilot.pause()
        error = app.screen.query_one("#error", Static)
        assert error.display and "has a space" in str(error.render())
        assert isinstance(app.screen, QuestionScreen)
        typed.value = ""
        for value in ("my-cluster", "Corp.EMA", "VOL2", "O"):
            await answer(pilot, value)
        assert isinstance(app.screen, OutcomeScreen)
        assert app.case is not None
        shown = screen_text(app)
        assert "map O:=.my-cluster_VOL2.Corp.EMA:" in shown


async def test_10019026_where_the_object_points_has_no_check_in_the_article() -> None:
    pack = load_pack(ROOT / "knowledge" / "tid-10019026.yaml", ANALYZERS)
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        for value in ("8884", "yes", "windows-nt"):
            await answer(pilot, value)
        assert isinstance(app.screen, QuestionScreen)
        assert app.case is not None and app.case.session.current.id == "q_points_root"
        await pilot.press("h")
        await pilot.pause()
        shown = screen_text(app)
        assert NO_CHECK in shown
