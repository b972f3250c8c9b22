"""Provides the outcome screen: the diagnosis, the site's exact fixes, verification and export."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from wizard.engine.case import ESCALATION, Case, Verdict
from wizard.engine.fixes import RenderedFix
from wizard.kb.model import NO_CHECK
from wizard.kb.values import value_text
from wizard.report.document import VERDICT_WORDS
from wizard.report.summary import CaseSummary, FixArtifactSummary, VerdictEvent, summarize
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined, plain
from wizard.tui.screens.base import TRIAGE_BINDINGS, WizardScreen
from wizard.tui.titlebar import TitleBar

STATUS_STYLE = {"confirmed": "bold green", "ruled-out": "bold yellow"}
ARTICLE_STYLE = {"confirmed": "bold green", "ruled-out": "yellow"}
"""How an outcome's status is drawn; anything else (undecided, in progress) in bold red."""


class OutcomeScreen(WizardScreen[None]):
    """Shows where the case ended and what to do now."""

    DEFAULT_CSS = """
    #outcome-body { padding: 0 1; }
    #diagnosis { margin: 0 0 1 0; }
    #fixes { height: auto; margin-bottom: 1; }
    #verify-buttons { height: 1; dock: bottom; padding: 0 1; margin-bottom: 1; }
    #verify-buttons Button { margin-right: 1; min-width: 12; }
    .fix-title { margin-top: 1; }
    .fix-title.selected { background: $boost; }
    .commands {
        border: round $success; padding: 0 1; margin: 0 2; color: $text; text-style: bold;
        height: auto;
    }
    .fix-body { padding: 0 2 0 4; }
    """
    """This screen's own styles: parsed when it is first shown, not at the wizard's start."""

    BINDINGS = [
        *TRIAGE_BINDINGS,  # first: in an article opened from triage, never cut off
        Binding("c", "copy_commands", "Copy commands"),
        Binding("d", "copy_script", "Copy script", show=False),
        Binding("f", "verdict('fixed')", "Fixed"),
        Binding("n", "verdict('not-fixed')", "Not fixed"),
        Binding("s", "verdict('escalated')", "Escalate"),
        Binding("tab", "next_fix", "Next fix", show=False),
        Binding("m", "give_missing", "Give missing fact", show=False),
        Binding("x", "app.export", "Export"),
        Binding("e", "app.evidence", "Evidence"),
        Binding("ctrl+n", "app.new_case", "New case"),
        Binding(
            "j",
            "see_also",
            "See also",
            tooltip="Go to the article this one points to",
            show=False,
        ),
        Binding("escape,backspace,b", "back", "Back"),
    ]

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.selected = 0
        """Index of the fix the keys act on (copy, verify)."""
        self.summary: CaseSummary | None = None
        self.case_id = ""
        self._shown = ""
        """What the view last showed (case, diagnosis, facts): a change reopens it at the top."""
        self._slots: list[tuple[Static, Static, Static, Static]] = []
        self.asking = False
        """A dialog asking for a fact the fixes need is open."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="outcome-body"):
            yield Static(id="diagnosis")
            yield Static(id="outcome-summary")
            yield Static(id="outcome-warnings", classes="warning")
            yield Vertical(id="fixes")
            yield Static(id="extra")
            yield Static(id="explanation", classes="panel")
        with Horizontal(id="verify-buttons"):
            yield Button("Fixed (f)", id="fixed", variant="success", compact=True)
            yield Button("Not fixed (n)", id="not-fixed", variant="warning", compact=True)
            yield Button("Escalate (s)", id="escalated", variant="error", compact=True)
            yield Button("Export (x)", id="export", variant="primary", compact=True)
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        if self.wizard.case is not None:
            self.refresh_view()

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        if self.case.id != self.case_id:
            self.case_id, self.selected = self.case.id, 0  # a new case starts at fix 1
        self.summary = summary = summarize(self.case)
        if self.selected >= len(summary.fixes):
            self.selected = 0
        shown = repr((self.case.id, summary.diagnosis, sorted(summary.facts.items())))
        if shown != self._shown:
            # A new case or a revised answer: the outcome reads from the top again.
            self._shown = shown
            self.query_one("#outcome-body", VerticalScroll).scroll_home(animate=False)
        word = summary.words
        style = STATUS_STYLE.get(summary.outcome_status, "bold red")
        title = summary.title
        prefix = "" if title.lower().startswith(word.lower()) else f"{word}: "
        header = joined((prefix, style), (title, style), (f"  [{summary.diagnosis}]", "dim"))
        if summary.escalation is not None:
            header.append_text(
                joined(("\nEscalated", "bold reverse red"), f" ({summary.escalation.time})")
            )
        self.query_one("#diagnosis", Static).update(header)
        self.query_one("#outcome-summary", Static).update(plain(summary.summary))
        warnings = [f"Outside the article's scope: {w}" for w in summary.scope_warnings]
        warnings += [
            f"Conflict on {summary.fact_words.get(c.fact, c.fact)}: used {value_text(c.value)} "
            f"({c.source}); the evidence says "
            f"{value_text(c.evidence_value)} ({c.evidence_source})."
            for c in summary.conflicts
        ]
        box = self.query_one("#outcome-warnings", Static)
        box.update(plain("\n".join(warnings)))
        box.display = bool(warnings)
        self._show_fixes(summary)
        self.query_one("#extra", Static).update(self._extra_text(summary))
        explanation = joined((f"{summary.explanation_title}\n", "bold"))
        for number, step in enumerate(summary.explanation, 1):
            explanation.append_text(plain(f"{number}. {step}\n"))
        self.query_one("#explanation", Static).update(explanation)
        has_fixes = bool(summary.fixes)
        for button in ("#fixed", "#not-fixed"):
            self.query_one(button, Button).display = has_fixes
        self.call_after_refresh(self.ask_what_fixes_need, self.case)

    def _slot(self, index: int) -> tuple[Static, Static, Static, Static]:
        """The widgets that show fix ``index``: made once, then only updated (no churn)."""
        while len(self._slots) <= index:
            slot = (
                Static(classes="fix-title"),
                Static(classes="commands"),
                Static(classes="fix-body"),
                Static(classes="panel corrected-script"),
            )
            self.query_one("#fixes", Vertical).mount_all(slot)
            self._slots.append(slot)
        return self._slots[index]

    def _show_fixes(self, summary: CaseSummary) -> None:
        verdicts = {v.fix: v.verdict for v in summary.verification}
        for index, fix in enumerate(summary.fixes):
            title, commands, body, script = self._slot(index)
            selected = index == self.selected
            verdict = verdicts.get(fix.id)
            status = f"  [{VERDICT_WORDS.get(verdict, verdict)}]" if verdict else ""
            title.update(
                joined(
                    ("▶ " if selected else "  ", "bold"),
                    (f"Fix {index + 1}: ", "bold"),
                    (fix.title, "bold"),
                    (status, "italic"),
                    ("  (Tab next fix, c copy)" if selected else "", "dim"),
                )
            )
            title.set_class(selected, "selected")
            commands.update(plain("\n".join(fix.commands)))
            commands.display = bool(fix.commands)
            history = next((v.history for v in summary.verification if v.fix == fix.id), ())
            body.update(self._fix_body(fix, history))
            artifacts = [a for a in summary.artifacts if a.fix == fix.id]
            if artifacts:
                script.update(self._artifact_text(artifacts))
            script.display = bool(artifacts)
            for widget in (title, body):
                widget.display = True
        for unused in self._slots[len(summary.fixes) :]:
            for widget in unused:
                widget.display = False

    def _artifact_text(self, artifacts: list[FixArtifactSummary]) -> Text:
        """Each artifact a fix shows: whole, its marked lines marked, or as a diff."""
        text = Text(end="")
        noted: set[str] = set()
        for artifact in artifacts:
            if artifact.format == "diff":
                text.append_text(plain(f"{artifact.title}:\n", "bold"))
                for line in artifact.text.splitlines():
                    style = "green" if line[:1] == "+" else "red" if line[:1] == "-" else "dim"
                    text.append_text(plain(line + "\n", style))
                for note in artifact.notes:
                    if note not in noted:
                        noted.add(note)
                        text.append_text(joined(("Note: ", "bold yellow"), note + "\n"))
                continue
            marked = set(artifact.marked)
            text.append_text(
                joined(
                    (f"{artifact.title} (d copies it", "bold"),
                    ("; ", "bold"),
                    ("▶", "bold green"),
                    (
                        " marks the lines moved):\n" if marked else " marks changed lines):\n",
                        "bold",
                    ),
                )
            )
            for number, line in enumerate(artifact.text.splitlines(), 1):
                moved = number in marked
                mark = ("▶ ", "bold green") if moved else ("  ", "")
                text.append_text(joined(mark, (line + "\n", "bold" if moved else "")))
            for note in artifact.notes:
                if note not in noted:
                    noted.add(note)
                    text.append_text(joined(("Note: ", "bold yellow"), note + "\n"))
        return text

    def _fix_body(self, fix: RenderedFix, history: tuple[VerdictEvent, ...] = ()) -> Text:
        out = Text(end="")
        if fix.missing:
            out.append_text(
                plain(
                    f"Needs {', '.join(fix.missing_words or fix.missing)} for the exact command.\n",
                    "yellow",
                )
            )
        for number, step in enumerate(fix.steps, 1):
            out.append_text(plain(f"{number}. {step}\n"))
        for warning in fix.warnings:
            out.append_text(joined(("! ", "bold yellow"), f"{warning}\n"))
        out.append_text(joined(("Why: ", "italic"), f"{fix.explanation}\n"))
        out.append_text(plain("Verify:\n", "bold"))
        for check in fix.verify:
            out.append_text(plain(f"☐ {check}\n"))
        if not fix.verify:
            out.append_text(plain(f"{NO_CHECK}\n", "dim"))
        if history:
            reported = ", then ".join(VERDICT_WORDS.get(e.verdict, e.verdict) for e in history)
            out.append_text(joined(("Reported: ", "bold"), f"{reported}\n"))
        return out

    def _extra_text(self, summary: CaseSummary) -> Text:
        out = Text(end="")
        if summary.missing:
            out.append_text(plain("Still needed:\n", "bold"))
            for m in summary.missing:
                out.append_text(
                    joined(("  • ", "bold"), (m.label or m.fact, "bold"), f": {m.question}\n")
                )
                out.append_text(plain(f"    How to check: {m.how_to_check or NO_CHECK}\n", "dim"))
        if summary.risks:
            out.append_text(plain("\nLatent risk worth fixing anyway:\n", "bold yellow"))
            for risk in summary.risks:
                out.append_text(plain(f"  {risk}\n"))
        if summary.collect:
            out.append_text(plain("\nCollect before escalating:\n", "bold"))
            for item in summary.collect:
                out.append_text(plain(f"  ☐ {item}\n"))
        if summary.see_also:
            out.append_text(plain("\nSee also:\n", "bold"))
            for link in summary.see_also:
                name = f"{link.pack} — {link.title}" if link.title else link.pack
                out.append_text(joined(("  → ", "bold"), (name, "bold"), f": {link.text}\n"))
        considered = self.case.considered
        if considered:
            names = self.wizard.article_names()
            pointed = self._points_to()
            jump = f", j: {names.get(pointed, pointed)}" if pointed else ""
            heading = f"\nArticles considered (a: switch, t: back to triage{jump}):\n"
            out.append_text(plain(heading, "bold"))
            for article in considered:
                this = article.pack == self.case.pack.id
                see = ""
                if article.status == "ruled-out" and article.see_also:
                    see = " see " + ", ".join(names.get(p, p) for p in article.see_also)
                out.append_text(
                    joined(
                        ("▶ " if this else "• ", "bold"),
                        (names.get(article.pack, article.pack), "bold"),
                        f" · {article.title}: ",
                        (article.status, ARTICLE_STYLE.get(article.status, "bold")),
                        (f", {len(article.missing)} missing" if article.missing else "", "dim"),
                        (see, "bold italic"),
                        (" (this case)" if this else "", "dim"),
                        "\n",
                    )
                )
                why = "; ".join(article.why) or "nothing known decides it yet"
                out.append_text(joined(("  Why: ", "italic"), (why + "\n", "dim")))
        return out

    # --- actions ------------------------------------------------------------

    def _fix(self) -> RenderedFix | None:
        fixes = self.summary.fixes if self.summary else []
        return fixes[self.selected] if 0 <= self.selected < len(fixes) else None

    def ask_what_fixes_need(self, shown: Case | None = None) -> None:
        """Ask (once) for a fact a shown fix's command still needs; Esc records "don't know".

        Called after the outcome is drawn: by then the person may have left it (a new
        case, the start screen), so it asks only while this screen still shows ``shown``,
        the case it was drawn for (default: the open one)."""
        from wizard.kb.model import UNKNOWN, FactValue
        from wizard.tui.dialogs.ask import AskFactDialog

        case = self.wizard.case
        if case is None or (shown is not None and case is not shown):
            return
        if self.asking or self.app.screen is not self:
            return
        needed = case.facts_to_ask()
        if not needed:
            return
        fact = case.pack.facts[needed[0]]
        question = case.pack.question_for(fact.name)
        self.asking = True

        def given(value: FactValue | None) -> None:
            self.asking = False
            case.state_fact(fact.name, UNKNOWN if value is None else value)
            self.wizard.changed()

        self.app.push_screen(
            AskFactDialog(fact, question.text if question is not None else ""), given
        )

    def action_give_missing(self) -> None:
        """Ask for a fact a fix still needs, then show the exact commands."""
        from wizard.kb.model import FactValue
        from wizard.tui.dialogs.ask import AskFactDialog

        fixes = self.summary.fixes if self.summary else []
        missing = [m for f in fixes for m in f.missing]
        if not missing:
            self.notify("No fix is missing anything.")
            return
        fact = self.case.pack.facts[missing[0]]

        def given(value: FactValue | None) -> None:
            if value is not None:
                self.case.state_fact(fact.name, value)
                self.wizard.changed()

        self.app.push_screen(AskFactDialog(fact), given)

    def action_next_fix(self) -> None:
        if self.summary and self.summary.fixes:
            self.selected = (self.selected + 1) % len(self.summary.fixes)
            self.refresh_view()
            self.call_after_refresh(self._scroll_to_selected)

    def _scroll_to_selected(self) -> None:
        """Bring the selected fix's title (and as much of the fix as fits) into view."""
        if self.selected < len(self._slots):
            title = self._slots[self.selected][0]
            self.query_one("#outcome-body", VerticalScroll).scroll_to_widget(
                title, animate=False, top=True
            )

    def action_copy_commands(self) -> None:
        fix = self._fix()
        if fix is None or not fix.commands:
            self.notify("No commands to copy here.", severity="warning")
            return
        self.app.copy_to_clipboard("\n".join(fix.commands) + "\n")
        self.notify(f"Copied the commands of fix {self.selected + 1}.")

    def action_copy_script(self) -> None:
        """Copy the whole artifact the selected fix shows (else the first any fix shows)."""
        fix = self._fix()
        shown = [a for a in self.summary.artifacts if a.format != "diff"] if self.summary else []
        chosen = [a for a in shown if fix is not None and a.fix == fix.id] or shown
        if not chosen:
            self.notify("No corrected file for this case.", severity="warning")
            return
        self.app.copy_to_clipboard(chosen[0].text)
        self.notify(f"Copied: {chosen[0].title}.", markup=False)  # pack text: never markup

    def action_verdict(self, verdict: Verdict) -> None:
        fix = self._fix()
        if verdict != "escalated" and fix is None:
            return
        self.case.verify(ESCALATION if verdict == "escalated" or fix is None else fix.id, verdict)
        self.wizard.save()
        if verdict == "not-fixed" and self.summary and self.selected + 1 < len(self.summary.fixes):
            self.selected += 1
            title = self.summary.fixes[self.selected].title
            self.notify(f"Try fix {self.selected + 1}: {title}", markup=False)
            self.call_after_refresh(self._scroll_to_selected)
        elif verdict == "fixed":
            self.notify("Recorded as fixed. Export the summary for the ticket (x).")
        elif verdict == "escalated":
            self.notify("Recorded as escalated. Export the summary for the next level (x).")
        else:
            self.notify("No more fixes to try: escalate (s) with the summary.", severity="warning")
        self.refresh_view()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.wizard.action_export()
        elif event.button.id in ("fixed", "not-fixed", "escalated"):
            self.action_verdict(event.button.id)  # type: ignore[arg-type]

    def _points_to(self) -> str | None:
        """The installed article this case's article points to (ruled out here), if any."""
        considered = self.case.considered
        here = next((a for a in considered if a.pack == self.case.pack.id), None)
        if here is None or here.status != "ruled-out":
            return None
        installed = {a.pack for a in considered}
        return next((p for p in here.see_also if p in installed), None)

    def action_see_also(self) -> None:
        pointed = self._points_to()
        if pointed is None:
            self.notify("This article points to no other installed one.", severity="warning")
            return
        self.wizard.open_article(pointed)

    def action_back(self) -> None:
        if self.case.session.step_back():  # to the last question: never forward
            self.wizard.changed()
        else:
            self.app.pop_screen()
