"""Provides how the triage's articles are shown: one line each, and the list beside questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.content import Content
from textual.widgets.option_list import Option

from wizard.tui.fields import SideList
from wizard.tui.safe import joined_content

if TYPE_CHECKING:
    from wizard.engine.triage import ArticleState

STATUS_STYLE = {"confirmed": "bold green", "ruled-out": "yellow", "undecided": "bold"}
"""How an article's status is drawn in the lists."""


def state_words(article: ArticleState, *, narrow: bool = False) -> str:
    """An article's status as the lists show it: the status, and how much is still missing
    (``narrow``: as few words as say it, for the list beside a question)."""
    if article.status == "undecided" and article.missing:
        missing = f"{len(article.missing)} missing"
        return missing if narrow else f"undecided, {missing}"
    return article.status


def article_line(
    article: ArticleState,
    *,
    leading: bool,
    open_now: bool = False,
    names: dict[str, str],
    narrow: bool = False,
) -> Content:
    """One article: the leading one marked, its document, its status (``narrow``: the
    status on a second line, for the list beside a question)."""
    parts: list[tuple[str, str] | str] = [
        ("▶ " if leading else "  ", "bold green"),
        (names.get(article.pack, article.pack), "bold"),
        "\n  " if narrow else "  ",
        (state_words(article, narrow=narrow), STATUS_STYLE.get(article.status, "bold")),
    ]
    if article.status == "ruled-out" and article.see_also:
        seen = ", ".join(names.get(p, p) for p in article.see_also)
        parts.append((("\n  see " if narrow else "  see ") + seen, "italic"))
    if open_now:
        parts.append(("  (open)", "dim"))
    return joined_content(*parts)


def article_options(
    articles: list[ArticleState],
    leading: str | None,
    open_now: str | None,
    names: dict[str, str],
    *,
    narrow: bool = False,
) -> list[Option]:
    """The articles as options (by pack id), in the triage's order."""
    return [
        Option(
            article_line(
                a,
                leading=a.pack == leading,
                open_now=a.pack == open_now,
                names=names,
                narrow=narrow,
            ),
            id=a.pack,
        )
        for a in articles
    ]


class ArticleSideList(SideList):
    """The articles still considered, beside the triage's question: Enter opens one."""

    BINDINGS = [
        Binding("enter", "select", "Continue in this article"),
        Binding("escape,backspace,b", "leave", "Back to answers"),
    ]
