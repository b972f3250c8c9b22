"""A ruled-out outcome's see_also links in the case summary: only those whose condition
holds, with the linked pack's title (found beside the pack, or none), in every format,
escaped like any other pack text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wizard.cli import main

BASE = (ROOT / "docs" / "examples" / "mini-vip.yaml").read_text(encoding="utf-8")
HOSTILE = "<script>alert(1)</script> *bold* [x](http://e.invalid) \x1b[31mred"


def _packs(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    anchor = "    status: ruled-out\n"
    links = (
        "    see_also:\n"
        "      - {pack: other-vip, text: 'The other article fits.'}\n"
        "      - pack: not-installed\n"
        f"        text: {json.dumps(HOSTILE)}\n"
        "      - {pack: other-vip-2, when: {fact: vip_method, equals: bind}, text: Never here.}\n"
    )
    (folder / "mini-vip.yaml").write_text(BASE.replace(anchor, anchor + links, 1), encoding="utf-8")
    other = BASE.replace("id: mini-vip", "id: other-vip", 1).replace(
        "title: Are BIND-ed", "title: <b>Other</b> BIND-ed", 1
    )
    (folder / "other-vip.yaml").write_text(other, encoding="utf-8")
    return folder


def _render(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    folder = _packs(tmp_path)
    code = main(
        [
            "diagnose",
            "--pack",
            str(folder / "mini-vip.yaml"),
            "--fact",
            "vip_method=secondary",
            "--format",
            fmt,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_json_lists_the_links_that_hold_with_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _render(tmp_path, capsys, "json")
    assert "\x1b" not in out  # written as \u001b: the JSON text is safe on a terminal
    data = json.loads(out)
    assert data["outcome_status"] == "ruled-out"
    assert data["see_also"] == [
        {
            "pack": "other-vip",
            "title": "<b>Other</b> BIND-ed virtual IPs registered by the node? (format example)",
            "text": "The other article fits.",
        },
        {"pack": "not-installed", "title": None, "text": HOSTILE},
    ]


def test_a_confirmed_outcome_has_no_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _packs(tmp_path)
    assert (
        main(
            [
                "diagnose",
                "--pack",
                str(folder / "mini-vip.yaml"),
                "--fact",
                "vip_method=bind",
                "--fact",
                "ncp_include_ip=all",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["see_also"] == []


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_every_format_shows_the_links_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = _render(tmp_path, capsys, fmt)
    assert "See also" in out
    assert "other-vip" in out and "not-installed" in out
    assert "Never here" not in out
    assert "\x1b" not in out
    if fmt == "html":
        assert "<script>" not in out and "&lt;script&gt;" in out
        assert "<b>Other</b>" not in out and "&lt;b&gt;Other" in out
    if fmt == "markdown":
        assert "*bold*" not in out and "\\*bold\\*" in out
        assert "<script>" not in out
