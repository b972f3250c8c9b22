"""Applying evidence goes through the case's one entry point, in a worker thread: the screen
answers keys while an artifact is read, and the case gets exactly what was analysed."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, TextArea

from tests.tui.drive import settle, start
from wizard.engine.case import EvidenceAnalysis, EvidenceDraft
from wizard.kb.model import Pack
from wizard.tui.app import KBWizardApp
from wizard.tui.screens.evidence import EvidenceScreen

LOGIN = "MAP S1:=10.1.1.11/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"


async def test_applying_evidence_never_blocks_the_screen(
    pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KBWizardApp(pack, autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        screen.query_one("#text-login-script", TextArea).load_text(LOGIN)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.case is not None and not app.case.artifacts

        # From here on, reading the evidence takes as long as the test says (a huge file).
        gate, threads = threading.Event(), []
        real = EvidenceDraft.analyse

        def slow(draft: EvidenceDraft) -> EvidenceAnalysis:
            threads.append(threading.current_thread() is threading.main_thread())
            gate.wait(10)
            return real(draft)

        monkeypatch.setattr(EvidenceDraft, "analyse", slow)
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+l")  # the screen still takes keys while the file is read
        assert isinstance(app.focused, Input)
        assert threads == [False] and not gate.is_set() and screen.pending is not None
        assert not app.case.artifacts  # nothing applied before it was read
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.pending is None
        (artifact,) = app.case.artifacts_of("login-script")
        assert artifact.data == LOGIN.encode()
        assert [r.artifact for r in app.case.analysis().readings] == [artifact]
