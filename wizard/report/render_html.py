"""Provides the HTML case summary: one self-contained file, no external assets, printable."""

from __future__ import annotations

from wizard.report.document import Block, Callout, Code, Heading, Items, Para, Table, build_document
from wizard.report.sanitize import html_text
from wizard.report.summary import CaseSummary

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #f3f4f6;
  --warn: #b45309; --warnbg: #fff7ed; --note: #1d4ed8; --notebg: #eff6ff; --mark: #fef3c7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --bg: #111827; --muted: #1f2937;
  --warnbg: #3b2106; --notebg: #172554; --mark: #422006; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc;
  padding-bottom: .2rem; margin-top: 2rem; }
pre { background: var(--muted); padding: .75rem; overflow-x: auto; border-radius: 4px; }
pre span.mark { background: var(--mark); display: block; font-weight: bold; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ccc;
  padding: .3rem .5rem; text-align: left; vertical-align: top; }
.callout { padding: .5rem .75rem; border-left: 4px solid; margin: .75rem 0; }
.warning { border-color: var(--warn); background: var(--warnbg); }
.note { border-color: var(--note); background: var(--notebg); }
ul.checks { list-style: none; padding-left: 1rem; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; }
  pre { white-space: pre-wrap; border: 1px solid #999; } h2 { break-after: avoid; }
  pre, table, .callout { break-inside: avoid; } }
"""


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(block.level, 4)
        return f"<h{level}>{html_text(block.text)}</h{level}>"
    if isinstance(block, Para):
        prefix = f"<strong>{html_text(block.strong_prefix)}</strong>" if block.strong_prefix else ""
        return f"<p>{prefix}{html_text(block.text)}</p>"
    if isinstance(block, Callout):
        label = "Warning" if block.kind == "warning" else "Note"
        return (
            f'<div class="callout {block.kind}"><strong>{label}:</strong> '
            f"{html_text(block.text)}</div>"
        )
    if isinstance(block, Items):
        if block.checks:
            items = "".join(
                f"<li>{'&#9745;' if done else '&#9744;'} {html_text(item)}</li>"
                for item, done in zip(block.items, block.checks, strict=False)
            )
            return f'<ul class="checks">{items}</ul>'
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{html_text(i)}</li>" for i in block.items) + f"</{tag}>"
    if isinstance(block, Code):
        marked = set(block.marked)
        lines = [
            f'<span class="mark">{html_text(line)}</span>' if i in marked else html_text(line)
            for i, line in enumerate(block.text.split("\n"))
        ]
        body = "".join(line if line.startswith("<span") else line + "\n" for line in lines)
        return f"<pre><code>{body}</code></pre>"
    assert isinstance(block, Table)
    if not block.rows:
        return ""
    head = ""
    if any(block.headers):
        head = "<tr>" + "".join(f"<th>{html_text(h)}</th>" for h in block.headers) + "</tr>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{html_text(c)}</td>" for c in row) + "</tr>" for row in block.rows
    )
    return f"<table>{head}{rows}</table>"


def render_html(s: CaseSummary) -> str:
    return html_page(f"{s.reference + ': ' if s.reference else ''}{s.title}", build_document(s))


def html_page(title_text: str, blocks: list[Block]) -> str:
    """One self-contained HTML page of laid-out blocks, titled ``title_text`` (escaped)."""
    body = "\n".join(b for b in (_block(x) for x in blocks) if b)
    title = html_text(title_text)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
