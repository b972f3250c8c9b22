"""The wizard driven through Textual's Pilot: every outcome, back, revise, evidence, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from tests.tui.drive import answer, answer_all, start
from wizard.engine.case import Case
from wizard.kb.model import UNKNOWN, Pack
from wizard.store import list_sessions
from wizard.tui.app import KBWizardApp
from wizard.tui.dialogs.export import ExportDialog
from wizard.tui.dialogs.row_question import RowQuestionDialog
from wizard.tui.screens.evidence import EvidenceScreen
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen
from wizard.tui.screens.start import StartScreen

CONFIRMED = {
    "reconnect_fails": "yes",
    "mapping_shows": "node",
    "vip_method": "bind",
    "ncp_include_ip": "all",
    "login_order": "node-first",
    "primary_ip": "10.1.1.11",
}

OUTCOMES = [
    (CONFIRMED, "o_confirmed"),
    ({**CONFIRMED, "mapping_shows": "virtual"}, "o_not_mapping_virtual"),
    ({**CONFIRMED, "mapping_shows": UNKNOWN, "trace_target": "virtual"}, "o_not_trace_virtual"),
    (
        {"reconnect_fails": "no", "mapping_shows": UNKNOWN, "trace_target": UNKNOWN},
        "o_not_symptoms",
    ),
    ({**CONFIRMED, "vip_method": "secondary"}, "o_not_secondary"),
    ({**CONFIRMED, "ncp_include_ip": "10.1.1.11"}, "o_not_ncp_set"),
    ({**CONFIRMED, "login_order": "virtual-first"}, "o_not_order"),
    ({**CONFIRMED, "vip_method": UNKNOWN}, "o_more_info"),
]


@pytest.mark.parametrize(("answers", "outcome"), OUTCOMES, ids=[o for _, o in OUTCOMES])
async def test_every_outcome_through_the_ui(
    pack: Pack, answers: dict[str, str], outcome: str
) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, answers)
        assert isinstance(app.screen, OutcomeScreen)
        assert app.case is not None
        assert app.case.session.walk().node.id == outcome
        text = str(app.screen.query_one("#diagnosis", Static).render())
        diagnosis = pack.nodes[outcome].diagnosis  # type: ignore[union-attr]
        assert diagnosis in text


async def test_confirmed_shows_the_sites_command_and_autosaves(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        commands = [str(w.render()) for w in app.screen.query(".commands").results(Static)]
        assert "set NCP include IP address = 10.1.1.11" in commands[0]
    infos, skipped = list_sessions()
    assert skipped == [] and len(infos) == 1
    assert infos[0].diagnosis == "tid3438100-confirmed"


async def test_back_and_revise(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await answer(pilot, "node")
        assert app.case is not None
        assert len(app.case.session.question_steps()) == 2
        await pilot.press("b")
        await pilot.pause()
        assert len(app.case.session.question_steps()) == 1
        await answer(pilot, "node")
        await answer(pilot, "bind")
        # Revise step 1 from the path sidebar.
        path = app.screen.query_one("#path", OptionList)
        path.focus()
        path.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        node = app.case.session.current
        assert getattr(node, "fact", None) == "reconnect_fails"
        await answer(pilot, "no")
        facts = [s.fact for s in app.case.session.question_steps()]
        assert facts == ["reconnect_fails", "mapping_shows", "vip_method"]
        # Back from the first question goes to the start screen.
        for _ in range(10):
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_why_and_note(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        why = app.screen.query_one("#why", Static)
        assert not why.display
        await pilot.press("w")
        assert why.display and "Why we ask" in str(why.render())
        await pilot.press("n")
        await pilot.press(*"caller on site", "enter")
        await pilot.press("1")
        await pilot.pause()
        assert app.case is not None
        assert app.case.session.question_steps()[0].note == "caller on site"


async def test_bad_typed_value_shows_error_and_stays(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        for value in ("yes", "node", "bind", "all", "node-first"):
            await answer(pilot, value)
        typed = app.screen.query_one("#typed", Input)
        typed.focus()
        await pilot.press(*"10.1.1", "enter")
        await pilot.pause()
        error = app.screen.query_one("#error", Static)
        assert error.display and "not a full IPv4 address" in str(error.render())
        assert isinstance(app.screen, QuestionScreen)


LOGIN = "REM container script\nMAP S1:=10.1.1.11/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"


async def test_evidence_paste_role_correction_and_fix(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        for value in ("yes", "node", "bind", "all"):
            await answer(pilot, value)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        area = app.screen.query_one("#text-login-script", TextArea)
        area.load_text(LOGIN + "[bold red]x[/] [@click=app.quit]y[/]\n")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#table-login-script", DataTable)
        assert table.row_count == 2
        # The primary IP is not known yet: correct its role to node (unknown -> node).
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("ctrl+r")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "node" in str(table.get_row_at(0)[3])
        await pilot.press("escape")
        await pilot.pause()
        assert app.case is not None
        assert app.case.session.provenance()["login_order"] == "login-script:2"
        # CLUSTER1_POOL1_SERVER is a virtual server only by its name (no load script):
        # the wizard asks it as a question of its own, with the line that makes it matter.
        dialog = app.screen
        assert isinstance(dialog, RowQuestionDialog)
        assert "Is CLUSTER1_POOL1_SERVER a virtual server" in str(
            dialog.query_one("#row-question-text", Static).render()
        )
        assert "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:" in str(
            dialog.query_one("#row-question-line", Static).render()
        )
        await pilot.press("2")
        await pilot.pause()
        assert app.case.corrections["CLUSTER1_POOL1_SERVER"] == "virtual"
        await answer(pilot, "10.1.1.11")
        assert isinstance(app.screen, OutcomeScreen)
        (shown,) = [w for w in app.screen.query(".corrected-script").results(Static) if w.display]
        diff = str(shown.render())
        assert "▶ MAP S1:=10.1.1.11/SYS:PUBLIC" in diff
        summary = app.screen.summary
        script = summary.fields["reordered_login_script"] if summary else ""
        assert script.index("MAP F:=") < script.index("MAP S1:=")
        assert app.is_running  # the pasted [@click=app.quit] did nothing


async def test_export_markdown_from_outcome(pack: Pack, tmp_path: Path) -> None:
    app = KBWizardApp(pack)
    target = tmp_path / "case.md"
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(target)
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
    text = target.read_text()
    assert "set NCP include IP address = 10.1.1.11" in text
    assert text.startswith("# Case summary")


async def test_verify_not_fixed_offers_next_fix(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert screen.selected == 1
        await pilot.press("f")
        await pilot.pause()
        assert app.case is not None
        verdicts = [(v.fix, v.verdict) for v in app.case.verifications]
        assert verdicts == [
            ("set-ncp-include-ip-address", "not-fixed"),
            ("reorder-login-script", "fixed"),
        ]


async def test_resume_from_start_screen(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await answer(pilot, "node")
    again = KBWizardApp(pack)
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(again.screen, QuestionScreen)
        assert again.case is not None
        assert [s.value for s in again.case.session.question_steps()] == ["yes", "node"]


async def test_save_failure_is_reported_and_quit_asks(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("KBWIZARD_DATA_DIR", str(blocker))
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        assert app.save_error is not None
        assert isinstance(app.screen, QuestionScreen)  # the UI keeps working
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running  # asked first, because something would be lost
        await pilot.press("y")
        await pilot.pause()


async def test_theme_toggle(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


def test_saved_session_is_valid_json(pack: Pack) -> None:
    from wizard.engine.case import Case
    from wizard.store import save_case

    case = Case.start(pack)
    path = save_case(case)
    assert json.loads(path.read_text())["id"] == case.id


async def test_scope_is_flagged_not_refused(pack: Pack) -> None:
    from textual.widgets import Select

    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one("#scope-netware_version", Select).value = "other"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        scope = app.screen.query_one("#scope", Static)
        assert scope.display and "NetWare 6.5 Support Pack 6" in str(scope.render())
        await answer_all(pilot, CONFIRMED)
        assert isinstance(app.screen, OutcomeScreen)
        assert "Outside the article's scope" in str(
            app.screen.query_one("#outcome-warnings", Static).render()
        )


async def test_missing_fix_fact_is_asked_then_new_case(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"10.1.1.180,10.1.1.1x", "enter")
        await pilot.pause()
        assert "not an IPv4 address" in str(app.screen.query_one("#ask-error", Static).render())
        app.screen.query_one("#ask-value", Input).value = "10.1.1.180, 10.1.1.181"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        commands = [str(w.render()) for w in app.screen.query(".commands").results(Static)]
        assert any("add secondary ipaddress 10.1.1.181" in c for c in commands)
        first = app.case
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.case is None
        await start(pilot)
        assert app.case is not None and app.case is not first
    assert len(list_sessions()[0]) == 2


HOSTILE = "MAP F:=[@click=app.quit]X[/]/VOL1:\nMAP G:=[bold red]RED[/]/SYS:\n\x1b[31mESC\x1b[0m\n"


async def test_pasted_markup_is_literal_and_clicking_it_does_nothing(pack: Pack) -> None:
    from tests.tui.drive import settle

    app = KBWizardApp(pack)
    async with app.run_test(size=(140, 40)) as pilot:
        await start(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#text-login-script", TextArea).load_text(HOSTILE)
        await settle(pilot)
        table = app.screen.query_one("#table-login-script", DataTable)
        cells = [str(table.get_row_at(r)[2]) for r in range(table.row_count)]
        assert "[@click=app.quit]X[/]/VOL1:" in cells[0]
        assert "[bold red]RED[/]/SYS:" in cells[1]
        for row in range(table.row_count):
            await pilot.click(DataTable, offset=(30, row + 1))
            await pilot.pause()
        result = str(app.screen.query_one("#result-login-script", Static).render())
        assert "\x1b" not in result
        assert app.is_running and isinstance(app.screen, EvidenceScreen)


async def test_prefilled_case_opens_at_its_question_and_back_reaches_start(pack: Pack) -> None:
    from wizard.engine.case import Case
    from wizard.engine.session import Given

    case = Case.start(pack, [Given("reconnect_fails", "yes", "answers")])
    app = KBWizardApp(pack, case)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert "show its server" in str(app.screen.query_one("#question-text", Static).render())
        await pilot.press("escape")  # back along the path: the pre-filled first question
        await pilot.pause()
        assert "fails over" in str(app.screen.query_one("#question-text", Static).render())
        assert "Known from answers" in str(app.screen.query_one("#from-evidence", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        # The question screen is the bottom of the stack here: a whole next case, from the
        # start screen laid over it, through to the outcome and on to the next caller.
        await answer_all(pilot, CONFIRMED)
        assert isinstance(app.screen, OutcomeScreen)
        assert [s.name for s in app.screen_stack] == ["question", "outcome"]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await start(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert app.case is not None and app.case.session.question_steps() == []


async def test_a_decided_case_opens_at_its_outcome(pack: Pack) -> None:
    from wizard.engine.case import Case

    case = Case.start(pack)
    for fact in ("reconnect_fails", "mapping_shows", "vip_method", "ncp_include_ip"):
        case.session.answer(CONFIRMED[fact])
    case.session.answer("node-first")
    case.session.answer("10.1.1.11")
    app = KBWizardApp(pack, case, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("escape")  # back: to the last question, under the outcome
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert "primary IP address" in str(app.screen.query_one("#question-text", Static).render())


async def _screenshot_at_exit(app: KBWizardApp) -> str:
    """The screen as it was when the app left by itself."""
    drawn: list[str] = []
    leave = app.exit

    def exit_and_record(*args: object, **kwargs: object) -> None:
        drawn.append(app.export_screenshot())
        leave()

    app.exit = exit_and_record  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(50):
            if drawn:
                break
            await pilot.pause(0.05)
    assert drawn, "the app never left by itself"
    return drawn[0].replace("&#160;", " ")


async def test_start_benchmark_hook_exits_with_the_first_question_drawn(pack: Pack) -> None:
    """benchmarks/run.py times KBWizardApp(auto_exit_on_first_question=True): it must stop
    only once the first question is really on screen, not before."""
    text = await _screenshot_at_exit(
        KBWizardApp(pack, autosave=False, auto_exit_on_first_question=True)
    )
    assert "After the cluster resource fails over" in text
    assert "Yes, clients cannot reconnect" in text


async def test_whole_screen_benchmark_hook_exits_with_every_part_drawn(pack: Pack) -> None:
    """The benchmark's reference row: the first question with its path, note field and keys."""
    text = await _screenshot_at_exit(
        KBWizardApp(pack, autosave=False, auto_exit_with_whole_screen=True)
    )
    for shown in ("After the cluster resource fails over", "Path so far", "No answers yet",
                  "Note for this step", "Why?", "Evidence"):  # fmt: skip
        assert shown in text, shown


async def test_keys_that_need_the_rest_of_the_screen_work_before_it_is_mounted(
    pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note field, panels and path are mounted after the first frame; a key pressed
    before that (a fast typist, a paste) mounts them itself instead of being lost."""
    monkeypatch.setattr(QuestionScreen, "_after_first_frame", lambda self: None)
    app = KBWizardApp(pack, autosave=False, case=Case.start(pack))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and not screen.details_added
        assert not screen.query("#note")
        await pilot.press("w")
        await pilot.pause()
        assert screen.details_added and screen.query_one("#why", Static).display
        assert "Why we ask" in str(screen.query_one("#why", Static).render())
        await pilot.press("n", *"caller on site", "enter", "1")
        await pilot.pause()
        assert app.case is not None
        (step,) = app.case.session.question_steps()
        assert (step.value, step.note) == ("yes", "caller on site")
        assert "1. reconnect fails after failover" in str(
            screen.query_one("#path", OptionList).get_option_at_index(0).prompt
        )


async def test_a_highlighted_answer_survives_a_trip_to_another_screen(pack: Pack) -> None:
    """An unchanged question is not rebuilt when uncovered; a new one starts at its top."""
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        choices = screen.query_one("#choices", OptionList)
        first = choices.get_option_at_index(0)
        await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert choices.highlighted == 1 and choices.get_option_at_index(0) is first
        await answer(pilot, "yes")
        assert choices.highlighted == 0 and choices.get_option_at_index(0) is not first
        assert "show its server" in str(screen.query_one("#question-text", Static).render())
        assert "step 2" in str(screen.query_one("#progress", Static).render())


async def test_a_choice_for_a_question_already_replaced_is_ignored(pack: Pack) -> None:
    """A fast "2, Esc" could let the choice arrive after the question changed: it must not
    open the address field (or answer) on the question now shown."""
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        for value in ("yes", "node", "bind"):
            await answer(pilot, value)
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        choices = screen.query_one("#choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        index = ids.index("__typed__")  # "Set to one address (type it)"
        stale = choices.get_option_at_index(index)
        await pilot.press("escape")  # back to the vip_method question
        await pilot.pause()
        assert app.case is not None and app.case.session.current.id == "q_vip"
        choices.post_message(OptionList.OptionSelected(choices, stale, index))
        await pilot.pause()
        assert not screen.query_one("#typed", Input).display
        assert app.case.session.current.id == "q_vip"
