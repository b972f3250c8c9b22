"""Provides the case summary laid out once as neutral blocks, for every human-readable format.

Markdown, HTML and plain text render the same blocks, so the three never
drift apart; each renderer escapes every piece of text itself.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from wizard.engine.article import ArticleState
from wizard.engine.fixes import RenderedFix
from wizard.kb.model import NO_CHECK, STATUS_WORDS
from wizard.kb.values import value_text
from wizard.report.summary import CaseSummary


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    strong_prefix: str = ""


@dataclass(frozen=True)
class Callout:
    """A warning or notice that must not be missed."""

    kind: str  # "warning" | "note"
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool = False
    checks: tuple[bool | None, ...] = ()
    """For checklists: True checked, False unchecked, None not a checklist."""


@dataclass(frozen=True)
class Code:
    text: str
    info: str = ""
    marked: tuple[int, ...] = ()
    """0-based line indexes to highlight (the lines that decided something)."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Callout | Items | Code | Table


VERDICT_WORDS = {"fixed": "fixed", "not-fixed": "not fixed", "escalated": "escalated"}


def build_document(s: CaseSummary) -> list[Block]:
    def words(fact: str) -> str:
        return s.fact_words.get(fact, fact)

    blocks: list[Block] = [Heading(1, f"Case summary: {s.title}")]
    blocks.append(Para(f"{s.diagnosis} ({s.words})", "Diagnosis: "))
    if s.escalation is not None:
        blocks.append(
            Para(
                f"escalated to the next level ({s.escalation.time})"
                + (f". Note: {s.escalation.note}" if s.escalation.note else ""),
                "Status: ",
            )
        )
    blocks.append(Para(s.summary))
    header = [
        ("Case", s.reference),
        ("Agent", s.agent),
        ("Contact", s.contact),
        ("Started", s.started),
        ("Last change", s.ended),
        ("Session", s.case_id),
    ]
    blocks.append(Table(("", ""), tuple((k, v) for k, v in header if v)))
    src = s.source
    blocks.append(
        Para(
            f"{src['document']}: {src['title']} (published {src['published']}, updated "
            f"{src['updated']}; {', '.join(src['products'])}). Pack {s.pack_id} {s.pack_version}, "
            f"sha256 {s.pack_sha256[:16]}.",
            "Source: ",
        )
    )
    for warning in s.scope_warnings:
        blocks.append(Callout("warning", f"Outside the article's scope: {warning}"))
    for conflict in s.conflicts:
        if conflict.value == conflict.evidence_value:
            # One value in two facts that exclude each other (a primary IP that is a
            # virtual IP): no command is built from it.
            text = (
                f"Conflict on {words(conflict.fact)}: {value_text(conflict.value)} "
                f"({conflict.source}) is also listed by {conflict.evidence_source}; no command "
                "is built from it until it is corrected."
            )
        else:
            text = (
                f"Conflict on {words(conflict.fact)}: {value_text(conflict.value)} "
                f"({conflict.source}) "
                f"was used; the evidence says {value_text(conflict.evidence_value)} "
                f"({conflict.evidence_source})."
            )
        blocks.append(Callout("warning", text))

    for number, fix in enumerate(s.fixes, 1):
        blocks.extend(fix_blocks(number, fix, 2))
        blocks.append(Para(fix.explanation, "Why it works: "))
        diffs = [a for a in s.artifacts if a.fix == fix.id and a.format == "diff"]
        for artifact in diffs:
            blocks.append(Heading(3, artifact.title))
            blocks.append(Code(artifact.text.rstrip("\n"), "diff"))
            for note in artifact.notes:
                blocks.append(Callout("note", note))
        verify = next((v for v in s.verification if v.fix == fix.id), None)
        if verify is not None:
            blocks.append(Heading(3, "Verify"))
            # The checks are what to look at; a verdict is about the fix, not each check.
            if verify.checks:
                blocks.append(Items(verify.checks, checks=tuple(False for _ in verify.checks)))
            else:
                blocks.append(Para(NO_CHECK))
            if verify.history:
                reported = ", then ".join(
                    f"{VERDICT_WORDS.get(e.verdict, e.verdict)} ({e.time})"
                    + (f", note: {e.note}" if e.note else "")
                    for e in verify.history
                )
                blocks.append(Para(reported + ".", "Reported: "))
    for artifact in s.artifacts:
        if artifact.format == "diff":
            continue
        blocks.append(Heading(2, artifact.title))
        blocks.append(Code(artifact.text.rstrip("\r\n"), "text"))
        if not any(a.format == "diff" and a.source == artifact.source for a in s.artifacts):
            for note in artifact.notes:
                blocks.append(Callout("note", note))

    if s.missing:
        blocks.append(Heading(2, "Still needed"))
        for m in s.missing:
            blocks.append(Para(m.question, f"{m.label or words(m.fact)}: "))
            blocks.append(Para(m.how_to_check or NO_CHECK, "How to check: "))
    if s.risks:
        blocks.append(Heading(2, "Latent risk worth fixing anyway"))
        for risk in s.risks:
            blocks.append(Callout("warning", risk))
    if s.collect:
        blocks.append(Heading(2, "Collect before escalating"))
        blocks.append(Items(tuple(s.collect), checks=tuple(False for _ in s.collect)))
    if s.see_also:
        blocks.append(Heading(2, "See also"))
        blocks.append(
            Items(tuple(see_also_line(item.pack, item.title, item.text) for item in s.see_also))
        )

    blocks.append(Heading(2, s.explanation_title or "How it happens"))
    blocks.append(Items(tuple(s.explanation), numbered=True))

    if s.articles:
        blocks.append(Heading(2, "Articles considered"))
        blocks.append(articles_table(s.articles))

    blocks.append(Heading(2, "Steps taken"))
    rows = []
    for number, step in enumerate((p for p in s.path if p.kind == "question"), 1):
        rows.append((str(number), step.text, step.label, step.source, step.note or ""))
    if rows:
        blocks.append(Table(("#", "Question", "Answer", "Source", "Note"), tuple(rows)))
    else:
        blocks.append(Para("No question was answered yet."))

    blocks.append(Heading(2, "Facts"))
    fact_rows = tuple(
        (words(name), value_text(value), s.provenance.get(name, ""))
        for name, value in s.facts.items()
    )
    blocks.append(
        Table(("Fact", "Value", "Source"), fact_rows) if fact_rows else Para("No facts known.")
    )

    for ev in s.evidence:
        blocks.append(Heading(2, f"Evidence: {ev.title} ({ev.name}, {ev.encoding})"))
        for fact, value, line, detail in ev.findings:
            blocks.append(Para(f"{value_text(value)} (line {line}): {detail}", f"{words(fact)}: "))
        if ev.table is not None and ev.table.rows:
            blocks.append(Table(ev.table.columns, tuple(row.cells for row in ev.table.rows)))
        for remark in ev.remarks:
            blocks.append(Callout("note", remark))
        marked = tuple(number - 1 for number in ev.decisive)
        blocks.append(Code(_numbered(ev.texts), "text", marked))
        if ev.unrecognised:
            blocks.append(
                Para(
                    ", ".join(str(n) for n, _ in ev.unrecognised[:20])
                    + (" …" if len(ev.unrecognised) > 20 else ""),
                    "Lines not read as commands: ",
                )
            )
    blocks.append(Para(f"Generated {s.generated} by KB Wizard.", ""))
    return blocks


def fix_blocks(number: int, fix: RenderedFix, level: int) -> list[Block]:
    """A fix as blocks: its heading (at ``level``), command, what it needs, steps, warnings."""
    blocks: list[Block] = [Heading(level, f"Fix {number}: {fix.title}")]
    if fix.commands:
        blocks.append(Code("\n".join(fix.commands), "text"))
    if fix.missing:
        blocks.append(
            Callout(
                "warning",
                f"Needs {', '.join(fix.missing_words or fix.missing)} before the exact "
                "command can be given.",
            )
        )
    for reason in fix.withheld:
        blocks.append(Callout("warning", f"Command withheld: {reason}."))
    if fix.steps:
        blocks.append(Items(fix.steps, numbered=True))
    for warning in fix.warnings:
        blocks.append(Callout("warning", warning))
    return blocks


def articles_table(articles: Sequence[ArticleState]) -> Table:
    """The articles triage considered: each with its status and the facts that decided it."""
    return Table(
        ("Article", "Status", "Diagnosis", "Why"),
        tuple(
            (
                f"{a.document}: {a.title}" if a.document else a.title,
                STATUS_WORDS.get(a.status, a.status),
                a.diagnosis,
                "; ".join(a.why) or "nothing known decides it yet",
            )
            for a in articles
        ),
    )


def _numbered(texts: tuple[str, ...]) -> str:
    """The lines with right-aligned numbers, written into one buffer: no string per line
    is kept (an artifact within the size limit may have ten million lines)."""
    width = len(str(len(texts)))
    out = io.StringIO()
    write = out.write
    for number, line in enumerate(texts, 1):
        if number > 1:
            write("\n")
        write(f"{number:>{width}}  ")
        write(line)
    return out.getvalue()


def see_also_line(pack: str, title: str | None, text: str) -> str:
    """One ``see_also`` link as people read it: the pack, its title when installed, why."""
    name = f"{pack} — {title}" if title else pack
    return f"{name}: {text}"
