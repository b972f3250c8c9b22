"""Provides the Case: one troubleshooting case, everything a person gave it, serialisable.

A Case joins the generic Session with what is specific to a site: the
pasted artifacts (kept byte-for-byte), the facts the analyzers read from them
(with ``kind:line`` provenance), the user's role corrections, the case header
and the verification results. Front ends drive a Case; the report module
turns one into a summary.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from wizard.engine.session import Given, Session, SessionError, now
from wizard.evidence import KINDS, MAX_EVIDENCE_BYTES
from wizard.kb.model import FactValue, Pack
from wizard.kb.values import parse_value, shown

if TYPE_CHECKING:
    # The analyzers are imported when evidence is read, not to decide on facts alone.
    from wizard.evidence import (
        LoadScriptAnalysis,
        LoginScriptAnalysis,
        Reordering,
        Role,
        SetParametersAnalysis,
        SiteContext,
    )
    from wizard.evidence.model import EvidenceReport

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


@dataclass(frozen=True)
class Artifact:
    """A pasted or loaded piece of evidence, kept exactly as given."""

    kind: str
    data: bytes
    name: str
    added: str


@dataclass(frozen=True)
class Verification:
    """What the user reported after applying a fix."""

    fix: str
    verdict: Verdict
    note: str | None
    time: str


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
    """Every analyzer's view of the current artifacts."""

    login: LoginScriptAnalysis | None = None
    load: LoadScriptAnalysis | None = None
    settings: SetParametersAnalysis | None = None
    reordering: Reordering | None = None
    rejected: list[str] = field(default_factory=list)
    """Findings whose value the pack's fact cannot take (said, not used)."""

    def reports(self) -> list[EvidenceReport]:
        found = [a.report for a in (self.login, self.load, self.settings) if a is not None]
        return sorted(found, key=lambda r: KINDS.index(r.kind))

    def findings(self) -> list[Given]:
        return [
            Given(f.fact, f.value, f"{report.kind}:{f.line}", f.detail)
            for report in self.reports()
            for f in report.findings
        ]


@dataclass
class Case:
    """A whole case: the session, its evidence, its people and its verification."""

    pack: Pack
    session: Session
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    header: CaseHeader = field(default_factory=CaseHeader)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    role_overrides: dict[str, Role] = field(default_factory=dict)
    verifications: list[Verification] = field(default_factory=list)
    drafts: Drafts = field(default_factory=Drafts)
    _analysis: EvidenceAnalysis | None = field(default=None, repr=False)

    @classmethod
    def start(cls, pack: Pack, given: list[Given] | None = None) -> Case:
        return cls(pack, Session(pack, given or []))

    # --- evidence -------------------------------------------------------------

    def add_evidence(self, kind: str, data: bytes | str, name: str = "pasted") -> None:
        """Add (or replace) the artifact of ``kind`` and re-read every artifact."""
        self.store_artifact(kind, data, name)
        self.refresh_evidence()

    def store_artifact(self, kind: str, data: bytes | str, name: str) -> None:
        """Store an artifact without re-reading yet (to add several, then read once)."""
        if kind not in self.pack.evidence:
            known = ", ".join(self.pack.evidence) or "none"
            raise SessionError(f"unknown evidence kind '{shown(kind)}' (this pack reads: {known})")
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if len(raw) > MAX_EVIDENCE_BYTES:
            raise SessionError(
                f"{name}: {len(raw)} bytes is over the {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB "
                "limit for one artifact"
            )
        self.artifacts[kind] = Artifact(kind, raw, name, now())

    def remove_evidence(self, kind: str) -> None:
        if self.artifacts.pop(kind, None) is not None:
            self.refresh_evidence()

    def set_role(self, server: str, role: Role | None) -> None:
        """Correct (or, with None, un-correct) the role of a login-script target."""
        key = server.upper()
        if role is None:
            self.role_overrides.pop(key, None)
        else:
            self.role_overrides[key] = role
        self.refresh_evidence()

    def site_context(self, load: LoadScriptAnalysis | None = None) -> SiteContext:
        """What is known of the site, to classify login-script targets."""
        from wizard.evidence import SiteContext, context_from

        facts = self.session.known_facts()

        def names(fact: str) -> frozenset[str]:
            value = facts.get(fact, ())
            items = (value,) if isinstance(value, str) else value
            return frozenset(v.upper() for v in items if v)

        context = SiteContext(
            node_names=names("node_names"),
            virtual_servers=names("virtual_servers"),
            virtual_ips=names("virtual_ips"),
            node_ips=names("primary_ip"),
            role_overrides=dict(self.role_overrides),
        )
        if load is not None:
            context = context.merged(context_from(load))
        return context

    def analysis(self) -> EvidenceAnalysis:
        if self._analysis is None:
            self._analysis = self._analyse()
        return self._analysis

    def _analyse(self) -> EvidenceAnalysis:
        if not self.artifacts:
            return EvidenceAnalysis()
        from wizard.evidence import (
            SiteContext,
            analyze_load_script,
            analyze_login_script,
            analyze_set_parameters,
            reorder_login_script,
        )

        result = EvidenceAnalysis()
        if "load-script" in self.artifacts:
            result.load = analyze_load_script(self.artifacts["load-script"].data)
        if "set-parameters" in self.artifacts:
            result.settings = analyze_set_parameters(self.artifacts["set-parameters"].data)
        if "login-script" in self.artifacts:
            context = self.site_context(result.load)
            if result.settings is not None and result.settings.primary_ip:
                context = context.merged(
                    SiteContext(node_ips=frozenset({result.settings.primary_ip}))
                )
            result.login = analyze_login_script(self.artifacts["login-script"].data, context)
            result.reordering = reorder_login_script(result.login)
        return result

    def refresh_evidence(self) -> None:
        """Re-read the artifacts and hand their findings to the session (undoable)."""
        self._analysis = None
        analysis = self.analysis()
        usable: list[Given] = []
        for finding in analysis.findings():
            fact = self.pack.facts.get(finding.fact)
            if fact is None:
                continue
            try:
                usable.append(replace(finding, value=parse_value(fact, finding.value)))
            except ValueError as exc:
                analysis.rejected.append(f"{finding.source}: not used: {exc}")
        sources = [f"{kind}:" for kind in KINDS]
        self.session.set_given(usable, replace_sources=sources)
        self.touch()

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
            "header": {
                "reference": self.header.reference,
                "agent": self.header.agent,
                "contact": self.header.contact,
            },
            "session": self.session.to_dict(),
            "artifacts": [
                {
                    "kind": a.kind,
                    "name": a.name,
                    "added": a.added,
                    "data": base64.b64encode(a.data).decode("ascii"),
                }
                for a in self.artifacts.values()
            ],
            "role_overrides": dict(self.role_overrides),
            "verifications": [
                {"fix": v.fix, "verdict": v.verdict, "note": v.note, "time": v.time}
                for v in self.verifications
            ],
            "drafts": self.drafts.to_dict(),
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
            session = Session.from_dict(pack, _mapping(data, "session"))
            header = _mapping(data, "header")
            created = _text(data, "created")
            case = cls(
                pack,
                session,
                id=_text(data, "id"),
                created=created,
                updated=_text(data, "updated", created),
                header=CaseHeader(
                    _text(header, "reference", ""),
                    _text(header, "agent", ""),
                    _text(header, "contact", ""),
                ),
                artifacts={
                    a.kind: a for a in map(partial(_artifact, pack), _items(data, "artifacts"))
                },
                role_overrides=_roles(_mapping(data, "role_overrides")),
                verifications=[_verification(pack, v) for v in _items(data, "verifications")],
                drafts=Drafts.from_dict(data.get("drafts")),
            )
        except SessionError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError(f"saved case is damaged ({_reason(exc)})") from None
        return case


# --- reading a saved case -----------------------------------------------------------


def _mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise TypeError(f"'{key}' is not a mapping")
    return value


def _items(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError(f"'{key}' is not a list of mappings")
    return value


def _text(raw: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = raw[key] if default is None else raw.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"'{key}' is not text")
    return value


def _artifact(pack: Pack, raw: Mapping[str, Any]) -> Artifact:
    kind = _text(raw, "kind")
    if kind not in pack.evidence:
        raise ValueError(f"'{shown(kind)}' is not an evidence kind of the pack")
    encoded = _text(raw, "data")
    if len(encoded) > (MAX_EVIDENCE_BYTES // 3 + 1) * 4:
        raise ValueError(f"the {kind} artifact is over the size limit")
    data = base64.b64decode(encoded, validate=True)
    return Artifact(kind, data, _text(raw, "name"), _text(raw, "added"))


def _roles(raw: Mapping[str, Any]) -> dict[str, Role]:
    from wizard.evidence.model import ROLES

    roles: dict[str, Role] = {}
    for server, role in raw.items():
        if role not in ROLES:
            raise ValueError(f"'{shown(str(role))}' is not a role")
        roles[server] = role
    return roles


def _verification(pack: Pack, raw: Mapping[str, Any]) -> Verification:
    fix = _text(raw, "fix")
    verdict = raw.get("verdict")
    if verdict not in VERDICTS:
        raise ValueError(f"'{shown(str(verdict))}' is not a verdict")
    if fix not in pack.fixes and not (fix == ESCALATION and verdict == "escalated"):
        raise ValueError(f"'{shown(fix)}' is not a fix of the pack")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise TypeError("'note' is not text")
    return Verification(fix, verdict, note, _text(raw, "time"))


def _reason(exc: Exception) -> str:
    """An exception as one short line for the user."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__
