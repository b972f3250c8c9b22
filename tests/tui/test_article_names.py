"""How the triage lists name an article: its document, short, else its pack id."""

from __future__ import annotations

from wizard.tui.app import short_name


def test_a_tid_is_named_by_its_document() -> None:
    assert short_name("TID 3438100", "tid-3438100") == "TID 3438100"


def test_a_remark_in_brackets_is_left_out() -> None:
    assert short_name("TID 10019026 (formerly TID 2947652)", "tid-10019026") == "TID 10019026"


def test_a_chapter_title_gives_way_to_the_pack_id() -> None:
    title = "Novell Cluster Services for Linux Administration Guide: 13.17 (OES 2015)"
    assert short_name(title, "ncs-volume-id") == "ncs-volume-id"
    assert short_name("", "some-pack") == "some-pack"
