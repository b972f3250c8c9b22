"""Provides the caller's report screen: the symptoms of every installed article, toggled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.tui.articles import state_words
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

    FIRST_ROWS = 16
    """Symptoms in the first frame (more than fit at 80x24); the rest, and the keys, are
    added right after it, so the report shows as fast with 200 articles as with four."""

    complete = False
    """Whether every symptom and the footer are there (see ``complete_view``)."""

    def compose(self) -> ComposeResult:
        # The first frame already shows the symptoms (the first screenful of them).
        yield TitleBar()
        with VerticalScroll(id="report-body"):
            yield Static("Caller's report", id="report-title")
            yield Static(
                "What does the caller report? Toggle each symptom (1-9 or Space); "
                "Enter goes on to the questions that tell the articles apart.",
                id="report-hint",
            )
            yield OptionList(*self._options(self.FIRST_ROWS), id="symptoms", compact=True)
            yield Static(self._detail(0), id="symptom-detail")
            yield Static(self._in_play(), id="in-play")

    @property
    def triage(self) -> Triage:
        triage = self.wizard.triage
        assert triage is not None, "this screen needs an open triage"
        return triage

    def on_mount(self) -> None:
        symptoms = self.query_one("#symptoms", OptionList)
        if symptoms.option_count:
            symptoms.highlighted = 0
        symptoms.focus()

    def on_screen_resume(self) -> None:
        if self.wizard.triage is None:
            return
        if self.wizard.auto_exit_on_first_question:
            # The start benchmark's finish line in triage: the report's first frame is drawn.
            self.app.call_after_refresh(self.app.exit)
        elif not self.complete:
            self.call_after_refresh(self.complete_view)
        else:
            self.refresh_view()

    def complete_view(self) -> None:
        """Every symptom and the keys (once, after the first frame)."""
        if self.complete:
            return
        self.complete = True
        from wizard.tui.footer import KeyFooter

        self.mount(KeyFooter(mounted_late=True))
        self.refresh_view()

    def symptoms(self) -> list[TriageSymptom]:
        """Every installed article's symptoms (the installed packs do not change)."""
        known = self.__dict__.get("_symptoms")
        if known is None:
            known = self.__dict__["_symptoms"] = self.triage.symptoms()
        return list(known)

    def chosen(self) -> set[str]:
        """The keys of the symptoms the caller reported."""
        return set(self.wizard.triage_report())

    def _options(self, limit: int | None = None) -> list[Option]:
        chosen = self.chosen()
        rows = []
        for number, symptom in enumerate(self.symptoms()[:limit], 1):
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
        return rows

    def refresh_view(self) -> None:
        options = self.query_one("#symptoms", OptionList)
        highlighted = options.highlighted
        rows = self._options()
        options.clear_options()
        options.add_options(rows)
        if rows:
            options.highlighted = min(highlighted or 0, len(rows) - 1)
        self._show_detail()
        self.query_one("#in-play", Static).update(self._in_play())

    def _show_detail(self) -> None:
        index = self.query_one("#symptoms", OptionList).highlighted
        self.query_one("#symptom-detail", Static).update(self._detail(index))

    def _detail(self, index: int | None) -> Content:
        """The other articles' wordings of symptom ``index``, and where it points."""
        symptoms = self.symptoms()
        if index is None or not 0 <= index < len(symptoms):
            return Content("")
        symptom = symptoms[index]
        titles = self.wizard.article_names()
        parts: list[tuple[str, str] | str] = [
            ("Points to: ", "bold"),
            ", ".join(titles.get(p, p) for p in symptom.packs),
        ]
        for other in symptom.texts[1:]:
            parts += ["\n", ("Also worded: ", "bold"), other]
        return joined_content(*parts)

    def _in_play(self) -> Content:
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
        return joined_content(*parts)

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
        self.complete_view()
        chosen = self.chosen()
        chosen.symmetric_difference_update({key})
        keys = [s.key for s in self.symptoms() if s.key in chosen]  # in the screen's order
        self.wizard.set_triage_report(keys)
        self.refresh_view()

    def action_go_on(self) -> None:
        self.wizard.show_triage()

    def action_back(self) -> None:
        self.wizard.leave_triage_screens()
