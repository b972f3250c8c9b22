"""The wheel carries the packs: a plain (non-editable) install finds and validates them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_finds_packs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("KBWIZARD_")}
    # Run from an unrelated folder so nothing resolves to the source tree.
    packs = subprocess.run(
        [str(bin_dir / "kbwizard"), "packs"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env,
    )
    assert packs.returncode == 0, packs.stderr
    listed = [line.split("\t")[:2] for line in packs.stdout.splitlines()]
    for pack_id in ("ncs-volume-id", "tid-10019026", "tid-3438100", "tid-7014886"):
        source = (ROOT / "knowledge" / f"{pack_id}.yaml").read_text(encoding="utf-8")
        version = yaml.safe_load(source)["version"]
        assert [pack_id, version] in listed, packs.stdout
    assert "[bundled]" in packs.stdout
    validate = subprocess.run(
        [str(bin_dir / "kbwizard"), "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "ok:" in validate.stderr and "site-packages" in validate.stderr
    # The packs' case folders ship too: their cases run from the installed wheel.
    tested = subprocess.run(
        [str(bin_dir / "kbwizard"), "test", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env,
    )
    assert tested.returncode == 0, tested.stdout[-2000:] + tested.stderr[-2000:]
    result = json.loads(tested.stdout)
    (reference,) = [p for p in result["packs"] if p["pack"] == "tid-3438100"]
    assert "site-packages" in reference["cases_dir"]
    assert len(reference["cases"]) >= 10 and all(c["passed"] for c in reference["cases"])
    assert reference["coverage"]["outcomes"]["never_reached"] == []
    assert reference["coverage"]["edges"]["never_taken"] == []
