"""Builds the audit test inputs: an LDIF export of every login-script form of the evidence
corpus (folded lines, base64 values, CRLF inside values, a trailing NUL, comments, a broken
record) and folders of scripts with bad files among them."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "data" / "evidence"

SITE = [
    "--fact",
    "node_names=NODE1,NODE2",
    "--fact",
    "virtual_servers=CLUSTER1_POOL1_SERVER,CLUSTER1_POOL2_SERVER",
    "--fact",
    "primary_ip=10.1.1.11",
    "--fact",
    "virtual_ips=10.1.1.180,10.1.1.181",
]

HOSTILE_DN = 'cn=<script>alert(1)</script>\\,=HYPERLINK("x"),ou=Evil&Co,o=ACME'
HOSTILE_SCRIPT = (
    b"REM <img src=x onerror=alert(1)> | `code` **bold** =cmd|' /C calc'!A0\n"
    b"MAP S1:=NODE1/SYS:PUBLIC\n"
    b"MAP F:=CLUSTER1_POOL1_SERVER/VOL1:<b>x</b>\n\x1b[31m\n"
)


def corpus_scripts() -> list[tuple[str, bytes]]:
    """(name, bytes) of every login script of the corpus, in name order."""
    return [
        (p.name, p.read_bytes())
        for p in sorted(CORPUS.glob("ls-*.txt"))
        if not p.name.endswith(".expect.yaml")
    ]


def as_directory_value(data: bytes) -> bytes:
    """A script as the directory stores it: LF line ends and a trailing NUL."""
    return data.replace(b"\r\n", b"\n") + b"\x00"


def fold(line: str, width: int) -> list[str]:
    """An LDIF line folded at ``width`` columns (continuations start with one space)."""
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return out


def entry(dn: str, script: bytes, width: int = 76, eol: str = "\n") -> str:
    encoded = base64.b64encode(script).decode("ascii")
    lines = [
        f"dn: {dn}",
        "changetype: add",
        "objectClass: organizationalUnit",
        f"ou: {dn.split(',', 1)[0].split('=', 1)[1]}",
        *fold(f"loginScript:: {encoded}", width),
    ]
    return eol.join(lines) + eol


def build_ldif(path: Path, copies: int = 8) -> dict[str, object]:
    """Write an export of ``copies`` rounds of the corpus (a few hundred entries) to
    ``path``; what it holds, for the tests."""
    scripts = corpus_scripts()
    parts = ["# ICE export of o=ACME\n", "version: 1\n", "\n"]
    dns: list[str] = []
    broken: list[str] = []
    for round_ in range(copies):
        for index, (name, data) in enumerate(scripts):
            dn = f"ou={name.removesuffix('.txt')}-{round_},o=ACME"
            value = data if (index + round_) % 3 == 0 else as_directory_value(data)
            width = (76, 40, 200)[(index + round_) % 3]
            eol = "\r\n" if index % 5 == 0 else "\n"
            parts.append(entry(dn, value, width, eol))
            parts.append("\n" if index % 7 else "\n\n# a comment between records\n\n")
            dns.append(dn)
        # A broken record (a line with no colon), then one with broken base64.
        broken.append(f"ou=broken-{round_},o=ACME")
        parts.append(f"dn: ou=broken-{round_},o=ACME\nthis line has no colon\n\n")
        broken.append(f"ou=badbase64-{round_},o=ACME")
        parts.append(f"dn: ou=badbase64-{round_},o=ACME\nloginScript:: TUFQ=x=\n\n")
        # An entry without a login script: not an artifact.
        parts.append(f"dn: cn=user{round_},o=ACME\nobjectClass: person\n\n")
    parts.append(entry(HOSTILE_DN, HOSTILE_SCRIPT))
    dns.append(HOSTILE_DN)
    path.write_text("".join(parts), encoding="utf-8", newline="")
    return {"dns": dns, "broken": broken, "scripts": scripts}


def bad_folder(path: Path) -> dict[str, str]:
    """A folder of corpus scripts with bad files among them; name -> expected error."""
    path.mkdir(parents=True, exist_ok=True)
    for name, data in corpus_scripts():
        (path / name).write_bytes(data)
    sub = path / "sub"
    sub.mkdir()
    (sub / "hostile.txt").write_bytes(HOSTILE_SCRIPT)
    (path / "junk.bin").write_bytes(bytes(range(256)) * 40)
    with open(path / "huge.txt", "wb") as handle:  # 10 MB, sparse
        handle.truncate(10 * 1024 * 1024)
    os.mkfifo(path / "pipe")
    locked = path / "locked.txt"
    locked.write_bytes(b"MAP F:=NODE1/SYS:\n")
    locked.chmod(0)
    return {
        "junk.bin": "binary data",
        "huge.txt": "over the",
        "pipe": "FIFO",
        "locked.txt": "Permission denied",
    }
