"""SET-parameter evidence analyzer (console ``set`` output, AUTOEXEC.NCF lines).

Provides ``analyze_set_parameters`` (bytes or text -> ``SetParametersAnalysis``):
the ``NCP Include IP Address(es)`` value (the last one executed wins), any
``NCP Exclude IP Addresses``, and - conservatively - the node's primary IP from
the first ``BIND IP … ADDRESS=`` of an AUTOEXEC.NCF-style paste. The exact
console output format is unconfirmed, so the parameter name is matched
case-insensitively, singular or plural, with ``:`` or ``=`` and free spacing,
with or without a leading ``set``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.evidence.model import EvidenceReport, Finding, Remark, escape_remarks
from wizard.evidence.text import (
    MAX_PATTERN_LINE,
    DecodedText,
    decode,
    find_ipv4s,
    is_ipv4,
    paste_parts,
)

from .load_script import bind_address

KIND = "set-parameters"
_SETTLED_LINES = 65_536

_INCLUDE = re.compile(r"NCP INCLUDE IP ADDRESS(?:ES)? ?[:=](.*)")
_EXCLUDE = re.compile(r"NCP EXCLUDE IP ADDRESS(?:ES)? ?[:=](.*)")
_NAME_ONLY = re.compile(r"NCP (?:IN|EX)CLUDE IP ADDRESS(?:ES)?")
_NCP_ADDRESSES = re.compile(r"(?:[A-Z0-9_.-]+: ?)?NCP ADDRESSES")
_SPACING = re.compile(r"(?<![ \t])[ \t]*=[ \t]*")  # linear, as in load_script
_PROMPT = re.compile(r"[A-Z0-9_.-]+:")
_SETTING_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _/().,'+-]*")
_COMMAND_WORDS = frozenset(
    {
        "SET", "LOAD", "UNLOAD", "BIND", "UNBIND", "ADD", "DEL", "SEARCH", "MOUNT",
        "FILE", "SERVER", "CLUSTER", "NCPCON", "NCP", "SECURE", "INITIALIZE", "CALL",
        "TIME", "DISPLAY", "CONFIG", "MODULES",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SetParametersAnalysis:
    """What the pasted SET output / AUTOEXEC.NCF says about NCP address registration."""

    report: EvidenceReport
    ncp_include_ip: str | None
    ncp_exclude_ips: tuple[str, ...]
    primary_ip: str | None
    decoded: DecodedText


@dataclass(frozen=True)
class _Include:
    line: int
    value: str
    raw: str


class _Reader:
    def __init__(self) -> None:
        self.includes: list[_Include] = []
        self.excludes: dict[str, None] = {}  # distinct, in order
        self.exclude_lines: list[int] = []
        self.binds: list[tuple[int, str, str]] = []
        self.skipped_binds: list[tuple[int, str]] = []
        self.ncp_addresses: dict[str, None] = {}  # distinct, in order
        self.ncp_addresses_line: int | None = None
        self.in_ncp_addresses = False
        self.in_setting = False
        self.unrecognised: list[tuple[int, str]] = []
        self.remarks: list[Remark] = []
        self.recognised = 0

    def state(self) -> tuple[int, int | None]:
        """Changes whenever a line records anything but a count or unrecognised text.

        The lists and the distinct values only ever grow, so their sum changes when any
        of them does; the NCP ADDRESSES line is the number of a later line each time."""
        return (
            len(self.includes) + len(self.excludes) + len(self.exclude_lines)
            + len(self.binds) + len(self.skipped_binds) + len(self.ncp_addresses)
            + len(self.remarks), self.ncp_addresses_line,
        )  # fmt: skip

    def line(self, number: int, text: str) -> None:
        if len(text) > MAX_PATTERN_LINE:
            self.unrecognised.append((number, text))
            return
        content, stripped, decoration = paste_parts(text)
        if decoration:
            self.unrecognised.append((number, text))
            return
        if not stripped:
            self.in_ncp_addresses = self.in_setting = False
            return
        upper = stripped.upper()
        if stripped[0] in "#;" or upper == "REM" or upper.startswith("REM "):
            return
        upper = " ".join(upper.split())
        indented = content[:1] in (" ", "\t")
        if self.parameter(number, upper):
            self.recognised += 1
            self.in_setting = True
            return
        if indented and self.in_setting and not self.in_ncp_addresses:
            # Indented lines under a parameter are its description, limits, etc.
            self.recognised += 1
            return
        self.in_setting = False
        if _NCP_ADDRESSES.fullmatch(upper):
            self.in_ncp_addresses = True
            self.ncp_addresses_line = number
            self.recognised += 1
            return
        if self.in_ncp_addresses:
            addresses = find_ipv4s(upper)
            if addresses:
                self.ncp_addresses.update(dict.fromkeys(addresses))
                self.recognised += 1
                return
            self.in_ncp_addresses = False
        if self.other(number, upper):
            self.recognised += 1
            self.in_setting = _is_setting(upper)
            return
        self.unrecognised.append((number, text))

    def parameter(self, number: int, upper: str) -> bool:
        if "CLUDE IP ADDRESS" not in upper:  # what all three patterns need; most lines lack it
            return False
        include = _INCLUDE.search(upper)
        if include is not None:
            self.include(number, include.group(1))
            return True
        exclude = _EXCLUDE.search(upper)
        if exclude is not None:
            addresses = find_ipv4s(exclude.group(1))
            self.exclude_lines.append(number)
            self.excludes.update(dict.fromkeys(addresses))
            return True
        # "set NCP Include IP Address" typed without a value just displays it.
        return _NAME_ONLY.search(upper) is not None

    def include(self, number: int, value_text: str) -> None:
        value = value_text.strip().strip("\"'").strip()
        first = value.split()[0] if value.split() else ""
        if first.strip("\"',;") == "ALL":
            self.includes.append(_Include(number, "all", value))
            return
        addresses = find_ipv4s(value)
        if len(addresses) == 1 and first.strip("\"',;") == addresses[0]:
            self.includes.append(_Include(number, addresses[0], value))
            return
        if len(addresses) > 1:
            given = ", ".join(addresses)
            self.includes.append(_Include(number, given, value))
            self.remarks.append(
                Remark(
                    number,
                    "warning",
                    f"line {number} lists several addresses ({given}); taken as given — "
                    "check what the server really registers (console: NCP ADDRESSES)",
                )
            )
            return
        shown = value if len(value) <= 60 else value[:60] + "…"
        self.remarks.append(
            Remark(number, "warning", f"line {number}: value {shown!r} not understood; ignored")
        )

    def other(self, number: int, upper: str) -> bool:
        command = upper
        prompt = _PROMPT.match(command)
        if prompt is not None and prompt.end() < len(command):
            command = command[prompt.end() :].lstrip()
        if command.startswith("BIND IP"):
            self.bind(number, command)
            return True
        words = command.split()
        if words and words[0] in _COMMAND_WORDS:
            return True
        return _is_setting(upper) or _is_setting(command)

    def bind(self, number: int, command: str) -> None:
        parsed = bind_address(command)
        if parsed is None:
            return
        board, address = parsed
        if not is_ipv4(address):
            return
        normalised = _SPACING.sub("=", command)
        if board.startswith("VNIC") or "MASK=255.255.255.255" in normalised:
            self.skipped_binds.append((number, address))
            return
        self.binds.append((number, board, address))


def _is_setting(text: str) -> bool:
    """A ``Name: value`` / ``Name = value`` line as SET output or a settings dump shows it."""
    name, colon, _ = text.partition(":")
    if not colon:
        name, colon, _ = text.partition("=")
    return bool(colon) and _SETTING_NAME.fullmatch(name.strip()) is not None


def analyze_set_parameters(data: bytes | str) -> SetParametersAnalysis:
    """Read SET output / AUTOEXEC.NCF lines: NCP Include IP Address, exclusions, primary IP."""
    decoded = decode(data)
    reader = _Reader()
    previous = 0
    # What a line that changed nothing else did, by its text and the reader's mode: the
    # recognised and unrecognised counts it added and the mode after it. A repeated line
    # costs one lookup. Bounded in size.
    settled: dict[tuple[str, bool, bool], tuple[int, int, bool, bool]] = {}
    for number, text in decoded.numbered():
        if number != previous + 1:  # empty lines came between: they end a block
            reader.in_ncp_addresses = reader.in_setting = False
        previous = number
        key = (text, reader.in_ncp_addresses, reader.in_setting)
        outcome = settled.get(key)
        if outcome is not None:
            recognised, unrecognised, reader.in_ncp_addresses, reader.in_setting = outcome
            reader.recognised += recognised
            if unrecognised:
                reader.unrecognised.append((number, text))
            continue
        if len(settled) >= _SETTLED_LINES:  # full: no more bookkeeping
            reader.line(number, text)
            continue
        before = reader.state()
        recognised, unrecognised = reader.recognised, len(reader.unrecognised)
        reader.line(number, text)
        if reader.state() == before:
            settled[key] = (
                reader.recognised - recognised,
                len(reader.unrecognised) - unrecognised,
                reader.in_ncp_addresses,
                reader.in_setting,
            )
    findings: list[Finding] = []
    remarks = list(reader.remarks) + list(escape_remarks(data, decoded.numbered()))
    include: str | None = None
    if reader.includes:
        last = reader.includes[-1]
        include = last.value
        detail = f"line {last.line} sets NCP Include IP Address to {last.value}"
        if len(reader.includes) > 1:
            earlier = ", ".join(f"{item.value} (line {item.line})" for item in reader.includes[:-1])
            detail += f"; it is the last of several values, so it wins over {earlier}"
            remarks.append(
                Remark(
                    last.line,
                    "info",
                    f"NCP Include IP Address appears {len(reader.includes)} times; the last one "
                    f"(line {last.line}: {last.value}) is taken, as the last one executed wins",
                )
            )
        findings.append(Finding("ncp_include_ip", include, last.line, detail))
    if reader.excludes:
        remarks.append(
            Remark(
                reader.exclude_lines[0],
                "info",
                "NCP Exclude IP Addresses lists "
                + ", ".join(reader.excludes)
                + "; exclusions override inclusions, so these addresses are not registered "
                "even when NCP Include IP Address is all",
            )
        )
    primary: str | None = None
    if reader.binds:
        number, board, address = reader.binds[0]
        primary = address
        findings.append(
            Finding(
                "primary_ip",
                address,
                number,
                f"line {number} is the first BIND IP with an address ({address} on {board}); "
                "the first bound address is taken as the node's primary IP",
            )
        )
        remarks.append(
            Remark(
                number,
                "info",
                f"primary IP {address} assumes the first BIND IP address is the primary one; "
                "correct it if the node's primary IP is another",
            )
        )
    elif reader.skipped_binds:
        number, address = reader.skipped_binds[0]
        remarks.append(
            Remark(
                number,
                "info",
                f"line {number} binds {address} to a virtual NIC or with a host mask; it looks "
                "like a virtual IP, so it is not taken as the primary IP",
            )
        )
    if reader.ncp_addresses:
        remarks.append(
            Remark(
                reader.ncp_addresses_line,
                "info",
                "NCP ADDRESSES lists " + ", ".join(reader.ncp_addresses) + "; which one is the "
                "node's primary IP cannot be told from this output, so it is not assumed",
            )
        )
    if include is None:
        remarks.append(
            Remark(
                None,
                "info",
                "NCP Include IP Address not found (its default is all; check with "
                "'set NCP include IP address' at the node console)",
            )
        )
    report = EvidenceReport(
        KIND, tuple(findings), tuple(reader.unrecognised), tuple(remarks), decoded.encoding
    )
    return SetParametersAnalysis(report, include, tuple(reader.excludes), primary, decoded)
