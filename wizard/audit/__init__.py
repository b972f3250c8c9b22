"""Provides the fleet audit: one evidence kind read from many artifacts of a site at once.

What is audited is the pack's ``audit:`` declaration (``wizard.kb.model.AuditSpec``):
the evidence kind, the fact counted per artifact, the values at risk, the corrected
artifact ``--write-fixed`` writes and the directory attribute of an LDIF export.
Nothing here names a pack, a fact or an evidence kind.

- ``sources``: the artifacts of a folder (walked), of an LDIF export (streamed, one
  record at a time) or of one file, each an ``Item`` with its bytes or its error;
- ``core``: the site's context built once, the kind's analyzer run on each item, one
  small ``Result`` kept per item, stop and progress hooks;
- ``fixed``: ``--write-fixed`` (one corrected file per file, or one LDIF of
  ``changetype: modify`` records);
- ``render``: the report as JSON, Markdown, HTML or CSV, written in pieces.
"""

FORMATS: dict[str, str] = {
    "json": "json",
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
    "htm": "html",
    "csv": "csv",
}
"""Every report format name ``audit`` accepts -> the canonical format (here, so the
command line knows them without importing the audit)."""
