"""Provides the audit run: the site's context built once, then every artifact read by the
audited kind's analyzer, one small ``Result`` kept per artifact.

The site comes from ``--fact``/``--evidence`` as ``diagnose`` takes them
(``wizard.engine.intake``): each installed pack that knows a given fact or kind gets its
own unattended diagnosis (``site``), and the audited pack's case gives the analyzer the
context it would have in the wizard (``EvidenceDraft.context_for``). Per artifact only
the source, the fact's value, the deciding lines, whether a corrected artifact exists
and the error are kept; a diff a report shows goes to a temporary spool file on disk,
so memory does not grow with the artifacts' size.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from wizard.engine.intake import Intake, build_case
from wizard.engine.session import SessionError
from wizard.kb.model import AuditSpec, Pack
from wizard.kb.values import shown

if TYPE_CHECKING:
    from wizard.audit.fixed import FixedWriter
    from wizard.audit.sources import Item
    from wizard.evidence.protocol import Analyzer, Context
    from wizard.evidence.text import DecodedText

SCHEMA_VERSION = 1
"""Version of the audit JSON layout."""

UNDECIDED = "undecided"
"""The summary's count of artifacts read whose fact stayed unknown."""
UNREAD = "unread"
"""The summary's count of artifacts that could not be read (each has its error)."""

MAX_DECIDING = 8
"""Deciding lines kept per artifact (the report says how many more there were)."""
MAX_LINE_CHARS = 300
"""Characters of one deciding line kept."""
MAX_DETAIL_CHARS = 1000
"""Characters of the analyzer's reason kept."""

# Characters that do not occur in text: ASCII controls but tab, LF, FF, CR, and DEL.
_NEWLINE = re.compile(r"\r\n|\r|\n")
"""A line end, as ``wizard.evidence.text`` splits lines."""
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_TEXT_BYTES = bytes(0 if _BINARY_BYTES.match(bytes([b])) else 1 for b in range(256))
"""Byte -> 0 for the bytes ``_BINARY_BYTES`` matches, 1 for the others (``translate``)."""
_SAMPLE = 64 * 1024

SPOOL_BUFFER = 1024 * 1024
"""Bytes of diffs the spool holds before writing them out (and reads back at a time):
one system call per hundred diffs, not one or two per diff."""

MAX_MEMO = 100_000
"""Readings of distinct artifacts remembered (a few hundred bytes each)."""
MAX_MEMO_BYTES = 32 * 1024 * 1024
"""Bytes of corrected artifacts remembered for ``--write-fixed`` (beyond: read again)."""


@dataclass(frozen=True, slots=True)
class Result:
    """What the audit keeps of one artifact."""

    source: str
    origin: str
    value: str | None
    """The audited fact's value (None: undecided, or not read)."""
    deciding: tuple[tuple[int, str], ...] = ()
    """(line, text) of the lines that decided it, at most ``MAX_DECIDING``."""
    more_deciding: int = 0
    detail: str = ""
    """The analyzer's reason for the value, in words (undecided: its first warning, else
    its last remark: what it would need)."""
    corrected: bool = False
    note: str = ""
    """Why no corrected artifact could be made (when the analyzer says)."""
    error: str | None = None
    location: str = ""
    written: str = ""
    """Where ``--write-fixed`` put its corrected artifact ('' : nowhere)."""
    write_error: str = ""
    """Why ``--write-fixed`` could not write it ('' : no problem)."""
    diff: tuple[int, int] | None = None
    """(offset, length) of its diff in the run's spool (None: no diff kept)."""


@dataclass(frozen=True, slots=True)
class _Analysed:
    """What the audit keeps of one analysis (shared by identical artifacts)."""

    value: str | None
    deciding: tuple[tuple[int, str], ...]
    more: int
    detail: str
    corrected: bool
    note: str
    fixed: bytes | None
    diff: tuple[int, int] | None


@dataclass(frozen=True)
class SiteArticle:
    """One installed pack's unattended diagnosis of the site's configuration."""

    pack: str
    title: str
    status: str
    diagnosis: str
    missing: tuple[str, ...]
    facts: tuple[str, ...]
    """The given facts and evidence kinds it was told (the ones it knows)."""


@dataclass
class AuditRun:
    """Every result of a run, in input order, and what the summary needs."""

    pack: Pack
    spec: AuditSpec
    site: list[SiteArticle]
    inputs: list[str]
    results: list[Result] = field(default_factory=list)
    partial: bool = False
    spool: IO[bytes] | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The fact's values in the pack's order, the at-risk ones first."""
        fact = self.pack.facts[self.spec.fact]
        risky = tuple(v for v in fact.values if v in self.spec.at_risk)
        return risky + tuple(v for v in fact.values if v not in self.spec.at_risk)

    def summary(self) -> dict[str, int]:
        """Count per value of the fact, then ``undecided`` and ``unread``."""
        counts = dict.fromkeys(self.values, 0)
        counts[UNDECIDED] = 0
        counts[UNREAD] = 0
        for result in self.results:
            if result.error is not None:
                counts[UNREAD] += 1
            elif result.value is None:
                counts[UNDECIDED] += 1
            else:
                counts[result.value] = counts.get(result.value, 0) + 1
        return counts

    @property
    def errors(self) -> int:
        """Artifacts not read, or whose corrected artifact could not be written."""
        return sum(1 for r in self.results if r.error is not None or r.write_error)

    def at_risk(self, result: Result) -> bool:
        return result.error is None and result.value in self.spec.at_risk

    def diff_text(self, result: Result) -> str:
        """The diff kept for ``result`` ('' when none)."""
        if result.diff is None or self.spool is None:
            return ""
        offset, length = result.diff
        self.spool.seek(offset)
        return self.spool.read(length).decode("utf-8", "replace")

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def audited_pack(packs: Iterable[Pack], wanted: str | None) -> Pack:
    """The pack whose ``audit:`` the run follows: ``wanted``, else the only one with one."""
    candidates = [p for p in packs if p.audit is not None]
    if wanted:
        for pack in candidates:
            if pack.id == wanted:
                return pack
        raise SessionError(f"pack '{shown(wanted)}' declares no audit")
    if not candidates:
        raise SessionError("no installed pack declares an audit")
    if len(candidates) > 1:
        names = ", ".join(p.id for p in candidates)
        raise SessionError(f"several packs declare an audit ({names}): choose one with --pack")
    return candidates[0]


def check_intake(packs: Iterable[Pack], intake: Intake) -> None:
    """SessionError for a fact or evidence kind no installed pack knows."""
    packs = list(packs)
    for name, _value, _source in intake.facts:
        if not any(name in p.facts for p in packs):
            known = ", ".join(sorted({f for p in packs for f in p.facts}))
            raise SessionError(f"unknown fact '{shown(name)}' (known: {known})")
    for kind, _path in intake.evidence:
        if not any(kind in p.evidence for p in packs):
            known = ", ".join(sorted({k for p in packs for k in p.evidence})) or "none"
            raise SessionError(f"unknown evidence kind '{shown(kind)}' (known: {known})")


def _for_pack(pack: Pack, intake: Intake) -> Intake:
    """The part of ``intake`` that ``pack`` knows."""
    return Intake(
        pack=pack.id,
        facts=[f for f in intake.facts if f[0] in pack.facts],
        evidence=[e for e in intake.evidence if e[0] in pack.evidence],
        notes={k: v for k, v in intake.notes.items() if k in pack.facts},
        header=intake.header,
    )


_ORDER = {"confirmed": 0, "undecided": 1, "in-progress": 1, "ruled-out": 2}


def site_articles(packs: Iterable[Pack], intake: Intake) -> list[SiteArticle]:
    """The unattended diagnosis of each pack that knows a fact or evidence kind of
    ``intake``, from what it knows of it: confirmed first, then undecided (fewest
    missing first), then ruled out."""
    from wizard.report.summary import summarize

    out: list[SiteArticle] = []
    for pack in packs:
        mine = _for_pack(pack, intake)
        told = tuple(dict.fromkeys([f[0] for f in mine.facts] + [e[0] for e in mine.evidence]))
        if not told:
            continue  # the configuration says nothing this pack knows
        summary = summarize(build_case(pack, mine), unattended=True)
        out.append(
            SiteArticle(
                pack.id,
                pack.title,
                summary.outcome_status,
                summary.diagnosis,
                tuple(m.fact for m in summary.missing),
                told,
            )
        )
    out.sort(key=lambda a: (_ORDER.get(a.status, 3), len(a.missing)))
    return out


class Auditor:
    """Reads artifacts of the pack's audited kind with the site's context, one at a time."""

    def __init__(self, pack: Pack, intake: Intake, keep_diffs: bool) -> None:
        from wizard.evidence.registry import get

        assert pack.audit is not None
        self.pack = pack
        self.spec: AuditSpec = pack.audit
        self.kind = pack.evidence[self.spec.evidence]
        analyzer = get(self.kind.analyzer)
        if analyzer is None:
            raise SessionError(
                f"the analyzer '{shown(self.kind.analyzer)}' of '{self.spec.evidence}' "
                "is not installed"
            )
        self.analyzer: Analyzer = analyzer
        case = build_case(pack, _for_pack(pack, intake))
        context = case.draft().context_for(self.spec.evidence, case.analysis())
        self.source_fact = self.kind.source_of(self.spec.fact)
        self.keep_diffs = keep_diffs and bool(self.spec.diff)
        wanted = (self.spec.artifact, self.spec.diff if self.keep_diffs else "")
        # Only the findings and these products are used: the analyzer may skip the rest.
        self.context: Context = replace(context, brief=tuple(w for w in wanted if w))
        self.memo: dict[bytes, _Analysed] = {}
        self.memo_bytes = 0

    def read(self, item: Item, spool: IO[bytes] | None, fixed: FixedWriter | None) -> Result:
        """The result for one item; never raises for anything in the item.

        An artifact byte-for-byte identical to one read before (a directory holds the
        same container script many times) is not analysed again: the analyzer is pure
        and the context the same, so its reading is too. Bounded: ``MAX_MEMO`` readings
        and ``MAX_MEMO_BYTES`` of corrected artifacts are kept.
        """
        data = item.data
        if data is None:
            return Result(item.source, item.origin, None, error=item.error, location=item.location)
        problem = _not_text(data)
        if problem:
            return Result(item.source, item.origin, None, error=problem, location=item.location)
        key = hashlib.sha256(data).digest()[:16]  # in hardware (SHA-NI): ~2x blake2b
        seen = self.memo.get(key)
        if seen is None or (fixed is not None and seen.corrected and seen.fixed is None):
            try:
                seen = self.analyse(data, spool, keep_fixed=fixed is not None)
            except Exception as exc:  # a plugin's bug is this artifact's error, not the run's
                reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
                error = f"the analyzer failed: {reason}"
                return Result(item.source, item.origin, None, error=error, location=item.location)
            self.remember(key, seen)
        written = ""
        write_error = ""
        if seen.fixed is not None and fixed is not None:
            from wizard.atomic import WriteError

            try:
                written = fixed.write(item, seen.fixed)
            except WriteError as exc:
                write_error = " ".join(str(exc).split())[:MAX_LINE_CHARS]
        return Result(
            item.source,
            item.origin,
            seen.value,
            seen.deciding,
            seen.more,
            seen.detail,
            seen.corrected,
            seen.note,
            None,
            item.location,
            written,
            write_error,
            seen.diff,
        )

    def remember(self, key: bytes, seen: _Analysed) -> None:
        size = len(seen.fixed) if seen.fixed is not None else 0
        if len(self.memo) < MAX_MEMO and self.memo_bytes + size <= MAX_MEMO_BYTES:
            self.memo[key] = seen
            self.memo_bytes += size

    def analyse(self, data: bytes, spool: IO[bytes] | None, keep_fixed: bool) -> _Analysed:
        """What the analyzer makes of ``data``, as the audit keeps it."""
        reading = self.analyzer.analyze(data, self.context)
        finding = reading.report.fact(self.source_fact)
        value = None
        detail = ""
        lines: list[int] = []
        if finding is not None and isinstance(finding.value, str):
            value = finding.value
            detail = _clip(finding.detail, MAX_DETAIL_CHARS)
            if finding.line:
                lines.append(finding.line)
        elif reading.report.remarks:  # undecided: the analyzer's own word on why
            remarks = reading.report.remarks
            why = next((r for r in remarks if r.level == "warning"), remarks[-1])
            detail = _clip(why.text, MAX_DETAIL_CHARS)
        lines.extend(n for n in reading.decisive if n not in lines)
        lines.sort()
        wanted = [n for n in lines[:MAX_DECIDING] if n > 0]
        texts = _line_texts(reading.decoded, wanted[-1]) if wanted else []
        deciding = tuple(
            (n, _clip(texts[n - 1].strip(), MAX_LINE_CHARS)) for n in lines[:MAX_DECIDING]
            if 0 < n <= len(texts)
        )  # fmt: skip
        corrected = False
        note = ""
        fixed_data = None
        diff = None
        product = reading.product(self.spec.artifact) if self.spec.artifact else None
        if product is not None:
            corrected = bool(product.text) or bool(product.data)
            if not corrected and product.notes:
                note = _clip(" ".join(product.notes), MAX_DETAIL_CHARS)
            elif corrected and keep_fixed:
                fixed_data = product.data if product.data is not None else product.text.encode()
        if corrected and self.keep_diffs and spool is not None:
            made = reading.product(self.spec.diff)
            if made is not None and made.text:
                encoded = made.text.encode("utf-8")
                diff = (spool.tell(), len(encoded))
                spool.write(encoded)
        more = max(0, len(lines) - MAX_DECIDING)
        return _Analysed(value, deciding, more, detail, corrected, note, fixed_data, diff)

    def run(
        self,
        items: Iterable[Item],
        site: list[SiteArticle],
        inputs: list[str],
        fixed: FixedWriter | None = None,
        progress: Callable[[Item, Result], Any] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> AuditRun:
        """Read every item; ``stop()`` true (or a KeyboardInterrupt) ends the run after the
        current item with ``partial`` set. ``progress`` is called after each item."""
        run = AuditRun(self.pack, self.spec, site, inputs)
        if self.keep_diffs:
            run.spool = tempfile.TemporaryFile(prefix="kbwizard-audit-", buffering=SPOOL_BUFFER)  # noqa: SIM115
        iterator = iter(items)
        try:
            for item in iterator:
                result = self.read(item, run.spool, fixed)
                run.results.append(result)
                if progress is not None:
                    progress(item, result)
                if stop is not None and stop():
                    run.partial = True
                    break
        except KeyboardInterrupt:
            run.partial = True
        return run


def _line_texts(decoded: DecodedText, last: int) -> Sequence[str]:
    """The texts of lines 1 to ``last`` (fewer if the text has fewer): the lines the
    analyzer split already, else the text split up to line ``last`` only (the deciding
    lines come early in a script; the whole text need not be split for them)."""
    split = vars(decoded).get("split_once")  # the split the analyzer made, if it did
    if split is not None:
        pieces: list[str] = split[0]
        return pieces[: min(last, len(pieces) - (pieces[-1] == ""))]
    if "lines" in vars(decoded):  # a cached_property the analyzer filled
        return [line.text for line in decoded.lines[:last]]
    pieces = _NEWLINE.split(decoded.body, last)  # as DecodedText.texts() splits lines
    if len(pieces) > last or pieces[-1] == "":
        pieces.pop()  # the rest after line ``last``, or the nothing after a last line end
    return pieces


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _not_text(data: bytes) -> str:
    """Why ``data`` is not text ('' when it is): binary junk is reported, not analysed.

    Control characters other than tab, line ends and form feed do not occur in a script;
    a trailing NUL (a directory's stream value) and UTF-16 text (NUL bytes throughout,
    decoded first) are text.
    """
    sample = data[:_SAMPLE]
    if b"\0" not in sample.translate(_TEXT_BYTES):  # _BINARY_BYTES.search(sample), in C
        return ""
    body = sample.rstrip(b"\0")
    if (
        len(sample) - len(body) < 4
        and len(sample) >= 64
        and body.isascii()
        and b"\0" not in body.translate(_TEXT_BYTES)
    ):  # ASCII text and up to 3 NULs at its end (a directory's value): no UTF-16 guess, no
        return ""  # control character or U+FFFD left once they are stripped
    from wizard.evidence.text import decode

    text = decode(sample).body.rstrip("\x00")
    found = len(_BINARY_CHARS.findall(text))
    if found >= 4 and found * 20 > len(text):
        return f"binary data, not text ({found} control characters in {len(text)})"
    return ""


def exclude_paths(*paths: str | Path | None) -> frozenset[str]:
    """Real paths an audit never reads (its own outputs)."""
    import os

    return frozenset(os.path.realpath(p) for p in paths if p)
