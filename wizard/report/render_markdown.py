"""Provides the Markdown case summary: reads well pasted into a ticket and on GitHub."""

from __future__ import annotations

from wizard.report.document import Block, Callout, Code, Heading, Items, Para, Table, build_document
from wizard.report.sanitize import md_block, md_text
from wizard.report.summary import CaseSummary


def _cell(text: str) -> str:
    return md_text(text, line_start=False).replace("\n", "<br>") or " "


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {md_text(block.text)}\n"
    if isinstance(block, Para):
        prefix = f"**{md_text(block.strong_prefix.strip())}** " if block.strong_prefix else ""
        return f"{prefix}{md_text(block.text)}\n"
    if isinstance(block, Callout):
        label = "Warning" if block.kind == "warning" else "Note"
        return f"> **{label}:** {md_text(block.text)}\n"
    if isinstance(block, Items):
        lines = []
        for i, item in enumerate(block.items, 1):
            if block.checks:
                mark = "[x]" if block.checks[i - 1] else "[ ]"
                lines.append(f"- {mark} {md_text(item)}")
            elif block.numbered:
                lines.append(f"{i}. {md_text(item)}")
            else:
                lines.append(f"- {md_text(item)}")
        return "\n".join(lines) + "\n"
    if isinstance(block, Code):
        text = block.text
        if block.marked:
            marked = set(block.marked)
            text = "\n".join(
                ("> " if i in marked else "  ") + line for i, line in enumerate(text.split("\n"))
            )
        return md_block(text, block.info)
    assert isinstance(block, Table)
    if not block.rows:
        return ""
    head = "| " + " | ".join(_cell(h) for h in block.headers) + " |"
    rule = "|" + "|".join("---" for _ in block.headers) + "|"
    rows = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    return "\n".join([head, rule, *rows]) + "\n"


def render_blocks(blocks: list[Block]) -> str:
    """Markdown of laid-out blocks (a case summary's, a triage report's)."""
    parts = [_block(b) for b in blocks]
    return "\n".join(p for p in parts if p)


def render_markdown(s: CaseSummary) -> str:
    return render_blocks(build_document(s))
