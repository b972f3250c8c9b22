"""Generates NetWare login scripts of a given size: a realistic mix of lines.

Each block has comments (REM, ;, *), MAP lines to nodes and virtual servers
in every form the analyzer reads (server/volume, UNC, volume objects, search
drives, bare volumes), IF/ELSE/END blocks, WRITE and DRIVE lines, blank lines,
and CRLF line endings as pasted from ConsoleOne.
"""

from __future__ import annotations

BLOCK = [
    "REM ---- container login script, block {i} ----",
    "; maintained by the helpdesk, change ticket INC-{i:05d}",
    "MAP DISPLAY OFF",
    "MAP ERRORS OFF",
    "MAP S1:=10.1.1.11/SYS:PUBLIC",
    "MAP INS S2:=SYS:PUBLIC\\CLIENT",
    "MAP F:=CLUSTER1_POOL1_SERVER/VOL1:",
    'IF MEMBER OF "SALES{j}" THEN',
    "   MAP G:=CLUSTER1_POOL2_SERVER\\VOL2:SALES",
    "   MAP ROOT H:=.CLUSTER1_VOL1.CORP.ACME:HOME\\%LOGIN_NAME",
    "ELSE",
    "   MAP G:=\\\\10.1.1.181\\VOL2\\SHARED",
    "END",
    "* legacy mapping kept for the accounting application",
    "MAP NP K:=NODE2/SYS:APPS",
    'IF DAY_OF_WEEK = "Monday" THEN WRITE "Good morning, %FULL_NAME"',
    "DRIVE F:",
    "",
]


def generate_login_script(size: int, tag: str = "") -> bytes:
    """A login script of exactly ``size`` bytes (the last line may be cut short).

    ``tag`` (a site's container name, say) goes into a first comment line, so that two
    scripts of one size with different tags differ (an audit reads each one)."""
    parts: list[bytes] = []
    total = 0
    if tag:
        first = f"REM login script of {tag}\r\n".encode("ascii")
        parts.append(first)
        total += len(first)
    i = 0
    while total < size:
        block = "\r\n".join(line.format(i=i, j=i % 7) for line in BLOCK) + "\r\n"
        encoded = block.encode("ascii")
        parts.append(encoded)
        total += len(encoded)
        i += 1
    return b"".join(parts)[:size]
