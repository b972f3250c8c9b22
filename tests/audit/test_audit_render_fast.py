"""The report's fast paths give what the plain escaping gives, byte for byte, hostile
text included: a diff's HTML from remembered lines, a Markdown diff block without the
``visible`` pass when it would change nothing."""

from __future__ import annotations

import random

from wizard.audit.render import _DiffLines, _html, _md_diff, is_plain
from wizard.report.sanitize import html_text, md_block, visible

HOSTILE = [
    "<script>alert(1)</script>",
    "a & b \"q\" 'r'",
    "\x1b[31mred\x1b[0m",
    "bidi \u202e txt",
    "cr\rinside",
    "crlf\r\n",
    "nul\x00",
    "tab\there",
    "```",
    "`x`",
    "\u2028sep",
    "\x85 c1",
    "é ü",
    "\x7f",
    "\x0c form feed",
]


def _reference_html(diff: str) -> str:
    """The report's diff HTML as it was written line by line."""
    out = []
    for line in diff.split("\n"):
        if line.startswith("+") and not line.startswith("+++"):
            out.append(f'<span class="add">{html_text(line)}</span>')
        elif line.startswith("-") and not line.startswith("---"):
            out.append(f'<span class="del">{html_text(line)}</span>')
        elif line.startswith("@@"):
            out.append(f'<span class="hunk">{html_text(line)}</span>')
        else:
            out.append(html_text(line) + "\n")
    return "<pre><code>" + "".join(out) + "</code></pre>"


def _diffs(count: int) -> list[str]:
    rng = random.Random(5)
    words = [*HOSTILE, "MAP F:=SYS:", "END", "", "+++ x", "--- y", "@@ -1 +1 @@", "@x", "++", "--"]
    out = []
    for _ in range(count):
        lines = [
            rng.choice(["+", "-", " ", "@@ ", "", "+++", "---", "@"]) + rng.choice(words)
            for _ in range(rng.randint(0, 12))
        ]
        out.append("\n".join(lines) + rng.choice(["\n", "", "\r\n"]))
    return out


def test_diff_html_from_remembered_lines_is_the_line_by_line_html() -> None:
    lines = _DiffLines()
    for diff in _diffs(600):
        assert lines.diff(diff) == _reference_html(diff)
    assert lines.html  # lines were remembered


def test_diff_lines_start_over_past_their_bound() -> None:
    lines = _DiffLines()
    lines.MAX_CHARS = 300
    for diff in _diffs(200):
        assert lines.diff(diff) == _reference_html(diff)
        assert lines.chars == sum(len(k) + len(v) for k, v in lines.html.items())
        assert lines.chars <= 300 or len(lines.html) <= 13  # over it: one diff's lines only


def test_markdown_diff_block_is_md_block() -> None:
    for diff in _diffs(600):
        assert _md_diff(diff) == md_block(diff, "diff")


def test_is_plain_says_whether_visible_changes_the_text() -> None:
    every = "".join(map(chr, range(0x100))) + "\u2028\u202e\ufffd"
    for char in every:
        for text in (char, f"ab{char}cd", "x" * 70 + char):
            if is_plain(text):
                assert visible(text) == text
    assert is_plain("MAP F:=SYS:\tX\n") and not is_plain("a\rb") and not is_plain("é")


def test_a_field_escaped_without_the_visible_pass_is_escaped_as_html_text() -> None:
    for text in [*HOSTILE, "", "plain", "a<b>&\"'", *(chr(c) for c in range(0x100))]:
        assert _html(text) == html_text(text)
        assert _html(text + " x " + text) == html_text(text + " x " + text)
