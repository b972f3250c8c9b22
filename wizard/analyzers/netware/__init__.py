"""The NetWare analyzers: pasted NetWare artifacts -> facts with provenance, and fixes.

Provides the three analyzers (login script, cluster load script, SET
parameters) and the login-script reorder fix, as plain functions (their
plugins, what packs name, are in ``plugins``), and ``analyze``, which
dispatches on the reference pack's evidence kind names (for tests and
benchmarks). Everything here is pure: no printing, no UI, never raising on bad
input. Nothing in ``wizard`` outside ``wizard.analyzers`` imports this.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.evidence.model import EvidenceReport, Finding, Remark
    from wizard.evidence.text import DecodedText, SourceLine, decode

    from .load_script import LoadScriptAnalysis, analyze_load_script, context_from
    from .login_script import LoginScriptAnalysis, Mapping, analyze_login_script
    from .model import Role, SiteContext
    from .reorder import Reordering, reorder_login_script
    from .set_parameters import SetParametersAnalysis, analyze_set_parameters

from wizard.safeio import MAX_EVIDENCE_BYTES

KINDS = ("login-script", "load-script", "set-parameters")

_EXPORTS = {
    "LoadScriptAnalysis": "load_script",
    "analyze_load_script": "load_script",
    "context_from": "load_script",
    "LoginScriptAnalysis": "login_script",
    "Mapping": "login_script",
    "analyze_login_script": "login_script",
    "Role": "model",
    "SiteContext": "model",
    "Reordering": "reorder",
    "reorder_login_script": "reorder",
    "SetParametersAnalysis": "set_parameters",
    "analyze_set_parameters": "set_parameters",
}


def __getattr__(name: str) -> Any:
    """Import an analyzer only when it is used: `diagnose` with facts alone loads none."""
    module = _EXPORTS.get(name)
    if module is None:
        if name in _GENERIC:
            return getattr(importlib.import_module(_GENERIC[name]), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


_GENERIC = {
    "EvidenceReport": "wizard.evidence.model",
    "Finding": "wizard.evidence.model",
    "Remark": "wizard.evidence.model",
    "DecodedText": "wizard.evidence.text",
    "SourceLine": "wizard.evidence.text",
    "decode": "wizard.evidence.text",
}


def analyze(kind: str, data: bytes | str, context: SiteContext | None = None) -> EvidenceReport:
    """Run the analyzer for ``kind`` (one of ``KINDS``); ValueError for an unknown kind.

    ``context`` is used by the login-script analyzer only.
    """
    from .load_script import analyze_load_script
    from .login_script import analyze_login_script
    from .model import SiteContext
    from .set_parameters import analyze_set_parameters

    context = context if context is not None else SiteContext()
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
