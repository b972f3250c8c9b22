"""The NetWare login analyzer asks the roles the login order hinges on (generic row
questions, with the line that makes each matter) and, when no safe reorder exists,
says why as the notes of the artifacts it cannot make."""

from __future__ import annotations

from pathlib import Path

from wizard.analyzers.netware.plugins import LOGIN_SCRIPT
from wizard.evidence.protocol import Context

DATA = Path(__file__).resolve().parent.parent / "data" / "evidence"


def test_a_name_only_virtual_server_and_the_default_server_are_asked_with_their_line() -> None:
    script = b"REM users\nMAP S1:=SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    reading = LOGIN_SCRIPT.analyze(script, Context({}))
    asked = [(q.key, q.line, q.line_text, q.fact, q.current) for q in reading.questions]
    assert asked == [
        ("", 2, "MAP S1:=SYS:PUBLIC", "preferred_server", "node"),
        ("CLUSTER1_POOL1_SERVER", 3, "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:", None, "virtual"),
    ]
    virtual = reading.questions[1]
    assert (
        virtual.text
        == "Is CLUSTER1_POOL1_SERVER a virtual server of the cluster (a cluster resource)?"
    )
    assert "Line 3 decides the login order" in virtual.why and "only guessed" in virtual.why
    assert [value for value, _label in virtual.choices] == ["node", "virtual", "other"]
    assert set(LOGIN_SCRIPT.corrections) >= {value for value, _label in virtual.choices}


def test_nothing_is_asked_when_the_evidence_decides_everything() -> None:
    script = b"MAP S1:=10.1.1.11/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    context = Context({"primary_ip": ("10.1.1.11",), "virtual_servers": ("CLUSTER1_POOL1_SERVER",)})
    reading = LOGIN_SCRIPT.analyze(script, context)
    assert reading.report.findings[0].value == "node-first"
    assert reading.questions == ()
    assert reading.product("corrected-script") is not None


def test_a_corrected_role_is_not_asked_again() -> None:
    script = b"MAP S1:=NODE1/SYS:PUBLIC\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\n"
    context = Context({"virtual_servers": ("CLUSTER1_POOL1_SERVER",)})
    (question,) = LOGIN_SCRIPT.analyze(script, context).questions
    assert (question.key, question.text) == ("NODE1", "Is NODE1 one of the cluster nodes?")
    corrected = Context(dict(context.facts), corrections={"NODE1": "node"})
    assert LOGIN_SCRIPT.analyze(script, corrected).questions == ()


def test_no_safe_reorder_says_why_as_the_notes_of_the_artifacts_not_made() -> None:
    script = (DATA / "ls-conditional-virtual-after.txt").read_bytes()
    context = Context({"node_names": ("NODE1",)})
    reading = LOGIN_SCRIPT.analyze(script, context)
    assert reading.report.findings[0].value == "node-first"
    made = reading.product("corrected-script")
    diff = reading.product("diff")
    assert made is not None and diff is not None
    assert made.text == "" and diff.text == ""
    assert made.notes == diff.notes and len(made.notes) == 1
    assert "by hand" in made.notes[0]
