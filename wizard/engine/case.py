"""Provides the Case: one troubleshooting case, everything a person gave it, serialisable.

A Case joins the generic Session with what is specific to a site: the
pasted artifacts (kept byte-for-byte), the facts the analyzers read from them
(with ``KIND:LINE`` provenance), a person's corrections of what they read, the case header
and the verification results. Front ends drive a Case; the report module
turns one into a summary.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from wizard.engine import fields
from wizard.engine.article import ArticleState
from wizard.engine.session import Given, Session, SessionError, now
from wizard.kb.model import FactValue, Pack, Question
from wizard.kb.values import parse_value, shown
from wizard.safeio import MAX_EVIDENCE_BYTES

if TYPE_CHECKING:
    from wizard.evidence.model import Remark

    # The analyzers are imported when evidence is read, not to decide on facts alone.
    from wizard.evidence.protocol import (
        Analyzer,
        Combination,
        CombinedFinding,
        Context,
        Produced,
        Reading,
        RowQuestion,
    )

FORMAT_VERSION = 1
"""Version of the saved-case JSON layout."""

Verdict = Literal["fixed", "not-fixed", "escalated"]
VERDICTS: tuple[Verdict, ...] = ("fixed", "not-fixed", "escalated")
ESCALATION = "case"
"""What an escalation is recorded under: the case, not one fix."""


@dataclass
class CaseHeader:
    """Optional identification a helpdesk agent enters."""

    reference: str = ""
    agent: str = ""
    contact: str = ""

    def to_dict(self) -> dict[str, str]:
        """As saved."""
        return {"reference": self.reference, "agent": self.agent, "contact": self.contact}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> CaseHeader:
        """A header as saved (every field optional text)."""
        return cls(
            fields.text(raw, "reference", ""),
            fields.text(raw, "agent", ""),
            fields.text(raw, "contact", ""),
        )


@dataclass(frozen=True)
class Artifact:
    """A pasted or loaded piece of evidence, kept exactly as given."""

    kind: str
    data: bytes
    name: str
    added: str

    @classmethod
    def new(cls, kind: str, data: bytes | str, name: str) -> Artifact:
        """An artifact added now (text as UTF-8); SessionError when it is too large."""
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if len(raw) > MAX_EVIDENCE_BYTES:
            raise SessionError(
                f"{name}: {len(raw)} bytes is over the {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB "
                "limit for one artifact"
            )
        return cls(kind, raw, name, now())

    def to_dict(self) -> dict[str, Any]:
        """As saved: the bytes in base64."""
        return {
            "kind": self.kind,
            "name": self.name,
            "added": self.added,
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_dict(
        cls, raw: Mapping[str, Any], knows_kind: Callable[[str], bool], of: str
    ) -> Artifact:
        """An artifact as saved, its kind one ``knows_kind`` takes (``of`` names them)."""
        kind = fields.text(raw, "kind")
        if not knows_kind(kind):
            raise ValueError(f"'{shown(kind)}' is not an evidence kind of {of}")
        encoded = fields.text(raw, "data")
        if len(encoded) > (MAX_EVIDENCE_BYTES // 3 + 1) * 4:
            raise ValueError(f"the {kind} artifact is over the size limit")
        data = base64.b64decode(encoded, validate=True)
        return cls(kind, data, fields.text(raw, "name"), fields.text(raw, "added"))


@dataclass(frozen=True)
class Verification:
    """What the user reported after applying a fix."""

    fix: str
    verdict: Verdict
    note: str | None
    time: str

    def to_dict(self) -> dict[str, Any]:
        """As saved."""
        return {"fix": self.fix, "verdict": self.verdict, "note": self.note, "time": self.time}


@dataclass(frozen=True)
class ArtifactReading:
    """What the analyzer of an artifact's kind made of it."""

    artifact: Artifact
    reading: Reading
    label: str
    """Where its findings come from in provenance: ``KIND`` with one artifact of the kind,
    ``KIND:NAME`` with several."""

    @property
    def kind(self) -> str:
        return self.artifact.kind


@dataclass
class Drafts:
    """What a person typed but has not submitted yet, saved as it is typed.

    A note for a question (by its fact) not answered yet, and evidence text (by kind) not
    applied yet: kept in the saved case so a crash, a signal or a closed terminal loses
    none of it, and given back on resume.
    """

    notes: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def set_note(self, fact: str, text: str | None) -> None:
        _set(self.notes, fact, text)

    def set_evidence(self, kind: str, text: str | None) -> None:
        _set(self.evidence, kind, text)

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"notes": dict(self.notes), "evidence": dict(self.evidence)}

    @classmethod
    def from_dict(cls, raw: object) -> Drafts:
        """Drafts from a saved case (absent in files saved before drafts existed)."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise SessionError("saved case is damaged (drafts is not a mapping)")
        parts = []
        for name in ("notes", "evidence"):
            part = raw.get(name, {})
            if not isinstance(part, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_EVIDENCE_BYTES
                for k, v in part.items()
            ):
                raise SessionError(f"saved case is damaged (drafts.{name} is not text by name)")
            parts.append(dict(part))
        return cls(parts[0], parts[1])


def _set(drafts: dict[str, str], key: str, text: str | None) -> None:
    if text:
        drafts[key] = text
    else:
        drafts.pop(key, None)


@dataclass
class EvidenceAnalysis:
    """Every analyzer's view of the current artifacts, in the pack's order of kinds."""

    readings: list[ArtifactReading] = field(default_factory=list)
    findings: list[Given] = field(default_factory=list)
    """The facts the pack takes from them (its ``supplies``, by its own names)."""
    rejected: list[str] = field(default_factory=list)
    """Findings whose value the pack's fact cannot take, and artifacts no analyzer read."""
    combined: dict[str, dict[str, tuple[CombinedFinding, str]]] = field(default_factory=dict)
    """Per kind, the facts its analyzer found in all its artifacts together (``combine``):
    analyzer fact -> (finding, provenance naming each artifact and line)."""

    def of(self, kind: str) -> list[ArtifactReading]:
        return [r for r in self.readings if r.kind == kind]

    def products(self, kind: str, name: str) -> list[tuple[ArtifactReading, Produced]]:
        """Every artifact ``name`` the analyzer of ``kind`` made (one per artifact read)."""
        out = []
        for item in self.of(kind):
            made = item.reading.product(name)
            if made is not None:
                out.append((item, made))
        return out


if TYPE_CHECKING:  # what context_for returns (for an audit's many artifacts)
    from wizard.evidence.protocol import Context


@dataclass(frozen=True)
class EvidenceDraft:
    """A snapshot of what the evidence would be: the one place evidence is previewed and applied.

    Made on the front end's thread (cheap), analysed anywhere (``analyse`` is pure
    and may run in a worker thread), then handed to ``Case.apply_evidence``.
    """

    pack: Pack
    artifacts: tuple[Artifact, ...]
    corrections: Mapping[str, str]
    facts: Mapping[str, FactValue]
    memo: dict[tuple[object, ...], Reading] | None = field(default=None, compare=False)
    """Readings already made, shared by several cases over the same artifacts (triage):
    an artifact is read once per analyzer and context, whichever pack asks."""

    def _analyze(self, analyzer: Analyzer, artifact: Artifact, context: Context) -> Reading:
        if self.memo is None:
            return analyzer.analyze(artifact.data, context)
        key = (
            analyzer.name,
            artifact.data,
            tuple(sorted(context.facts.items())),
            tuple(sorted(context.corrections.items())),
        )
        reading = self.memo.get(key)
        if reading is None:
            reading = self.memo[key] = analyzer.analyze(artifact.data, context)
        return reading

    def analyse(self) -> EvidenceAnalysis:
        """Run each kind's analyzer (those that read no facts first) on every artifact,
        then, for an analyzer with ``combine``, on all the kind's artifacts together."""
        from wizard.evidence.protocol import Combining, Context
        from wizard.evidence.registry import get

        pack = self.pack
        result = EvidenceAnalysis()
        if not self.artifacts:
            return result
        by_kind: dict[str, list[Artifact]] = {}
        for artifact in self.artifacts:
            by_kind.setdefault(artifact.kind, []).append(artifact)
        kinds = [k for k in pack.evidence if k in by_kind]
        analyzers = {k: get(pack.evidence[k].analyzer) for k in kinds}

        def reads_facts(kind: str) -> bool:
            analyzer = analyzers[kind]
            return analyzer is not None and bool(analyzer.reads)

        order = sorted(kinds, key=reads_facts)
        found: dict[str, list[str]] = {}
        readings: dict[str, list[ArtifactReading]] = {}
        for kind in order:
            analyzer = analyzers[kind]
            if analyzer is None:
                result.rejected.append(
                    f"{kind}: not read (analyzer '{pack.evidence[kind].analyzer}' is not installed)"
                )
                continue
            context = Context(
                {name: self._known(name, found) for name in analyzer.reads},
                dict(self.corrections),
            )
            several = len(by_kind[kind]) > 1
            items = []
            for artifact in by_kind[kind]:
                label = kind
                if several:
                    label = f"{kind}:{os.path.basename(artifact.name) or artifact.name}"
                reading = self._analyze(analyzer, artifact, context)
                items.append(ArtifactReading(artifact, reading, label))
            joint: dict[str, tuple[CombinedFinding, str]] = {}
            if isinstance(analyzer, Combining):
                combination = analyzer.combine([(item.label, item.reading) for item in items])
                items = _with_remarks(items, combination)
                joint = _cited(combination, items)
                if joint:
                    result.combined[kind] = joint
            readings[kind] = items
            _gather(found, items, joint)
        for kind in kinds:
            result.readings.extend(readings.get(kind, []))
        self._pick(result)
        return result

    def context_for(self, kind: str, analysis: EvidenceAnalysis) -> Context:
        """The context ``kind``'s analyzer gets in this case, for artifacts read outside it
        (a site's many artifacts of one kind, read one by one with the same context):
        every fact it reads from the case's facts and from ``analysis`` (this draft's
        ``analyse()``) of the other kinds. SessionError when no analyzer reads ``kind``."""
        from wizard.evidence.protocol import Context
        from wizard.evidence.registry import get

        ev = self.pack.evidence.get(kind)
        analyzer = get(ev.analyzer) if ev is not None else None
        if ev is None or analyzer is None:
            raise SessionError(f"no installed analyzer reads '{shown(kind)}'")
        found: dict[str, list[str]] = {}
        kinds = [k for k in self.pack.evidence if k != kind]
        for other in kinds:  # what analyse's loop finds, but from every other kind
            items = [item for item in analysis.readings if item.kind == other]
            _gather(found, items, analysis.combined.get(other, {}))
        return Context(
            {name: self._known(name, found) for name in analyzer.reads}, dict(self.corrections)
        )

    def _known(self, name: str, found: Mapping[str, list[str]]) -> tuple[str, ...]:
        """Every value known for the analyzer fact ``name``: the case's fact of that name
        (or of the pack fact renamed to it), then what earlier analyzers found."""
        values: list[str] = []
        pack_names = {name} | {
            fact
            for ev in self.pack.evidence.values()
            for fact, source in ev.renames.items()
            if source == name
        }
        for fact in sorted(pack_names):
            value = self.facts.get(fact)
            if value is not None:
                values.extend((value,) if isinstance(value, str) else value)
        values.extend(found.get(name, ()))
        return tuple(dict.fromkeys(values))

    def _pick(self, result: EvidenceAnalysis) -> None:
        """The pack's ``supplies`` of each kind, combined over the kind's artifacts:
        a list fact is the union (in order), another fact the first artifact's value."""
        pack = self.pack
        for kind, ev in pack.evidence.items():
            items = result.of(kind)
            if not items:
                continue
            for fact_name in ev.supplies:
                fact = pack.facts.get(fact_name)
                if fact is None:
                    continue
                source = ev.source_of(fact_name)
                joint = result.combined.get(kind, {}).get(source)
                if joint is not None:  # found in all the kind's artifacts together
                    combined, where = joint
                    try:
                        together = parse_value(fact, combined.value)
                    except ValueError as exc:
                        result.rejected.append(f"{where}: not used: {exc}")
                        continue
                    result.findings.append(Given(fact_name, together, where, combined.detail))
                    continue
                chosen: Given | None = None
                merged: list[str] = []
                for item in items:
                    finding = item.reading.report.fact(source)
                    if finding is None:
                        continue
                    where = f"{item.label}:{finding.line}"
                    try:
                        value = parse_value(fact, finding.value)
                    except ValueError as exc:
                        result.rejected.append(f"{where}: not used: {exc}")
                        continue
                    if chosen is None:
                        chosen = Given(fact_name, value, where, finding.detail)
                    elif isinstance(value, tuple):
                        pass
                    elif value != chosen.value:
                        result.rejected.append(
                            f"{where}: {fact_name} = {shown(value)} not used: "
                            f"{chosen.source} says {shown(str(chosen.value))}"
                        )
                    if isinstance(value, tuple):
                        merged.extend(value)
                if chosen is None:
                    continue
                if isinstance(chosen.value, tuple):
                    chosen = replace(chosen, value=tuple(dict.fromkeys(merged)))
                result.findings.append(chosen)


MAX_CITED = 12
"""At most this many artifact lines are named in one combined finding's provenance."""


def _with_remarks(items: list[ArtifactReading], combination: Combination) -> list[ArtifactReading]:
    """The readings with the remarks ``combine`` made about each added to its own."""
    extra: dict[int, list[Remark]] = {}
    for index, remark in combination.remarks:
        if 0 <= index < len(items):
            extra.setdefault(index, []).append(remark)
    out = list(items)
    for index, remarks in extra.items():
        item = out[index]
        report = item.reading.report
        report = replace(report, remarks=(*report.remarks, *remarks))
        out[index] = replace(item, reading=replace(item.reading, report=report))
    return out


def _cited(
    combination: Combination, items: list[ArtifactReading]
) -> dict[str, tuple[CombinedFinding, str]]:
    """Each combined finding with its provenance: ``LABEL:LINE`` of each place, in order."""
    out: dict[str, tuple[CombinedFinding, str]] = {}
    for finding in combination.findings:
        places = [p for p in finding.places if 0 <= p.reading < len(items)]
        if not places or finding.fact in out:
            continue
        cited = [f"{items[p.reading].label}:{p.line}" for p in places[:MAX_CITED]]
        if len(places) > MAX_CITED:
            cited.append(f"and {len(places) - MAX_CITED} more")
        out[finding.fact] = finding, ", ".join(cited)
    return out


@dataclass
class Case:
    """A whole case: the session, its evidence, its people and its verification."""

    pack: Pack
    session: Session
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    header: CaseHeader = field(default_factory=CaseHeader)
    artifacts: list[Artifact] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    """A person's corrections of analyzer table rows (row key -> value), e.g. the
    role of a server a script connects to."""
    verifications: list[Verification] = field(default_factory=list)
    passed: set[str] = field(default_factory=set)
    """Row questions the user passed over ("don't know"): not asked again."""
    drafts: Drafts = field(default_factory=Drafts)
    considered: tuple[ArticleState, ...] = ()
    """The articles triage considered, when the case was opened from triage (a snapshot
    the front end refreshes): its summary lists them with their status and why."""
    memo: dict[tuple[object, ...], Reading] | None = field(default=None, repr=False)
    """Shared readings of the same artifacts (see ``EvidenceDraft.memo``)."""
    _analysis: EvidenceAnalysis | None = field(default=None, repr=False)

    @classmethod
    def start(cls, pack: Pack, given: list[Given] | None = None) -> Case:
        return cls(pack, Session(pack, given or []))

    # --- evidence -------------------------------------------------------------

    def artifacts_of(self, kind: str) -> list[Artifact]:
        return [a for a in self.artifacts if a.kind == kind]

    def add_evidence(self, kind: str, data: bytes | str, name: str = "pasted") -> None:
        """Add (or replace, by kind and name) an artifact and re-read every artifact."""
        self.store_artifact(kind, data, name)
        self.refresh_evidence()

    def make_artifact(self, kind: str, data: bytes | str, name: str) -> Artifact:
        """An artifact of ``kind``; SessionError for a kind the pack does not read or too much."""
        if kind not in self.pack.evidence:
            known = ", ".join(self.pack.evidence) or "none"
            raise SessionError(f"unknown evidence kind '{shown(kind)}' (this pack reads: {known})")
        return Artifact.new(kind, data, name)

    def store_artifact(self, kind: str, data: bytes | str, name: str) -> None:
        """Store an artifact without re-reading yet (to add several, then read once).

        An artifact of the same kind and name is replaced; others of the kind are kept.
        """
        artifact = self.make_artifact(kind, data, name)
        self.artifacts = replaced(self.artifacts, artifact)

    def remove_evidence(self, kind: str, name: str | None = None) -> None:
        """Drop the artifacts of ``kind`` (only the one called ``name``, when given)."""
        kept = removed(self.artifacts, kind, name)
        if len(kept) != len(self.artifacts):
            self.artifacts = kept
            self.refresh_evidence()

    def set_correction(self, key: str, value: str | None) -> None:
        """Correct (or, with None, un-correct) an analyzer table row."""
        if value is None:
            self.corrections.pop(key, None)
        else:
            self.corrections[key] = value
        self.refresh_evidence()

    def correction_values(self, kind: str) -> tuple[str, ...]:
        """The values a person may give a row of the table of ``kind``'s analyzer."""
        from wizard.evidence.registry import get

        ev = self.pack.evidence.get(kind)
        analyzer = get(ev.analyzer) if ev is not None else None
        return tuple(analyzer.corrections) if analyzer is not None else ()

    def draft(
        self,
        replace_kinds: Mapping[str, Sequence[Artifact]] | None = None,
        corrections: Mapping[str, str] | None = None,
    ) -> EvidenceDraft:
        """The evidence as it would be with the artifacts of some kinds replaced.

        ``replace_kinds`` maps a kind to its new artifacts (empty: none left); the
        other kinds keep theirs. Cheap: call it on the front end's thread.
        """
        artifacts = list(self.artifacts)
        for kind, new in (replace_kinds or {}).items():
            artifacts = [a for a in artifacts if a.kind != kind] + list(new)
        return EvidenceDraft(
            self.pack,
            tuple(artifacts),
            dict(self.corrections if corrections is None else corrections),
            self.session.known_facts(),
            self.memo,
        )

    def apply_evidence(
        self, draft: EvidenceDraft, analysis: EvidenceAnalysis | None = None
    ) -> None:
        """Make ``draft`` the case's evidence (undoable); ``analysis`` is ``draft.analyse()``
        when it was run already (in a worker thread), so applying never re-reads."""
        if analysis is None:
            analysis = draft.analyse()
        self.artifacts = list(draft.artifacts)
        self.corrections = dict(draft.corrections)
        self._analysis = analysis
        sources = [f"{kind}:" for kind in self.pack.evidence]
        self.session.set_given(analysis.findings, replace_sources=sources)
        self.touch()

    def analysis(self) -> EvidenceAnalysis:
        if self._analysis is None:
            self._analysis = self.draft().analyse()
        return self._analysis

    def refresh_evidence(self) -> None:
        """Re-read the artifacts and hand their findings to the session (undoable)."""
        self._analysis = None
        self.apply_evidence(self.draft())

    # --- rows an analyzer asks about --------------------------------------------

    def row_questions(self) -> list[tuple[str, RowQuestion]]:
        """(kind, question) for each row an analyzer asks about, in the pack's order of kinds;
        a row corrected, or passed over, or whose fact is known, is not asked again.

        A question naming a fact the pack has a question for is asked in the pack's words.
        """
        from wizard.evidence.protocol import RowQuestion

        facts = self.session.known_facts()
        seen: set[str] = set()
        out: list[tuple[str, RowQuestion]] = []
        for item in self.analysis().readings:
            for question in item.reading.questions:
                key = f"{item.kind}\x00{question.key}"
                if key in seen or question.key in self.corrections or key in self.passed:
                    continue
                if question.fact is not None and question.fact in facts:
                    continue
                seen.add(key)
                pack_question = (
                    self.pack.question_for(question.fact) if question.fact is not None else None
                )
                if pack_question is not None:
                    question = RowQuestion(
                        question.key,
                        pack_question.text,
                        f"{question.why} {pack_question.why}".strip(),
                        tuple((c.value, c.label) for c in pack_question.choices),
                        question.line,
                        question.line_text,
                        question.current,
                        question.fact,
                    )
                elif question.fact is not None:
                    continue  # a fact the pack cannot ask for
                out.append((item.kind, question))
        return out

    def pending_row_question(self) -> tuple[str, RowQuestion] | None:
        """The row question to ask now: only once the walk has come to a fact its kind
        supplies, so a case other evidence settles first is never asked about rows."""
        questions = self.row_questions()
        if not questions:
            return None
        walk = self.session.walk()
        asked = {step.fact for step in walk.steps}
        if isinstance(walk.node, Question):
            asked.add(walk.node.fact)
        for kind, question in questions:
            if asked & set(self.pack.evidence[kind].supplies):
                return kind, question
        return None

    def answer_row_question(self, kind: str, question: RowQuestion, value: str | None) -> None:
        """Settle a row question; None passes it over (the analyzer's guess stays)."""
        if value is None:
            self.passed.add(f"{kind}\x00{question.key}")
            self.touch()
            return
        if question.fact is not None:  # checked against the fact, as any answer is
            self.session.set_given([Given(question.fact, value, "user")])
            self.refresh_evidence()
            return
        if value not in {v for v, _label in question.choices}:
            raise SessionError(f"'{shown(value)}' is not an answer here")
        self.set_correction(question.key, value)

    # --- what the fixes still need -------------------------------------------

    def state_fact(self, name: str, value: FactValue) -> None:
        """A person states ``name`` (``UNKNOWN``: they do not know it); undoable."""
        from wizard.engine.session import Given

        self.session.set_given([Given(name, value, "user")])
        self.touch()

    def facts_to_ask(self) -> list[str]:
        """Facts a shown fix's command needs that nobody gave or was asked for yet.

        Only facts the pack has a question for (its text says what to give): the
        wizard asks each once, whatever the pack; "don't know" is recorded, so it
        is not asked again (the fix then names what it still needs).
        """
        from wizard.engine.fixes import applicable_fixes
        from wizard.kb.templates import template_fields

        outcome = self.session.outcome
        if outcome is None or outcome.status != "confirmed":
            return []
        facts = self.session.known_facts()
        needed: dict[str, None] = {}
        for fix in applicable_fixes(self.pack, outcome, facts):
            for command in fix.commands:
                try:
                    needed.update(dict.fromkeys(template_fields(command)))
                except ValueError:
                    continue
        return [
            name
            for name in needed
            if name in self.pack.facts
            and name not in facts
            and self.session.recorded(name) is None
            and self.pack.question_for(name) is not None
        ]

    # --- verification ---------------------------------------------------------

    def verify(self, fix: str, verdict: Verdict, note: str | None = None) -> None:
        """Record a verdict as a new event: nothing earlier is overwritten.

        ``fixed`` and ``not-fixed`` are about fix ``fix``; ``escalated`` is about the whole
        case (recorded under ``ESCALATION``, whatever ``fix`` is).
        """
        if verdict not in VERDICTS:
            raise SessionError(f"verdict must be one of {', '.join(VERDICTS)}")
        subject = ESCALATION if verdict == "escalated" else fix
        self.verifications.append(
            Verification(subject, verdict, (note or "").strip() or None, now())
        )
        self.touch()

    def verdicts(self, fix: str) -> list[Verification]:
        """Every verdict on fix ``fix``, oldest first (escalations are the case's, not a fix's)."""
        return [v for v in self.verifications if v.fix == fix and v.verdict != "escalated"]

    @property
    def escalation(self) -> Verification | None:
        """The latest escalation of the case (older sessions recorded it under a fix's id)."""
        return next((v for v in reversed(self.verifications) if v.verdict == "escalated"), None)

    def touch(self) -> None:
        self.updated = now()

    @property
    def facts(self) -> dict[str, FactValue]:
        return self.session.known_facts()

    # --- persistence ----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "header": self.header.to_dict(),
            "session": self.session.to_dict(),
            "artifacts": [a.to_dict() for a in self.artifacts],
            "role_overrides": dict(self.corrections),
            "rows_passed": sorted(self.passed),
            "verifications": [v.to_dict() for v in self.verifications],
            "drafts": self.drafts.to_dict(),
            **({"considered": [a.to_dict() for a in self.considered]} if self.considered else {}),
        }

    @classmethod
    def from_dict(cls, pack: Pack, data: Mapping[str, Any]) -> Case:
        """Rebuild a saved case; SessionError (one line) when it cannot be used.

        Every field is checked for its type (and artifacts, roles and verdicts
        against what they may be), so a damaged file fails here, not in a report.
        """
        if data.get("format") != FORMAT_VERSION:
            raise SessionError(f"saved case has unknown format {shown(repr(data.get('format')))}")
        try:
            session = Session.from_dict(pack, fields.mapping(data, "session"))
            header = fields.mapping(data, "header")
            created = fields.text(data, "created")
            case = cls(
                pack,
                session,
                id=fields.text(data, "id"),
                created=created,
                updated=fields.text(data, "updated", created),
                header=CaseHeader.from_dict(header),
                artifacts=_artifacts(pack, fields.items(data, "artifacts")),
                corrections=read_corrections(fields.mapping(data, "role_overrides")),
                passed=read_passed(data.get("rows_passed", [])),
                verifications=[_verification(pack, v) for v in fields.items(data, "verifications")],
                drafts=Drafts.from_dict(data.get("drafts")),
                considered=tuple(
                    ArticleState.from_dict(a) for a in _list_of(data.get("considered", []))
                ),
            )
        except SessionError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError(f"saved case is damaged ({fields.reason(exc)})") from None
        return case


# --- reading a saved case -----------------------------------------------------------


def _list_of(raw: Any) -> list[Any]:
    if not isinstance(raw, list) or len(raw) > MAX_CONSIDERED:
        raise TypeError("'considered' is not a list of articles")
    return raw


MAX_CONSIDERED = 10_000
"""Articles a saved case may list as considered (a knowledge base of a few hundred)."""


def _artifacts(pack: Pack, raw: list[Mapping[str, Any]]) -> list[Artifact]:
    out: list[Artifact] = []
    for item in raw:
        out = replaced(out, Artifact.from_dict(item, pack.evidence.__contains__, "the pack"))
    return out


def replaced(artifacts: list[Artifact], artifact: Artifact) -> list[Artifact]:
    """``artifacts`` with ``artifact`` in place of the one of the same kind and name."""
    for index, old in enumerate(artifacts):
        if old.kind == artifact.kind and old.name == artifact.name:
            return [*artifacts[:index], artifact, *artifacts[index + 1 :]]
    return [*artifacts, artifact]


def removed(artifacts: list[Artifact], kind: str, name: str | None) -> list[Artifact]:
    """``artifacts`` without those of ``kind`` (only the one called ``name``, when given)."""
    return [a for a in artifacts if not (a.kind == kind and (name is None or a.name == name))]


def read_passed(raw: Any) -> set[str]:
    """The row questions passed over, as saved (a list of keys)."""
    return set(fields.names(raw, "rows_passed"))


MAX_CORRECTION_TEXT = 1024


def read_corrections(raw: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or len(value) > MAX_CORRECTION_TEXT or not value:
            raise ValueError(f"'{shown(str(value))[:60]}' is not a correction")
        if len(key) > MAX_CORRECTION_TEXT:
            raise ValueError("a correction's key is too long")
        out[key] = value
    return out


def _verification(pack: Pack, raw: Mapping[str, Any]) -> Verification:
    fix = fields.text(raw, "fix")
    verdict = raw.get("verdict")
    if verdict not in VERDICTS:
        raise ValueError(f"'{shown(str(verdict))}' is not a verdict")
    if fix not in pack.fixes and not (fix == ESCALATION and verdict == "escalated"):
        raise ValueError(f"'{shown(fix)}' is not a fix of the pack")
    return Verification(fix, verdict, fields.note(raw), fields.text(raw, "time"))


def _gather(
    found: dict[str, list[str]],
    items: Iterable[ArtifactReading],
    joint: Mapping[str, tuple[CombinedFinding, str]],
) -> None:
    """Add to ``found`` what one kind's readings give later analyzers: each finding's
    values and each offer, except the facts its combined findings (``joint``) stand for,
    which are added once from those."""
    for item in items:
        for finding in item.reading.report.findings:
            if finding.fact in joint:
                continue  # the kind's combined value stands for it (below)
            value = finding.value
            found.setdefault(finding.fact, []).extend((value,) if isinstance(value, str) else value)
        for name, values in item.reading.offers.items():
            found.setdefault(name, []).extend(values)
    for name, (combined, _) in joint.items():
        value = combined.value
        found.setdefault(name, []).extend((value,) if isinstance(value, str) else value)
