"""Installs the test-only analyzer as its own distribution, found through the entry points."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.evidence import registry

DATA = Path(__file__).resolve().parent.parent / "data" / "plugin"


def install_plugin(site: Path) -> Path:
    """A ``site-packages``-like folder holding the plugin module and its dist-info."""
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "kbw_pingcheck.py", site / "kbw_pingcheck.py")
    info = site / "kbw_pingcheck-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kbw-pingcheck\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[kbwizard.analyzers]\ntest-ping = kbw_pingcheck:ANALYZER\n"
    )
    return site


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The plugin installed for this process (sys.path) and for subprocesses (PYTHONPATH)."""
    site = install_plugin(tmp_path / "site")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))
    registry.reload()
    yield site
    registry.reload()


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(DATA / "test-ping.yaml", folder / "test-ping.yaml")
    return folder
