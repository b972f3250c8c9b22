"""Provides the audit report as JSON, Markdown, HTML or CSV, written in pieces.

Every text that comes from an input (a path, a DN, a script line, a diff, an error) goes
through ``wizard.report.sanitize`` for its format: visible control characters, escaped
markup (HTML, Markdown), JSON escapes for what a terminal would act on, and, in CSV, a
quote before a cell a spreadsheet would run as a formula. The HTML page is one file with
no script and nothing fetched: an inline SVG chart of the summary, the at-risk artifacts
first (each with its deciding lines and the diff of its corrected version).
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from wizard.audit import FORMATS
from wizard.audit.core import SCHEMA_VERSION, UNDECIDED, UNREAD, AuditRun, Result
from wizard.report.sanitize import html_text, json_text, md_block, md_code, md_text

Write = Callable[[str], Any]

OPEN_DETAILS = 20
"""At-risk artifacts shown unfolded in the HTML page (the rest fold, one line each)."""


def render(run: AuditRun, fmt: str, write: Write) -> None:
    {"json": render_json, "markdown": render_markdown, "html": render_html, "csv": render_csv}[
        FORMATS[fmt]
    ](run, write)


def title(run: AuditRun) -> str:
    return f"{run.spec.title or run.pack.evidence[run.spec.evidence].title} audit"


def ordered(run: AuditRun) -> Iterator[Result]:
    """At risk first, then undecided, then the rest; unread last (input order within)."""
    for rank in range(4):
        for result in run.results:
            if _rank(run, result) == rank:
                yield result


def _rank(run: AuditRun, result: Result) -> int:
    if result.error is not None:
        return 3
    if result.value in run.spec.at_risk:
        return 0
    return 1 if result.value is None else 2


# --- JSON ---------------------------------------------------------------------------


def result_object(run: AuditRun, result: Result) -> dict[str, Any]:
    return {
        "source": result.source,
        "origin": result.origin,
        "location": result.location or None,
        run.spec.fact: result.value,
        "at_risk": run.at_risk(result),
        "deciding_lines": [{"line": n, "text": t} for n, t in result.deciding],
        "more_deciding_lines": result.more_deciding,
        "detail": result.detail or None,
        "corrected": result.corrected,
        "corrected_note": result.note or None,
        "written": result.written or None,
        "write_error": result.write_error or None,
        "error": result.error,
    }


def render_json(run: AuditRun, write: Write) -> None:
    """One JSON object; ``results`` written one result at a time."""
    head = {
        "schema_version": SCHEMA_VERSION,
        "pack": run.pack.id,
        "evidence": run.spec.evidence,
        "fact": run.spec.fact,
        "at_risk_values": list(run.spec.at_risk),
        "inputs": run.inputs,
        "partial": run.partial,
        "scripts": len(run.results),
        "errors": run.errors,
        "summary": run.summary(),
        "site": [
            {
                "pack": a.pack,
                "title": a.title,
                "status": a.status,
                "diagnosis": a.diagnosis,
                "missing": list(a.missing),
                "given": list(a.facts),
            }
            for a in run.site
        ],
    }
    text = json.dumps(head, ensure_ascii=False, indent=2)
    write(json_text(text[: text.rindex("}")].rstrip()) + ',\n  "results": [')
    for index, result in enumerate(run.results):
        dumped = json.dumps(result_object(run, result), ensure_ascii=False)
        write(("\n    " if index == 0 else ",\n    ") + json_text(dumped))
    write("\n  ]\n}\n" if run.results else "]\n}\n")


# --- CSV ----------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: control characters visible, and a leading
    ``'`` when it starts like a formula (``=`` ``+`` ``-`` ``@``, tab, CR)."""
    from wizard.report.sanitize import visible

    if text.startswith(_FORMULA_START):
        text = "'" + text
    return visible(text).replace("\n", " ")


def render_csv(run: AuditRun, write: Write) -> None:
    """One header row, then one row per artifact, in input order."""

    class _Out:
        def write(self, text: str) -> Any:
            return write(text)

    writer = csv.writer(_Out(), lineterminator="\r\n")
    writer.writerow(
        [
            "source",
            "location",
            run.spec.fact,
            "at_risk",
            "deciding_lines",
            "detail",
            "corrected",
            "written",
            "note",
            "error",
        ]
    )
    for r in run.results:
        deciding = "; ".join(f"{n}: {t}" for n, t in r.deciding)
        if r.more_deciding:
            deciding += f"; (+{r.more_deciding} more)"
        writer.writerow(
            [
                csv_cell(c)
                for c in (
                    r.source,
                    r.location,
                    r.value or ("" if r.error else UNDECIDED),
                    "yes" if run.at_risk(r) else "no",
                    deciding,
                    r.detail,
                    "yes" if r.corrected else "no",
                    r.written,
                    r.note or r.write_error,
                    r.error or "",
                )
            ]
        )
    if run.partial:
        writer.writerow([csv_cell("(partial: the audit was interrupted)")])


# --- Markdown -----------------------------------------------------------------------


def _value_words(run: AuditRun, result: Result) -> str:
    if result.error is not None:
        return "not read"
    return result.value or UNDECIDED


def render_markdown(run: AuditRun, write: Write) -> None:
    write(f"# {md_text(title(run))}\n\n")
    if run.partial:
        write(
            "> **Partial report:** the audit was interrupted; "
            f"{len(run.results)} artifacts were read before it stopped.\n\n"
        )
    write(f"Pack: {md_code(run.pack.id)} — {md_text(run.pack.title, line_start=False)}\n\n")
    write("## Summary\n\n")
    write(f"| {md_text(run.spec.fact, False)} | count |\n|---|---|\n")
    for name, count in run.summary().items():
        write(f"| {md_text(name, False)} | {count} |\n")
    write(f"| **total** | {len(run.results)} |\n\n")
    _md_site(run, write)
    risky = [r for r in run.results if run.at_risk(r)]
    write(f"## At risk ({len(risky)})\n\n")
    for r in risky:
        write(f"### {md_text(r.source)}\n\n")
        write(f"{md_text(run.spec.fact)}: **{md_text(r.value or '', False)}**")
        if r.location:
            write(f" ({md_text(r.location, False)})")
        write("\n\n")
        if r.detail:
            write(f"{md_text(r.detail)}\n\n")
        if r.deciding:
            write(md_block("\n".join(f"{n:>5}  {t}" for n, t in r.deciding)) + "\n")
        if r.corrected:
            where = f" (written to {md_code(r.written)})" if r.written else ""
            write(f"Corrected version: yes{where}\n\n")
            diff = run.diff_text(r)
            if diff:
                write(_md_diff(diff) + "\n")
        else:
            write(f"Corrected version: no. {md_text(r.note, False)}\n\n")
    write("## Every artifact\n\n")
    write(f"| source | {md_text(run.spec.fact, False)} | deciding line | corrected | error |\n")
    write("|---|---|---|---|---|\n")
    for r in ordered(run):
        line = f"{r.deciding[0][0]}: {r.deciding[0][1]}" if r.deciding else ""
        if not line and r.value is None and r.error is None:
            line = r.detail  # undecided: why
        write(
            f"| {md_text(r.source, False)} | {md_text(_value_words(run, r), False)} | "
            f"{md_text(line, False)} | {'yes' if r.corrected else 'no'} | "
            f"{md_text(r.error or r.write_error, False)} |\n"
        )
    write("\n")


_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
_PLAIN_BYTES = bytes(0 if byte in _CONTROL_BYTES else 1 for byte in range(256))
_BACKTICKS = re.compile(r"`+")


def is_plain(text: str) -> bool:
    """Whether ``sanitize.visible(text)`` is ``text`` itself: ASCII with no control
    character but tab and LF (CR included: ``visible`` turns it into LF). Checked in C a
    byte at a time, where ``visible``'s regular expression costs ten times as much."""
    return text.isascii() and b"\0" not in text.encode("ascii").translate(_PLAIN_BYTES)


def _md_diff(diff: str) -> str:
    """``md_block(diff, "diff")``, without its ``visible`` pass when that changes nothing."""
    if not is_plain(diff):
        return md_block(diff, "diff")
    longest = max(map(len, _BACKTICKS.findall(diff))) if "`" in diff else 0
    fence = "`" * max(3, longest + 1)
    body = diff if diff.endswith("\n") else diff + "\n"
    return f"{fence}diff\n{body}{fence}\n"


def _md_site(run: AuditRun, write: Write) -> None:
    write("## Site configuration\n\n")
    if not run.site:
        write("No pack was told anything about the site (`--fact`, `--evidence`).\n\n")
        return
    write("| pack | status | diagnosis | still missing |\n|---|---|---|---|\n")
    for a in run.site:
        write(
            f"| {md_text(a.pack, False)} | {md_text(a.status, False)} | "
            f"{md_text(a.diagnosis, False)} | {md_text(', '.join(a.missing), False)} |\n"
        )
    write("\n")


# --- HTML ---------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #f3f4f6;
  --risk: #b91c1c; --riskbg: #fef2f2; --ok: #15803d; --warn: #b45309; --grey: #6b7280;
  --add: #dcfce7; --del: #fee2e2; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --bg: #111827; --muted: #1f2937;
  --riskbg: #3b0d0d; --add: #14351f; --del: #3b1515; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 70rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc;
  padding-bottom: .2rem; margin-top: 2rem; }
pre { background: var(--muted); padding: .6rem; overflow-x: auto; border-radius: 4px;
  margin: .4rem 0; }
pre .add { background: var(--add); display: block; } pre .del { background: var(--del);
  display: block; } pre .hunk { color: var(--grey); display: block; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ccc;
  padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.src { word-break: break-all; }
.banner { padding: .6rem .8rem; border-left: 5px solid var(--warn); background: var(--muted);
  font-weight: bold; }
details.risk { border-left: 4px solid var(--risk); background: var(--riskbg);
  padding: .3rem .7rem; margin: .5rem 0; }
details summary { cursor: pointer; word-break: break-all; }
.value { font-weight: bold; } .tag-risk { color: var(--risk); } .tag-ok { color: var(--ok); }
.tag-warn { color: var(--warn); } .tag-grey { color: var(--grey); }
svg text { fill: currentColor; font: 13px system-ui, sans-serif; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  details { break-inside: avoid; } pre { white-space: pre-wrap; } }
"""

_COLOURS = {"risk": "#dc2626", "ok": "#16a34a", "warn": "#d97706", "grey": "#9ca3af"}


def _tone(run: AuditRun, name: str) -> str:
    if name in run.spec.at_risk:
        return "risk"
    if name == UNDECIDED:
        return "warn"
    if name == UNREAD:
        return "grey"
    return "ok"


def chart_svg(run: AuditRun) -> str:
    """The summary as a horizontal bar chart (inline SVG; every label escaped)."""
    counts = run.summary()
    top = max(counts.values(), default=0) or 1
    row, label_w, bar_w = 28, 170, 420
    height = row * len(counts) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 70}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 70} {height}">',
        f"<title>{html_text(run.spec.fact)} per artifact</title>",
    ]
    for index, (name, count) in enumerate(counts.items()):
        y = 4 + index * row
        width = round(bar_w * count / top)
        colour = _COLOURS[_tone(run, name)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{html_text(name)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{max(width, 1)}" height="{row - 8}" '
            f'rx="3" fill="{colour}"/>'
            f'<text x="{label_w + max(width, 1) + 6}" y="{y + 18}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


class _DiffLines:
    """Each diff line's HTML, remembered: a site's scripts share most of their lines, so a
    line is escaped and tagged once, and a diff is then one lookup per line in C. Bounded:
    past ``MAX_CHARS`` it starts over."""

    MAX_CHARS = 4 * 1024 * 1024

    def __init__(self) -> None:
        self.html: dict[str, str] = {}
        self.chars = 0

    def diff(self, diff: str) -> str:
        lines = diff.split("\n")
        try:
            body = "".join(map(self.html.__getitem__, lines))
        except KeyError:  # lines not seen before: made now, then looked up again
            made = {line: _diff_line(line) for line in set(lines).difference(self.html)}
            size = sum(map(len, made)) + sum(map(len, made.values()))
            if self.chars + size > self.MAX_CHARS:  # start over with this diff's lines
                self.html.clear()
                made = {line: _diff_line(line) for line in set(lines)}
                size = sum(map(len, made)) + sum(map(len, made.values()))
                self.chars = 0
            self.html.update(made)
            self.chars += size
            body = "".join(map(self.html.__getitem__, lines))
        return "<pre><code>" + body + "</code></pre>"


def _diff_line(line: str) -> str:
    """One line of a unified diff as HTML: escaped, added/deleted/hunk lines tagged."""
    if line.startswith("+") and not line.startswith("+++"):
        return f'<span class="add">{html_text(line)}</span>'
    if line.startswith("-") and not line.startswith("---"):
        return f'<span class="del">{html_text(line)}</span>'
    if line.startswith("@@"):
        return f'<span class="hunk">{html_text(line)}</span>'
    return html_text(line) + "\n"


def _html(text: str) -> str:
    """``html_text(text)``, without its ``visible`` pass when that changes nothing."""
    return html.escape(text, quote=True) if is_plain(text) else html_text(text)


def _risk_html(run: AuditRun, r: Result, opened: bool, diffs: _DiffLines) -> str:
    where = f" <small>({_html(r.location)})</small>" if r.location else ""
    parts = [
        f'<details class="risk"{" open" if opened else ""}><summary>'
        f'<span class="value tag-risk">{_html(r.value or "")}</span> — '
        f"{_html(r.source)}{where}</summary>"
    ]
    if r.detail:
        parts.append(f"<p>{_html(r.detail)}</p>")
    if r.deciding:
        lines = "\n".join(f"{n:>5}  {t}" for n, t in r.deciding)
        more = f"\n  … {r.more_deciding} more" if r.more_deciding else ""
        parts.append(f"<p>Deciding lines:</p><pre><code>{_html(lines + more)}</code></pre>")
    if r.corrected:
        written = f" Written to <code>{_html(r.written)}</code>." if r.written else ""
        parts.append(f"<p><strong>Corrected version: yes.</strong>{written}</p>")
        diff = run.diff_text(r)
        if diff:
            parts.append(diffs.diff(diff))
    else:
        parts.append(f"<p><strong>No corrected version.</strong> {_html(r.note)}</p>")
    if r.write_error:
        parts.append(f'<p class="tag-risk">{_html(r.write_error)}</p>')
    parts.append("</details>")
    return "".join(parts)


def render_html(run: AuditRun, write: Write) -> None:
    name = _html(title(run))
    write(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{name}</h1>\n"
    )
    if run.partial:
        write(
            '<p class="banner">Partial report: the audit was interrupted after '
            f"{len(run.results)} artifacts; the rest were not read.</p>\n"
        )
    counts = run.summary()
    risky = sum(counts.get(v, 0) for v in run.spec.at_risk)
    write(
        f"<p>{len(run.results)} artifacts read with pack <code>{_html(run.pack.id)}</code> "
        f'({_html(run.pack.title)}): <strong class="tag-risk">{risky} at risk</strong>'
        f", {counts[UNDECIDED]} undecided, {counts[UNREAD]} not read.</p>\n"
    )
    write(f"<h2>Summary</h2>\n{chart_svg(run)}\n")
    write("<h2>Site configuration</h2>\n")
    if run.site:
        write("<table><tr><th>pack</th><th>status</th><th>diagnosis</th><th>still missing</th>")
        write("</tr>\n")
        for a in run.site:
            write(
                f"<tr><td>{_html(a.pack)}</td><td>{_html(a.status)}</td>"
                f"<td>{_html(a.diagnosis)}</td><td>{_html(', '.join(a.missing))}</td>"
                "</tr>\n"
            )
        write("</table>\n")
    else:
        write("<p>No pack was told anything about the site (--fact, --evidence).</p>\n")
    write(f"<h2>At risk ({risky})</h2>\n")
    shown = 0
    diffs = _DiffLines()
    for r in run.results:
        if run.at_risk(r):
            write(_risk_html(run, r, shown < OPEN_DETAILS, diffs) + "\n")
            shown += 1
    if not shown:
        write("<p>None.</p>\n")
    write(
        "<h2>Every artifact</h2>\n<table><tr><th>source</th>"
        f"<th>{_html(run.spec.fact)}</th><th>deciding line</th><th>corrected</th>"
        "<th>error</th></tr>\n"
    )
    for r in ordered(run):
        words = _value_words(run, r)
        tone = "grey" if r.error is not None else _tone(run, r.value or UNDECIDED)
        line = f"{r.deciding[0][0]}: {r.deciding[0][1]}" if r.deciding else ""
        if not line and r.value is None and r.error is None:
            line = r.detail  # undecided: why
        write(
            f'<tr><td class="src">{_html(r.source)}</td>'
            f'<td class="tag-{tone}">{_html(words)}</td><td>{_html(line)}</td>'
            f"<td>{'yes' if r.corrected else 'no'}</td>"
            f"<td>{_html(r.error or r.write_error)}</td></tr>\n"
        )
    write("</table>\n</body>\n</html>\n")
