"""Running the real command line and checking its error contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

LOCATED = re.compile(r"^.+:\d+: \S.*$")


def kbwizard(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        errors="replace",
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert "internal error" not in result.stderr, result.stderr


def problem_lines(result: subprocess.CompletedProcess[str], path: Path) -> list[str]:
    """The FILE:LINE: message lines `validate` printed, each checked for its form."""
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines, f"no problem printed; stderr: {result.stderr}"
    for line in lines:
        assert line.startswith(f"{path}:"), line
        assert LOCATED.match(line), line
    return lines


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]
