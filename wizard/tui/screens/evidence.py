"""Provides the evidence screen: paste or load artifacts, see the live analysis, correct roles.

Analysis runs in a worker thread, so even a multi-megabyte paste never
freezes the screen. Nothing is lost: leaving the screen applies what was
pasted (and autosaves), exactly like the Apply key.
"""

from __future__ import annotations

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

from wizard.engine.session import SessionError
from wizard.evidence import (
    MAX_EVIDENCE_BYTES,
    LoadScriptAnalysis,
    LoginScriptAnalysis,
    Mapping,
    Role,
    SetParametersAnalysis,
    SiteContext,
    analyze_load_script,
    analyze_login_script,
    analyze_set_parameters,
    decode,
)
from wizard.evidence.model import ROLES, EvidenceReport
from wizard.kb.values import value_text
from wizard.report.sanitize import visible
from wizard.safeio import ReadError, read_bounded
from wizard.tui.evidence_text import EvidenceText
from wizard.tui.footer import KeyFooter
from wizard.tui.safe import joined, plain
from wizard.tui.screens.base import WizardScreen
from wizard.tui.titlebar import TitleBar

TABS = {"login-script": "Login script", "load-script": "Load script", "set-parameters": "SET"}
Analysis = LoginScriptAnalysis | LoadScriptAnalysis | SetParametersAnalysis
ROLE_STYLE = {"node": "bold red", "virtual": "bold green", "other": "", "unknown": "yellow"}


class EvidenceScreen(WizardScreen[None]):
    """Paste or load the login script, load script and SET output."""

    DEFAULT_CSS = """
    .evidence-pane { height: 1fr; }
    .file-row { height: 1; }
    .file-path { width: 1fr; }
    .evidence-text { height: 3fr; min-height: 4; }
    .evidence-result { height: 2fr; min-height: 3; padding: 0 1; }
    #login-order { height: auto; color: $accent; border-left: thick $accent; padding-left: 1; }
    #mappings { height: auto; max-height: 7; }
    #mapping-detail { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """
    """This screen's own styles: parsed when it is first shown, not at the wizard's start.

    Designed for 80x24 first: the text, then (login script) the mappings across the whole
    width with the selected one's full reason below, then the analysis.
    """

    AUTO_FOCUS = "#text-login-script"
    """The paste goes where the focus is from the first frame on (not to the tabs first)."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "close", "Done"),
        Binding("ctrl+r", "cycle_role", "Correct role", priority=True),
        Binding("ctrl+l", "focus_path", "Load file", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded: dict[str, tuple[bytes, str, str]] = {}
        """kind -> (original bytes, text shown, file name): kept so the fix keeps their encoding."""
        self.overrides: dict[str, Role] = {}
        self.previews: dict[str, Analysis] = {}
        self.dirty: set[str] = set()
        self.applied: dict[str, str] = {}
        """kind -> the text of the artifact the case holds (what is not a draft)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with TabbedContent(id="evidence-tabs"):
            for kind, title in TABS.items():
                with TabPane(title, id=f"tab-{kind}"), Vertical(classes="evidence-pane"):
                    with Horizontal(classes="file-row"):
                        yield Input(
                            placeholder="file path (ctrl+l), or paste below",
                            id=f"path-{kind}",
                            classes="file-path",
                            compact=True,
                        )
                        yield Button("Load", id=f"load-{kind}", classes="load", compact=True)
                    yield EvidenceText(id=f"text-{kind}", classes="evidence-text")
                    if kind == "login-script":
                        # The mappings come first: they are what a person checks and
                        # corrects; the details follow.
                        yield Static(id="login-order")
                        yield DataTable(id="mappings", cursor_type="row", zebra_stripes=True)
                        yield Static(id="mapping-detail")
                    with VerticalScroll(classes="evidence-result"):
                        yield Static(id=f"result-{kind}", classes="result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.overrides = dict(self.case.role_overrides)
        table = self.query_one("#mappings", DataTable)
        table.add_columns("Line", "Drive", "Target", "Role", "Why")
        for kind in TABS:
            artifact = self.case.artifacts.get(kind)
            if artifact is not None:
                text = self._area(kind).show_text(decode(artifact.data).lines)
                self.loaded[kind] = (artifact.data, text, artifact.name)
                self.applied[kind] = text
            self.analyse(kind)
        self.dirty.clear()
        for kind, draft in self.case.drafts.evidence.items():
            if kind in TABS:  # pasted but not applied when the wizard was stopped: restored
                self._area(kind).show_text(decode(draft).lines)  # shown safely, kept as given
                self.dirty.add(kind)
                self.analyse(kind)
        self.query_one("#text-login-script", TextArea).focus()

    # --- input ----------------------------------------------------------------

    def current_kind(self) -> str:
        active = self.query_one("#evidence-tabs", TabbedContent).active or "tab-login-script"
        return active.removeprefix("tab-")

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        kind = (event.text_area.id or "").removeprefix("text-")
        if kind in TABS:
            self.dirty.add(kind)
            self.analyse(kind)
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
        self.load_file((event.button.id or "").removeprefix("load-"))

    @on(Input.Submitted, ".file-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        self.load_file((event.input.id or "").removeprefix("path-"))

    def load_file(self, kind: str) -> None:
        raw = self.query_one(f"#path-{kind}", Input).value.strip()
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
        self.analyse(kind)

    def action_focus_path(self) -> None:
        self.query_one(f"#path-{self.current_kind()}", Input).focus()

    # --- analysis -------------------------------------------------------------

    def _words(self) -> dict[str, str]:
        """Fact name -> what people read for it."""
        return {name: fact.words for name, fact in self.case.pack.facts.items()}

    def _area(self, kind: str) -> EvidenceText:
        return self.query_one(f"#text-{kind}", EvidenceText)

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

    def _site_context(self) -> SiteContext:
        load = self.previews.get("load-script")
        context = self.case.site_context(load if isinstance(load, LoadScriptAnalysis) else None)
        settings = self.previews.get("set-parameters")
        if isinstance(settings, SetParametersAnalysis) and settings.primary_ip:
            context = context.merged(SiteContext(node_ips=frozenset({settings.primary_ip})))
        return context.merged(SiteContext(role_overrides=dict(self.overrides)))

    def analyse(self, kind: str) -> None:
        data, context = self._data(kind), self._site_context()
        self.run_worker(
            partial(self._analyse, kind, data, context),
            thread=True,
            exclusive=True,
            group=f"analysis-{kind}",
        )

    def _analyse(self, kind: str, data: bytes, context: SiteContext) -> None:
        """Runs in a worker thread: pure analysis, then the UI update on the UI thread."""
        result: Analysis
        if kind == "login-script":
            result = analyze_login_script(data, context)
        elif kind == "load-script":
            result = analyze_load_script(data)
        else:
            result = analyze_set_parameters(data)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, kind, result, bool(data.strip()))

    def _show(self, kind: str, result: Analysis, has_text: bool) -> None:
        self.previews[kind] = result
        self.query_one(f"#result-{kind}", Static).update(
            _report_text(result.report, has_text, self._words())
        )
        if isinstance(result, LoginScriptAnalysis):
            self._show_mappings(result)
        elif self.query_one("#text-login-script", TextArea).text.strip():
            # Names and addresses from the other artifacts change the roles.
            self.analyse("login-script")

    def _show_mappings(self, analysis: LoginScriptAnalysis) -> None:
        order = self.query_one("#login-order", Static)
        lines = ", ".join(str(n) for n in analysis.deciding_lines)
        order.update(
            joined(
                "Login order: ",
                (analysis.login_order or "not decided", "bold"),
                f" (lines {lines})" if lines else " — correct the roles below (ctrl+r)",
            )
        )
        order.display = bool(analysis.mappings)
        table = self.query_one("#mappings", DataTable)
        row = table.cursor_row
        table.clear()
        table.display = bool(analysis.mappings)
        deciding = set(analysis.deciding_lines)
        # Line, drive, target and role always fit at 80 columns; the reason gets the rest and
        # the selected mapping's whole reason is shown below the table.
        target_width = min(28, max((len(m.target) for m in analysis.mappings), default=6))
        why_width = max(12, self.size.width - target_width - 30)
        for index, m in enumerate(analysis.mappings):
            mark = "bold reverse" if m.line in deciding else ""
            table.add_row(
                plain(str(m.line), mark),
                plain(m.drive),
                plain(_clip(m.target, target_width)),
                plain(self._role_word(m), ROLE_STYLE.get(m.role, "")),
                plain(_clip(_why(m), why_width), "dim"),
                key=str(index),
            )
        if analysis.mappings:
            table.move_cursor(row=min(row, len(analysis.mappings) - 1))
        self._show_detail()

    def _role_word(self, m: Mapping) -> str:
        """The role, with ``?`` for a name-convention hint and ``*`` for a user's correction."""
        if m.server.upper() in self.overrides:
            return m.role + "*"
        return m.role + ("?" if m.hint else "")

    @on(DataTable.RowHighlighted, "#mappings")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The selected mapping in full: its target, role and the whole reason."""
        detail = self.query_one("#mapping-detail", Static)
        analysis = self.previews.get("login-script")
        mappings = analysis.mappings if isinstance(analysis, LoginScriptAnalysis) else ()
        detail.display = bool(mappings)
        if not mappings:
            return
        row = self.query_one("#mappings", DataTable).cursor_row
        m = mappings[min(max(row, 0), len(mappings) - 1)]
        role: str = m.role
        if m.server.upper() in self.overrides:
            role += " (corrected)"
        elif m.hint:
            role += " (a hint from the name: confirm, ctrl+r corrects)"
        detail.update(
            joined(
                (f"Line {m.line}: ", "bold"),
                f"{m.drive} {m.target} is ",
                (role, ROLE_STYLE.get(m.role, "") or "bold"),
                f": {_why(m)}",
            )
        )

    def action_cycle_role(self) -> None:
        """Correct the role of the selected mapping's target: node → virtual → other → unknown."""
        analysis = self.previews.get("login-script")
        if not isinstance(analysis, LoginScriptAnalysis) or not analysis.mappings:
            self.notify(
                "Paste a login script first; then select a mapping row.", severity="warning"
            )
            return
        table = self.query_one("#mappings", DataTable)
        mapping = analysis.mappings[min(table.cursor_row, len(analysis.mappings) - 1)]
        key = mapping.server.upper()
        current = self.overrides.get(key, mapping.role)
        new = ROLES[(ROLES.index(current) + 1) % len(ROLES)]
        self.overrides[key] = new
        self.dirty.add("login-script")
        self.notify(f"{mapping.server or 'default server'}: {new}")
        self.analyse("login-script")

    # --- leaving --------------------------------------------------------------

    def action_apply(self) -> bool:
        """Hand the artifacts and role corrections to the case (undoable, autosaved)."""
        case = self.case
        try:
            for server, role in self.overrides.items():
                if case.role_overrides.get(server) != role:
                    case.role_overrides[server] = role
            for kind in TABS:
                data = self._data(kind)
                if kind not in self.dirty and kind not in self.overrides:
                    continue
                name = self.loaded[kind][2] if kind in self.loaded else "pasted"
                if data.strip():
                    case.store_artifact(kind, data, name)
                else:
                    case.artifacts.pop(kind, None)
                self.applied[kind] = self.query_one(f"#text-{kind}", TextArea).text
            case.refresh_evidence()
        except SessionError as exc:
            self.notify(str(exc), severity="error")
            return False
        self.dirty.clear()
        case.drafts.evidence.clear()  # applied: nothing is a draft any more
        self.wizard.save()
        self.notify("Evidence applied.")
        return True

    def action_close(self) -> None:
        if self.dirty and not self.action_apply():
            return
        self.dismiss(None)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _why(m: Mapping) -> str:
    return m.role_reason + (f" [{m.condition}]" if m.condition else "")


def _report_text(report: EvidenceReport, has_text: bool, words: dict[str, str]) -> Text:
    if not has_text:
        return plain("Paste the text here or load a file: the analysis appears as you type.", "dim")
    out = Text(end="")
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
