"""Provides the articles screen: every article the triage considers, its status and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static

from wizard.tui.articles import STATUS_STYLE, article_options
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined_content, plain_content
from wizard.tui.screens.base import WizardScreen
from wizard.tui.titlebar import TitleBar

if TYPE_CHECKING:
    from wizard.engine.triage import ArticleState


class ArticlesScreen(WizardScreen[str | None]):
    """Which articles are still in play and why; returns the article to continue in.

    The leading article is marked and highlighted first, so Enter continues in it; any
    other can be chosen. A ruled-out article that points to another says so, and ``j``
    goes there. Esc returns None (back to where the agent was).
    """

    DEFAULT_CSS = """
    #articles-body { padding: 0 1; }
    #articles-title { text-style: bold; color: $accent; }
    #articles-hint { color: $text-muted; margin-bottom: 1; }
    #articles { height: auto; max-height: 8; margin-bottom: 1; }
    #article-detail { height: auto; }
    """
    """Designed for 80x24: the list (up to eight articles) and the highlighted article's
    status, deciding facts and what is missing, scrolled together."""

    BINDINGS = [
        Binding("j", "see_also", "See also", tooltip="Go to the article it points to"),
        Binding("t", "back", "Back to the triage", show=False),
        Binding("escape,backspace,b", "back", "Back"),
    ]

    def __init__(self, *, finished: bool = False, open_now: str | None = None) -> None:
        super().__init__(name="articles")
        self.finished = finished
        """Shown because no question tells the articles apart any more."""
        self.open_now = open_now
        """The article open in the wizard now (when switching from one)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="articles-body"):
            yield Static("Articles", id="articles-title")
            yield Static(self._hint(), id="articles-hint")
            yield OptionList(id="articles", compact=True)
            yield Static(id="article-detail")
        yield KeyFooter()

    def _hint(self) -> str:
        first = (
            "No further question tells these articles apart. "
            if self.finished
            else "The articles the caller's report and answers point to. "
        )
        return first + "Enter continues in the highlighted one (▶ leading); every answer is kept."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "see_also" and self.is_mounted and self._see_also_target() is None:
            return False  # nothing to follow from the highlighted article: no key shown
        return super().check_action(action, parameters)

    def _see_also_target(self) -> str | None:
        """The first installed article the highlighted one points to, if any."""
        article = self._highlighted()
        if article is None:
            return None
        installed = {a.pack for a in self.articles()}
        return next((p for p in article.see_also if p in installed), None)

    def articles(self) -> list[ArticleState]:
        triage = self.wizard.triage
        return triage.articles() if triage is not None else []

    def on_mount(self) -> None:
        triage = self.wizard.triage
        leading = triage.leading() if triage is not None else None
        articles = self.articles()
        options = self.query_one("#articles", OptionList)
        options.add_options(
            article_options(
                articles,
                leading.pack if leading else None,
                self.open_now,
                self.wizard.article_names(),
            )
        )
        if articles:
            options.highlighted = 0  # the leading article comes first
        options.focus()
        self._show_detail()

    def _highlighted(self) -> ArticleState | None:
        articles = self.articles()
        index = self.query_one("#articles", OptionList).highlighted
        return articles[index] if index is not None and 0 <= index < len(articles) else None

    def _show_detail(self) -> None:
        self.refresh_bindings()  # "j See also" only where there is an article to go to
        article = self._highlighted()
        detail = self.query_one("#article-detail", Static)
        if article is None:
            detail.update(plain_content("No article is installed."))
            return
        names = self.wizard.article_names()
        parts: list[tuple[str, str] | str] = [
            (f"{article.document} · ", "bold"),
            (article.title, "bold"),
            "\n",
            ("Status: ", "bold"),
            (article.status, STATUS_STYLE.get(article.status, "bold")),
        ]
        if article.outcome_title:
            parts += [" (", article.outcome_title, ")"]
        if article.why:
            parts += ["\n", ("Decided by:", "bold")]
            for line in article.why:
                parts += ["\n  • ", line]
        if article.missing:
            words = self.wizard.fact_words()
            parts += [
                "\n",
                (f"Still needed ({len(article.missing)}): ", "bold"),
                ", ".join(words.get(m, m) for m in article.missing),
            ]
        if article.see_also:
            parts += [
                "\n",
                ("See ", "bold italic"),
                (", ".join(names.get(p, p) for p in article.see_also), "bold italic"),
                (" (j goes there)" if self._see_also_target() else " (not installed)", "dim"),
            ]
        detail.update(joined_content(*parts))

    @on(OptionList.OptionHighlighted, "#articles")
    def _moved(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#articles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_see_also(self) -> None:
        article = self._highlighted()
        if article is None or not article.see_also:
            self.notify("This article points to no other.", severity="warning")
            return
        installed = {a.pack for a in self.articles()}
        target = next((p for p in article.see_also if p in installed), None)
        if target is None:
            self.notify("The article it points to is not installed.", severity="warning")
            return
        self.dismiss(target)

    def action_back(self) -> None:
        self.dismiss(None)
