"""Provides the JSON form of a case summary: stable, versioned (``schema_version``)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from wizard.engine.article import ArticleState
from wizard.engine.fixes import RenderedFix
from wizard.engine.session import Conflict, Step
from wizard.kb.model import FactValue
from wizard.report.sanitize import json_text
from wizard.report.summary import SCHEMA_VERSION, CaseSummary, FixArtifactSummary


def value_data(value: FactValue | None) -> Any:
    """A fact's value as JSON: a list for a list, else the text (or None)."""
    return list(value) if isinstance(value, tuple) else value


def fix_data(fix: RenderedFix, artifacts: list[FixArtifactSummary]) -> dict[str, Any]:
    """A fix as ``diagnose`` prints it (its artifacts among ``artifacts``)."""
    return {
        "id": fix.id,
        "title": fix.title,
        "commands": list(fix.commands),
        "steps": list(fix.steps),
        "explanation": fix.explanation,
        "warnings": list(fix.warnings),
        "verify": list(fix.verify),
        "missing": list(fix.missing),
        "withheld": list(fix.withheld),
        "tid": fix.tid,
        "artifacts": [
            {
                "name": a.name,
                "title": a.title,
                "format": a.format,
                "source": a.source,
                "text": a.text,
                "notes": list(a.notes),
            }
            for a in artifacts
            if a.fix == fix.id
        ],
    }


def conflict_data(c: Conflict) -> dict[str, Any]:
    """A conflict between a stated fact and the evidence."""
    return {
        "fact": c.fact,
        "value": value_data(c.value),
        "source": c.source,
        "evidence_value": value_data(c.evidence_value),
        "evidence_source": c.evidence_source,
    }


class CaseLine(Protocol):
    """What a report says of its case (a case summary and a triage report both do)."""

    @property
    def case_id(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def agent(self) -> str: ...
    @property
    def contact(self) -> str: ...
    @property
    def started(self) -> str: ...
    @property
    def ended(self) -> str: ...
    @property
    def generated(self) -> str: ...


def case_data(s: CaseLine) -> dict[str, str]:
    """The ``case`` block of a report's JSON."""
    return {
        "id": s.case_id,
        "reference": s.reference,
        "agent": s.agent,
        "contact": s.contact,
        "started": s.started,
        "ended": s.ended,
        "generated": s.generated,
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "node": step.node,
        "kind": step.kind,
        "text": step.text,
        "fact": step.fact,
        "value": value_data(step.value),
        "answer": step.label,
        "source": step.source,
        "note": step.note,
        "time": step.time,
    }


def considered_data(state: ArticleState) -> dict[str, Any]:
    """An article triage considered, as a case summary lists it."""
    return {
        "pack": state.pack,
        "title": state.title,
        "status": state.status,
        "diagnosis": state.diagnosis,
        "why": list(state.why),
        "missing": list(state.missing),
        "see_also": list(state.see_also),
    }


def to_data(s: CaseSummary) -> dict[str, Any]:
    """The summary as JSON-ready data; the contract's fields come first."""
    return {
        "schema_version": SCHEMA_VERSION,
        "pack": s.pack_id,
        "diagnosis": s.diagnosis,
        "fixes": [fix_data(f, s.artifacts) for f in s.fixes],
        "facts": {k: value_data(v) for k, v in s.facts.items()},
        "provenance": dict(s.provenance),
        "missing": [m.fact for m in s.missing],
        "path": [_step(p) for p in s.path],
        "conflicts": [conflict_data(c) for c in s.conflicts],
        **s.fields,
        "status": s.status,
        "outcome_status": s.outcome_status,
        "title": s.title,
        "summary": s.summary,
        "missing_help": [
            {"fact": m.fact, "question": m.question, "how_to_check": m.how_to_check}
            for m in s.missing
        ],
        "collect": s.collect,
        "risks": s.risks,
        "see_also": [{"pack": a.pack, "title": a.title, "text": a.text} for a in s.see_also],
        "scope_warnings": s.scope_warnings,
        "remarks": s.remarks,
        "explanation": {"title": s.explanation_title, "steps": s.explanation},
        "verification": [
            {
                "fix": v.fix,
                "title": v.title,
                "checks": list(v.checks),
                "result": v.verdict,
                "note": v.note,
                "time": v.time,
                "history": [
                    {"result": e.verdict, "note": e.note, "time": e.time} for e in v.history
                ],
            }
            for v in s.verification
        ],
        "escalation": None
        if s.escalation is None
        else {"time": s.escalation.time, "note": s.escalation.note},
        "evidence": [
            {
                "kind": e.kind,
                "name": e.name,
                "encoding": e.encoding,
                "findings": [
                    {"fact": f, "value": value_data(v), "line": line, "detail": d}
                    for f, v, line, d in e.findings
                ],
                "decisive_lines": [
                    {"line": number, "text": e.texts[number - 1]} for number in e.decisive
                ],
                "remarks": list(e.remarks),
                "unrecognised": [{"line": n, "text": t} for n, t in e.unrecognised],
                **({e.records_name: [dict(r) for r in e.records]} if e.records_name else {}),
                "source": e.label,
                "text": "\n".join(e.texts),
            }
            for e in s.evidence
        ],
        "pack_info": {
            "id": s.pack_id,
            "version": s.pack_version,
            "sha256": s.pack_sha256,
            "title": s.pack_title,
            "source": s.source,
        },
        **({"articles_considered": [considered_data(a) for a in s.articles]} if s.articles else {}),
        "case": case_data(s),
    }


def render_json(s: CaseSummary) -> str:
    return json_text(json.dumps(to_data(s), indent=2, ensure_ascii=False)) + "\n"
