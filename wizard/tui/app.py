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
from wizard.kb.model import NO_CHECK, Fact, Outcome, Pack, Question
from wizard.tui.keyorder import KeyOrder
from wizard.tui.triage_view import TriageView

if TYPE_CHECKING:
    from wizard.engine.triage import Triage
    from wizard.kb.index import PackIndex
    from wizard.tui.terminal import Terminal


def _question_screen() -> Screen[None]:
    from wizard.tui.screens.question import QuestionScreen

    return QuestionScreen(name="question")


def _outcome_screen() -> Screen[None]:
    from wizard.tui.screens.outcome import OutcomeScreen

    return OutcomeScreen(name="outcome")


def _triage_screen() -> Screen[None]:
    from wizard.tui.screens.triage import TriageScreen

    return TriageScreen(name="triage")


ARTICLE_SCREENS = ("question", "outcome")
"""The screens of an article's case (above the triage's screens when opened from triage)."""


DRAFT_DELAY = 0.5
"""Seconds after the last keystroke in a note or the evidence text before the draft is saved."""


SHORT_NAME = 24
"""Longest document name the article lists show; a longer one is shown by its pack id."""


def short_name(document: str, pack_id: str) -> str:
    """An article as the lists name it: its document (a TID) without a parenthesised
    remark ("TID 10019026 (formerly TID 2947652)" is "TID 10019026"), unless that is a
    whole book chapter's title, then its pack id."""
    name = document.split(" (", 1)[0].strip()
    return name if name and len(name) <= SHORT_NAME else pack_id


class KBWizardApp(App[None]):
    """Guided troubleshooting: one knowledge pack, or triage across every installed one."""

    SCREENS = {
        "question": _question_screen,
        "outcome": _outcome_screen,
        "triage": _triage_screen,
    }
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
        triage: Triage | None = None,
        index: PackIndex | None = None,
        pack_dirs: list[str] | None = None,
        autosave: bool = True,
        auto_exit_on_first_question: bool = False,
        auto_exit_with_whole_screen: bool = False,
    ) -> None:
        """One article: ``pack`` (or ``case``, resumed). Without either, triage across the
        installed packs (``index``, else built from the search path with ``pack_dirs``),
        or the only installed pack directly; ``triage`` resumes a saved triage."""
        super().__init__()
        if pack is None and case is not None:
            pack = case.pack
        if pack is None and triage is not None:
            index = triage.index
        if pack is None:
            if index is None:
                from wizard.kb.index import PackIndex

                index = PackIndex.build(pack_dirs)
            if len(index.entries) == 1 and triage is None:
                pack = index.pack(index.entries[0].id)
                index = None
        self.index: PackIndex | None = index
        """The installed packs when the wizard triages (None: one article only)."""
        self.triage: Triage | None = triage
        """The open triage (the caller's report and every answer); None outside triage."""
        self.triage_view = TriageView()
        """Where the agent is in the triage's questions."""
        self._pack = pack
        self.case: Case | None = case
        """The open case; None until the user starts or resumes one (or opens an article)."""
        self._fact_words: dict[str, str] | None = None
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
        self.show_title()
        benchmark = auto_exit_on_first_question or auto_exit_with_whole_screen
        if self.case is None and benchmark:
            if pack is not None:
                self.case = Case.start(pack)  # benchmark: straight to the first question
            elif self.triage is None and self.index is not None:
                from wizard.engine.triage import Triage

                self.triage = Triage.start(self.index)  # straight to the caller's report

    @property
    def pack(self) -> Pack:
        """The open article's pack (in triage, the article the agent continued in)."""
        if self.case is not None:
            return self.case.pack
        assert self._pack is not None, "no article is open"
        return self._pack

    @property
    def triaging(self) -> bool:
        """Whether the wizard starts from the caller's report (several packs installed)."""
        return self.index is not None

    def show_title(self) -> None:
        """The title bar: the open article, or the triage."""
        if self.case is not None or self._pack is not None:
            pack = self.pack
            origin = " · from triage" if self.triage is not None else ""
            self.sub_title = f"{pack.source.document} · {pack.title}{origin}"
        elif self.index is not None:
            self.sub_title = f"Triage · {len(self.index.entries)} articles"

    def get_default_screen(self) -> Screen[None]:
        """The first screen: the case's question (resumed, pre-filled), the caller's report
        (a triage resumed) or the start screen.

        Either is the bottom of the stack, so no empty screen is drawn first.
        """
        if self.triage is not None:
            from wizard.tui.screens.report import ReportScreen

            return ReportScreen(name="report")
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
        if self.index is not None and self.index.problems:
            from wizard.report.sanitize import one_line

            problems = self.index.problems
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.notify(
                f"A pack cannot be used: {one_line(problems[0])}{more}",
                severity="warning",
                timeout=10,
                markup=False,  # a file name or pack text: never markup
            )
        if self.triage is not None and self.case is None:
            if not self.auto_exit_on_first_question:
                self.call_after_refresh(self.reopen_triage)  # resumed: where it was left
            return
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
        self.show_title()
        self.show_case()

    def save(self) -> None:
        """Autosave after every step; a failure is shown, never fatal, and retried next step."""
        if self._draft_timer is not None:
            self._draft_timer.stop()  # this save has the drafts too
            self._draft_timer = None
        triage = self.triage
        if triage is not None and self.case is not None:
            # An article opened from triage: its answers go back into the triage at once
            # (what the articles panel and the summary show), and are saved with it.
            triage.absorb(self.case)
            self.case.considered = tuple(triage.articles())
        if (self.case is None and triage is None) or not self.autosave:
            return
        from wizard.store import save_case, save_triage

        try:
            if triage is not None:
                save_triage(triage)
            else:
                assert self.case is not None
                self.case.touch()
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
        if self.triaging:
            self.triage = None
            self.triage_view = TriageView()
            self.show_title()
            self.leave_triage_screens()
            return
        self.leave_case_screens()

    def leave_case_screens(self) -> None:
        """Back from the first question, or on to the next caller: the start screen (in
        triage, back to the triage's questions)."""
        if self.triage is not None:
            self.action_back_to_triage()
            return
        from wizard.tui.screens.start import StartScreen

        while self.screen.name in ARTICLE_SCREENS and len(self.screen_stack) > 1:
            self.pop_screen()
        if self.screen.name != "start":
            # The case opened straight at its question, which is the bottom of the stack.
            self.push_screen(StartScreen(name="start"))

    # --- triage ---------------------------------------------------------------

    def begin_triage(self, header: CaseHeader) -> Triage:
        """Start the triage of a new caller (or keep the open one, header updated), and
        show the caller's report."""
        from wizard.engine.triage import Triage

        assert self.index is not None, "triage needs the installed packs"
        if self.triage is None:
            self.triage = Triage.start(self.index)
            self.triage_view = TriageView()
        self.triage.header = header
        self.save()
        self.show_report()
        return self.triage

    def reopen_triage(self) -> None:
        """A resumed triage: the article it was in, else its question (else the report)."""
        triage = self.triage
        if triage is None:
            return
        if triage.current is not None and triage.index.entry(triage.current) is not None:
            self.open_article(triage.current)
        elif self.triage_view.answered(triage):
            self.show_triage()

    def resume_session(self, session_id: str) -> None:
        """Resume a saved session from the start screen in triage: a triage, or a case of
        any installed article."""
        from wizard.engine.session import SessionError
        from wizard.kb.problems import PackError
        from wizard.store import is_triage, load_case, load_triage, saved_pack

        assert self.index is not None
        try:
            if is_triage(session_id):
                self.triage = load_triage(self.index, session_id)
                self.triage_view = TriageView()
                self.case = None
                self.show_report()
                self.reopen_triage()
                return
            case = load_case(self.index.pack(saved_pack(session_id).id), session_id)
        except (SessionError, PackError) as exc:
            self.notify(" ".join(str(exc).split()), severity="error", markup=False)
            return
        self.triage = None
        self.resume(case)

    def triage_report(self) -> tuple[str, ...]:
        """The symptoms the caller reported (their keys)."""
        return self.triage.reported if self.triage is not None else ()

    def set_triage_report(self, keys: list[str]) -> None:
        from wizard.engine.session import SessionError

        if self.triage is None:
            return
        try:
            self.triage.set_symptoms(keys)
        except SessionError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.save()

    def _pop_to(self, names: tuple[str, ...]) -> bool:
        """Close screens until one of ``names`` is on top; False when none is open."""
        if not any(s.name in names for s in self.screen_stack):
            return False
        while self.screen.name not in names and len(self.screen_stack) > 1:
            self.pop_screen()
        return True

    def show_report(self) -> None:
        """The caller's report on top (what is above it closes; nothing is lost)."""
        if not self._pop_to(("report",)):
            from wizard.tui.screens.report import ReportScreen

            self.push_screen(ReportScreen(name="report"))

    def triage_changed(self) -> None:
        """After every change to the triage: saves, then shows its next question."""
        self.save()
        self.show_triage()

    def show_triage(self) -> None:
        """The triage's question on top; when no question tells the articles apart any
        more, the articles, to continue in the leading one."""
        if self.triage is None:
            return
        from wizard.tui.asking import TriageAsking

        question = TriageAsking(self, self.triage).current
        self._pop_to(("triage", "report"))
        if question is None:
            if self.screen.name == "triage":
                self.pop_screen()
            self._show_articles(finished=True)
            return
        self.triage_view.remember(question)
        if self.screen.name != "triage":
            self.push_screen("triage")  # shows the question when it is resumed
        else:
            self.screen.refresh_view()  # type: ignore[attr-defined]

    def leave_triage_screens(self) -> None:
        """Back from the caller's report (or on to the next caller): the start screen."""
        from wizard.tui.screens.start import StartScreen

        if not self._pop_to(("start",)):
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.switch_screen(StartScreen(name="start"))

    def action_articles(self) -> None:
        """Every article considered, its status and why: continue in one or switch."""
        if self.triage is None:
            self.notify("Articles are listed in triage (start from the caller's report).")
            return
        self._show_articles(finished=False)

    def _show_articles(self, *, finished: bool) -> None:
        from wizard.tui.screens.articles import ArticlesScreen

        open_now = self.case.pack.id if self.case is not None else None

        def chosen(pack_id: str | None) -> None:
            if pack_id is not None:
                self.open_article(pack_id)
            elif finished and self.case is None:
                self._back_from_articles()

        self.push_screen(ArticlesScreen(finished=finished, open_now=open_now), chosen)

    def _back_from_articles(self) -> None:
        """Esc on the articles shown at the end of the questions: the last question again."""
        from wizard.tui.asking import TriageAsking

        if self.triage is None:
            return
        if not TriageAsking(self, self.triage).step_back():
            self.show_report()

    def open_article(self, pack_id: str, *, then_evidence: bool = False) -> None:
        """Continue in (or switch to) the article ``pack_id``: its case gets every answer,
        note, draft and artifact given so far, and gives back what is typed there."""
        from wizard.engine.session import SessionError
        from wizard.kb.problems import PackError

        triage = self.triage
        if triage is None:
            return
        if self.case is not None:
            triage.absorb(self.case)
        try:
            case = triage.case_for(pack_id)
        except (PackError, SessionError) as exc:
            self.notify(" ".join(str(exc).split()), severity="error", markup=False)
            return
        triage.current = pack_id
        self.case = case
        self.show_title()
        self._pop_to(("triage", "report"))
        self.changed()  # saves, then shows the article's question or outcome
        if then_evidence:
            self.call_after_refresh(self.action_evidence)

    def action_back_to_triage(self) -> None:
        """From an article back to the triage's questions: everything typed there is kept."""
        triage = self.triage
        if triage is None:
            self.notify("This case was not opened from triage.", severity="warning")
            return
        if self.case is not None:
            triage.absorb(self.case)
        triage.current = None
        self.save()
        self.case = None
        self.show_title()
        self.triage_view.revisit = None
        self.show_triage()

    def article_names(self) -> dict[str, str]:
        """Each installed article's short name (its document, e.g. a TID), by pack id."""
        if self.index is None:
            return {}
        return {e.id: short_name(e.document, e.id) for e in self.index.entries}

    def fact_definition(self, name: str) -> Fact | None:
        """The fact ``name`` as the installed packs declare it (shared facts agree)."""
        if self.index is not None:
            defs = self.index.fact(name)
            return defs[0] if defs else None
        return self.pack.facts.get(name)

    def fact_words(self) -> dict[str, str]:
        """Every known fact's words (its label), by name."""
        if self._fact_words is None:
            words: dict[str, str] = {}
            if self.index is not None:
                for name in self.index.fact_names:
                    defs = self.index.fact(name)
                    if defs:
                        words[name] = defs[0].words
            elif self._pack is not None:
                words = {n: f.words for n, f in self._pack.facts.items()}
            self._fact_words = words
        return self._fact_words

    # --- actions ------------------------------------------------------------

    def action_evidence(self) -> None:
        from wizard.tui.screens.evidence import EvidenceScreen

        if self.case is None and self.triaging:
            self.notify("Evidence is read by an article: paste it on one of its questions (e).")
            return
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In triage, evidence is pasted, and a case exported, in an article (or with
        # `kbwizard export`), not before one is open.
        return not (action in ("evidence", "export") and self.case is None and self.triaging)

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
        if self.triage is not None:
            yield SystemCommand(
                "Articles", "Every article considered, and why", self.action_articles
            )
        if self.case is None and self._pack is None:
            return  # in triage, before an article is open: nothing of one article to read
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
