"""`kbwizard audit` on an LDIF export and on folders with bad files among the scripts:
every artifact is one result, bad ones with their error, and the run goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.audit.gen import HOSTILE_DN, SITE, bad_folder, build_ldif, corpus_scripts
from wizard.cli import main


def run_audit(tmp_path: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "report.json"
    code = main(["audit", *args, *SITE, "--quiet", "-o", str(out), "--force"])
    return code, json.loads(out.read_text(encoding="utf-8"))


def by_source(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["source"]: r for r in report["results"]}


def test_an_ldif_export_reads_every_entry_like_the_same_scripts_in_a_folder(
    tmp_path: Path,
) -> None:
    """Folded lines at several widths, base64 values, CRLF inside values and between
    lines, the directory's trailing NUL, comments between records: every entry gives
    the login order its script gives as a file; the broken records are one error each."""
    export = tmp_path / "export.ldif"
    info = build_ldif(export)
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, data in corpus_scripts():
        (folder / name).write_bytes(data)
    code, from_ldif = run_audit(tmp_path, str(export))
    assert code == 1  # the broken records could not be read
    _, from_files = run_audit(tmp_path, str(folder))
    files = {Path(r["source"]).name: r for r in from_files["results"]}
    results = by_source(from_ldif)
    dns = info["dns"]
    assert isinstance(dns, list)
    broken = info["broken"]
    assert isinstance(broken, list)
    assert from_ldif["scripts"] == len(dns) + len(broken) > 300
    assert set(results) == set(dns) | set(broken)
    for dn in broken:
        assert results[dn]["error"].startswith("broken LDIF record")
        assert results[dn]["location"].startswith(f"{export}:")
    compared = 0
    for dn in dns:
        if dn == HOSTILE_DN:
            continue
        name = dn.split(",", 1)[0].removeprefix("ou=").rsplit("-", 1)[0] + ".txt"
        assert results[dn]["error"] is None, dn
        assert results[dn]["login_order"] == files[name]["login_order"], dn
        assert results[dn]["corrected"] == files[name]["corrected"], dn
        compared += 1
    assert compared == len(dns) - 1
    assert sum(1 for r in from_files["results"] if r["login_order"] == "node-first") > 5
    assert from_ldif["summary"]["unread"] == len(broken)
    assert sum(from_ldif["summary"].values()) == from_ldif["scripts"]


def test_a_record_over_the_limit_and_a_line_without_end_are_one_error_each(
    tmp_path: Path,
) -> None:
    export = tmp_path / "big.ldif"
    huge = "QUFB" * (700 * 1024)  # 2.8 MB of base64 on one line: over the record limit
    export.write_text(
        "version: 1\n\n"
        f"dn: ou=huge,o=ACME\nloginScript:: {huge}\n\n"
        "dn: ou=fine,o=ACME\nloginScript:: TUFQIEY6PUNMVVNURVIxX1BPT0wxX1NFUlZFUi9WT0wxOg==",
        encoding="ascii",
    )
    code, report = run_audit(tmp_path, str(export))
    assert code == 1
    results = by_source(report)
    assert "over the" in results["ou=huge,o=ACME"]["error"]
    assert results["ou=fine,o=ACME"]["error"] is None
    assert results["ou=fine,o=ACME"]["login_order"] == "no-node-mapping"


def test_bad_files_in_a_folder_are_one_result_each_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    expected = bad_folder(folder)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere")
    expected["dangling.txt"] = "No such file"
    if os.geteuid() == 0:  # root reads a file of mode 000 all the same
        expected.pop("locked.txt")
    code, report = run_audit(tmp_path, str(folder))
    assert code == 1
    results = {Path(r["source"]).name: r for r in report["results"]}
    for name, words in expected.items():
        assert results[name]["error"] is not None and words in results[name]["error"], name
    read = [r for r in report["results"] if r["error"] is None]
    assert len(read) >= len(corpus_scripts())
    assert report["summary"]["unread"] == report["errors"] >= len(expected)
    (folder / "locked.txt").chmod(0o600)


def test_every_artifact_read_exits_0(tmp_path: Path) -> None:
    folder = tmp_path / "good"
    folder.mkdir()
    for name, data in corpus_scripts()[:5]:
        (folder / name).write_bytes(data)
    code, report = run_audit(tmp_path, str(folder))
    assert code == 0
    assert report["errors"] == 0 and report["scripts"] == 5 and report["partial"] is False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "needs a PATH"),
        (["PATH", "--format", "pdf"], "unknown format"),
        (["PATH", "--fact", "no_such_fact=1"], "unknown fact"),
        (["PATH", "--evidence", "no-such-kind=x"], "unknown evidence kind"),
        (["PATH", "--fact", "primary_ip=not-an-address"], "primary_ip"),
        (["PATH", "-o", "EXISTS"], "exists; use --force"),
        (["PATH", "--write-fixed", "FULL"], "not empty"),
    ],
)
def test_bad_usage_exits_2_before_reading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"MAP S1:=NODE1/SYS:\n")
    (tmp_path / "exists.json").write_text("{}")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    names = {
        "PATH": str(folder),
        "EXISTS": str(tmp_path / "exists.json"),
        "FULL": str(tmp_path / "full"),
    }
    code = main(["audit", *(names.get(a, a) for a in args)])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert (tmp_path / "exists.json").read_text() == "{}"


def test_the_site_context_comes_from_evidence_as_for_diagnose(tmp_path: Path) -> None:
    """A load script and SET output given with --evidence tell the analyzer the virtual
    server and the node's address for every script (no --fact needed)."""
    load = tmp_path / "load.ncf"
    load.write_text(
        "BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
        "NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\nmount VOL1 VOLID=254\n"
    )
    settings = tmp_path / "set.txt"
    settings.write_text("set NCP Include IP Address = all\nBIND IP X ADDRESS=10.1.1.11\n")
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"MAP S1:=10.1.1.11/SYS:\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n")
    out = tmp_path / "r.json"
    evidence = ["--evidence", f"load-script={load}", "--evidence", f"set-parameters={settings}"]
    assert main(["audit", str(folder), "--quiet", "-o", str(out)]) == 0
    (bare,) = json.loads(out.read_text())["results"]
    assert bare["login_order"] is None and json.loads(out.read_text())["site"] == []
    assert main(["audit", str(folder), *evidence, "--quiet", "-o", str(out), "--force"]) == 0
    report = json.loads(out.read_text())
    (result,) = report["results"]
    assert result["login_order"] == "node-first" and result["corrected"] is True
    # Every installed pack that reads one of the kinds given has its diagnosis there.
    site = {entry["pack"]: entry for entry in report["site"]}
    assert "tid-3438100" in site and "tid-10019026" not in site
    article = site["tid-3438100"]
    assert article["given"] == ["load-script", "set-parameters"]
    assert "vip_method" not in article["missing"] and "ncp_include_ip" not in article["missing"]


def test_a_file_name_that_is_not_utf8_is_reported_and_fixed(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    name = os.fsdecode(b"ou-\xff\x1b[31m.txt")
    (folder / name).write_bytes(b"MAP S1:=NODE1/SYS:\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n")
    fixed = tmp_path / "fixed"
    for fmt in ("json", "csv", "md", "html"):
        out = tmp_path / f"r.{fmt}"
        args = ["audit", str(folder), *SITE, "--format", fmt, "-o", str(out), "--quiet"]
        assert main([*args, "--write-fixed", str(fixed), "--force"]) == 0
        text = out.read_text(encoding="utf-8")
        assert "\x1b" not in text and "\ufffd" in text
    assert (fixed / name).read_bytes().startswith(b"MAP F:=")
