"""Nothing typed is ever lost: Esc only leaves a field, Back only goes back, drafts are kept.

Each test drives the real app through Pilot key presses.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, OptionList, Static, TextArea

from tests.tui.drive import answer, answer_all, settle, start
from tests.tui.test_pilot import CONFIRMED
from wizard.kb.model import Outcome, Pack, Question
from wizard.store import list_sessions, load_case
from wizard.tui.app import DRAFT_DELAY, KBWizardApp
from wizard.tui.screens.evidence import EvidenceScreen
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen
from wizard.tui.screens.start import StartScreen


def _fact(app: KBWizardApp) -> str | None:
    assert app.case is not None
    node = app.case.session.current
    return node.fact if isinstance(node, Question) else None


def _footer_keys(app: KBWizardApp) -> dict[str, str]:
    """What the footer offers right now: key -> description."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


def _saved() -> dict[str, object]:
    (info,) = list_sessions()[0]
    data: dict[str, object] = json.loads(info.path.read_text())
    return data


async def test_esc_in_the_note_only_leaves_it(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await pilot.press("n", *"caller on site")
        note = app.screen.query_one("#note", Input)
        assert app.focused is note
        assert _footer_keys(app)["escape"] == "Leave field"
        await pilot.press("escape")
        await pilot.pause()
        assert app.case is not None and [s.value for s in app.case.session.question_steps()] == [
            "yes"
        ]
        assert _fact(app) == "mapping_shows"
        assert note.value == "caller on site"
        assert app.focused is app.screen.query_one("#choices", OptionList)
        await answer(pilot, "node")
        assert app.case.session.question_steps()[1].note == "caller on site"


async def test_esc_in_the_path_sidebar_only_leaves_it(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await answer(pilot, "node")
        await pilot.press("p")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#path", OptionList)
        for key in ("escape", "p", "backspace", "p", "b"):
            await pilot.press(key)
            await pilot.pause()
        assert app.case is not None and len(app.case.session.question_steps()) == 2
        assert app.focused is app.screen.query_one("#choices", OptionList)


async def test_back_steps_along_the_path_and_never_forward_to_an_outcome(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        assert isinstance(app.screen, OutcomeScreen)
        app.revise(0)  # the palette's "Revise: …" on the first step
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and _fact(app) == "reconnect_fails"
        await pilot.press("escape")  # back from the first step: the start screen
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)  # the case went on where it was
        assert _fact(app) == "reconnect_fails"
        await pilot.press("1")  # the same answer: the later ones still apply
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        app.revise(2)
        await pilot.pause()
        seen = []
        for _ in range(4):
            await pilot.press("b")
            await pilot.pause()
            seen.append(type(app.screen).__name__ if not isinstance(app.screen, QuestionScreen)
                        else _fact(app))  # fmt: skip
        assert seen == ["mapping_shows", "reconnect_fails", "StartScreen", "StartScreen"]
        assert app.case is not None
        assert {a.fact for a in app.case.session.answers} == set(CONFIRMED)  # nothing dropped


async def test_back_from_the_outcome_reopens_the_last_question(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer_all(pilot, CONFIRMED)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and _fact(app) == "primary_ip"
        assert app.screen.query_one("#typed", Input).value == "10.1.1.11"
        await pilot.press(*"10.1.1.12", "enter")  # digits start a new value
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        assert app.case is not None and app.case.facts["primary_ip"] == "10.1.1.12"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert _fact(app) == "login_order"
        assert app.case is not None and not isinstance(app.case.session.current, Outcome)


async def test_revising_a_step_keeps_its_note_and_highlights_its_answer(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.press("n", *"caller on site", "enter")
        await answer(pilot, "no")
        await answer(pilot, "node")
        await pilot.press("p")
        await pilot.pause()
        path = app.screen.query_one("#path", OptionList)
        path.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert _fact(app) == "reconnect_fails"
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.highlighted == 1  # "No", the answer recorded
        assert app.screen.query_one("#note", Input).value == "caller on site"
        await pilot.press("enter")  # the same answer again
        await pilot.pause()
        assert app.case is not None
        first = app.case.session.question_steps()[0]
        assert (first.value, first.note) == ("no", "caller on site")


async def test_a_typed_answer_question_keeps_the_screens_keys(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        for fact in ("reconnect_fails", "mapping_shows", "vip_method", "ncp_include_ip"):
            await answer(pilot, CONFIRMED[fact])
        await answer(pilot, "node-first")
        screen = app.screen
        assert _fact(app) == "primary_ip"
        typed = screen.query_one("#typed", Input)
        assert typed.display and app.focused is not typed
        keys = _footer_keys(app)
        assert {"w", "h", "n", "e"} <= set(keys) and keys.get("escape") == "Back"
        await pilot.press("w", "h")
        assert screen.query_one("#why", Static).display
        assert screen.query_one("#how", Static).display
        await pilot.press("p")
        await pilot.pause()
        assert app.focused is screen.query_one("#path", OptionList)
        await pilot.press("escape", "n", "x", "escape")
        await pilot.pause()
        assert screen.query_one("#note", Input).value == "x"
        assert typed.value == "" and _fact(app) == "primary_ip"
        await pilot.press(*"10.1.1.11")  # a digit starts the value
        await pilot.pause()
        assert app.focused is typed and typed.value == "10.1.1.11"
        keys = _footer_keys(app)
        assert keys.get("escape") == "Leave field" and keys.get("enter") == "Answer"
        await pilot.press("escape")  # leaves the field: no step back, the value stays
        await pilot.pause()
        assert _fact(app) == "primary_ip" and typed.value == "10.1.1.11"
        typed.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        assert app.case is not None and app.case.facts["primary_ip"] == "10.1.1.11"
        assert app.case.session.question_steps()[-1].note == "x"


async def test_a_note_draft_is_saved_as_typed_and_reopened_on_resume(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await answer(pilot, "yes")
        await pilot.press("n", *"H: lost daily")
        await pilot.pause(DRAFT_DELAY + 0.3)
        # On disk already, without Enter, without an answer, without quitting.
        drafts = _saved()["drafts"]
        assert drafts == {"notes": {"mapping_shows": "H: lost daily"}, "evidence": {}}
        case_id = app.case.id if app.case else ""
        app.autosave = False  # as if killed here: nothing more is written
    resumed = load_case(pack, case_id)
    again = KBWizardApp(pack, resumed, autosave=False)
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        note = again.screen.query_one("#note", Input)
        assert note.value == "H: lost daily" and again.focused is note
        await pilot.press("escape")
        await answer(pilot, "node")
        assert again.case is not None
        assert again.case.session.question_steps()[1].note == "H: lost daily"
        assert again.case.drafts.notes == {}


async def test_an_evidence_draft_is_saved_as_typed_and_reopened_on_resume(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#text-login-script", TextArea)
        area.insert("MAP S1:=SYS:PUBLIC\n")
        await pilot.pause(DRAFT_DELAY + 0.3)
        drafts = _saved()["drafts"]
        assert drafts == {"notes": {}, "evidence": {"login-script": "MAP S1:=SYS:PUBLIC\n"}}
        case_id = app.case.id if app.case else ""
        app.autosave = False
    again = KBWizardApp(pack, load_case(pack, case_id))
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await settle(pilot)
        assert isinstance(again.screen, EvidenceScreen)
        area = again.screen.query_one("#text-login-script", TextArea)
        assert area.text == "MAP S1:=SYS:PUBLIC\n"
        await pilot.press("escape")  # Done: applied (analysed in a worker thread first)
        await pilot.pause()
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert again.case is not None
        assert again.case.artifacts_of("login-script")[0].data == b"MAP S1:=SYS:PUBLIC\n"
        assert again.case.drafts.evidence == {}
    assert _saved()["drafts"] == {"notes": {}, "evidence": {}}


async def test_quitting_saves_a_draft_typed_just_before(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.press("n", *"typed", "escape", "q")  # quit before the draft's delay
        await pilot.pause()
    assert _saved()["drafts"] == {"notes": {"reconnect_fails": "typed"}, "evidence": {}}


def test_old_session_files_without_drafts_still_load(pack: Pack, tmp_path: Path) -> None:
    from wizard.engine.case import Case
    from wizard.store import save_case

    case = Case.start(pack)
    case.session.answer("yes")
    path = save_case(case)
    data = json.loads(path.read_text())
    del data["drafts"]
    path.write_text(json.dumps(data))
    assert load_case(pack, case.id).drafts.notes == {}


def _burst(app: KBWizardApp, text: str) -> None:
    """Keys as a terminal delivers them in one read: all queued before the first is handled."""
    from textual import events
    from textual.keys import _character_to_key

    for char in text:
        if char == "\t":
            event = events.Key("tab", None)
        else:
            key = char if char.isalnum() else _character_to_key(char)
            event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


async def test_tab_typed_right_after_text_moves_on_before_the_next_keys(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _burst(app, "INC-6006\tDana\tops@example.com")
        contact = app.screen.query_one("#case-contact", Input)
        for _ in range(50):  # every key handled (a loaded machine is slow)
            await pilot.pause(0.1)
            if contact.value.endswith(".com"):
                break
        values = [app.screen.query_one(f"#case-{n}", Input).value
                  for n in ("reference", "agent", "contact")]  # fmt: skip
        assert values == ["INC-6006", "Dana", "ops@example.com"]


async def test_keys_typed_right_after_n_go_into_the_note(pack: Pack) -> None:
    app = KBWizardApp(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.pause(0.2)
        _burst(app, "nbe quick")  # b and e would go back / open the evidence
        for _ in range(50):
            await pilot.pause(0.1)
            if not isinstance(app.screen, QuestionScreen) or app.screen.query_one(
                "#note", Input
            ).value.endswith("quick"):
                break
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.query_one("#note", Input).value == "be quick"


async def test_ctrl_e_on_the_start_screen_keeps_what_was_typed(pack: Pack) -> None:
    from textual.widgets import Select

    app = KBWizardApp(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"INC-6006", "tab", *"Dana")
        app.screen.query_one("#scope-netware_version", Select).value = "other"
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert app.case is not None
        assert (app.case.header.reference, app.case.header.agent) == ("INC-6006", "Dana")
        assert app.case.facts.get("netware_version") == "other"
    (info,) = list_sessions()[0]
    assert info.reference == "INC-6006"


async def test_the_start_screen_shows_every_field_and_the_saved_sessions_at_80x24(
    pack: Pack,
) -> None:
    from wizard.engine.case import Case, CaseHeader
    from wizard.store import save_case

    old = Case.start(pack)
    old.header = CaseHeader("INC-1041")
    save_case(old)
    app = KBWizardApp(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        region = screen.query_one("#start-body").region
        for selector in ("#case-reference", "#case-agent", "#case-contact",
                         "#scope-netware_version", "#scope-uses_bcc", "#start", "#evidence-first",
                         "#resume-list"):  # fmt: skip
            widget = screen.query_one(selector)
            assert region.contains_region(widget.region), selector
        text = app.export_screenshot()
        assert "INC-1041" in text
    async with KBWizardApp(pack).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        region = screen.query_one("#start-body").region
        for selector in ("#case-reference", "#case-agent", "#case-contact", "#start"):
            assert region.contains_region(screen.query_one(selector).region), selector
