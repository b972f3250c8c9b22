"""Evidence: the analyzer protocol, the plugin registry, and what every analyzer shares.

Provides the analyzer protocol (``protocol``: what a plugin declares, is given
and returns), the registry that finds analyzers through the entry-point group
``kbwizard.analyzers`` (``registry``), the result types (``model``: findings,
remarks, the report) and tolerant decoding of pasted text (``text``). No
analyzer lives here: the bundled ones are plugins in ``wizard.analyzers``.
"""

from __future__ import annotations

from wizard.safeio import MAX_EVIDENCE_BYTES

__all__ = ["MAX_EVIDENCE_BYTES"]
