"""The audit's reports (golden files for JSON, CSV, Markdown and HTML; hostile text escaped),
--write-fixed (folder and LDIF, round trip through the library) and Ctrl+C.

Regenerate the golden files after an intended change with:
UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/audit
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.audit.gen import HOSTILE_DN, HOSTILE_SCRIPT, SITE, build_ldif, corpus_scripts
from wizard.audit import core
from wizard.audit.ldif import parse_record
from wizard.audit.sources import ldif_records
from wizard.cli import main

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"json": ".json", "csv": ".csv", "md": ".md", "html": ".html"}
GOLDEN_SCRIPTS = (
    "ls-tid-problem.txt",
    "ls-crlf.txt",
    "ls-cp850.txt",
    "ls-utf16.txt",
    "ls-joined-search-blocked.txt",
    "ls-no-node.txt",
    "ls-include.txt",
    "ls-tid-fixed.txt",
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small site folder, audited from its parent so sources are relative paths."""
    folder = tmp_path / "site"
    folder.mkdir()
    corpus = dict(corpus_scripts())
    for name in GOLDEN_SCRIPTS:
        (folder / name).write_bytes(corpus[name])
    (folder / "=HYPERLINK(evil).txt").write_bytes(HOSTILE_SCRIPT)
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 8)
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_golden_reports(site: Path, fmt: str) -> None:
    out = Path(f"report{FORMATS[fmt]}")
    assert main(["audit", "site", *SITE, "--format", fmt, "-o", str(out), "--quiet"]) == 1
    text = out.read_text(encoding="utf-8")
    golden = GOLDEN / f"site{FORMATS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN") or not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_hostile_text_never_becomes_markup(site: Path) -> None:
    """A script line and a file name built to be markup, a formula or a terminal escape
    come out as text in every format."""
    for fmt in FORMATS:
        main(["audit", "site", *SITE, "--format", fmt, "-o", f"r.{fmt}", "--quiet", "--force"])
    html = Path("r.html").read_text(encoding="utf-8")
    assert "<img" not in html and "<b>" not in html and "\x1b" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html or "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script" not in html
    assert "://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "<svg" in html  # the chart is inline
    markdown = Path("r.md").read_text(encoding="utf-8")
    assert "\x1b" not in markdown
    outside = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1$", "", markdown)  # fenced blocks: text
    assert "<b>" not in outside and "<img" not in outside and "`code`" not in outside
    assert "<b>x</b>" in markdown  # inside a fence, where it is shown as written
    rows = list(csv.reader(io.StringIO(Path("r.csv").read_text(encoding="utf-8"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    hostile = [row for row in rows if "HYPERLINK" in row[0]]
    assert hostile and hostile[0][0].startswith("site/'=") is False
    report = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert "\x1b" not in Path("r.json").read_text(encoding="utf-8")
    assert any("HYPERLINK" in r["source"] for r in report["results"])


def test_a_csv_cell_starting_like_a_formula_gets_a_quote() -> None:
    from wizard.audit.render import csv_cell

    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("+1") == "'+1"
    assert csv_cell("site/a.txt") == "site/a.txt"


def test_a_hostile_dn_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    export = tmp_path / "e.ldif"
    build_ldif(export, copies=1)
    for fmt in ("html", "md"):
        out = tmp_path / f"e.{fmt}"
        main(["audit", str(export), *SITE, "--format", fmt, "-o", str(out), "--quiet"])
        text = out.read_text(encoding="utf-8")
        assert "<script>" not in text
    html = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE_DN not in html


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_write_fixed_folder_keeps_names_encodings_and_originals(tmp_path: Path) -> None:
    from wizard.analyzers.netware.plugins import LOGIN_SCRIPT
    from wizard.evidence.protocol import Context

    folder = tmp_path / "site"
    (folder / "deep").mkdir(parents=True)
    corpus = dict(corpus_scripts())
    for name in GOLDEN_SCRIPTS:
        (folder / "deep" / name).write_bytes(corpus[name])
    # Node-first scripts as CRLF and as UTF-16 with a BOM: their fixes keep both.
    text = corpus["ls-attach.txt"].decode("ascii").replace("\n", "\r\n")
    corpus["node-crlf.txt"] = text.encode("ascii")
    corpus["node-utf16.txt"] = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    for name in ("node-crlf.txt", "node-utf16.txt"):
        (folder / "deep" / name).write_bytes(corpus[name])
    before = digest(folder)
    fixed = tmp_path / "fixed"
    report = tmp_path / "r.json"
    args = ["audit", str(folder), *SITE, "--write-fixed", str(fixed), "-o", str(report)]
    assert main([*args, "--quiet"]) == 0
    assert digest(folder) == before
    data = json.loads(report.read_text(encoding="utf-8"))
    corrected = [r for r in data["results"] if r["corrected"]]
    assert len(corrected) >= 4
    context = Context(
        {
            "node_names": ("NODE1", "NODE2"),
            "virtual_servers": ("CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"),
            "primary_ip": ("10.1.1.11",),
            "virtual_ips": ("10.1.1.180", "10.1.1.181"),
        }
    )
    for result in corrected:
        name = Path(result["source"]).name
        written = fixed / "deep" / name
        assert result["written"] == str(written)
        product = LOGIN_SCRIPT.analyze(corpus[name], context).product("corrected-script")
        assert product is not None
        expected = product.data if product.data is not None else product.text.encode()
        assert written.read_bytes() == expected
    assert {p.name for p in fixed.rglob("*") if p.is_file()} == {
        Path(r["source"]).name for r in corrected
    }
    crlf = (fixed / "deep" / "node-crlf.txt").read_bytes()
    assert (
        crlf.count(b"\r\n") == corpus["node-crlf.txt"].count(b"\r\n")
        and crlf != corpus["node-crlf.txt"]
    )
    utf16 = (fixed / "deep" / "node-utf16.txt").read_bytes()
    assert utf16[:2] == b"\xff\xfe" and utf16.decode("utf-16").replace("\r\n", "\n") == crlf.decode(
        "ascii"
    ).replace("\r\n", "\n")
    # Again without --force: refused before anything is read or written.
    assert main([*args, "--quiet"]) == 2
    assert main([*args, "--force", "--quiet"]) == 0


def apply_modify(export: Path, changes: Path, out: Path) -> int:
    """Apply the modify records of ``changes`` to the entries of ``export`` with the ldif
    library (parse both, replace the values, write the entries again); records applied."""
    from ldif import LDIFWriter

    replaced: dict[str, bytes] = {}
    with open(changes, "rb") as handle:
        for _start, _size, record, complete in ldif_records(handle):
            assert complete
            lines = [line for line in record.splitlines(keepends=True) if line.strip() != b"-"]
            dn, attributes = parse_record(b"".join(lines))
            if dn is None:
                continue
            assert attributes["changetype"] == [b"modify"]
            assert attributes["replace"] == [b"loginScript"]
            (value,) = attributes["loginScript"]
            replaced[dn] = value
    with open(export, "rb") as handle, open(out, "wb") as target:
        writer = LDIFWriter(target)
        for _start, _size, record, _complete in ldif_records(handle):
            try:
                dn, attributes = parse_record(record)
            except ValueError:
                continue  # the broken records stay out
            if dn is None:
                continue
            if dn in replaced:
                attributes["loginScript"] = [replaced[dn]]
            writer.unparse(dn, attributes)
    return len(replaced)


def test_write_fixed_ldif_round_trip_leaves_no_fixable_node_first_script(tmp_path: Path) -> None:
    export = tmp_path / "export.ldif"
    build_ldif(export, copies=2)
    before = export.read_bytes()
    fixed = tmp_path / "fixed"
    first = tmp_path / "first.json"
    code = main(["audit", str(export), *SITE, "--write-fixed", str(fixed), "-o", str(first)])
    assert code == 1  # the broken records
    assert export.read_bytes() == before
    changes = fixed / "export.fixed.ldif"
    text = changes.read_text(encoding="ascii")
    assert text.startswith("# ") and "\nversion: 1\n" in text
    assert "changetype: modify\nreplace: loginScript\nloginScript:: " in text
    assert max(len(line) for line in text.splitlines()) <= 76
    report = json.loads(first.read_text(encoding="utf-8"))
    fixable = {r["source"] for r in report["results"] if r["corrected"]}
    node_first = {r["source"] for r in report["results"] if r["login_order"] == "node-first"}
    assert fixable and fixable <= node_first
    if shutil.which("ldapmodify"):  # OpenLDAP's own parser reads every record (-n: no server)
        shown = subprocess.run(
            ["ldapmodify", "-n", "-x", "-H", "ldap://127.0.0.1:1", "-f", str(changes)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.count("modifying entry") == len(fixable)
    applied = tmp_path / "applied.ldif"
    assert apply_modify(export, changes, applied) == len(fixable)
    again = tmp_path / "again.json"
    assert main(["audit", str(applied), *SITE, "-o", str(again), "--quiet"]) == 0
    after = {r["source"]: r for r in json.loads(again.read_text(encoding="utf-8"))["results"]}
    for dn in fixable:
        assert after[dn]["login_order"] != "node-first", dn
    # The scripts without a safe reorder are still at risk, and still say why.
    for dn in node_first - fixable:
        assert after[dn]["login_order"] == "node-first"
        assert after[dn]["corrected"] is False


def test_ctrl_c_writes_a_partial_report_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT during the run: the script being read is finished, the report says it is
    partial; a KeyboardInterrupt raised inside a script's analysis stops at once."""
    folder = tmp_path / "site"
    folder.mkdir()
    for name, data in corpus_scripts()[:10]:
        (folder / name).write_bytes(data)
    real_read = core.Auditor.read
    calls: list[int] = []

    def read_then_interrupt(self: core.Auditor, *args: object) -> core.Result:
        calls.append(1)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real_read(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(core.Auditor, "read", read_then_interrupt)
    before = signal.getsignal(signal.SIGINT)
    out = tmp_path / "r.json"
    assert main(["audit", str(folder), "-o", str(out), "--quiet"]) == 130
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["partial"] is True and report["scripts"] == 3
    assert signal.getsignal(signal.SIGINT) == before  # the handler is given back

    def raise_interrupt(self: core.Auditor, *args: object) -> core.Result:
        calls.append(1)
        if len(calls) > 5:
            raise KeyboardInterrupt
        return real_read(self, *args)  # type: ignore[arg-type]

    calls.clear()
    monkeypatch.setattr(core.Auditor, "read", raise_interrupt)
    for fmt, banner in (("md", "**Partial report:**"), ("html", 'class="banner">Partial')):
        calls.clear()
        page = tmp_path / f"r.{fmt}"
        assert main(["audit", str(folder), "--format", fmt, "-o", str(page), "--quiet"]) == 130
        assert banner in page.read_text(encoding="utf-8")
    calls.clear()
    out.unlink()
    assert main(["audit", str(folder), "-o", str(out), "--quiet"]) == 130
    assert json.loads(out.read_text(encoding="utf-8"))["scripts"] == 5


def test_the_summary_counts_every_value_of_the_fact(site: Path) -> None:
    out = Path("r.json")
    main(["audit", "site", *SITE, "-o", str(out), "--quiet"])
    report = json.loads(out.read_text(encoding="utf-8"))
    assert list(report["summary"]) == [
        "node-first",
        "virtual-first",
        "no-node-mapping",
        "undecided",
        "unread",
    ]
    counted: dict[str, int] = {}
    for r in report["results"]:
        key = "unread" if r["error"] else (r["login_order"] or "undecided")
        counted[key] = counted.get(key, 0) + 1
    assert {k: v for k, v in report["summary"].items() if v} == counted
    undecided = [r for r in report["results"] if r["login_order"] is None and not r["error"]]
    assert undecided and all(r["detail"] for r in undecided)  # each says why
    assert "tid-3438100" in [entry["pack"] for entry in report["site"]]
    assert re.fullmatch(r"\d+", str(report["schema_version"]))


def test_identical_scripts_are_analysed_once_and_each_gets_its_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.analyzers.netware.plugins import LoginScriptAnalyzer

    folder = tmp_path / "site"
    folder.mkdir()
    corpus = dict(corpus_scripts())
    for index in range(6):
        name = "ls-tid-problem.txt" if index % 2 else "ls-attach.txt"
        (folder / f"ou{index}.txt").write_bytes(corpus[name])
    calls: list[bytes] = []
    real = LoginScriptAnalyzer.analyze

    def counted(self: LoginScriptAnalyzer, data: bytes, context: object) -> object:
        calls.append(data)
        return real(self, data, context)  # type: ignore[arg-type]

    monkeypatch.setattr(LoginScriptAnalyzer, "analyze", counted)
    out = tmp_path / "r.json"
    fixed = tmp_path / "fixed"
    args = ["audit", str(folder), *SITE, "-o", str(out), "--write-fixed", str(fixed), "--quiet"]
    assert main(args) == 0
    assert len(calls) == 2
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert [r["login_order"] for r in results] == ["node-first"] * 6
    assert all(r["corrected"] for r in results)
    assert sorted(p.name for p in fixed.iterdir()) == [f"ou{i}.txt" for i in range(6)]
    assert (fixed / "ou0.txt").read_bytes() == (fixed / "ou2.txt").read_bytes()
    assert (fixed / "ou1.txt").read_bytes() != corpus["ls-tid-problem.txt"]
