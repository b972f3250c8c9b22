"""Provides the question screen: a question, its answers, why we ask, a note, the path so far."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wizard.engine.session import SessionError
from wizard.kb.model import UNKNOWN, Question
from wizard.kb.values import value_text
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined, plain
from wizard.tui.screens.base import WizardScreen

TYPED = "__typed__"


class QuestionScreen(WizardScreen[None]):
    """Asks the case's current question; reused for every question of the case."""

    BINDINGS = [
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="question-layout"):
            with VerticalScroll(id="question-main"):
                yield Static(id="progress")
                yield Static(id="scope", classes="warning")
                yield Static(id="question-text")
                yield Static(id="from-evidence", classes="notice")
                yield OptionList(id="choices")
                yield Input(id="typed", placeholder="Type the value and press Enter")
                yield Static(id="error", classes="error")
                yield Static(id="why", classes="panel")
                yield Static(id="how", classes="panel")
                yield Input(id="note", placeholder="Note for this step (optional, n)")
            with Vertical(id="sidebar"):
                yield Label("Path so far", id="path-title")
                yield OptionList(id="path")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        if self.wizard.case is not None:
            self.refresh_view()
            if self.wizard.auto_exit_on_first_question:
                self.app.call_after_refresh(self.app.exit)  # the start benchmark's finish line

    def on_mount(self) -> None:
        # No refresh here: the screen is resumed right after it is mounted, and that shows it.
        self.query_one("#why").display = False
        self.query_one("#how").display = False

    @property
    def question(self) -> Question | None:
        node = self.case.session.current
        return node if isinstance(node, Question) else None

    def refresh_view(self) -> None:
        """Show the current question and the path; called after every change."""
        question = self.question
        if question is None:
            return
        session = self.case.session
        progress = session.progress()
        self.query_one("#progress", Static).update(plain(progress.describe()))
        warnings = [c.text for c in self.case.pack.scope if c.when.holds(session.known_facts())]
        scope = self.query_one("#scope", Static)
        scope.update(plain("Outside the article's scope: " + " ".join(warnings)))
        scope.display = bool(warnings)
        self.query_one("#question-text", Static).update(plain(question.text))
        self.query_one("#why", Static).update(joined(("Why we ask: ", "bold"), question.why))
        self.query_one("#how", Static).update(
            joined(("How to check: ", "bold"), question.how_to_check)
        )
        self._show_evidence_answer(question)
        options = [
            Option(joined((f"{number}  ", "bold"), choice.label), id=choice.value)
            for number, choice in enumerate(question.choices, 1)
        ]
        if question.other is not None:
            label = joined((f"{len(options) + 1}  ", "bold"), question.other.label)
            options.append(Option(label, id=TYPED))
        if question.unknown is not None:
            label = joined(("0  ", "bold"), "Don't know / can't check now")
            options.append(Option(label, id=UNKNOWN))
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)  # at once: one layout, not one per answer
        choices.highlighted = 0
        typed = self.query_one("#typed", Input)
        typed.display = question.other is not None and not question.choices
        typed.value = ""
        self.query_one("#error", Static).display = False
        note = self.query_one("#note", Input)
        note.value = ""
        self._refresh_path()
        if typed.display:
            typed.focus()
        else:
            choices.focus()

    def _show_evidence_answer(self, question: Question) -> None:
        banner = self.query_one("#from-evidence", Static)
        session = self.case.session
        known = {g.fact: g for g in session.given}
        item = known.get(question.fact)
        if session.revising == question.fact and item is not None:
            banner.update(
                joined(
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
        for index, step in enumerate(self.case.session.question_steps()):
            source = "" if step.source == "user" else f" [{step.source}]"
            note = " ✎" if step.note else ""
            label = joined(
                (f"{index + 1}. ", "bold"),
                f"{step.fact}: ",
                (value_text(step.value), "bold"),
                (source, "italic"),
                note,
            )
            options.append(Option(label, id=str(index)))
        if not options:
            options.append(Option(plain("No answers yet."), disabled=True))
        path = self.query_one("#path", OptionList)
        path.clear_options()
        path.add_options(options)

    # --- answering ----------------------------------------------------------

    def _answer(self, value: str) -> None:
        note = self.query_one("#note", Input).value
        try:
            self.case.session.answer(value, note=note)
        except SessionError as exc:
            error = self.query_one("#error", Static)
            error.update(plain(str(exc)))
            error.display = True
            return
        self.wizard.changed()

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
            self.wizard.revise(int(event.option.id))

    def action_choose(self, number: int) -> None:
        question = self.question
        if question is None:
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
        panel = self.query_one(selector)
        panel.display = not panel.display
        if panel.display:
            self.query_one("#question-main", VerticalScroll).scroll_to_widget(panel)

    def action_note(self) -> None:
        self.query_one("#note", Input).focus()

    def action_focus_path(self) -> None:
        self.query_one("#path", OptionList).focus()

    def action_back(self) -> None:
        if self.case.session.back():
            self.wizard.changed()
        else:
            self.wizard.leave_case_screens()
