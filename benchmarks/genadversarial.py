"""Adversarial evidence shapes for the benchmarks: one line pattern repeated to a size.

The shapes that once took minutes or gigabytes at the 10 MiB evidence limit (a
backtracking MAP regex, per-line objects for empty lines, list membership, one
remark per ';'-joined part), as bytes of a given size. ``tests/hardening/
test_bounded_work.py`` holds the same shapes, and more, as tests.
"""

from __future__ import annotations

SHAPES: dict[str, tuple[str, str]] = {
    "MAP to a long dotted target": ("login-script", "MAP H:=" + "1." * 2000 + "1\n"),
    "';'-joined maps": (
        "login-script",
        "MAP " + ";".join(f"{chr(70 + i % 16)}:=SRV{i % 7}/VOL{i % 5}:" for i in range(180)) + "\n",
    ),
    "CRLF, LF and CR mixed": ("login-script", "MAP H:=SRV/VOL:\r\nMAP I:=A:\nREM x\r"),
    "bare LF": ("login-script", "\n"),
    "bare CR": ("login-script", "\r"),
    "one drive copied": ("login-script", "MAP H:=A:\n"),
    "one-character lines": ("login-script", "0\n"),
    "BIND IP with a bracket run": ("load-script", "BIND IP " + "[" * 4000 + "\n"),
}


def generate(unit: str, size: int) -> bytes:
    """``unit`` repeated to at most ``size`` bytes (at least once)."""
    data = unit.encode("utf-8")
    return data * max(1, size // len(data))
