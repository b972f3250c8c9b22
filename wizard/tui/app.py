"""Provides the Textual application: owns the Case and its autosave; screens own their behaviour."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from wizard.atomic import WriteError
from wizard.engine.case import Case, CaseHeader
from wizard.kb.model import NO_CHECK, Outcome, Pack, Question
from wizard.tui.keyorder import KeyOrder

if TYPE_CHECKING:
    from wizard.tui.terminal import Terminal


def _question_screen() -> Screen[None]:
    from wizard.tui.screens.question import QuestionScreen

    return QuestionScreen(name="question")


def _outcome_screen() -> Screen[None]:
    from wizard.tui.screens.outcome import OutcomeScreen

    return OutcomeScreen(name="outcome")


DRAFT_DELAY = 0.5
"""Seconds after the last keystroke in a note or the evidence text before the draft is saved."""


class KBWizardApp(App[None]):
    """Guided troubleshooting for one knowledge pack."""

    SCREENS = {"question": _question_screen, "outcome": _outcome_screen}
    """One question screen and one outcome screen for the app's life, each made on first use
    (so the first question does not wait for the outcome screen's imports), then re-used for
    every step and every case: never torn down and rebuilt while keys keep arriving."""

    CSS_PATH = "wizard.tcss"
    TITLE = "KB Wizard"
    BINDINGS = [
        Binding("q", "request_quit", "Quit"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        pack: Pack | None = None,
        case: Case | None = None,
        *,
        autosave: bool = True,
        auto_exit_on_first_question: bool = False,
        auto_exit_with_whole_screen: bool = False,
    ) -> None:
        super().__init__()
        if pack is None:
            from wizard.kb.registry import open_pack

            pack = open_pack()
        self.pack = pack
        self.case: Case | None = case
        """The open case; None until the user starts or resumes one."""
        self.autosave = autosave
        self.save_error: str | None = None
        """Why the last autosave failed (None when everything is on disk)."""
        self.auto_exit_on_first_question = auto_exit_on_first_question
        """Benchmark hook: exit once the first question's first frame is drawn."""
        self.auto_exit_with_whole_screen = auto_exit_with_whole_screen
        """Benchmark hook: exit once the whole question screen is drawn."""
        self.terminal: Terminal | None = None
        """The real terminal (set by ``wizard.tui.terminal.run``); None under test."""
        self.signalled: int | None = None
        """The signal that ended the wizard, if one did."""
        self._draft_timer: Timer | None = None
        """The pending save of a changed draft (debounced), if any."""
        self.key_order = KeyOrder(self)
        self.sub_title = f"{pack.source.document} · {pack.title}"
        if self.case is None and (auto_exit_on_first_question or auto_exit_with_whole_screen):
            self.case = Case.start(pack)  # benchmark: straight to the first question

    def get_default_screen(self) -> Screen[None]:
        """The first screen: the case's question (resumed, pre-filled) or the start screen.

        Either is the bottom of the stack, so no empty screen is drawn first.
        """
        if self.case is not None:
            return self.get_screen("question")
        from wizard.tui.screens.start import StartScreen

        return StartScreen(name="start")

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal are handled one after the other (see KeyOrder)."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self.key_order.hold(event):
                return
            await super().on_event(event)
            self.key_order.routed()
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        if self.terminal is not None:
            from wizard.tui.terminal import take_signals

            take_signals(self, self.terminal)
        if self.case is not None:
            self.show_case()  # a decided case goes on to its outcome
            if self.case.drafts.evidence:
                # Stopped while pasting evidence: back to the evidence screen, text restored.
                self.call_after_refresh(self.action_evidence)

    # --- the case -----------------------------------------------------------

    def begin_case(self, header: CaseHeader) -> Case:
        """Start a new case (or keep the open one, with the header updated)."""
        if self.case is None:
            self.case = Case.start(self.pack)
        self.case.header = header
        self.save()
        return self.case

    def resume(self, case: Case) -> None:
        self.case = case
        self.show_case()

    def save(self) -> None:
        """Autosave after every step; a failure is shown, never fatal, and retried next step."""
        if self._draft_timer is not None:
            self._draft_timer.stop()  # this save has the drafts too
            self._draft_timer = None
        if self.case is None or not self.autosave:
            return
        from wizard.store import save_case

        self.case.touch()
        try:
            save_case(self.case)
        except (WriteError, OSError) as exc:
            message = str(exc)
            if message != self.save_error:
                self.notify(f"Not saved: {message}", severity="error", timeout=8)
            self.save_error = message
        else:
            if self.save_error is not None:
                self.notify("Saved again.")
            self.save_error = None

    def draft_changed(self) -> None:
        """A draft (a note, evidence text) changed: save it once typing pauses."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save, name="save draft")

    def changed(self) -> None:
        """Call after every change to the case: saves, then shows the right screen."""
        self.save()
        self.show_case()

    def show_case(self) -> None:
        """Bring the screen for the case's current step to the top.

        The stack is [start?, question, outcome?], or [question, start] when a case that opened
        straight at its question was left: starting the next case then uncovers the question.
        """
        if self.case is None:
            return
        if "question" in {s.name for s in self.screen_stack}:
            leave = (
                ("start",)
                if isinstance(self.case.session.current, Outcome)
                else ("start", "outcome")
            )
            while self.screen.name in leave:
                self.pop_screen()  # the screen uncovered refreshes itself when resumed
        else:
            self.push_screen("question")  # shows the question when it is resumed
        top = self.screen
        if isinstance(self.case.session.current, Question):
            if top.name == "question" and top.is_mounted:
                top.refresh_view()  # type: ignore[attr-defined]
        elif top.name == "outcome":
            top.refresh_view()  # type: ignore[attr-defined]
        else:
            self.push_screen("outcome")
        self.ask_row_question()

    def ask_row_question(self) -> None:
        """When an analyzer asks about a row the evidence cannot settle (the role of a
        target that decides the diagnosis, say), ask it as a question of its own, with
        the line that makes it matter, once the walk reaches what its kind supplies."""
        if self.case is None or self.screen.name == "row-question":
            return
        pending = self.case.pending_row_question()
        if pending is None:
            return
        from wizard.engine.session import SessionError
        from wizard.tui.dialogs.row_question import DONT_KNOW, RowQuestionDialog

        case = self.case
        kind, question = pending
        node = case.session.current
        if not question.choices or (
            question.fact is not None and isinstance(node, Question) and node.fact == question.fact
        ):
            return  # a typed value, or the question on screen asks it already

        def answered(value: str | None) -> None:
            if value is None or self.case is not case:
                return  # closed for now: asked again at the next step
            try:
                case.answer_row_question(kind, question, None if value == DONT_KNOW else value)
            except SessionError as exc:
                self.notify(str(exc), severity="error")
                return
            self.changed()

        self.push_screen(RowQuestionDialog(question), answered)

    def action_new_case(self) -> None:
        """The next caller: the current case is saved already; back to a fresh start screen."""
        self.save()
        self.case = None
        self.leave_case_screens()

    def leave_case_screens(self) -> None:
        """Back from the first question, or on to the next caller: the start screen."""
        from wizard.tui.screens.start import StartScreen

        while self.screen.name in ("outcome", "question") and len(self.screen_stack) > 1:
            self.pop_screen()
        if self.screen.name != "start":
            # The case opened straight at its question, which is the bottom of the stack.
            self.push_screen(StartScreen(name="start"))

    # --- actions ------------------------------------------------------------

    def action_evidence(self) -> None:
        from wizard.tui.screens.evidence import EvidenceScreen

        if self.case is None:
            from wizard.tui.screens.start import StartScreen

            if isinstance(self.screen, StartScreen):
                self.screen.begin()  # with the ticket, names and scope typed there
            else:
                self.begin_case(CaseHeader())
        self.push_screen(EvidenceScreen(), lambda _: self.changed())

    def action_export(self) -> None:
        from wizard.tui.dialogs.export import ExportDialog

        if self.case is None:
            self.notify("Start a case first.", severity="warning")
            return
        self.push_screen(ExportDialog(self.case))

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Every way out (q, ctrl+q, a signal) saves first: a draft not saved yet is kept."""
        self.save()
        super().exit(result, return_code, message)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_request_quit(self) -> None:
        """Quit at once when everything is saved; ask only if something would be lost."""
        if self.save_error is None:
            self.exit()
            return
        from wizard.tui.dialogs.confirm import ConfirmDialog

        def decide(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(
            ConfirmDialog(f"The last autosave failed ({self.save_error}). Quit anyway?"), decide
        )

    def revise(self, step: int) -> None:
        if self.case is not None:
            self.case.session.jump_to(step)
            self.changed()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Evidence",
            "Paste or load the evidence the article reads",
            self.action_evidence,
        )
        yield SystemCommand(
            "Export case summary", "Markdown, HTML, JSON or text", self.action_export
        )
        yield SystemCommand(
            "Toggle light/dark theme", "Switch between light and dark", self.action_toggle_theme
        )
        if self.case is not None:
            for index, step in enumerate(self.case.session.question_steps()):
                yield SystemCommand(
                    f"Revise: {step.text[:60]}",
                    f"Answered: {step.label} ({step.source})",
                    lambda i=index: self.revise(i),
                )
        for question in self.pack.questions:
            yield SystemCommand(
                f"Read: {question.text[:60]}",
                "Why we ask it and how to check",
                lambda q=question: self.show_text(
                    q.text, f"{q.why}\n\nHow to check: {q.how_to_check or NO_CHECK}".strip()
                ),
                discover=False,
            )
        for fix in self.pack.fixes.values():
            yield SystemCommand(
                f"Read fix: {fix.title[:60]}",
                fix.explanation[:80],
                lambda f=fix: self.show_text(f.title, f.explanation),
                discover=False,
            )
        yield SystemCommand(
            f"Read: {self.pack.explanation_title}",
            "The mechanism, step by step",
            lambda: self.show_text(
                self.pack.explanation_title,
                "\n".join(f"{i}. {s}" for i, s in enumerate(self.pack.explanation, 1)),
            ),
            discover=False,
        )

    def show_text(self, title: str, body: str) -> None:
        from wizard.tui.dialogs.info import InfoDialog

        self.push_screen(InfoDialog(title, body))
