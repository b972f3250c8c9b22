"""The wizard on real sites: it asks only what the evidence cannot settle (a role the
login order hinges on, as a question of its own), refuses a primary IP the evidence
shows as a virtual IP, and shows the corrected script and its diff, or why there is none."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.drive import answer
from wizard.engine.case import Case
from wizard.kb.model import Pack, Question
from wizard.tui.app import KBWizardApp
from wizard.tui.dialogs.row_question import RowQuestionDialog
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen

DATA = Path(__file__).resolve().parent.parent / "data" / "evidence"

# The node by its primary IP (from the AUTOEXEC.NCF), the resource from its load script:
# nothing here is a guess.
DECIDED_LOGIN = "MAP S1:=10.1.1.11/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"


def _case(pack: Pack, login: bytes, load: str = "load-bind-brackets.ncf") -> Case:
    case = Case.start(pack)
    case.store_artifact("login-script", login, "login.txt")
    case.store_artifact("load-script", (DATA / load).read_bytes(), load)
    case.store_artifact("set-parameters", (DATA / "set-autoexec-all.ncf").read_bytes(), "set")
    case.refresh_evidence()
    return case


def _asked(app: KBWizardApp) -> str | None:
    node = app.case.session.current if app.case is not None else None
    return node.fact if isinstance(node, Question) else None


async def _row_question(pilot: Pilot[None]) -> tuple[str, str]:
    """Answer both symptoms; the row question that follows: its text and its line."""
    app = pilot.app
    for value in ("yes", "node"):
        await answer(pilot, value)
    dialog = app.screen
    assert isinstance(dialog, RowQuestionDialog)
    return (
        str(dialog.query_one("#row-question-text", Static).render()),
        str(dialog.query_one("#row-question-line", Static).render()),
    )


async def test_three_files_that_decide_everything_leave_only_the_symptoms(pack: Pack) -> None:
    app = KBWizardApp(pack, _case(pack, DECIDED_LOGIN.encode()), autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        asked = []
        for value in ("yes", "node"):
            asked.append(_asked(app))
            await answer(pilot, value)
        assert asked == ["reconnect_fails", "mapping_shows"]
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        assert screen.summary is not None
        assert screen.summary.diagnosis == "tid3438100-confirmed"
        commands = [c for f in screen.summary.fixes for c in f.commands]
        assert "set NCP include IP address = 10.1.1.11" in commands
        # The corrected script and its diff are on the screen itself.
        (shown,) = [w for w in screen.query(".corrected-script").results(Static) if w.display]
        text = str(shown.render())
        assert "▶ MAP S1:=10.1.1.11/SYS:PUBLIC" in text
        assert "Corrected login script (diff):" in text and "-MAP S1:=10.1.1.11/SYS:PUBLIC" in text
        # The step that points at the script comes with it (the fix's artifact declares it).
        (reorder,) = [f for f in screen.summary.fixes if f.id == "reorder-login-script"]
        assert reorder.steps[2].startswith("The corrected login script below does exactly this")
        assert len(reorder.steps) == 4 and reorder.steps[3].startswith("Save the script")


async def test_the_default_server_is_asked_as_its_own_question(pack: Pack) -> None:
    login = (DATA / "ls-default-server-first.txt").read_bytes()
    app = KBWizardApp(pack, _case(pack, login), autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await answer(pilot, "yes")
        assert not isinstance(app.screen, RowQuestionDialog)  # not before the order matters
        await answer(pilot, "node")
        dialog = app.screen
        assert isinstance(dialog, RowQuestionDialog)
        assert "Which server do users log in through" in str(
            dialog.query_one("#row-question-text", Static).render()
        )
        assert "MAP INS S1:=SYS:PUBLIC" in str(
            dialog.query_one("#row-question-line", Static).render()
        )
        await pilot.press("2")  # another server, not a cluster node
        await pilot.pause()
        assert app.case is not None
        assert app.case.facts["preferred_server"] == "other"
        assert app.case.facts["login_order"] == "no-node-mapping"
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        assert screen.summary is not None and screen.summary.diagnosis == "not-this-issue"


async def test_dont_know_keeps_the_guess_and_is_not_asked_again(pack: Pack) -> None:
    login = (DATA / "ls-default-server-first.txt").read_bytes()
    app = KBWizardApp(pack, _case(pack, login), autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _row_question(pilot)
        await pilot.press("0")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        assert screen.summary is not None
        assert screen.summary.diagnosis == "tid3438100-confirmed"
        assert [a.name for a in screen.summary.artifacts] == ["corrected-script", "diff"]
        assert app.case is not None and app.case.pending_row_question() is None


async def test_a_virtual_ip_typed_as_the_primary_ip_is_refused_with_the_reason(
    pack: Pack,
) -> None:
    case = Case.start(pack)
    case.store_artifact("load-script", (DATA / "load-one-of-two.ncf").read_bytes(), "load")
    case.refresh_evidence()
    app = KBWizardApp(pack, case, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for value in ("yes", "node", "all", "node-first"):
            await answer(pilot, value)
        assert _asked(app) == "primary_ip"
        await answer(pilot, "10.1.1.181")
        assert isinstance(app.screen, QuestionScreen)
        error = app.screen.query_one("#error", Static)
        message = str(error.render())
        assert error.display
        assert (
            "10.1.1.181 cannot be the node's primary IP address: it is one of the resources' "
            "virtual IP addresses (load-script:3)"
        ) in " ".join(message.split())
        assert "primary_ip" not in case.facts


async def test_no_safe_reorder_says_why_in_the_fix(pack: Pack) -> None:
    login = (DATA / "ls-conditional-virtual-after.txt").read_bytes()
    case = _case(pack, login)
    app = KBWizardApp(pack, case, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # No node names were given: the wizard asks about NODE1, naming the line.
        text, line = await _row_question(pilot)
        assert "Is NODE1 one of the cluster nodes?" in text
        assert "MAP S1:=NODE1/SYS:PUBLIC" in line
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OutcomeScreen) and screen.summary is not None
        assert screen.summary.artifacts == []
        (reorder,) = [f for f in screen.summary.fixes if f.id == "reorder-login-script"]
        assert any(
            "No corrected script can be written" in step and "by hand" in step
            for step in reorder.steps
        )
        assert not any("corrected login script below" in step for step in reorder.steps)
        # No script panel: the fix itself says why there is none.
        assert not [w for w in screen.query(".corrected-script").results(Static) if w.display]


def test_a_question_passed_over_stays_passed_after_a_resume(pack: Pack) -> None:
    login = (DATA / "ls-default-server-first.txt").read_bytes()
    case = _case(pack, login)
    ((kind, question),) = case.row_questions()
    assert (kind, question.key, question.fact) == ("login-script", "", "preferred_server")
    case.answer_row_question(kind, question, None)
    saved = case.to_dict()
    assert saved["rows_passed"] == ["login-script\x00"]
    again = Case.from_dict(pack, saved)
    assert again.row_questions() == []
    assert "preferred_server" not in again.facts  # passed over: the guess stays


async def test_ctrl_n_on_a_role_question_starts_the_next_case(pack: Pack) -> None:
    login = (DATA / "ls-default-server-first.txt").read_bytes()
    app = KBWizardApp(pack, _case(pack, login), autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _row_question(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.case is None
        assert app.screen.name == "start"


async def test_a_hostile_target_name_is_shown_literally_in_the_role_question(pack: Pack) -> None:
    login = b"MAP H:=[@click=app.quit]X[/]/DATA:\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    app = KBWizardApp(pack, _case(pack, login), autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text, line = await _row_question(pilot)
        assert "Is [@CLICK=APP.QUIT]X[ one of the cluster nodes?" in text
        assert "MAP H:=[@click=app.quit]X[/]/DATA:" in line
        await pilot.press("3")  # another server
        await pilot.pause()
        assert app.is_running
        assert app.case is not None and app.case.facts["login_order"] == "no-node-mapping"
