"""Provides the triage report: every installed article's state on one case, in every format.

``kbwizard triage`` prints it. The JSON carries the contract's fields (schema_version,
articles, matches, facts, provenance, conflicts); Markdown, HTML and text lay the same
report out as blocks and render them with the case summary's renderers, so every piece
of pack text is escaped exactly as in a case summary. Nothing here knows a pack: the
wording follows each article's ``status``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from wizard.engine.article import ArticleState
from wizard.engine.fixes import RenderedFix
from wizard.engine.session import Conflict, now
from wizard.engine.triage import Triage
from wizard.kb.model import STATUS_WORDS, FactValue
from wizard.kb.values import value_text
from wizard.report.document import Block, Callout, Heading, Items, Para, Table, fix_blocks
from wizard.report.sanitize import json_text
from wizard.report.summary import FixArtifactSummary, SeeAlsoItem

TRIAGE_SCHEMA_VERSION = 1
"""Version of the triage report's JSON schema."""


@dataclass(frozen=True)
class TriageArticle:
    """One article in the report: its state, and its fixes as ``diagnose`` renders them."""

    state: ArticleState
    fixes: tuple[RenderedFix, ...]
    artifacts: tuple[FixArtifactSummary, ...]
    see_also: tuple[SeeAlsoItem, ...]


@dataclass
class TriageReport:
    case_id: str
    reference: str
    agent: str
    contact: str
    started: str
    ended: str
    generated: str
    articles: list[TriageArticle]
    matches: list[str]
    facts: dict[str, FactValue]
    provenance: dict[str, str]
    conflicts: list[Conflict]
    symptoms: list[str]
    problems: list[str]
    fact_words: dict[str, str] = field(default_factory=dict)

    @property
    def exit_status(self) -> str:
        """``confirmed`` when an article is, ``ruled-out`` when all are, else ``undecided``."""
        statuses = {a.state.status for a in self.articles}
        if "confirmed" in statuses:
            return "confirmed"
        return "undecided" if "undecided" in statuses else "ruled-out"


def summarize_triage(triage: Triage) -> TriageReport:
    """The report of ``triage``; a confirmed article's fixes come from its own case summary
    (as ``diagnose`` shows them: exact commands, artifact steps, the artifacts)."""
    from wizard.report.summary import summarize

    titles = {e.id: e.title for e in triage.index.entries}
    articles: list[TriageArticle] = []
    for state in triage.articles():
        fixes: tuple[RenderedFix, ...] = ()
        artifacts: tuple[FixArtifactSummary, ...] = ()
        if state.status == "confirmed":
            summary = summarize(triage.case_for(state.pack), unattended=True)
            fixes, artifacts = tuple(summary.fixes), tuple(summary.artifacts)
        links = tuple(
            SeeAlsoItem(pack, titles.get(pack), text)
            for pack, text in zip(
                state.see_also,
                (*state.see_also_texts, *("" for _ in state.see_also)),
                strict=False,
            )
        )
        articles.append(TriageArticle(state, fixes, artifacts, links))
    words: dict[str, str] = {}
    for name in triage.facts():
        for definition in triage.index.fact(name)[:1]:
            words[name] = definition.words
    return TriageReport(
        case_id=triage.id,
        reference=triage.header.reference,
        agent=triage.header.agent,
        contact=triage.header.contact,
        started=triage.created,
        ended=triage.updated,
        generated=now(),
        articles=articles,
        matches=[a.state.pack for a in articles if a.state.status == "confirmed"],
        facts=triage.facts(),
        provenance=triage.provenance(),
        conflicts=triage.conflicts(),
        symptoms=list(triage.reported),
        problems=list(triage.index.problems),
        fact_words=words,
    )


# --- JSON ---------------------------------------------------------------------------------


def triage_data(r: TriageReport) -> dict[str, Any]:
    """The report as JSON-ready data; the contract's fields come first."""
    from wizard.report.render_json import case_data, conflict_data, fix_data, value_data

    return {
        "schema_version": TRIAGE_SCHEMA_VERSION,
        "articles": [
            {
                "pack": a.state.pack,
                "title": a.state.title,
                "status": a.state.status,
                "diagnosis": a.state.diagnosis,
                "fixes": [fix_data(f, list(a.artifacts)) for f in a.fixes],
                "missing": list(a.state.missing),
                "why": list(a.state.why),
                "see_also": [
                    {"pack": s.pack, **({"title": s.title} if s.title else {}), "text": s.text}
                    for s in a.see_also
                ],
                "document": a.state.document,
                "outcome_title": a.state.outcome_title,
            }
            for a in r.articles
        ],
        "matches": list(r.matches),
        "facts": {k: value_data(v) for k, v in r.facts.items()},
        "provenance": dict(r.provenance),
        "conflicts": [conflict_data(c) for c in r.conflicts],
        "symptoms": list(r.symptoms),
        "problems": list(r.problems),
        "case": case_data(r),
    }


def render_triage_json(r: TriageReport) -> str:
    return json_text(json.dumps(triage_data(r), indent=2, ensure_ascii=False)) + "\n"


# --- blocks -------------------------------------------------------------------------------


def triage_document(r: TriageReport) -> list[Block]:
    """The report laid out once for Markdown, HTML and text."""
    from wizard.report.document import articles_table

    blocks: list[Block] = [Heading(1, "Triage: which article fits")]
    if r.matches:
        titles = [a.state.title for a in r.articles if a.state.status == "confirmed"]
        blocks.append(Para("; ".join(titles), "Confirmed: "))
    elif r.exit_status == "ruled-out":
        blocks.append(Para("every installed article is ruled out.", "Result: "))
    else:
        blocks.append(Para("no article is confirmed yet; more information is needed.", "Result: "))
    header = [
        ("Case", r.reference),
        ("Agent", r.agent),
        ("Contact", r.contact),
        ("Started", r.started),
        ("Last change", r.ended),
        ("Session", r.case_id),
    ]
    blocks.append(Table(("", ""), tuple((k, v) for k, v in header if v)))
    for conflict in r.conflicts:
        words = r.fact_words.get(conflict.fact, conflict.fact)
        blocks.append(
            Callout(
                "warning",
                f"Conflict on {words}: {value_text(conflict.value)} ({conflict.source}); "
                f"the evidence says {value_text(conflict.evidence_value)} "
                f"({conflict.evidence_source}).",
            )
        )
    blocks.append(Heading(2, "Articles"))
    blocks.append(articles_table([a.state for a in r.articles]))
    for article in r.articles:
        state = article.state
        if state.status == "confirmed" or article.see_also or state.missing:
            blocks.append(Heading(2, f"{state.title} ({STATUS_WORDS.get(state.status, '')})"))
            blocks.append(Para(f"{state.diagnosis}: {state.outcome_title}", "Diagnosis: "))
        for number, fix in enumerate(article.fixes, 1):
            blocks.extend(fix_blocks(number, fix, 3))
        if state.missing:
            blocks.append(Para(", ".join(state.missing_words or state.missing), "Still needed: "))
        for link in article.see_also:
            name = link.title or link.pack
            blocks.append(Callout("note", f"See {name}" + (f": {link.text}" if link.text else "")))
    blocks.append(Heading(2, "Facts"))
    rows = tuple(
        (r.fact_words.get(name, name), value_text(value), r.provenance.get(name, ""))
        for name, value in r.facts.items()
    )
    blocks.append(Table(("Fact", "Value", "Source"), rows) if rows else Para("No facts known."))
    if r.problems:
        blocks.append(Heading(2, "Packs that could not be loaded"))
        blocks.append(Items(tuple(r.problems)))
    blocks.append(Para(f"Generated {r.generated} by KB Wizard.", ""))
    return blocks


def render_triage(r: TriageReport, fmt: str) -> str:
    """The report in format ``fmt`` (any name ``wizard.report.formats`` accepts)."""
    from wizard.report.formats import canonical

    fmt = canonical(fmt)
    if fmt == "json":
        return render_triage_json(r)
    blocks = triage_document(r)
    if fmt == "markdown":
        from wizard.report.render_markdown import render_blocks

        return render_blocks(blocks)
    if fmt == "html":
        from wizard.report.render_html import html_page

        return html_page(f"{r.reference + ': ' if r.reference else ''}Triage", blocks)
    from wizard.report.render_text import render_blocks as render_text_blocks

    return render_text_blocks(blocks)
