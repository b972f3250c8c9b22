"""Provides the CaseSummary: everything a second-level engineer needs, built from a Case.

The summary is plain data, ready for the renderers (Markdown, JSON, HTML,
text). Its JSON form is also the output of ``kbwizard diagnose`` and carries
the contract's fields (pack, diagnosis, fixes, facts, provenance, missing,
path, conflicts, reordered_login_script).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.engine.case import Case
from wizard.engine.fixes import RenderedFix, render_fixes
from wizard.engine.session import Conflict, Step, now
from wizard.kb.model import FactValue, Outcome, Question

if TYPE_CHECKING:
    from wizard.evidence.login_script import Mapping
    from wizard.evidence.reorder import Reordering

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
    mappings: tuple[Mapping, ...] = ()


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
    reordered_login_script: str | None
    login_script_diff: str | None
    reorder_notes: list[str]
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

    @property
    def decided(self) -> bool:
        return self.status in ("decided", "escalated")


def summarize(case: Case, unattended: bool = False) -> CaseSummary:
    """Build the summary. ``unattended`` walks past unasked questions (as ``diagnose`` does)."""
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
    else:
        diagnosis, title, summary_text = outcome.diagnosis, outcome.title, outcome.summary
        missing_facts = (
            list(dict.fromkeys(walk.unknown_facts))
            if outcome.diagnosis == "needs-more-information"
            else []
        )
        fixes = render_fixes(pack, outcome, facts) if outcome.diagnosis not in _NO_FIX else []
        collect = list(outcome.collect)
        risks = [r.text for r in outcome.risks if r.when.holds(facts)]
    analysis = case.analysis()
    reorder_applies = any(f.id == "reorder-login-script" for f in fixes)
    reordering = analysis.reordering if reorder_applies else None
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
        reordered_login_script=(
            reordering.text if reordering is not None and reordering.changed else None
        ),
        login_script_diff=reordering.diff
        if reordering is not None and reordering.changed
        else None,
        reorder_notes=_reorder_notes(reordering),
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
        scope_warnings=[c.text for c in pack.scope if c.when.holds(facts)],
        remarks=[
            f"{r.kind}: {m.text}" if m.line is None else f"{r.kind}:{m.line}: {m.text}"
            for r in analysis.reports()
            for m in r.remarks
        ]
        + analysis.rejected,
    )


def _reorder_notes(reordering: Reordering | None) -> list[str]:
    """What the reorder left alone and why (the login-through-a-node caveat is the fix's own
    warning already)."""
    if reordering is None:
        return []
    from wizard.evidence.reorder import LOGIN_THROUGH_NODE_CAVEAT

    return [w for w in reordering.warnings if w != LOGIN_THROUGH_NODE_CAVEAT]


_NO_FIX = frozenset({"not-this-issue", "needs-more-information"})


def _missing(case: Case, fact: str) -> MissingFact:
    question = case.pack.question_for(fact)
    words = case.pack.facts[fact].words
    if question is None:
        return MissingFact(fact, case.pack.facts[fact].description, "", words)
    return MissingFact(fact, question.text, question.how_to_check, words)


def _evidence(case: Case) -> list[EvidenceSummary]:
    analysis = case.analysis()
    decoded = {
        "login-script": analysis.login.decoded if analysis.login else None,
        "load-script": analysis.load.decoded if analysis.load else None,
        "set-parameters": analysis.settings.decoded if analysis.settings else None,
    }
    out = []
    for report in analysis.reports():
        artifact = case.artifacts[report.kind]
        decisive = {f.line for f in report.findings}
        if report.kind == "login-script" and analysis.login is not None:
            decisive |= set(analysis.login.deciding_lines)
        text = decoded[report.kind]
        texts = tuple(text.texts()) if text is not None else ()
        out.append(
            EvidenceSummary(
                kind=report.kind,
                title=case.pack.evidence[report.kind].title,
                name=artifact.name,
                encoding=report.encoding,
                texts=texts,
                decisive=tuple(sorted(n for n in decisive if 1 <= n <= len(texts))),
                findings=tuple((f.fact, f.value, f.line, f.detail) for f in report.findings),
                remarks=tuple(
                    m.text if m.line is None else f"line {m.line}: {m.text}" for m in report.remarks
                ),
                unrecognised=report.unrecognised,
                mappings=analysis.login.mappings
                if report.kind == "login-script" and analysis.login
                else (),
            )
        )
    return out
