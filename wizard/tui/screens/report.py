"""Provides the caller's report screen: the symptoms of every installed article, toggled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.tui.articles import state_words
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined_content
from wizard.tui.screens.base import WizardScreen
from wizard.tui.titlebar import TitleBar

if TYPE_CHECKING:
    from wizard.engine.triage import Triage, TriageSymptom


class ReportScreen(WizardScreen[None]):
    """What the caller reports: each symptom any installed article starts from, once.

    Symptoms that several articles share (the same fact and value) are one line; the other
    articles' wordings and the articles a symptom points to are shown for the highlighted
    one. Every toggle is recorded (and saved) at once; Enter goes on to the questions.
    """

    DEFAULT_CSS = """
    #report-body { padding: 0 1; }
    #report-title { text-style: bold; color: $accent; }
    #report-hint { color: $text-muted; margin-bottom: 1; }
    #symptoms { height: auto; max-height: 12; margin-bottom: 1; }
    #symptom-detail { color: $text-muted; margin-bottom: 1; }
    #in-play { margin-bottom: 1; }
    """
    """Designed for 80x24: up to ten symptoms, the highlighted one's details and the
    articles still in play fit without scrolling."""

    BINDINGS = [
        *(Binding(str(n), f"toggle_symptom({n})", f"Toggle {n}", show=False) for n in range(1, 10)),
        Binding("space", "toggle_highlighted", "Toggle"),
        Binding("ctrl+s", "go_on", "Continue", show=False, priority=True),
        Binding("a", "articles", "Articles", tooltip="Articles considered: why, switch to one"),
        Binding("ctrl+n", "app.new_case", "New case", show=False),
        Binding("escape,backspace,b", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="report-body"):
            yield Static("Caller's report", id="report-title")
            yield Static(
                "What does the caller report? Toggle each symptom (1-9 or Space); "
                "Enter goes on to the questions that tell the articles apart.",
                id="report-hint",
            )
            yield OptionList(id="symptoms", compact=True)
            yield Static(id="symptom-detail")
            yield Static(id="in-play")
        yield KeyFooter()

    @property
    def triage(self) -> Triage:
        triage = self.wizard.triage
        assert triage is not None, "this screen needs an open triage"
        return triage

    def on_mount(self) -> None:
        self.refresh_view()
        symptoms = self.query_one("#symptoms", OptionList)
        if symptoms.option_count:
            symptoms.highlighted = 0
        symptoms.focus()

    def on_screen_resume(self) -> None:
        if self.wizard.triage is not None:
            self.refresh_view()
            if self.wizard.auto_exit_on_first_question:
                # The start benchmark's finish line in triage: the report is drawn.
                self.app.call_after_refresh(self.app.exit)

    def symptoms(self) -> list[TriageSymptom]:
        return self.triage.symptoms()

    def chosen(self) -> set[str]:
        """The keys of the symptoms the caller reported."""
        return set(self.wizard.triage_report())

    def refresh_view(self) -> None:
        options = self.query_one("#symptoms", OptionList)
        highlighted = options.highlighted
        chosen = self.chosen()
        rows = []
        for number, symptom in enumerate(self.symptoms(), 1):
            mark = "[x]" if symptom.key in chosen else "[ ]"
            key = str(number) if number <= 9 else " "
            rows.append(
                Option(
                    joined_content(
                        (f"{mark} ", "bold green" if symptom.key in chosen else "bold"),
                        (f"{key}  ", "bold"),
                        symptom.texts[0] if symptom.texts else symptom.key,
                    ),
                    id=symptom.key,
                )
            )
        options.clear_options()
        options.add_options(rows)
        if rows:
            options.highlighted = min(highlighted or 0, len(rows) - 1)
        self._show_detail()
        self._show_in_play()

    def _show_detail(self) -> None:
        detail = self.query_one("#symptom-detail", Static)
        symptom = self._highlighted()
        if symptom is None:
            detail.update("")
            return
        titles = self.wizard.article_names()
        parts: list[tuple[str, str] | str] = [
            ("Points to: ", "bold"),
            ", ".join(titles.get(p, p) for p in symptom.packs),
        ]
        for other in symptom.texts[1:]:
            parts += ["\n", ("Also worded: ", "bold"), other]
        detail.update(joined_content(*parts))

    def _show_in_play(self) -> None:
        articles = self.triage.articles()
        leading = self.triage.leading()
        in_play = [a for a in articles if a.status != "ruled-out"]
        parts: list[tuple[str, str] | str] = [
            (f"{len(in_play)} of {len(articles)} articles in play", "bold"),
        ]
        if leading is not None:
            name = self.wizard.article_names().get(leading.pack, leading.pack)
            parts += [" · leading: ", (name, "bold"), f" ({state_words(leading)})"]
        parts.append(("  (a: all articles and why)", "dim"))
        self.query_one("#in-play", Static).update(joined_content(*parts))

    def _highlighted(self) -> TriageSymptom | None:
        options = self.query_one("#symptoms", OptionList)
        symptoms = self.symptoms()
        index = options.highlighted
        return symptoms[index] if index is not None and 0 <= index < len(symptoms) else None

    @on(OptionList.OptionHighlighted, "#symptoms")
    def _highlight_moved(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#symptoms")
    def _selected(self) -> None:
        self.action_go_on()

    def action_toggle_symptom(self, number: int) -> None:
        symptoms = self.symptoms()
        if 1 <= number <= len(symptoms):
            self.query_one("#symptoms", OptionList).highlighted = number - 1
            self._toggle(symptoms[number - 1].key)

    def action_toggle_highlighted(self) -> None:
        symptom = self._highlighted()
        if symptom is not None:
            self._toggle(symptom.key)

    def _toggle(self, key: str) -> None:
        chosen = self.chosen()
        chosen.symmetric_difference_update({key})
        keys = [s.key for s in self.symptoms() if s.key in chosen]  # in the screen's order
        self.wizard.set_triage_report(keys)
        self.refresh_view()

    def action_go_on(self) -> None:
        self.wizard.show_triage()

    def action_back(self) -> None:
        self.wizard.leave_triage_screens()
