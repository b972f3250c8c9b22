"""Fuzzing the evidence intake and the pack reader in-process with Hypothesis.

Long run: ``HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/hardening -k fuzz``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from wizard.analyzers.netware import KINDS
from wizard.engine.intake import Intake, build_case
from wizard.engine.session import SessionError
from wizard.kb.loader import parse_pack
from wizard.kb.model import Pack
from wizard.kb.registry import ANALYZERS, open_pack
from wizard.kb.validate import validate_pack

PACK: Pack = open_pack()

# Bytes that are mostly the artifacts' own vocabulary, so the analyzers get
# past their first checks, mixed with anything at all.
WORDS = [
    b"MAP ", b"S1:=", b"F:=", b"10.1.1.11", b"/SYS:", b"CLUSTER1_POOL1_SERVER", b"/VOL1:",
    b"IF ", b"THEN", b"ELSE", b"END", b"ATTACH ", b"REM ", b";", b"\r\n", b"\n", b"BIND IP ",
    b"ADDRESS=", b"10.1.1.180", b"MASK=255.255.255.0", b"NUDP ADD ", b"add secondary ipaddress ",
    b"NCP Include IP Address", b": ", b"all", b"=", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf",
    b"\x00", b"\\\\", b'"', b"%LOGIN_NAME", b"mount VOL1", b"set ",
]  # fmt: skip
artifact = st.one_of(
    st.binary(max_size=4096),
    st.lists(st.one_of(st.sampled_from(WORDS), st.binary(max_size=8)), max_size=200).map(b"".join),
)


@given(
    st.lists(st.tuples(st.sampled_from(KINDS), artifact), min_size=1, max_size=3),
    st.lists(st.tuples(st.sampled_from(sorted(PACK.facts)), st.text(max_size=20)), max_size=3),
)
def test_fuzz_build_case_raises_only_session_error(
    evidence: list[tuple[str, bytes]], facts: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        intake = Intake(facts=[(name, value, "fact") for name, value in facts])
        for i, (kind, data) in enumerate(evidence):
            path = Path(tmp) / f"{i}-{kind}.txt"
            path.write_bytes(data)
            intake.evidence.append((kind, path))
        try:
            case = build_case(PACK, intake)
        except SessionError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        assert case is not None


YAML_BITS = [
    "id: x\n", "nodes:\n", "  q:\n", "    kind: question\n", "facts: {}\n", "- ", ": ",
    "[", "]", "{", "}", "&a ", "*a", "!!python/object/apply:os.system ['true'] ", "!!str ",
    "? ", "---\n", "|\n", ">\n", "'", '"', "\t", "  ", "\n", "yes", "~", "0x1F", "start: q\n",
]  # fmt: skip


@given(
    st.one_of(
        st.binary(max_size=2048),
        st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=5)), max_size=120).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
    )
)
def test_fuzz_parse_pack_never_raises(data: bytes) -> None:
    pack, problems = parse_pack(data, "fuzz.yaml")
    if pack is not None:
        problems += validate_pack(pack, ANALYZERS)
    for problem in problems:
        assert problem.file == "fuzz.yaml" and problem.line >= 1 and problem.message
    if pack is None:
        assert problems
