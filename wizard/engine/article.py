"""Provides an article's state in triage: where an unattended walk of its pack leads.

Kept apart from ``wizard.engine.triage`` so that a Case (which carries the articles
considered, for its summary) and the pack index (which keeps each pack's state with
no facts known) can use it without importing triage itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wizard.engine import fields
from wizard.engine.fixes import RenderedFix, render_fixes
from wizard.engine.session import Session, SessionError, Walk
from wizard.kb.model import UNKNOWN, Decision, FactValue, Outcome, Pack, Question
from wizard.kb.values import value_text

ArticleStatus = Literal["confirmed", "ruled-out", "undecided"]
STATUS_ORDER: dict[str, int] = {"confirmed": 0, "undecided": 1, "ruled-out": 2}


@dataclass(frozen=True)
class ArticleState:
    """One article (pack) as the facts known so far decide it."""

    pack: str
    title: str
    document: str
    status: ArticleStatus
    diagnosis: str
    outcome_title: str
    missing: tuple[str, ...]
    """Facts still needed (as ``diagnose``'s ``missing``)."""
    why: tuple[str, ...]
    """The facts that decided it (read on its path), as "label: value" lines."""
    fixes: tuple[RenderedFix, ...]
    """As ``diagnose`` renders them (confirmed only)."""
    see_also: tuple[str, ...]
    """Pack ids this article points to."""
    see_also_texts: tuple[str, ...] = ()
    """Why each of ``see_also`` may fit (same order; empty text when none is given)."""
    missing_words: tuple[str, ...] = ()
    """``missing`` as people read it."""

    def sort_key(self) -> tuple[int, int, str]:
        """Confirmed first, then undecided (fewest missing first), then ruled-out; by id."""
        missing = len(self.missing) if self.status == "undecided" else 0
        return (STATUS_ORDER.get(self.status, 3), missing, self.pack)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "title": self.title,
            "document": self.document,
            "status": self.status,
            "diagnosis": self.diagnosis,
            "outcome_title": self.outcome_title,
            "missing": list(self.missing),
            "missing_words": list(self.missing_words),
            "why": list(self.why),
            "fixes": [fix_to_dict(f) for f in self.fixes],
            "see_also": list(self.see_also),
            "see_also_texts": list(self.see_also_texts),
        }

    @classmethod
    def from_dict(cls, raw: Any) -> ArticleState:
        """An ArticleState as ``to_dict`` wrote it; SessionError or TypeError otherwise."""
        if not isinstance(raw, dict):
            raise SessionError("an article state is not a mapping")
        status = raw.get("status")
        if status not in STATUS_ORDER:
            raise SessionError("an article state has no valid status")
        fixes = raw.get("fixes", [])
        if not isinstance(fixes, list):
            raise SessionError("an article state's fixes are not a list")
        return cls(
            pack=fields.text(raw, "pack", ""),
            title=fields.text(raw, "title", ""),
            document=fields.text(raw, "document", ""),
            status=status,
            diagnosis=fields.text(raw, "diagnosis", ""),
            outcome_title=fields.text(raw, "outcome_title", ""),
            missing=fields.texts(raw, "missing"),
            why=fields.texts(raw, "why"),
            fixes=tuple(fix_from_dict(f) for f in fixes),
            see_also=fields.texts(raw, "see_also"),
            see_also_texts=fields.texts(raw, "see_also_texts"),
            missing_words=fields.texts(raw, "missing_words"),
        )


_FIX_FIELDS = ("commands", "steps", "verify", "warnings", "missing", "missing_words", "withheld")


def fix_to_dict(fix: RenderedFix) -> dict[str, Any]:
    return {
        "id": fix.id,
        "title": fix.title,
        "tid": fix.tid,
        "explanation": fix.explanation,
        **{name: list(getattr(fix, name)) for name in _FIX_FIELDS},
    }


def fix_from_dict(raw: Any) -> RenderedFix:
    if not isinstance(raw, dict):
        raise SessionError("a rendered fix is not a mapping")
    parts = {name: fields.texts(raw, name) for name in _FIX_FIELDS}
    return RenderedFix(
        id=fields.text(raw, "id", ""),
        title=fields.text(raw, "title", ""),
        tid=fields.text(raw, "tid", ""),
        explanation=fields.text(raw, "explanation", ""),
        **parts,
    )


# --- an article's state from a session --------------------------------------------------


def facts_read(pack: Pack, walk: Walk, facts: Mapping[str, FactValue]) -> list[tuple[str, str]]:
    """(fact, value as read) for every known fact the walk read, in the order read.

    A question reads its fact; a decision reads the facts of each rule it tried, up to
    the one that held (all of them when it took its default).
    """
    out: dict[str, str] = {}
    for step in walk.steps:
        if step.kind == "question" and step.fact is not None:
            if step.value is not None and step.value != UNKNOWN and step.fact not in out:
                out[step.fact] = step.label
            continue
        node = pack.nodes.get(step.node)
        if not isinstance(node, Decision):
            continue
        for rule in node.rules:
            for name in sorted(rule.when.facts()):
                if name in facts and name not in out:
                    out[name] = value_text(facts[name])
            if rule.when.holds(facts):
                break
    return list(out.items())


def see_also_of(outcome: Outcome, facts: Mapping[str, FactValue]) -> list[tuple[str, str]]:
    """(pack id, text) of each ``see_also`` link of ``outcome`` whose condition holds.

    Read with ``getattr``: outcome links are declared by packs that have them, and an
    older pack model has none.
    """
    out: list[tuple[str, str]] = []
    for link in getattr(outcome, "see_also", ()) or ():
        pack = _attr(link, "pack")
        if not isinstance(pack, str) or not pack:
            continue
        when = _attr(link, "when")
        if when is not None and hasattr(when, "holds") and not when.holds(facts):
            continue
        text = _attr(link, "text")
        out.append((pack, text if isinstance(text, str) else ""))
    return out


def _attr(item: object, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def article_state(session: Session, fixes: Iterable[RenderedFix] | None = None) -> ArticleState:
    """The state an unattended walk of ``session`` reaches (``fixes``: as rendered already)."""
    pack = session.pack
    walk = session.walk(unattended=True)
    facts = session.known_facts()
    node = walk.node
    assert isinstance(node, Outcome)  # an unattended walk always ends at an outcome
    missing = tuple(dict.fromkeys(walk.unknown_facts)) if node.status == "undecided" else ()
    if fixes is None:
        rendered = (
            tuple(render_fixes(pack, node, facts, session.contradicted()))
            if node.status == "confirmed"
            else ()
        )
    else:
        rendered = tuple(fixes)
    links = see_also_of(node, facts)
    return ArticleState(
        pack=pack.id,
        title=pack.title,
        document=pack.source.document,
        status=node.status,
        diagnosis=node.diagnosis,
        outcome_title=node.title,
        missing=missing,
        why=tuple(
            f"{pack.facts[name].words if name in pack.facts else name}: {value}"
            for name, value in facts_read(pack, walk, facts)
        ),
        fixes=rendered,
        see_also=tuple(p for p, _ in links),
        see_also_texts=tuple(t for _, t in links),
        missing_words=tuple(pack.facts[f].words for f in missing if f in pack.facts),
    )


def first_question(session: Session) -> Question | None:
    """The question the interactive walk of ``session`` stops at (None at an outcome)."""
    node = session.walk().node
    return node if isinstance(node, Question) else None
