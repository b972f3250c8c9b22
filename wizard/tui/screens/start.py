"""Provides the start screen: what the pack is about, the case header, start/resume/evidence."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from wizard.engine.case import CaseHeader
from wizard.engine.session import Given, SessionError
from wizard.kb.model import Fact
from wizard.store import list_sessions, load_case
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined, plain
from wizard.tui.screens.base import WizardScreen
from wizard.tui.titlebar import TitleBar


class StartScreen(WizardScreen[None]):
    """The first screen: read the summary, fill in the case header, and go."""

    DEFAULT_CSS = """
    #start-body { padding: 0 1; }
    #start-title { text-style: bold; color: $accent; margin-bottom: 1; }
    #case-fields, #scope-fields { height: auto; margin-bottom: 1; }
    #case-fields > Vertical, #scope-fields > Vertical { width: 1fr; height: auto; margin-right: 1; }
    .field-label { color: $text-muted; }
    #start-buttons { height: auto; margin-bottom: 1; }
    #start-buttons Button { margin-right: 2; }
    #resume-label { text-style: bold; }
    #resume-list { height: auto; max-height: 6; margin-bottom: 1; }
    #about-label { text-style: bold; }
    #start-source { color: $text-muted; }
    """
    """Designed for 80x24 first: the fields, the scope, the buttons and the saved sessions
    fit on one screen; what the article is about follows below them. At 60x20 the fields
    are still the first thing shown and the rest scrolls."""
    """This screen's own styles: parsed when it is first shown, not at the wizard's start."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("ctrl+e", "app.evidence", "Paste evidence", priority=True),
        Binding("ctrl+r", "focus_resume", "Resume", priority=True),
    ]

    def compose(self) -> ComposeResult:
        if self.wizard.triaging:
            yield from self._compose_triage()
            return
        pack = self.wizard.pack
        src = pack.source
        yield TitleBar()
        with VerticalScroll(id="start-body"):
            yield Static(plain(pack.title), id="start-title")
            yield from self._case_fields()
            with Horizontal(id="scope-fields"):
                for fact in self._scope_facts():
                    with Vertical():
                        yield Label(fact.description.split(" (")[0], classes="field-label")
                        yield Select(
                            [(v, v) for v in fact.values],
                            prompt="not known",
                            id=f"scope-{fact.name}",
                            compact=True,
                        )
            with Horizontal(id="start-buttons"):
                yield Button("Start (Enter)", variant="primary", id="start", compact=True)
                yield Button("Paste evidence first (ctrl+e)", id="evidence-first", compact=True)
            yield Label("Resume a saved session (ctrl+r)", id="resume-label")
            yield OptionList(id="resume-list", compact=True)
            yield Label("About this article", id="about-label")
            yield Static(
                joined(
                    (src.document, "bold"),
                    f" · {src.title}\nPublished {src.published}, updated {src.updated} · ",
                    ", ".join(src.products),
                ),
                id="start-source",
            )
            yield Static(plain(pack.summary), id="start-summary")
        yield KeyFooter()

    def _case_fields(self) -> ComposeResult:
        """The case header's fields (reference, agent, contact), all optional."""
        with Horizontal(id="case-fields"):
            for name, label in (("reference", "Case / ticket"), ("agent", "Agent"),
                                ("contact", "Contact")):  # fmt: skip
                with Vertical():
                    yield Label(label, classes="field-label")
                    yield Input(placeholder="optional", id=f"case-{name}", compact=True)

    def _compose_triage(self) -> ComposeResult:
        """In triage: the case header, then the caller's report; every installed article."""
        index = self.wizard.index
        entries = index.entries if index is not None else ()
        yield TitleBar()
        with VerticalScroll(id="start-body"):
            yield Static(
                plain(f"Guided triage from the caller's report · {len(entries)} articles"),
                id="start-title",
            )
            yield from self._case_fields()
            with Horizontal(id="start-buttons"):
                yield Button("Start: the caller's report (Enter)", variant="primary", id="start",
                             compact=True)  # fmt: skip
            yield Label("Resume a saved session (ctrl+r)", id="resume-label")
            yield OptionList(id="resume-list", compact=True)
            yield Label("Installed articles", id="about-label")
            yield Static(
                joined(
                    *(
                        part
                        for entry in entries
                        for part in ((entry.document or entry.id, "bold"), f" · {entry.title}\n")
                    )
                ),
                id="start-source",
            )
        yield KeyFooter()

    def _scope_facts(self) -> list[Fact]:
        """Facts the pack's scope checks read (asked here, optional, never in the graph)."""
        if self.wizard.triaging:
            return []  # each article's scope is checked when it is opened
        pack = self.wizard.pack
        names = {f for check in pack.scope for f in check.when.facts()}
        return [pack.facts[n] for n in pack.facts if n in names and pack.facts[n].values]

    def on_mount(self) -> None:
        # A helpdesk agent types the ticket number first; Enter starts the case.
        self.query_one("#case-reference", Input).focus()
        self.load_sessions()

    def on_screen_resume(self) -> None:
        if self.wizard.case is None and self.wizard.triage is None:
            # A new case: clear the last caller's details (back from an open triage's
            # report, they stay as typed).
            for field in ("#case-reference", "#case-agent", "#case-contact"):
                self.query_one(field, Input).value = ""
            for select in self.query(Select):
                select.clear()
        self.load_sessions()

    def load_sessions(self) -> None:
        options = self.query_one("#resume-list", OptionList)
        options.clear_options()
        infos, skipped = list_sessions()
        if self.wizard.triaging:
            mine = infos[:20]  # every installed article's, and the triages
        else:
            pack = self.wizard.pack
            mine = [i for i in infos if i.pack == pack.id][:20]
        for info in mine:
            outcome = info.diagnosis or info.status
            options.add_option(
                Option(
                    joined(
                        (info.reference or "(no case ref)", "bold"),
                        f"  {info.updated.replace('T', ' ')[:16]}  {outcome}  ",
                        (info.id, "dim"),
                    ),
                    id=info.id,
                )
            )
        if not mine:
            options.add_option(Option(plain("No saved sessions yet."), disabled=True))
        if skipped:
            self.notify(
                f"Skipped {len(skipped)} unreadable file(s) in the sessions folder.",
                severity="warning",
            )

    def header(self) -> CaseHeader:
        return CaseHeader(
            self.query_one("#case-reference", Input).value.strip(),
            self.query_one("#case-agent", Input).value.strip(),
            self.query_one("#case-contact", Input).value.strip(),
        )

    def scope_given(self) -> list[Given]:
        given = []
        for fact in self._scope_facts():
            value = self.query_one(f"#scope-{fact.name}", Select).value
            if isinstance(value, str):
                given.append(Given(fact.name, value, "user"))
        return given

    def begin(self) -> None:
        """Start the case with what is filled in here (in triage: the caller's report)."""
        if self.wizard.triaging:
            self.wizard.begin_triage(self.header())
            return
        case = self.wizard.begin_case(self.header())
        scope = self.scope_given()
        if scope:
            case.session.set_given(scope)

    def action_start(self) -> None:
        self.begin()
        if not self.wizard.triaging:
            self.wizard.show_case()

    def action_focus_resume(self) -> None:
        options = self.query_one("#resume-list", OptionList)
        options.focus()
        if options.highlighted is None and options.option_count:
            options.highlighted = 0

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.action_start()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#evidence-first")
    def _evidence_first(self) -> None:
        self.begin()
        self.wizard.action_evidence()

    @on(OptionList.OptionSelected, "#resume-list")
    def _resume(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        if self.wizard.triaging:
            self.wizard.resume_session(event.option.id)
            return
        try:
            case = load_case(self.wizard.pack, event.option.id)
        except SessionError as exc:
            self.notify(str(exc), severity="error")
            return
        self.wizard.resume(case)
