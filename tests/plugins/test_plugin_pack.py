"""A pack with its own analyzer, registered through the entry-point group: nothing in wizard/
names it, and it works end to end (validate, diagnose, the TUI)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from textual.widgets import DataTable, TextArea

from tests.tui.drive import settle, start
from wizard.evidence import registry
from wizard.kb.registry import open_pack
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.outcome import OutcomeScreen

LOSSY = (
    "PING host.example (10.0.0.9) 56(84) bytes of data.\n"
    "64 bytes from 10.0.0.9: icmp_seq=1 ttl=64 time=0.1 ms\n"
    "64 bytes from 10.0.0.9: icmp_seq=3 ttl=64 time=0.1 ms\n"
    "--- host.example ping statistics ---\n"
    "3 packets transmitted, 2 received, 33% packet loss, time 2003ms\n"
)
CLEAN = LOSSY.replace("33% packet loss", "0% packet loss")


def kbwizard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=120
    )


def test_the_plugin_is_found_through_the_entry_point_group(plugin_site: Path) -> None:
    assert "test-ping" in registry.analyzers()
    assert registry.specs()["test-ping"].supplies == frozenset({"packet_loss", "target"})


def test_without_the_plugin_the_pack_names_an_unknown_analyzer(pack_dir: Path) -> None:
    registry.reload()
    result = kbwizard("validate", str(pack_dir / "test-ping.yaml"))
    assert result.returncode == 1
    assert "names unknown analyzer 'test-ping'" in result.stdout


def test_validate_accepts_the_pack_and_rejects_what_the_analyzer_cannot_supply(
    plugin_site: Path, pack_dir: Path, tmp_path: Path
) -> None:
    good = kbwizard("validate", str(pack_dir / "test-ping.yaml"))
    assert good.returncode == 0, good.stdout + good.stderr
    text = (pack_dir / "test-ping.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace(
            "      - target\n", "      - target\n      - {fact: gateway, from: rtt}\n"
        ).replace("artifact: advice", "artifact: report")
    )
    result = kbwizard("validate", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        "supplies 'gateway' (as 'rtt'), which analyzer 'test-ping' cannot produce" in line
        for line in lines
    ), lines
    assert any("does not produce 'report'" in line for line in lines), lines


def test_diagnose_end_to_end(plugin_site: Path, pack_dir: Path, tmp_path: Path) -> None:
    ping = tmp_path / "ping.txt"
    ping.write_text(LOSSY)
    result = kbwizard(
        "--pack-dir", str(pack_dir), "diagnose", "--pack", "test-ping",
        "--evidence", f"ping={ping}", "--fact", "gateway=10.0.0.1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["diagnosis"], data["outcome_status"]) == ("route-wrong", "confirmed")
    assert data["facts"]["loss"] == "yes" and data["provenance"]["loss"] == "ping:5"
    assert data["provenance"]["target"] == "ping:1"
    (fix,) = data["fixes"]
    assert fix["commands"] == ["ping -c 3 host.example", "route add default 10.0.0.1"]
    assert fix["artifacts"][0]["text"] == "route add default 10.0.0.1\n"
    assert data["advice_text"] == "route add default 10.0.0.1\n"
    assert "reordered_login_script" not in data
    markdown = kbwizard(
        "diagnose", "--pack-dir", str(pack_dir), "--pack", "test-ping",
        "--evidence", f"ping={ping}", "--format", "md",
    )  # fmt: skip
    assert "Diagnosis: route-wrong (Confirmed)" in markdown.stdout.replace("**", "")
    assert "The article gives no check for this." in markdown.stdout


def test_status_drives_exit_codes(plugin_site: Path, pack_dir: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN)
    ruled_out = kbwizard(
        "diagnose", "--pack-dir", str(pack_dir), "--pack", "test-ping",
        "--evidence", f"ping={clean}",
    )  # fmt: skip
    assert ruled_out.returncode == 0, ruled_out.stderr
    assert json.loads(ruled_out.stdout)["outcome_status"] == "ruled-out"
    undecided = kbwizard("diagnose", "--pack-dir", str(pack_dir), "--pack", "test-ping")
    assert undecided.returncode == 3
    assert json.loads(undecided.stdout)["outcome_status"] == "undecided"


def test_several_artifacts_of_one_kind_name_the_artifact(
    plugin_site: Path, pack_dir: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(CLEAN)
    second.write_text(LOSSY.replace("PING host.example", "PING other.example"))
    result = kbwizard(
        "diagnose", "--pack-dir", str(pack_dir), "--pack", "test-ping",
        "--evidence", f"ping={first}", "--evidence", f"ping={second}",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["provenance"]["loss"] == "ping:a.txt:5"
    assert [e["source"] for e in data["evidence"]] == ["ping:a.txt", "ping:b.txt"]
    assert any("ping:b.txt:5" in remark for remark in data["remarks"])


def test_the_test_hook_loads_through_the_same_path(plugin_site: Path) -> None:
    """The documented hook: an EntryPoint found first, loaded and checked like installed ones."""
    point = EntryPoint("test-ping-2", "kbw_pingcheck:ANALYZER", registry.GROUP)
    with registry.added_entry_points(point):
        assert "test-ping-2" in registry.broken()  # it calls itself test-ping: refused
        assert "calls itself 'test-ping'" in registry.broken()["test-ping-2"]
    assert "test-ping-2" not in registry.broken()


@pytest.mark.slow
async def test_the_tui_reads_the_plugin_evidence_and_asks_what_the_fix_needs(
    plugin_site: Path, pack_dir: Path
) -> None:
    pack = open_pack(str(pack_dir / "test-ping.yaml"))
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#tab-ping")  # the pack's tab, by its kind
        app.screen.query_one("#text-ping", TextArea).load_text(LOSSY)
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#table-ping", DataTable)
        assert table.row_count == 2
        await pilot.press("escape")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.case is not None and app.case.facts["loss"] == "yes"
        # Confirmed: the fix's command needs the gateway, which the pack has a question for.
        await pilot.press(*"10.0.0.1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeScreen)
        summary = app.screen.summary
        assert summary is not None and summary.outcome_status == "confirmed"
        assert summary.fixes[0].commands[-1] == "route add default 10.0.0.1"
        assert app.case.session.provenance()["loss"] == "ping:5"


def test_rows_an_analyzer_asks_about(plugin_site: Path, pack_dir: Path) -> None:
    """An analyzer's questions about its rows: asked once the walk reaches what its kind
    supplies, in the pack's words when they name a fact; answered, passed, never twice."""
    from wizard.engine.case import Case

    pack = open_pack(str(pack_dir / "test-ping.yaml"))
    case = Case.start(pack)
    slow = LOSSY.replace("icmp_seq=3 ttl=64 time=0.1", "icmp_seq=3 ttl=64 time=1500")
    case.add_evidence("ping", slow, "ping.txt")
    asked = case.row_questions()
    assert [(kind, q.key) for kind, q in asked] == [("ping", "seq3"), ("ping", "gateway")]
    assert asked[1][1].text == "Which address is the default gateway?"  # the pack's question
    kind, question = case.pending_row_question() or ("", asked[0][1])
    assert (kind, question.key, question.line) == ("ping", "seq3", 3)
    case.answer_row_question(kind, question, "lost")
    assert case.corrections == {"seq3": "lost"}
    assert [q.key for _k, q in case.row_questions()] == ["gateway"]
    (kind, gateway) = case.row_questions()[0]
    case.answer_row_question(kind, gateway, None)
    assert case.row_questions() == []
    restored = Case.from_dict(pack, case.to_dict())
    assert restored.row_questions() == [] and restored.corrections == {"seq3": "lost"}
