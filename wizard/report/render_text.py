"""Provides the plain-text case summary, for ticket systems that take no markup."""

from __future__ import annotations

import textwrap

from wizard.report.document import Block, Callout, Code, Heading, Items, Para, Table, build_document
from wizard.report.sanitize import plain
from wizard.report.summary import CaseSummary

WIDTH = 78


def _wrap(text: str, indent: str = "", first: str = "") -> str:
    return textwrap.fill(
        plain(text),
        WIDTH,
        initial_indent=first or indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        text = plain(block.text)
        underline = "=" if block.level == 1 else "-"
        return f"{text}\n{underline * min(len(text), WIDTH)}\n" if block.level < 3 else f"{text}:\n"
    if isinstance(block, Para):
        return _wrap(plain(block.strong_prefix) + block.text) + "\n"
    if isinstance(block, Callout):
        label = "WARNING" if block.kind == "warning" else "NOTE"
        return _wrap(block.text, "    ", f"{label}: ") + "\n"
    if isinstance(block, Items):
        lines = []
        for i, item in enumerate(block.items, 1):
            if block.checks:
                mark = "[x] " if block.checks[i - 1] else "[ ] "
            else:
                mark = f"{i}. " if block.numbered else "- "
            lines.append(_wrap(item, " " * (len(mark) + 2), "  " + mark))
        return "\n".join(lines) + "\n"
    if isinstance(block, Code):
        marked = set(block.marked)
        lines = [
            (">>  " if i in marked else "    ") + plain(line)
            for i, line in enumerate(block.text.split("\n"))
        ]
        return "\n".join(lines) + "\n"
    assert isinstance(block, Table)
    if not block.rows:
        return ""
    rows = []
    for row in block.rows:
        cells = [plain(c).replace("\n", " ") for c in row]
        if any(block.headers):
            pairs = [f"{h}: {c}" for h, c in zip(block.headers, cells, strict=False) if c]
            rows.append(_wrap("; ".join(pairs), "    ", "  - "))
        else:
            rows.append(_wrap(" ".join(cells[1:]), "    ", f"  {cells[0]}: "))
    return "\n".join(rows) + "\n"


def render_blocks(blocks: list[Block]) -> str:
    """Plain text of laid-out blocks (a case summary's, a triage report's)."""
    parts = [_block(b) for b in blocks]
    return "\n".join(p for p in parts if p)


def render_text(s: CaseSummary) -> str:
    return render_blocks(build_document(s))
