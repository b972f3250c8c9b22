"""Result types shared by every analyzer.

Provides the vocabulary every analyzer answers in: a ``Finding`` (one fact the
artifact supplies, with the line that decided it), a ``Remark`` (something worth
telling the user that is not a fact), and the ``EvidenceReport`` that bundles them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Finding:
    """One fact an artifact supplies, with the line that decided it (provenance)."""

    fact: str
    value: str | tuple[str, ...]
    line: int
    detail: str


@dataclass(frozen=True)
class Remark:
    """Something worth telling the user that is not a fact (caveats, doubts)."""

    line: int | None
    level: Literal["info", "warning"]
    text: str


def escape_remarks(data: bytes | str, lines: Iterable[tuple[int, str]]) -> tuple[Remark, ...]:
    """A warning when the text holds ESC (a terminal escape): a paste that went through a
    terminal may be scrambled, so the user is told which lines to check, never left guessing.

    ``data`` is the artifact as given: without an ESC byte in it (one C-level search, in
    every encoding the decoder reads) the lines are not looked at.
    """
    has_escape = b"\x1b" in data if isinstance(data, bytes) else "\x1b" in data
    if not has_escape:
        return ()
    found = [number for number, text in lines if "\x1b" in text]
    if not found:
        return ()
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    where = f" (lines {', '.join(str(n) for n in found[:5])}{more})" if len(found) > 1 else ""
    return (
        Remark(
            found[0],
            "warning",
            f"the text holds terminal escape characters (ESC, shown as \\x1b){where}: it may "
            "have been scrambled on its way here; check these lines against the original",
        ),
    )


@dataclass(frozen=True)
class EvidenceReport:
    """What one analyzer made of one artifact; never fatal, always complete."""

    kind: str
    findings: tuple[Finding, ...]
    unrecognised: tuple[tuple[int, str], ...]
    remarks: tuple[Remark, ...]
    encoding: str

    def fact(self, name: str) -> Finding | None:
        """The finding for fact ``name``, or None when the artifact does not supply it."""
        for finding in self.findings:
            if finding.fact == name:
                return finding
        return None
