"""Provides the JSON form of a case summary: stable, versioned (``schema_version``)."""

from __future__ import annotations

import json
from typing import Any

from wizard.engine.article import ArticleState
from wizard.engine.fixes import RenderedFix
from wizard.engine.session import Step
from wizard.kb.model import FactValue
from wizard.report.sanitize import json_text
from wizard.report.summary import SCHEMA_VERSION, CaseSummary, FixArtifactSummary


def _value(value: FactValue | None) -> Any:
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


def _step(step: Step) -> dict[str, Any]:
    return {
        "node": step.node,
        "kind": step.kind,
        "text": step.text,
        "fact": step.fact,
        "value": _value(step.value),
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
        "facts": {k: _value(v) for k, v in s.facts.items()},
        "provenance": dict(s.provenance),
        "missing": [m.fact for m in s.missing],
        "path": [_step(p) for p in s.path],
        "conflicts": [
            {
                "fact": c.fact,
                "value": _value(c.value),
                "source": c.source,
                "evidence_value": _value(c.evidence_value),
                "evidence_source": c.evidence_source,
            }
            for c in s.conflicts
        ],
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
                    {"fact": f, "value": _value(v), "line": line, "detail": d}
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
        "case": {
            "id": s.case_id,
            "reference": s.reference,
            "agent": s.agent,
            "contact": s.contact,
            "started": s.started,
            "ended": s.ended,
            "generated": s.generated,
        },
    }


def render_json(s: CaseSummary) -> str:
    return json_text(json.dumps(to_data(s), indent=2, ensure_ascii=False)) + "\n"
