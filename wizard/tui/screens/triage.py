"""Provides the triage's question screen: the question screen, asking across every article."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Label, OptionList

from wizard.tui.articles import ArticleSideList, article_options
from wizard.tui.asking import Asking, TriageAsking
from wizard.tui.screens.question import QuestionScreen


class TriageScreen(QuestionScreen):
    """A question that tells the candidate articles apart, asked once for all of them.

    The same answers, keys, why, how to check and note as the question screen; beside
    it, the articles still considered (the leading one marked): Enter on one (``l``
    focuses the list) continues in it; ``a`` shows every article and why.
    """

    DEFAULT_CSS = """
    TriageScreen #articles-title { text-style: bold; }
    TriageScreen #article-list { height: auto; max-height: 10; border: none; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("l", "focus_articles", "Article list", show=False),
        Binding("e", "evidence", "Evidence", show=False),
    ]

    @property
    def asking(self) -> Asking:
        triage = self.wizard.triage
        assert triage is not None, "this screen needs an open triage"
        return TriageAsking(self.wizard, triage)

    def ready(self) -> bool:
        return self.wizard.triage is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_to_triage":
            return False  # this is the triage
        return super().check_action(action, parameters)

    def sidebar_extra(self) -> list[Widget]:
        return [
            Label("Articles (a: why)", id="articles-title"),
            ArticleSideList(id="article-list"),
        ]

    def refresh_view(self) -> None:
        super().refresh_view()
        if self.details_added:
            self._refresh_articles()

    def add_details(self) -> None:
        was_added = self.details_added
        super().add_details()
        if not was_added:
            self.call_after_refresh(self._refresh_articles)

    def _refresh_articles(self) -> None:
        triage = self.wizard.triage
        if triage is None or not self.details_added:
            return
        leading = triage.leading()
        listing = self.query_one("#article-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        names = self.wizard.article_names()
        first = leading.pack if leading else None
        listing.add_options(article_options(triage.articles(), first, None, names, narrow=True))
        if highlighted is not None and listing.option_count:
            listing.highlighted = min(highlighted, listing.option_count - 1)

    @on(OptionList.OptionSelected, "#article-list")
    def _article_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.wizard.open_article(event.option.id)

    def action_focus_articles(self) -> None:
        self.add_details()
        listing = self.query_one("#article-list", OptionList)
        listing.focus()
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0

    def action_evidence(self) -> None:
        """Evidence is read by each article's analyzers: paste it in the article."""
        leading = self.wizard.triage.leading() if self.wizard.triage else None
        if leading is None:
            self.notify("No article is in play to read evidence for.", severity="warning")
            return
        self.wizard.open_article(leading.pack, then_evidence=True)
