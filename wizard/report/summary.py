"""Provides the CaseSummary: everything a second-level engineer needs, built from a Case.

The summary is plain data, ready for the renderers (Markdown, JSON, HTML,
text). Its JSON form is also the output of ``kbwizard diagnose`` and carries
the contract's fields (pack, diagnosis, fixes, facts, provenance, missing,
path, conflicts, and the fields a pack's fix artifacts name). Nothing here
knows a pack: wording and what is shown follow the outcome's ``status`` and
what the pack's fixes declare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from wizard.engine.article import ArticleState
from wizard.engine.case import Case
from wizard.engine.fixes import RenderedFix, render_fixes
from wizard.engine.session import Conflict, Step, now
from wizard.kb.model import FactValue, Outcome, Question

if TYPE_CHECKING:
    from wizard.evidence.protocol import Table

SCHEMA_VERSION = 1
"""Version of the summary's JSON schema (docs/summary-schema.md)."""


@dataclass(frozen=True)
class MissingFact:
    """A fact the case still needs, with where to find it."""

    fact: str
    question: str
    how_to_check: str
    label: str = ""
    """The fact as people read it."""


@dataclass(frozen=True)
class EvidenceSummary:
    """One artifact as given, with the lines that decided something marked.

    ``texts`` holds each line's text (line N is ``texts[N - 1]``) and ``decisive`` the
    numbers of the lines that decided something, in order: no object per line, as an
    artifact within the size limit may have ten million of them.
    """

    kind: str
    title: str
    name: str
    encoding: str
    texts: tuple[str, ...]
    decisive: tuple[int, ...]
    findings: tuple[tuple[str, FactValue, int, str], ...]
    remarks: tuple[str, ...]
    unrecognised: tuple[tuple[int, str], ...]
    label: str = ""
    """The artifact's name in provenance (``KIND`` or ``KIND:NAME``)."""
    table: Table | None = None
    records_name: str = ""
    records: tuple[Mapping[str, str | int | bool | None], ...] = ()


@dataclass(frozen=True)
class FixArtifactSummary:
    """An artifact a fix shows (declared by the pack's fix, made by an analyzer)."""

    fix: str
    name: str
    title: str
    text: str
    format: str
    marked: tuple[int, ...]
    notes: tuple[str, ...]
    source: str
    """The evidence it was made from (``KIND`` or ``KIND:NAME``)."""


@dataclass(frozen=True)
class SeeAlsoItem:
    """Another pack (article) the outcome points to, and why it may fit."""

    pack: str
    title: str | None
    """The linked pack's title, or None when it is not installed here."""
    text: str


@dataclass(frozen=True)
class VerdictEvent:
    """One verdict as reported: what, when, and the note given with it."""

    verdict: str
    note: str | None
    time: str


@dataclass(frozen=True)
class VerifyItem:
    fix: str
    title: str
    checks: tuple[str, ...]
    verdict: str | None
    """The latest verdict on this fix (``history`` has them all)."""
    note: str | None
    time: str | None
    history: tuple[VerdictEvent, ...] = ()
    """Every verdict on this fix, oldest first."""


@dataclass
class CaseSummary:
    pack_id: str
    pack_version: str
    pack_sha256: str
    pack_title: str
    source: dict[str, Any]
    case_id: str
    reference: str
    agent: str
    contact: str
    started: str
    ended: str
    generated: str
    status: str
    """``decided`` when an outcome was reached, ``escalated`` when the case was then handed
    on, ``in-progress`` otherwise."""
    outcome_status: str
    """The outcome's status (``confirmed``, ``ruled-out``, ``undecided``); ``in-progress``."""
    words: str
    """The status in words (the outcome's ``label``, or the status's default words)."""
    diagnosis: str
    title: str
    summary: str
    fixes: list[RenderedFix]
    facts: dict[str, FactValue]
    provenance: dict[str, str]
    missing: list[MissingFact]
    path: list[Step]
    conflicts: list[Conflict]
    evidence: list[EvidenceSummary]
    artifacts: list[FixArtifactSummary]
    fields: dict[str, Any]
    """Top-level JSON fields the pack's fix artifacts name (null when not made)."""
    explanation_title: str
    explanation: list[str]
    verification: list[VerifyItem]
    collect: list[str]
    risks: list[str]
    scope_warnings: list[str]
    remarks: list[str] = field(default_factory=list)
    fact_words: dict[str, str] = field(default_factory=dict)
    """Fact name -> what people read for it (the pack's label or description)."""
    escalation: VerdictEvent | None = None
    """The latest escalation, when the case was escalated."""
    articles: list[ArticleState] = field(default_factory=list)
    """The articles triage considered, when the case came from triage (else empty)."""
    see_also: list[SeeAlsoItem] = field(default_factory=list)
    """Other articles the outcome points to (its ``see_also`` links whose condition holds)."""

    @property
    def decided(self) -> bool:
        return self.status in ("decided", "escalated")


TitleOf = Callable[[str], "str | None"]
"""A linked pack's title by id (None when it is not installed)."""


def summarize(case: Case, unattended: bool = False, titles: TitleOf | None = None) -> CaseSummary:
    """Build the summary. ``unattended`` walks past unasked questions (as ``diagnose`` does).

    ``titles`` names the packs the outcome's ``see_also`` links point to (default: the
    installed packs, and the packs beside this pack's file).
    """
    pack = case.pack
    session = case.session
    walk = session.walk(unattended=unattended)
    outcome = walk.node if isinstance(walk.node, Outcome) else None
    status = "decided" if outcome is not None else "in-progress"
    escalated = case.escalation
    if escalated is not None:
        status = "escalated"
    facts = session.known_facts()
    if outcome is None:
        # Mid-case export: the answers so far, and what the case still needs.
        outcome_status, words = "in-progress", "In progress"
        diagnosis, title, summary_text = (
            "in-progress",
            "Case in progress",
            ("The wizard has not reached a diagnosis yet; the answers so far are below."),
        )
        missing_facts = [walk.node.fact] if isinstance(walk.node, Question) else []
        missing_facts += [f for f in session.missing() if f not in missing_facts]
        fixes: list[RenderedFix] = []
        collect: list[str] = []
        risks: list[str] = []
        see_also: list[SeeAlsoItem] = []
    else:
        outcome_status, words = outcome.status, outcome.words
        diagnosis, title, summary_text = outcome.diagnosis, outcome.title, outcome.summary
        missing_facts = (
            list(dict.fromkeys(walk.unknown_facts)) if outcome.status == "undecided" else []
        )
        fixes = (
            render_fixes(pack, outcome, facts, session.contradicted())
            if outcome.status == "confirmed"
            else []
        )
        collect = list(outcome.collect)
        risks = [r.text for r in outcome.risks if r.when.holds(facts)]
        see_also = _see_also(case, outcome, facts, titles)
    analysis = case.analysis()
    artifacts, fields = _fix_artifacts(case, fixes)
    fixes = [_with_artifact_steps(case, fix, artifacts) for fix in fixes]
    histories = {
        f.id: tuple(VerdictEvent(v.verdict, v.note, v.time) for v in case.verdicts(f.id))
        for f in fixes
    }
    return CaseSummary(
        pack_id=pack.id,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        pack_title=pack.title,
        source={
            "document": pack.source.document,
            "title": pack.source.title,
            "published": pack.source.published,
            "updated": pack.source.updated,
            "products": list(pack.source.products),
        },
        case_id=case.id,
        reference=case.header.reference,
        agent=case.header.agent,
        contact=case.header.contact,
        started=case.created,
        ended=case.updated,
        generated=now(),
        status=status,
        outcome_status=outcome_status,
        words=words,
        diagnosis=diagnosis,
        title=title,
        summary=summary_text,
        fixes=fixes,
        facts=facts,
        provenance=session.provenance(),
        missing=[_missing(case, f) for f in missing_facts],
        path=walk.steps,
        conflicts=session.conflicts(),
        evidence=_evidence(case),
        artifacts=artifacts,
        fields=fields,
        explanation_title=pack.explanation_title,
        explanation=list(pack.explanation),
        verification=[
            VerifyItem(
                f.id,
                f.title,
                f.verify,
                histories[f.id][-1].verdict if histories[f.id] else None,
                histories[f.id][-1].note if histories[f.id] else None,
                histories[f.id][-1].time if histories[f.id] else None,
                histories[f.id],
            )
            for f in fixes
        ],
        fact_words={name: fact.words for name, fact in pack.facts.items()},
        escalation=VerdictEvent(escalated.verdict, escalated.note, escalated.time)
        if escalated is not None
        else None,
        collect=collect,
        risks=risks,
        see_also=see_also,
        scope_warnings=[c.text for c in pack.scope if c.when.holds(facts)],
        remarks=[
            f"{r.label}: {m.text}" if m.line is None else f"{r.label}:{m.line}: {m.text}"
            for r in analysis.readings
            for m in r.reading.report.remarks
        ]
        + analysis.rejected,
        articles=list(case.considered),
    )


def _see_also(
    case: Case, outcome: Outcome, facts: Mapping[str, FactValue], titles: TitleOf | None
) -> list[SeeAlsoItem]:
    """The outcome's links whose condition holds, each with the linked pack's title."""
    links = [link for link in outcome.see_also if link.applies(facts)]
    if not links:
        return []
    if titles is None:
        from wizard.kb.registry import pack_title

        near = case.pack.path

        def titles(pack_id: str) -> str | None:
            return pack_title(pack_id, near)

    return [SeeAlsoItem(link.pack, titles(link.pack), link.text) for link in links]


def _with_artifact_steps(
    case: Case, fix: RenderedFix, artifacts: list[FixArtifactSummary]
) -> RenderedFix:
    """``fix`` with the steps its declared artifacts add (before its last step): the one
    for an artifact made, or why it could not be (the analyzer's notes), or that its
    evidence is missing. A step that refers to an artifact never appears without it."""
    declared = case.pack.fixes.get(fix.id)
    if declared is None:
        return fix
    added: list[str] = []
    for item in declared.artifacts:
        if any(a.fix == fix.id and a.name == item.artifact for a in artifacts):
            step = item.step
        elif not case.artifacts_of(item.evidence):
            step = item.step_no_evidence
        else:
            made = case.analysis().products(item.evidence, item.artifact)
            notes = [note for _item, product in made for note in product.notes]
            reason = (
                "; ".join(dict.fromkeys(notes)).rstrip(".") or "the evidence does not call for it"
            )
            step = item.step_unmade.replace("{reason}", reason) if item.step_unmade else ""
        if step:
            added.append(step)
    if not added:
        return fix
    steps = fix.steps
    at = len(steps) - 1 if len(steps) > 1 else len(steps)
    return replace(fix, steps=(*steps[:at], *added, *steps[at:]))


def _fix_artifacts(
    case: Case, fixes: list[RenderedFix]
) -> tuple[list[FixArtifactSummary], dict[str, Any]]:
    """The artifacts the shown fixes declare, as their analyzers made them, and the
    top-level JSON fields the pack names for them (null when not made)."""
    analysis = case.analysis()
    shown = {f.id for f in fixes}
    out: list[FixArtifactSummary] = []
    fields: dict[str, Any] = {}
    for fix in case.pack.fixes.values():
        for declared in fix.artifacts:
            if declared.field:
                fields.setdefault(declared.field, None)
            if declared.notes_field:
                fields.setdefault(declared.notes_field, [])
            if fix.id not in shown:
                continue
            made = analysis.products(declared.evidence, declared.artifact)
            several = len(made) > 1
            for item, product in made:
                if declared.notes_field and not fields[declared.notes_field]:
                    fields[declared.notes_field] = list(product.notes)
                if not product.text:
                    continue
                if declared.field and fields[declared.field] is None:
                    fields[declared.field] = product.text
                out.append(
                    FixArtifactSummary(
                        fix=fix.id,
                        name=declared.artifact,
                        title=declared.title + (f" ({item.artifact.name})" if several else ""),
                        text=product.text,
                        format=product.format,
                        marked=product.marked,
                        notes=product.notes,
                        source=item.label,
                    )
                )
    return out, fields


def _missing(case: Case, fact: str) -> MissingFact:
    question = case.pack.question_for(fact)
    words = case.pack.facts[fact].words
    if question is None:
        return MissingFact(fact, case.pack.facts[fact].description, "", words)
    return MissingFact(fact, question.text, question.how_to_check, words)


def _evidence(case: Case) -> list[EvidenceSummary]:
    analysis = case.analysis()
    out = []
    for item in analysis.readings:
        reading = item.reading
        report = reading.report
        ev = case.pack.evidence[item.kind]
        picked = []
        for name in ev.supplies:
            finding = report.fact(ev.source_of(name))
            if finding is not None:
                picked.append((name, finding.value, finding.line, finding.detail))
        decisive = {f.line for f in report.findings} | set(reading.decisive)
        texts = tuple(reading.decoded.texts())
        out.append(
            EvidenceSummary(
                kind=item.kind,
                title=ev.title,
                name=item.artifact.name,
                encoding=report.encoding,
                texts=texts,
                decisive=tuple(sorted(n for n in decisive if 1 <= n <= len(texts))),
                findings=tuple(picked),
                remarks=tuple(
                    m.text if m.line is None else f"line {m.line}: {m.text}" for m in report.remarks
                ),
                unrecognised=report.unrecognised,
                label=item.label,
                table=reading.report_table or reading.table,
                records_name=reading.records_name,
                records=reading.records,
            )
        )
    return out
