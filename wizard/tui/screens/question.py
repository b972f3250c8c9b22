"""Provides the question screen: a question, its answers, why we ask, a note, the path so far."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard.engine.session import SessionError
from wizard.kb.model import NO_CHECK, UNKNOWN, FactValue, Question
from wizard.kb.values import value_text
from wizard.tui.asking import Asking, CaseAsking
from wizard.tui.fields import FieldLeft, NoteInput, SideList, ValueInput
from wizard.tui.safe import joined_content, plain_content
from wizard.tui.screens.base import TRIAGE_BINDINGS, WizardScreen
from wizard.tui.titlebar import TitleBar

TYPED = "__typed__"

_HIDDEN_AT_FIRST = ("#scope", "#from-evidence", "#typed", "#error", "#why", "#how")


class QuestionScreen(WizardScreen[None]):
    """Asks the current question of the open case (or of the triage, see ``TriageScreen``);
    reused for every question."""

    DEFAULT_CSS = """
    #question-layout { height: 1fr; }
    #question-main { width: 2fr; padding: 0 1; }
    #sidebar {
        width: 1fr; min-width: 24; max-width: 44; border-left: solid $primary; padding: 0 1;
    }
    #path-title { text-style: bold; }
    #path { height: 1fr; border: none; }
    #progress { color: $text-muted; }
    #question-text { text-style: bold; margin: 1 0; }
    #choices { height: auto; max-height: 10; margin-bottom: 1; }
    #typed { margin-bottom: 1; }
    #note { margin-top: 1; }
    """
    """This screen's own styles: parsed when it is first shown, not at the wizard's start."""

    BINDINGS = [
        *TRIAGE_BINDINGS,  # first: in an article opened from triage, never cut off
        *(Binding(str(n), f"choose({n})", f"Answer {n}", show=False) for n in range(1, 10)),
        Binding("0", "dont_know", "Don't know", show=False),
        Binding("w", "toggle_panel('#why')", "Why?"),
        Binding("h", "toggle_panel('#how')", "How to check"),
        Binding("n", "note", "Note"),
        Binding("e", "app.evidence", "Evidence"),
        Binding("p", "focus_path", "Path", show=False),
        Binding("x", "app.export", "Export"),
        Binding("ctrl+n", "app.new_case", "New case", show=False),
        Binding("escape,backspace,b", "back", "Back"),
    ]
    """On a question answered by typing, the value field takes the keys only once it is
    chosen (Enter on it, or a digit that starts the value), so these keys keep working."""

    details_added = False
    """Whether the widgets after the first frame (see ``add_details``) are there yet."""

    prefilled = ""
    """The recorded typed value shown in the value field (a digit replaces it, not extends)."""

    shown: str | None = None
    """The question and progress line on screen, so an unchanged view is not built again."""

    @property
    def asking(self) -> Asking:
        """Where this screen's question comes from: the open case."""
        return CaseAsking(self.wizard, self.case)

    def ready(self) -> bool:
        """Whether there is something to ask from (an open case)."""
        return self.wizard.case is not None

    def compose(self) -> ComposeResult:
        # The first frame holds what the caller needs to hear: the question and its answers,
        # filled in here so that the very first frame drawn already shows them.
        question = self.question if self.ready() else None
        progress, text, options = self._view(question) if question else ("", "", [])
        yield TitleBar()
        with Horizontal(id="question-layout"), VerticalScroll(id="question-main"):
            yield Static(plain_content(progress), id="progress")
            yield Static(plain_content(text), id="question-text")
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            choices.highlighted = 0
        choices.focus()

    def on_screen_resume(self) -> None:
        if not self.ready():
            return
        self.refresh_view()
        if self.wizard.auto_exit_on_first_question:
            # The start benchmark's finish line: the first frame, with the question, is drawn.
            self.app.call_after_refresh(self.app.exit)
        elif not self.details_added:
            self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.add_details()

    def add_details(self) -> None:
        """Mount the rest of the screen: scope warning, evidence banner, typed value, why,
        how to check, note, the path so far and the keys.

        Done once, right after the first frame is drawn, so the question shows sooner;
        every action that needs one of these widgets calls this first, so a key pressed
        in between is never lost.
        """
        if self.details_added:
            return
        self.details_added = True
        from textual.containers import Vertical
        from textual.widgets import Label

        from wizard.tui.footer import KeyFooter

        main = self.query_one("#question-main", VerticalScroll)
        layout = self.query_one("#question-layout", Horizontal)
        sidebar = Vertical(id="sidebar")
        mounting = [
            main.mount(Static(id="scope", classes="warning"), before="#question-text"),
            main.mount(Static(id="from-evidence", classes="notice"), before="#choices"),
            main.mount_all(
                [
                    ValueInput(id="typed", placeholder="Type the value, then Enter"),
                    Static(id="error", classes="error"),
                    Static(id="why", classes="panel"),
                    Static(id="how", classes="panel"),
                    NoteInput(id="note", placeholder="Note for this step (optional, n)"),
                ],
                after="#choices",
            ),
            layout.mount(sidebar),
            sidebar.mount_all(
                [*self.sidebar_extra(), Label("Path so far", id="path-title"), SideList(id="path")]
            ),
            self.mount(KeyFooter(mounted_late=True)),
        ]
        for selector in _HIDDEN_AT_FIRST:
            self.query_one(selector).display = False
        question = self.question
        if question is not None:
            self._show_details(question, focus=self.focused is None or self.focused.id == "choices")
        if self.wizard.auto_exit_with_whole_screen:

            async def leave_once_drawn() -> None:  # the benchmark's reference row
                for widgets in mounting:
                    await widgets
                self.app.call_after_refresh(self.app.exit)

            self.call_later(leave_once_drawn)

    def sidebar_extra(self) -> list[Widget]:
        """Widgets above the path in the sidebar (none here)."""
        return []

    @property
    def question(self) -> Question | None:
        return self.asking.question

    def _view(self, question: Question) -> tuple[str, str, list[Option]]:
        """The progress line, text and answers of ``question``; remembered as ``shown``."""
        asking = self.asking
        progress = asking.progress()
        options = [
            Option(joined_content((f"{number}  ", "bold"), choice.label), id=choice.value)
            for number, choice in enumerate(question.choices, 1)
        ]
        if question.other is not None:
            # Only a typed value: digits start it, so this answer has no number of its own.
            key = "↵" if typed_only(question) else str(len(options) + 1)
            label = joined_content((f"{key}  ", "bold"), question.other.label)
            options.append(Option(label, id=TYPED))
        if question.unknown is not None:
            label = joined_content(("0  ", "bold"), "Don't know / can't check now")
            options.append(Option(label, id=UNKNOWN))
        self.shown = asking.key()
        return progress, question.text, options

    def refresh_view(self) -> None:
        """Show the current question and the path; called after every change.

        The question and its answers are rebuilt only when the question or the progress
        line changed, so the answer the user highlighted survives a trip to another screen.
        """
        question = self.question
        if question is None:
            return
        choices = self.query_one("#choices", OptionList)
        if self.shown != self.asking.key():
            progress, text, options = self._view(question)
            self.query_one("#progress", Static).update(plain_content(progress))
            self.query_one("#question-text", Static).update(plain_content(text))
            choices.clear_options()
            choices.add_options(options)  # at once: one layout, not one per answer
            choices.highlighted = self._recorded_index(question)
        choices.focus()
        if self.details_added:
            self._show_details(question, focus=True)

    def _show_details(self, question: Question, *, focus: bool) -> None:
        """Fill the widgets ``add_details`` mounted for ``question``."""
        asking = self.asking
        warnings = asking.scope_warnings()
        scope = self.query_one("#scope", Static)
        scope.update(plain_content("Outside the article's scope: " + " ".join(warnings)))
        scope.display = bool(warnings)
        why = joined_content(
            ("Why we ask: ", "bold"), question.why or "the article gives no reason of its own."
        )
        self.query_one("#why", Static).update(why)
        self.query_one("#how", Static).update(
            joined_content(("How to check: ", "bold"), question.how_to_check or NO_CHECK)
        )
        self._show_evidence_answer(question)
        recorded = asking.recorded(question.fact)
        value, note = recorded if recorded is not None else (None, None)
        typed_value = value if isinstance(value, str) and _is_typed(question, value) else ""
        typed = self.query_one("#typed", Input)
        typed.display = typed_only(question) or bool(typed_value)
        typed.placeholder = (
            "Type the value (a digit starts it), then Enter"
            if typed_only(question)
            else "Type the value, then Enter"
        )
        typed.value = self.prefilled = typed_value
        self.query_one("#error", Static).display = False
        draft = asking.note_draft(question.fact)
        note_field = self.query_one("#note", Input)
        note_field.value = draft if draft is not None else note or ""
        self._refresh_path()
        if focus and draft is not None:
            note_field.focus()  # a note typed but not answered yet (kept as a draft): reopen it

    def _recorded_index(self, question: Question) -> int:
        """The answer to highlight: the one already recorded (revising, back), else the first."""
        recorded = self.asking.recorded(question.fact)
        if recorded is None:
            return 0
        choices = self.query_one("#choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        wanted = _option_id(question, recorded[0])
        return ids.index(wanted) if wanted in ids else 0

    def _show_evidence_answer(self, question: Question) -> None:
        banner = self.query_one("#from-evidence", Static)
        item = self.asking.known_from(question)
        if item is not None:
            banner.update(
                joined_content(
                    "Known from ",
                    (item.source, "bold"),
                    f": {value_text(item.value)}. Choose an answer to override it.",
                )
            )
            banner.display = True
        else:
            banner.display = False

    def _refresh_path(self) -> None:
        options = []
        for index, step in enumerate(self.asking.path()):
            source = "" if step.source == "user" else f" [{step.source}]"
            note = " ✎" if step.note else ""
            label = joined_content(
                (f"{index + 1}. ", "bold"),
                f"{step.words}: ",
                (value_text(step.value), "bold"),
                (source, "italic"),
                note,
            )
            options.append(Option(label, id=str(index)))
        if not options:
            options.append(Option(plain_content("No answers yet."), disabled=True))
        path = self.query_one("#path", OptionList)
        path.clear_options()
        path.add_options(options)

    # --- answering ----------------------------------------------------------

    def _answer(self, value: str) -> None:
        self.add_details()
        note = self.query_one("#note", Input).value
        try:
            self.asking.answer(value, note)
        except SessionError as exc:
            error = self.query_one("#error", Static)
            error.update(plain_content(str(exc)))
            error.display = True

    @on(Input.Changed, "#note")
    def _note_typed(self, event: Input.Changed) -> None:
        """Keep the note as a draft as it is typed (saved shortly after), until answered."""
        question = self.question
        if question is None or event.value != event.input.value:
            return  # a change already overtaken by the next one
        asking = self.asking
        recorded = asking.recorded(question.fact)
        saved_note = (recorded[1] if recorded is not None else None) or ""
        text = event.value if event.value != saved_note else None
        if asking.note_draft(question.fact) != text:
            asking.set_note_draft(question.fact, text)
            self.wizard.draft_changed()

    @on(FieldLeft)
    def _field_left(self, event: FieldLeft) -> None:
        """Esc in the note, the value or the path: back to the answers, nothing undone."""
        event.stop()
        self.query_one("#choices", OptionList).focus()

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choices = self.query_one("#choices", OptionList)
        index = event.option_index
        if not (0 <= index < choices.option_count) or choices.get_option_at_index(index) is not (
            event.option
        ):
            return  # chosen on a question that a later key (back, another answer) replaced
        value = event.option.id or ""
        if value == TYPED:
            self.add_details()
            typed = self.query_one("#typed", Input)
            typed.display = True
            typed.focus()
            return
        self._answer(value)

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._answer(event.value.strip())

    @on(Input.Submitted, "#note")
    def _note_done(self) -> None:
        self.query_one("#choices", OptionList).focus()

    @on(OptionList.OptionSelected, "#path")
    def _revise(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.asking.revise(int(event.option.id))

    def action_choose(self, number: int) -> None:
        question = self.question
        if question is None:
            return
        if typed_only(question):
            # The answer is a typed value: a digit starts it (an address, a number …).
            self.add_details()
            typed = self.query_one("#typed", Input)
            typed.display = True
            typed.focus()
            if typed.value == self.prefilled:
                typed.value = ""  # a new value, not the recorded one with a digit more
            typed.value += str(number)
            typed.cursor_position = len(typed.value)
            return
        choices = self.query_one("#choices", OptionList)
        if 1 <= number <= choices.option_count:
            option = choices.get_option_at_index(number - 1)
            if option.id not in (None, UNKNOWN):
                choices.highlighted = number - 1
                choices.action_select()

    def action_dont_know(self) -> None:
        question = self.question
        if question is not None and question.unknown is not None:
            self._answer(UNKNOWN)

    def action_toggle_panel(self, selector: str) -> None:
        self.add_details()
        panel = self.query_one(selector)
        panel.display = not panel.display
        if panel.display:
            self.query_one("#question-main", VerticalScroll).scroll_to_widget(panel)

    def action_note(self) -> None:
        self.add_details()
        self.query_one("#note", Input).focus()

    def action_focus_path(self) -> None:
        self.add_details()
        self.query_one("#path", OptionList).focus()

    def action_back(self) -> None:
        """Back along the path to the previous question (never forward, nothing dropped)."""
        asking = self.asking
        if not asking.step_back():
            asking.leave()


def typed_only(question: Question) -> bool:
    """Whether the only answer (besides "don't know") is a value the user types."""
    return question.other is not None and not question.choices


def _is_typed(question: Question, value: FactValue) -> bool:
    return value != UNKNOWN and all(c.value != value for c in question.choices)


def _option_id(question: Question, value: FactValue) -> str:
    if value == UNKNOWN:
        return UNKNOWN
    return TYPED if _is_typed(question, value) else str(value)
