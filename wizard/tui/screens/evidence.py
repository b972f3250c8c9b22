"""Provides the evidence screen: paste or load artifacts, see the live analysis, correct rows.

Analysis runs in a worker thread, so even a multi-megabyte paste never
freezes the screen. Nothing is lost: leaving the screen applies what was
pasted (and autosaves), exactly like the Apply key.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.worker import get_current_worker

from wizard.engine.case import Artifact, EvidenceAnalysis, EvidenceDraft
from wizard.engine.session import SessionError
from wizard.evidence.model import EvidenceReport
from wizard.evidence.protocol import Reading
from wizard.evidence.text import decode
from wizard.kb.values import value_text
from wizard.report.sanitize import visible
from wizard.safeio import MAX_EVIDENCE_BYTES, ReadError, read_bounded
from wizard.tui.evidence_text import EvidenceText
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined, plain
from wizard.tui.screens.base import WizardScreen
from wizard.tui.titlebar import TitleBar

TONE_STYLE = {"bad": "bold red", "good": "bold green", "warn": "yellow", "": ""}
"""How a table row's tone (declared by its analyzer) is drawn."""

_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def slug(kind: str, index: int) -> str:
    """The widget-id part for an evidence kind: the kind itself when it can be one."""
    return kind if _ID.fullmatch(kind) else f"kind{index}"


class EvidenceScreen(WizardScreen[None]):
    """Paste or load the artifacts the pack's evidence kinds name, one tab per kind.

    The screen neither runs analyzers nor edits the case: it makes an
    ``EvidenceDraft`` of what is typed, has it analysed in a worker thread, shows
    the readings, and hands draft and analysis to ``Case.apply_evidence``.
    """

    DEFAULT_CSS = """
    .evidence-pane { height: 1fr; }
    .file-row { height: 1; }
    .file-path { width: 1fr; }
    .evidence-text { height: 3fr; min-height: 4; }
    .evidence-result { height: 2fr; min-height: 3; padding: 0 1; }
    .evidence-headline {
        height: auto; color: $accent; border-left: thick $accent; padding-left: 1;
    }
    .evidence-table { height: auto; max-height: 7; }
    .evidence-detail { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """
    """This screen's own styles: parsed when it is first shown, not at the wizard's start.

    Designed for 80x24 first: the text, then (when the analyzer has rows) the rows across
    the whole width with the selected one's full detail below, then the analysis.
    """

    AUTO_FOCUS = ".evidence-text"
    """The paste goes where the focus is from the first frame on (not to the tabs first):
    the first tab's text."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "close", "Done"),
        Binding("ctrl+r", "cycle_correction", "Correct row", priority=True),
        Binding("ctrl+l", "focus_path", "Load file", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.slugs: dict[str, str] = {}
        """Evidence kind -> the id part of its widgets."""
        self.kinds: dict[str, str] = {}
        """The id part -> the evidence kind."""
        self.loaded: dict[str, tuple[bytes, str, str]] = {}
        """kind -> (original bytes, text shown, file name): kept so the fix keeps their encoding."""
        self.corrections: dict[str, str] = {}
        self.analysis: EvidenceAnalysis | None = None
        self.dirty: set[str] = set()
        self.applied: dict[str, str] = {}
        """kind -> the text of the artifact the case holds (what is not a draft)."""
        self.closing = False
        self.pending: EvidenceDraft | None = None
        """The draft to apply once its analysis is done (Apply, or leaving with changes)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        pack = self.case.pack
        for index, kind in enumerate(pack.evidence):
            self.slugs[kind] = slug(kind, index)
            self.kinds[self.slugs[kind]] = kind
        with TabbedContent(id="evidence-tabs"):
            for kind, ev in pack.evidence.items():
                key = self.slugs[kind]
                with (
                    TabPane(ev.tab or ev.title, id=f"tab-{key}"),
                    Vertical(classes="evidence-pane"),
                ):
                    with Horizontal(classes="file-row"):
                        yield Input(
                            placeholder="file path (ctrl+l), or paste below",
                            id=f"path-{key}",
                            classes="file-path",
                            compact=True,
                        )
                        yield Button("Load", id=f"load-{key}", classes="load", compact=True)
                    yield EvidenceText(id=f"text-{key}", classes="evidence-text")
                    # The rows come first: they are what a person checks and corrects.
                    yield Static(id=f"headline-{key}", classes="evidence-headline")
                    yield DataTable(
                        id=f"table-{key}",
                        classes="evidence-table",
                        cursor_type="row",
                        zebra_stripes=True,
                    )
                    yield Static(id=f"detail-{key}", classes="evidence-detail")
                    with VerticalScroll(classes="evidence-result"):
                        yield Static(id=f"result-{key}", classes="result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.corrections = dict(self.case.corrections)
        for kind, key in self.slugs.items():
            for part in ("headline", "table", "detail"):
                self.query_one(f"#{part}-{key}").display = False
            artifacts = self.case.artifacts_of(kind)
            if artifacts:
                artifact = artifacts[0]
                text = self._area(kind).show_text(decode(artifact.data).lines)
                self.loaded[kind] = (artifact.data, text, artifact.name)
                self.applied[kind] = text
        self.dirty.clear()
        for kind, draft in self.case.drafts.evidence.items():
            if kind in self.slugs:  # pasted but not applied when the wizard was stopped
                self._area(kind).show_text(decode(draft).lines)  # shown safely, kept as given
                self.dirty.add(kind)
        self.analyse()
        if self.slugs:
            first = next(iter(self.slugs.values()))
            self.query_one(f"#text-{first}", TextArea).focus()

    # --- input ----------------------------------------------------------------

    def current_kind(self) -> str:
        active = self.query_one("#evidence-tabs", TabbedContent).active or ""
        return self.kinds.get(active.removeprefix("tab-"), next(iter(self.slugs), ""))

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        kind = self.kinds.get((event.text_area.id or "").removeprefix("text-"))
        if kind is not None:
            self.dirty.add(kind)
            self.analyse()
            self._keep_draft(kind)

    def _keep_draft(self, kind: str) -> None:
        """Keep text not applied yet as a draft in the case (saved shortly after): the text
        as given (control characters and all), not as shown."""
        area = self._area(kind)
        draft = area.original_text() if area.text != self.applied.get(kind, "") else None
        if self.case.drafts.evidence.get(kind) != draft:
            self.case.drafts.set_evidence(kind, draft)
            self.wizard.draft_changed()

    @on(Button.Pressed, ".load")
    def _load_pressed(self, event: Button.Pressed) -> None:
        self.load_file(self.kinds.get((event.button.id or "").removeprefix("load-"), ""))

    @on(Input.Submitted, ".file-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        self.load_file(self.kinds.get((event.input.id or "").removeprefix("path-"), ""))

    def load_file(self, kind: str) -> None:
        if kind not in self.slugs:
            return
        key = self.slugs[kind]
        raw = self.query_one(f"#path-{key}", Input).value.strip()
        if not raw:
            self.notify("Type the file's path first.", severity="warning")
            return
        path = Path(raw).expanduser()
        try:
            data = read_bounded(path, MAX_EVIDENCE_BYTES, "evidence")
        except ReadError as exc:
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        text = self._area(kind).show_text(decode(data).lines)
        self.loaded[kind] = (data, text, str(path))
        self.dirty.add(kind)
        self.analyse()

    def action_focus_path(self) -> None:
        kind = self.current_kind()
        if kind:
            self.query_one(f"#path-{self.slugs[kind]}", Input).focus()

    # --- the draft and its analysis -------------------------------------------

    def _words(self) -> dict[str, str]:
        """Fact name -> what people read for it."""
        return {name: fact.words for name, fact in self.case.pack.facts.items()}

    def _area(self, kind: str) -> EvidenceText:
        return self.query_one(f"#text-{self.slugs[kind]}", EvidenceText)

    def _data(self, kind: str) -> bytes:
        """What is analysed and saved: the bytes as given, never the text as shown."""
        area = self._area(kind)
        loaded = self.loaded.get(kind)
        if loaded is not None and loaded[1] == area.text:
            return loaded[0]
        return area.original_text().encode("utf-8")

    @on(EvidenceText.EscapePasted)
    def _escape_pasted(self, event: EvidenceText.EscapePasted) -> None:
        self.notify(
            "The paste held terminal escape characters (shown as \\x1b): it may be scrambled. "
            "Check the marked lines, or load the file instead (ctrl+l).",
            severity="warning",
            timeout=10,
        )

    def draft(self) -> EvidenceDraft:
        """What the tabs hold now: the first artifact of each edited kind is replaced by the
        tab's text (an empty tab removes it); the others of the kind are kept."""
        case = self.case
        changes: dict[str, list[Artifact]] = {}
        for kind in self.dirty:
            data = self._data(kind)
            kept = case.artifacts_of(kind)[1:]
            name = self.loaded[kind][2] if kind in self.loaded else "pasted"
            new = [case.make_artifact(kind, data, name)] if data.strip() else []
            changes[kind] = new + [a for a in kept if a.name != name]
        return case.draft(changes, self.corrections)

    def analyse(self, apply: bool = False) -> None:
        """Analyse what the tabs hold, in a worker thread (the screen stays live); with
        ``apply``, hand it to the case once analysed."""
        try:
            draft = self.draft()
        except SessionError as exc:
            self.closing = False
            self.notify(str(exc), severity="error")
            return
        if apply:
            self.pending = draft
        self.run_worker(
            partial(self._analyse, draft),
            thread=True,
            exclusive=not apply,  # a pending apply is never cancelled by later typing
            group="evidence-apply" if apply else "evidence-analysis",
        )

    def _analyse(self, draft: EvidenceDraft) -> None:
        """Runs in a worker thread: pure analysis, then the UI update on the UI thread."""
        analysis = draft.analyse()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, draft, analysis)

    def _show(self, draft: EvidenceDraft, analysis: EvidenceAnalysis) -> None:
        self.analysis = analysis
        for kind, key in self.slugs.items():
            readings = analysis.of(kind)
            reading = readings[0].reading if readings else None
            has_text = bool(self.query_one(f"#text-{key}", TextArea).text.strip())
            self.query_one(f"#result-{key}", Static).update(
                _report_text(
                    reading.report if reading else None, has_text, self._words(), len(readings)
                )
            )
            self._show_table(key, reading)
        if draft is self.pending:
            self.pending = None
            self._apply(draft, analysis)

    def _show_table(self, key: str, reading: Reading | None) -> None:
        headline = self.query_one(f"#headline-{key}", Static)
        table = self.query_one(f"#table-{key}", DataTable)
        view = reading.table if reading is not None else None
        headline.update(plain(reading.headline if reading is not None else ""))
        headline.display = bool(reading is not None and reading.headline and view)
        table.display = view is not None and bool(view.rows)
        if view is None:
            table.clear()
            self._show_detail(key)
            return
        row = table.cursor_row
        table.clear(columns=len(table.columns) != len(view.columns))
        if not table.columns:
            table.add_columns(*view.columns)
        # Every column but the last fits in 28 columns; the last gets the rest of the width,
        # and the selected row's whole detail is shown below the table.
        widths = [
            min(28, max((len(r.cells[c]) for r in view.rows if c < len(r.cells)), default=4))
            for c in range(len(view.columns))
        ]
        shown = sum(max(w, len(h)) for w, h in zip(widths[:-1], view.columns, strict=False))
        last = max(12, self.size.width - shown - 2 * len(widths) - 3)
        for index, r in enumerate(view.rows):
            cells = []
            for column, cell in enumerate(r.cells):
                width = last if column == len(r.cells) - 1 else widths[column]
                style = ""
                if column == view.tone_column:
                    style = TONE_STYLE.get(r.tone, "")
                elif column == 0 and r.decisive:
                    style = "bold reverse"
                elif column == len(r.cells) - 1:
                    style = "dim"
                cells.append(plain(_clip(cell, width), style))
            table.add_row(*cells, key=str(index))
        if view.rows:
            table.move_cursor(row=min(row, len(view.rows) - 1))
        self._show_detail(key)

    @on(DataTable.RowHighlighted, ".evidence-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail((event.data_table.id or "").removeprefix("table-"))

    def _show_detail(self, key: str) -> None:
        """The selected row in full (its analyzer's words), below the table."""
        kind = self.kinds.get(key)
        if kind is None:
            return
        detail = self.query_one(f"#detail-{key}", Static)
        readings = self.analysis.of(kind) if self.analysis is not None else []
        view = readings[0].reading.table if readings else None
        rows = view.rows if view is not None else ()
        detail.display = bool(rows)
        if not rows:
            return
        row = self.query_one(f"#table-{key}", DataTable).cursor_row
        r = rows[min(max(row, 0), len(rows) - 1)]
        text = r.detail or " ".join(r.cells)
        if r.key is not None and r.key in self.corrections:
            text += " (corrected)"
        detail.update(joined((f"Line {r.line}: " if r.line else "", "bold"), text))

    def action_cycle_correction(self) -> None:
        """Correct the selected row: its value moves to the next one its analyzer allows."""
        kind = self.current_kind()
        values = self.case.correction_values(kind) if kind else ()
        readings = self.analysis.of(kind) if self.analysis is not None and kind else []
        view = readings[0].reading.table if readings else None
        if not values or view is None or not view.rows:
            self.notify("Nothing to correct here: paste the text first.", severity="warning")
            return
        table = self.query_one(f"#table-{self.slugs[kind]}", DataTable)
        row = view.rows[min(table.cursor_row, len(view.rows) - 1)]
        if row.key is None:
            self.notify("This row cannot be corrected.", severity="warning")
            return
        current = self.corrections.get(row.key, row.value)
        new = values[(values.index(current) + 1) % len(values)] if current in values else values[0]
        self.corrections[row.key] = new
        self.dirty.add(kind)
        self.notify(f"{row.key or 'default'}: {new}", markup=False)
        self.analyse()

    # --- leaving --------------------------------------------------------------

    def action_apply(self) -> None:
        """Hand the draft and its analysis to the case (undoable, autosaved).

        The analysis runs in a worker thread: applying a 10 MiB artifact never blocks.
        """
        self.analyse(apply=True)

    def _apply(self, draft: EvidenceDraft, analysis: EvidenceAnalysis) -> None:
        try:
            self.case.apply_evidence(draft, analysis)
        except SessionError as exc:
            self.closing = False
            self.notify(str(exc), severity="error")
            return
        for kind, key in self.slugs.items():
            self.applied[kind] = self.query_one(f"#text-{key}", TextArea).text
        self.dirty.clear()
        self.case.drafts.evidence.clear()  # applied: nothing is a draft any more
        self.wizard.save()
        self.notify("Evidence applied.")
        if self.closing:
            self.dismiss(None)

    def action_close(self) -> None:
        if self.dirty or self.corrections != self.case.corrections:
            self.closing = True
            self.action_apply()
            return
        self.dismiss(None)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _report_text(
    report: EvidenceReport | None, has_text: bool, words: dict[str, str], count: int = 1
) -> Text:
    if not has_text or report is None:
        return plain("Paste the text here or load a file: the analysis appears as you type.", "dim")
    out = Text(end="")
    if count > 1:
        out.append_text(plain(f"{count} artifacts of this kind; the first is shown.\n", "dim"))
    if report.findings:
        out.append_text(plain("Found\n", "bold"))
        for f in report.findings:
            out.append_text(
                joined(
                    ("  " + words.get(f.fact, f.fact), "bold"),
                    ": ",
                    (value_text(f.value), "bold green"),
                    (f"  (line {f.line})\n", "dim"),
                )
            )
            out.append_text(plain(f"    {f.detail}\n", "dim"))
    else:
        out.append_text(plain("No facts found yet.\n", "yellow"))
    for remark in report.remarks:
        where = f"line {remark.line}: " if remark.line else ""
        style = "yellow" if remark.level == "warning" else ""
        out.append_text(plain(f"  • {where}{remark.text}\n", style))
    if report.unrecognised:
        lines = ", ".join(str(n) for n, _ in report.unrecognised[:12])
        more = " …" if len(report.unrecognised) > 12 else ""
        out.append_text(plain(f"  Lines not read as commands: {lines}{more}\n", "dim"))
    out.append_text(plain(f"  Encoding: {report.encoding}\n", "dim"))
    return out
