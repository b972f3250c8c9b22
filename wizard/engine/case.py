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
        if verdict not in VERDICTS:
            raise SessionError(f"verdict must be one of {', '.join(VERDICTS)}")
        self.verifications.append(Verification(fix, verdict, (note or "").strip() or None, now()))
        self.touch()

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
        }

    @classmethod
    def from_dict(cls, pack: Pack, data: Mapping[str, Any]) -> Case:
        """Rebuild a saved case; SessionError (one line) when it cannot be used."""
        if data.get("format") != FORMAT_VERSION:
            raise SessionError(f"saved case has unknown format {data.get('format')!r}")
        try:
            session = Session.from_dict(pack, data["session"])
            header = data.get("header", {})
            case = cls(
                pack,
                session,
                id=str(data["id"]),
                created=str(data["created"]),
                updated=str(data.get("updated", data["created"])),
                header=CaseHeader(
                    str(header.get("reference", "")),
                    str(header.get("agent", "")),
                    str(header.get("contact", "")),
                ),
                artifacts={
                    a["kind"]: Artifact(
                        a["kind"], base64.b64decode(a["data"]), a["name"], a["added"]
                    )
                    for a in data.get("artifacts", [])
                },
                role_overrides=dict(data.get("role_overrides", {})),
                verifications=[
                    Verification(v["fix"], v["verdict"], v.get("note"), v["time"])
                    for v in data.get("verifications", [])
                ],
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, SessionError):
                raise
            raise SessionError(f"saved case is damaged ({type(exc).__name__}: {exc})") from None
        return case
