"""Evidence analyzers: pasted NetWare artifacts -> facts with provenance, and fixes.

Provides the three analyzers (login script, cluster load script, SET
parameters), the login-script reorder fix, tolerant decoding of pasted text,
and ``analyze``, which dispatches on the evidence kind names the packs use.
Everything here is pure: no printing, no UI, never raising on bad input.
"""

from __future__ import annotations

from .load_script import LoadScriptAnalysis, analyze_load_script, context_from
from .login_script import LoginScriptAnalysis, Mapping, analyze_login_script
from .model import EvidenceReport, Finding, Remark, Role, SiteContext
from .reorder import Reordering, reorder_login_script
from .set_parameters import SetParametersAnalysis, analyze_set_parameters
from .text import DecodedText, SourceLine, decode

KINDS = ("login-script", "load-script", "set-parameters")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
"""Documented size limit for one artifact; callers refuse larger input before analysing."""

_NO_CONTEXT = SiteContext()


def analyze(kind: str, data: bytes | str, context: SiteContext = _NO_CONTEXT) -> EvidenceReport:
    """Run the analyzer for ``kind`` (one of ``KINDS``); ValueError for an unknown kind.

    ``context`` is used by the login-script analyzer only.
    """
    if kind == "login-script":
        return analyze_login_script(data, context).report
    if kind == "load-script":
        return analyze_load_script(data).report
    if kind == "set-parameters":
        return analyze_set_parameters(data).report
    raise ValueError(f"unknown evidence kind {kind!r}; expected one of {', '.join(KINDS)}")


__all__ = [
    "KINDS",
    "MAX_EVIDENCE_BYTES",
    "DecodedText",
    "EvidenceReport",
    "Finding",
    "LoadScriptAnalysis",
    "LoginScriptAnalysis",
    "Mapping",
    "Remark",
    "Reordering",
    "Role",
    "SetParametersAnalysis",
    "SiteContext",
    "SourceLine",
    "analyze",
    "analyze_load_script",
    "analyze_login_script",
    "analyze_set_parameters",
    "context_from",
    "decode",
    "reorder_login_script",
]
