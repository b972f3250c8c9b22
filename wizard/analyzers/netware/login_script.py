"""NetWare login-script analyzer: which drive mappings reach a node vs a virtual server.

Provides ``analyze_login_script`` (bytes or text -> ``LoginScriptAnalysis``:
every ``MAP``/``ATTACH`` target in script order with its role, the
``login_order`` fact and the lines that decide it) and ``scan_login_script``,
the context-free structural pass (statements, IF-block nesting, raw mappings)
that the reorder fix reuses. The script is read top to bottom as one script;
anything that is not a login-script command is kept and reported, never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from wizard.evidence.model import EvidenceReport, Finding, Remark, escape_remarks
from wizard.evidence.text import MAX_PATTERN_LINE, DecodedText, decode, is_ipv4, paste_stripped
from wizard.gcpause import paused_gc

from .model import Role, SiteContext

KIND = "login-script"

BlockPath = tuple[tuple[int, int], ...]
"""Enclosing IF blocks, outermost first: (block id, branch) with branch 0 = THEN, 1 = ELSE."""

# The first word, unless a letter, digit, "_" or "." follows it (\w is what isalnum() or "_"
# accepts): then only a label can be read.
_WORD = re.compile(r"[A-Z_]+(?![\w.])")
_LABEL = re.compile(r"[A-Z0-9_]+:")
_THEN = re.compile(r"\bTHEN\b")
_QUOTED = re.compile(r'"[^"]*"')
_COLON_EQ = re.compile(r":[ \t]*=")
_DRIVE_TOKEN = re.compile(r"[A-Z]|S[0-9]{1,2}|\*[0-9]{1,2}")
_DRIVE_LETTER_TARGET = re.compile(r"([A-Z]|S[0-9]{1,2}|\*[0-9]{1,2}):(?:[\\/][^:]*)?")
_SEARCH_TOKEN = re.compile(r"S(?:[1-9]|1[0-6])")
_CHOSEN_LETTER = re.compile(r"[ \t]*([A-Z]):=")
_SLASH = re.compile(r"[\\/]")
_SERVER_VOLUME = re.compile(r"([^\\/]*)[\\/]([^\\/]*)")
# What simple_map reads: "MAP [option] <drive>:=<target>" with only blanks and tabs
# between the words and a target of printable ASCII without blank, '"' or ";" (so one MAP
# part). On such a line every step of the general path is a no-op or gives what the groups
# say, and the commonest target forms are split here too. Classes made of ASCII ranges
# only keep the regex fast (sre tests them with a bitmap). Linear: no two quantified parts
# that follow each other can match the same character (a "." ends <volume> before the dot
# of a volume object; ":" ends every name), so a failed line is never re-split two ways.
_PLAIN = r"!#-:<-~"  # printable ASCII except blank, '"' and ";"
_NAME = r"!#-.0-9<-\[\]-~"  # the same except "/", ":" and "\" as well
_VOLUME = r"!#-\-0-9<-\[\]-~"  # the same except "." as well
_SIMPLE_MAP = re.compile(
    rf"[Mm][Aa][Pp][ \t]+(?:(?P<option>[A-Za-z]+)[ \t]+)?"
    rf"(?P<drive>[A-Za-z]|[Ss][0-9]{{1,2}}):=[ \t]*(?P<target>"
    rf"(?P<server>[{_NAME}]+)[\\/](?P<volume>[{_NAME}]*):[{_PLAIN}]*"  # <server>/<volume>:path
    rf"|(?P<bare>[{_VOLUME}]{{2,}}):[{_PLAIN}]*"  # <volume>:path, two or more characters
    rf"|(?P<object>[{_VOLUME}]*\.[{_NAME}]*):[{_PLAIN}]*"  # <.volume.object>:path
    rf"|(?:\\\\|//)(?P<unc>[{_NAME}]+)(?:[\\/](?P<share>[{_NAME}]*)(?:[\\/][{_PLAIN}]*)?)?"
    rf"|[{_PLAIN}]+)"  # any other target, for parse_target
)
_MAP_WORD = re.compile(r"[Mm][Aa][Pp][ \t]")  # MAP and a blank: no label, no other word
_M = ("M", "m")  # the first letter of MAP (an empty string is not in it)
_COMMENT_MARKS = (";", "*")  # a statement starting so is a comment
_PASTE_MARKS = "`~<>"  # a stripped line starting otherwise is never quoted or decoration

_OPTIONS = {
    "INS": "INS",
    "INSERT": "INS",
    "DEL": "DEL",
    "DELETE": "DEL",
    "REM": "DEL",
    "REMOVE": "DEL",
    "ROOT": "ROOT",
    "R": "ROOT",
    "C": "C",
    "CHANGE": "C",
    "N": "N",
    "NEXT": "N",
    "P": "P",
    "PHYSICAL": "P",
    "NP": "NP",
    "NOPROMPT": "NP",
    "W": "W",
}

_PASS_COMMANDS = frozenset(
    {
        "WRITE", "DRIVE", "FIRE", "FIRE_PHASERS", "PAUSE", "WAIT", "EXIT", "SET", "TEMP",
        "LOCAL", "DOS", "INCLUDE", "NO_DEFAULT", "NODEFAULT", "CONTEXT", "DISPLAY",
        "FDISPLAY", "COMSPEC", "SWAP", "NO_SWAP", "NOSWAP", "GOTO", "CLS", "LASTLOGINTIME",
        "BREAK", "MACHINE", "PCCOMPATIBLE", "COMPATIBLE", "SHIFT", "SCRIPT_SERVER", "TERM",
        "PROFILE", "TREE", "BEGIN", "CLEAR", "SET_TIME",
    }
)  # fmt: skip
_MAP_SETTINGS = frozenset({"DISPLAY", "ERRORS"})
DEFAULT_SERVER_HINT = (
    "SYS: without a server is on the default server, the one users log in through; it is "
    "a cluster node only if users log in through a node (their preferred server) — confirm"
)
MAX_NESTING = 32
_MAX_NESTING = MAX_NESTING
_MAX_CONDITION = 200
_MAX_PART_REMARKS = 3
_MAX_INCLUDES = 100
_MAX_OTHER_REMARKS = 20
_MAX_UNSETTLED = 64
_NO_CONTEXT = SiteContext()


@dataclass(frozen=True)
class Mapping:
    """One connection the script makes (a MAP target or an ATTACH), classified."""

    line: int
    drive: str
    target: str
    server: str
    volume: str
    form: str
    role: Role
    role_reason: str
    hint: bool
    condition: str | None
    options: tuple[str, ...]
    target_kind: str
    """What the target is (``TARGET_KINDS``): a node by name or IP, the cluster object or
    Master IP, a cluster volume object, a virtual IP or server, a Directory Map object..."""
    cluster_volume: str
    """For a mapping of a cluster volume, how it reaches it (a ``cluster_volume_target``
    value: node, cluster-object, volume-object, virtual-ip, virtual-server); else ""."""

    def __init__(
        self,
        line: int,
        drive: str,
        target: str,
        server: str,
        volume: str,
        form: str,
        role: Role,
        role_reason: str,
        hint: bool,
        condition: str | None,
        options: tuple[str, ...],
        target_kind: str = "",
        cluster_volume: str = "",
    ) -> None:
        # Stores into the instance dict: the frozen dataclass __init__ calls
        # object.__setattr__ per field, three times slower, and a large script has tens
        # of thousands of mappings.
        fields = self.__dict__
        fields["line"] = line
        fields["drive"] = drive
        fields["target"] = target
        fields["server"] = server
        fields["volume"] = volume
        fields["form"] = form
        fields["role"] = role
        fields["role_reason"] = role_reason
        fields["hint"] = hint
        fields["condition"] = condition
        fields["options"] = options
        fields["target_kind"] = target_kind
        fields["cluster_volume"] = cluster_volume


@dataclass(frozen=True)
class LoginScriptAnalysis:
    """The analyzed script: report with the login_order finding, mappings, decoded text."""

    report: EvidenceReport
    mappings: tuple[Mapping, ...]
    login_order: str | None
    deciding_lines: tuple[int, ...]
    decoded: DecodedText
    unsettled: tuple[Mapping, ...] = ()
    """Targets whose role decides the order but is not known for sure (unknown, or only a
    hint such as a name convention or SYS: on the default server): the wizard asks them."""
    includes: tuple[tuple[int, str], ...] = ()
    """(line, name) of every INCLUDE: the mappings of those scripts are not in this one."""
    paths: tuple[BlockPath, ...] = ()
    """The IF-block path of each mapping (as ``mappings``)."""
    path_changes: tuple[tuple[int, BlockPath], ...] = ()
    """(line, block path) of each line whose nesting differs from the line before it."""
    codes: bytes = b""
    """The reading's code of each mapping (as ``mappings``): ``_code``, its role in the low
    three bits (0 for a DEL), plus the reading's marks; b"" in an analysis built by hand."""

    def raw(self, index: int) -> RawMapping:
        """Mapping ``index`` as the scanner made it (drive letters and search numbers)."""
        mapping = self.mappings[index]
        drive = mapping.drive
        letter, search = _drive_parts(drive)
        ref = ""
        if mapping.form == "drive":
            parsed = parse_target(mapping.target)
            ref = parsed[3] if parsed is not None else ""
        return _new_raw(RawMapping, (
            mapping.line, drive, mapping.target, mapping.server, mapping.volume, mapping.form,
            mapping.options, mapping.condition, self.paths[index], letter, ref, search,
        ))  # fmt: skip

    def raws(self) -> list[RawMapping]:
        """Every mapping as ``raw`` gives it (``raws()[i] == raw(i)``), made in one go: the
        drive and the referenced letter of each distinct drive and target worked out once."""
        drives: dict[str, tuple[str, int | None]] = {}
        refs: dict[str, str] = {}
        made: list[RawMapping] = []
        append = made.append
        for mapping, path in zip(self.mappings, self.paths, strict=True):
            drive = mapping.drive
            parts = drives.get(drive)
            if parts is None:
                parts = _drive_parts(drive)
                if len(drives) < _RAW_MEMO:
                    drives[drive] = parts
            target = mapping.target
            ref = ""
            if mapping.form == "drive":
                known = refs.get(target)
                if known is None:
                    parsed = parse_target(target)
                    known = parsed[3] if parsed is not None else ""
                    if len(refs) < _RAW_MEMO:
                        refs[target] = known
                ref = known
            raw = _new_raw(RawMapping, (
                mapping.line, drive, target, mapping.server, mapping.volume, mapping.form,
                mapping.options, mapping.condition, path, parts[0], ref, parts[1],
            ))  # fmt: skip
            append(raw)
        return made


_RAW_MEMO = 4096


def _drive_parts(drive: str) -> tuple[str, int | None]:
    """(drive letter, search drive number) of a ``Mapping.drive``, as the scanner set them."""
    letter = ""
    search: int | None = None
    if drive[:1] == "S" and drive[1:2].isdigit():
        token, _, chosen = drive.partition(":")
        search = int(token[1:])
        letter = chosen.strip("=:")
    elif len(drive) == 2 and drive[1] == ":":
        letter = drive[0]
    return letter, search


class RawMapping(NamedTuple):
    """A mapping as written, before any site knowledge is applied.

    A named tuple rather than a frozen dataclass: a large script yields tens of
    thousands, and a tuple is built several times faster. It never leaves the
    evidence package.
    """

    line: int
    drive: str
    target: str
    server: str
    volume: str
    form: str
    options: tuple[str, ...]
    condition: str | None
    path: BlockPath
    letter: str
    ref_letter: str
    search: int | None


_new_raw = tuple.__new__
"""``_new_raw(RawMapping, (all twelve fields))``: a RawMapping without the named tuple's
Python-level ``__new__`` (the replay of repeated lines makes tens of thousands)."""


@dataclass(frozen=True)
class LineInfo:
    """What one non-empty source line is, structurally (empty lines are blank: not listed).

    ``kind`` is one of blank, comment, map, attach, if, else, end, command,
    label, unrecognised; ``path`` is the IF-block nesting the line sits in
    (for a single-line ``IF … THEN MAP`` the mapping's own path is deeper).
    """

    number: int
    kind: str
    path: BlockPath


@dataclass(frozen=True)
class ScriptScan:
    """Result of the structural pass over a login script."""

    lines: tuple[LineInfo, ...]
    mappings: tuple[RawMapping, ...]
    unrecognised: tuple[tuple[int, str], ...]
    remarks: tuple[Remark, ...]
    commands: int


_Part = tuple[str, str, str, str, str, tuple[str, ...], str, str, int | None]
"""A RawMapping without its line, condition and block path (see ``_Scanner.remember``)."""
_KnownMap = tuple[str, tuple[_Part, ...], tuple[tuple[Literal["info", "warning"], str], ...]]
_CACHED_PARTS = 65_536
_SETTLED_LINES = 65_536


@dataclass
class _Block:
    ident: int
    branch: int
    condition: str
    line: int


_TOP: tuple[str | None, BlockPath] = (None, ())
"""(condition, block path) outside every IF block."""


def _inside(outer: tuple[str | None, BlockPath], block: _Block) -> tuple[str, BlockPath]:
    """(condition, block path) of the statements in ``block`` (in its current branch),
    given those of the block around it: the conditions are joined by AND."""
    own = block.condition if block.branch == 0 else f"ELSE of {block.condition}"
    condition, path = outer
    return (f"{condition} AND {own}" if condition else own), (*path, (block.ident, block.branch))


class _Scanner:
    """Walks the lines once, tracking IF blocks; linear in the input size."""

    def __init__(self) -> None:
        self.stack: list[_Block] = []
        self.wheres: list[tuple[str, BlockPath]] = []  # (condition, path) inside each block
        self.next_block = 0
        self.lines: list[LineInfo] = []
        self.mappings: list[RawMapping] = []
        self.unrecognised: list[tuple[int, str]] = []
        self.remarks: list[Remark] = []
        self.commands = 0
        self.overflow = 0
        self.cached: tuple[str | None, BlockPath] | None = None
        self.branches = 0  # ELSE lines seen (each changes the block path)
        self.map_cache: dict[str, _KnownMap] = {}
        self.cached_parts = 0
        self.includes: list[tuple[int, str]] = []
        self.path_changes: list[tuple[int, BlockPath]] = []

    def where(self, single: _Block | None = None) -> tuple[str | None, BlockPath]:
        """(condition, block path) of a statement; ``single`` is its one-line IF, if any.

        Those of each open block are kept as it opens or turns to its ELSE branch (from
        those of the block around it); ``cached`` is None after the stack changed.
        """
        cached = self.cached
        if cached is None:
            cached = self.cached = self.wheres[-1] if self.wheres else _TOP
        if single is None:
            return cached
        outer, path = cached
        condition = f"{outer} AND {single.condition}" if outer else single.condition
        return condition, (*path, (single.ident, single.branch))

    def new_block(self, condition: str, line: int) -> _Block:
        self.next_block += 1
        if len(condition) > _MAX_CONDITION:
            condition = condition[:_MAX_CONDITION] + "…"
        return _Block(self.next_block, 0, condition, line)

    def push(self, block: _Block) -> None:
        if len(self.stack) >= _MAX_NESTING:
            if not self.overflow:
                self.remarks.append(
                    Remark(
                        block.line,
                        "warning",
                        f"IF blocks nested deeper than {_MAX_NESTING} levels (line "
                        f"{block.line}); deeper conditions are not told apart",
                    )
                )
            self.overflow += 1
            return
        self.stack.append(block)
        self.wheres.append(_inside(self.wheres[-1] if self.wheres else _TOP, block))
        self.cached = None

    def flip(self) -> None:
        """The innermost block goes on in its ELSE branch."""
        block = self.stack[-1]
        block.branch = 1
        wheres = self.wheres
        wheres[-1] = _inside(wheres[-2] if len(wheres) > 1 else _TOP, block)
        self.cached = None

    def pop(self, number: int) -> None:
        if self.overflow:
            self.overflow -= 1
        elif self.stack:
            self.stack.pop()
            self.wheres.pop()
            self.cached = None
        else:
            self.remarks.append(Remark(number, "warning", f"line {number}: END without an open IF"))

    def run(
        self, decoded: DecodedText, keep_lines: bool | None = True, keep_mappings: bool = True
    ) -> ScriptScan:
        """Scan every non-empty line; without ``keep_lines`` the result's ``lines`` is empty.

        With ``keep_lines`` None only ``path_changes`` is kept: (line, block path) of
        each line whose block path differs from the line before it.

        Without ``keep_mappings`` the result's ``mappings`` is empty and the caller takes
        them from ``self.mappings`` (and may free each one as it is used).
        """
        # The per-line steps are written out here, with names bound once, rather than in
        # a method per line: large scripts have hundreds of thousands of lines.
        statement = self.statement
        unrecognised = self.unrecognised.append
        keep = self.lines.append if keep_lines else None
        changes = self.path_changes if keep_lines is None else None
        last_path: BlockPath = ()
        commands = 0
        # Kinds of lines that changed nothing (comments, commands, labels, unrecognised
        # text), by their text: a repeat costs one lookup. Bounded in size.
        settled: dict[str, str] = {}
        map_cache = self.map_cache
        replay = self.replay
        for number, text in decoded.numbered():  # empty lines are blank: skipped
            kind = settled.get(text)
            if kind is not None:
                pass
            elif len(text) > MAX_PATTERN_LINE:
                kind = self.too_long(number)
            elif (stripped := text.strip())[:1] in _M and (
                known := map_cache.get(stripped)
            ) is not None:
                # A MAP statement met before: what ``statement`` would replay. It changes
                # nothing (so is settled) only when it made no mapping and no remark.
                kind = replay(number, known, None)
                if kind != "map" and not (known[1] or known[2]) and len(settled) < _SETTLED_LINES:
                    settled[text] = kind
            elif stripped[:1] in _COMMENT_MARKS:  # what ``statement`` says, changing nothing
                kind = "comment"
                if len(settled) < _SETTLED_LINES:
                    settled[text] = kind
            else:
                before = self.state() if len(settled) < _SETTLED_LINES else None
                decoration = False
                if stripped and stripped[0] in _PASTE_MARKS:
                    # Only such a line can be quoted or paste decoration.
                    stripped, decoration = paste_stripped(text)
                if decoration:
                    kind = "unrecognised"
                elif stripped:
                    kind = statement(number, stripped, None)
                else:
                    kind = "blank"
                if kind != "map" and before is not None and self.state() == before:
                    settled[text] = kind
            if kind == "unrecognised":
                unrecognised((number, text))
            elif kind != "comment" and kind != "blank":
                commands += 1
            if keep is not None:
                keep(LineInfo(number, kind, self.where()[1]))
            elif changes is not None:
                cached = self.cached
                if cached is None or cached[1] is not last_path:  # the nesting may differ
                    now = self.where()[1]
                    if now != last_path:
                        changes.append((number, now))
                    last_path = now
        self.commands = commands
        self.unclosed()
        return ScriptScan(
            tuple(self.lines),
            tuple(self.mappings) if keep_mappings else (),
            tuple(self.unrecognised),
            tuple(self.remarks),
            self.commands,
        )

    def unclosed(self) -> None:
        """A warning for each IF block still open at the end of the script."""
        for block in self.stack:
            self.remarks.append(
                Remark(
                    block.line, "warning", f"the IF block opened on line {block.line} has no END"
                )
            )

    def state(self) -> tuple[int, int, int]:
        """Changes whenever a statement records or changes anything (see ``run``).

        The mappings, remarks, blocks, ELSE lines and INCLUDEs only ever grow, so their
        sum changes when any of them does; the nesting goes both ways, but a statement
        that leaves the sum as it was closes at most one block, which changes it."""
        return (
            len(self.mappings) + len(self.remarks) + self.next_block + self.branches
            + len(self.includes), len(self.stack), self.overflow,
        )  # fmt: skip

    def too_long(self, number: int) -> str:
        """A line too long to match: reported as unrecognised, with a remark."""
        self.remarks.append(
            Remark(number, "info", f"line {number} is longer than {MAX_PATTERN_LINE} characters")
        )
        return "unrecognised"

    def statement(self, number: int, stripped: str, single: _Block | None) -> str:
        first = stripped[0]  # ; * # @ upper-case to themselves, and nothing else to them
        if first in ";*":
            return "comment"
        if first in "#@":
            return "command"
        if first in "Mm":
            known = self.map_cache.get(stripped)
            if known is not None:
                return self.replay(number, known, single)
            mappings, remarks = len(self.mappings), len(self.remarks)
            if self.simple_map(number, stripped, single):
                self.remember(stripped, "map", number, mappings, remarks)
                return "map"
            if _MAP_WORD.match(stripped):  # the checks below would come to the same
                kind = self.map_statement(number, stripped[3:], single)
                self.remember(stripped, kind, number, mappings, remarks)
                return kind
        upper = stripped.upper()
        word_match = _WORD.match(upper)
        if word_match is None:  # no word, or one run into more text: at most a label
            starts_word = "A" <= upper[0] <= "Z" or upper[0] == "_"
            return "label" if starts_word and _is_label(upper) else "unrecognised"
        word = word_match.group()
        if word in ("REM", "REMARK"):
            return "comment"
        if upper[-1] == ":" and _is_label(upper):  # saves the call on all other lines
            return "label"
        if single is None:
            if word == "IF":
                return self.if_statement(number, stripped, upper)
            if word == "ELSE":
                return self.else_statement(number, stripped, upper)
            if word in ("END", "ENDIF") and upper in ("END", "ENDIF", "END IF"):
                self.pop(number)
                return "end"
        if word == "MAP":
            return self.map_statement(number, stripped[3:], single)
        if word == "ATTACH":
            return self.attach_statement(number, stripped[6:], single)
        if word == "INCLUDE" and len(self.includes) < _MAX_INCLUDES:
            self.includes.append((number, stripped[7:].strip() or "(no name given)"))
        if word in _PASS_COMMANDS:
            return "command"
        return "unrecognised"

    def remember(self, stripped: str, kind: str, number: int, mappings: int, remarks: int) -> None:
        """Keep what a MAP statement made, but for its line and block, to replay on a repeat.

        Scripts repeat the same MAP lines; so do hostile ones, by the million. A repeat
        costs one lookup instead of the parse. Bounded: at most ``_CACHED_PARTS``
        mappings are kept in all.
        """
        made = self.mappings[mappings:]
        if self.cached_parts + len(made) > _CACHED_PARTS:
            return
        prefix = f"line {number}: "
        said: list[tuple[Literal["info", "warning"], str]] = []
        for remark in self.remarks[remarks:]:
            if not remark.text.startswith(prefix):
                return
            said.append((remark.level, remark.text[len(prefix) :]))
        parts = tuple((*raw[1:7], *raw[9:]) for raw in made)
        self.map_cache[stripped] = (kind, parts, tuple(said))
        self.cached_parts += len(made) + 1

    def replay(self, number: int, known: _KnownMap, single: _Block | None) -> str:
        """Record a repeated MAP statement as ``remember`` kept it, on this line and block."""
        kind, parts, said = known
        if parts:
            condition, path = self.where(single)
            append = self.mappings.append
            for drive, target, server, volume, form, options, letter, ref, search in parts:
                append(
                    _new_raw(RawMapping, (
                        number, drive, target, server, volume, form, options, condition, path,
                        letter, ref, search,
                    ))
                )  # fmt: skip
        for level, text in said:
            self.remarks.append(Remark(number, level, f"line {number}: {text}"))
        return kind

    def simple_map(self, number: int, stripped: str, single: _Block | None) -> bool:
        """Record ``MAP [option] <drive>:=<target>``, most of a script, with one regex.

        The mapping is exactly what the general path would record; False (nothing
        recorded, go the general way) for any other statement.
        """
        simple = _SIMPLE_MAP.fullmatch(stripped)
        if simple is None:
            return False
        option, drive_token, target, server, volume, bare, dotted, unc, share = simple.groups()
        options: tuple[str, ...] = ()
        if option is not None:
            canonical = _OPTIONS.get(option.upper())
            if canonical is None:
                return False
            options = (canonical,)
        drive_token = drive_token.upper()
        # What mapping and parse_target make of these targets (drive S or S<n> chooses no
        # letter here, as none of them starts with "<letter>:=").
        if server is not None:
            server = server.upper()
            volume = volume.upper()
            form = "ip-volume" if is_ipv4(server) else "server-volume"
        elif bare is not None:
            if _SEARCH_TOKEN.fullmatch(bare.upper()) or bare[0] == "*":
                return False  # "S1:\APPS" names a search drive: parse_target reads it
            server, volume, form = "", bare.upper(), "bare-volume"
        elif dotted is not None:
            server, volume, form = _first_rdn(dotted.upper()), "", "volume-object"
            if not server:
                return False  # as in parse_target: the object names nothing
        elif unc is not None:
            server = unc.upper()
            volume = share.upper() if share else ""
            form = "unc-ip" if is_ipv4(server) else "unc-name"
        else:
            mapping = self.mapping(number, drive_token, target, options, single)
            if mapping is None:
                return False
            self.mappings.append(mapping)
            return True
        if len(drive_token) == 1:
            letter, search = drive_token, None
        else:
            letter, search = "", _search_number(drive_token)
        condition, path = self.where(single)
        self.mappings.append(
            RawMapping(
                number, drive_token + ":", target, server, volume, form, options, condition,
                path, letter, "", search,
            )
        )  # fmt: skip
        return True

    def if_statement(self, number: int, stripped: str, upper: str) -> str:
        then = _find_then(upper)
        if then is None:
            condition = "IF " + " ".join(stripped[2:].split())
            self.push(self.new_block(condition, number))
            return "if"
        condition = "IF " + " ".join(stripped[2 : then.start()].split())
        rest = stripped[then.end() :].strip()
        if not rest or rest.upper() == "BEGIN":
            self.push(self.new_block(condition, number))
            return "if"
        if rest[:6].upper() in ("BEGIN ", "BEGIN\t"):
            # "IF … THEN BEGIN <command>": the block opens here and its first command
            # follows on the same line; the block still ends at its END.
            self.push(self.new_block(condition, number))
            inner = rest[6:].strip()
            if inner:
                self.statement(number, inner, None)
            return "if"
        block = self.new_block(condition, number)
        kind = self.statement(number, rest, block)
        return "unrecognised" if kind == "unrecognised" else kind

    def else_statement(self, number: int, stripped: str, upper: str) -> str:
        if not self.stack:
            self.remarks.append(Remark(number, "warning", f"line {number}: ELSE without an IF"))
            return "else"
        if not self.overflow:
            self.flip()
            self.branches += 1
        rest = stripped[4:].strip()
        if rest and not rest.upper().startswith("ELSE"):
            # "ELSE <command>" on one line; never recurse into another ELSE (bounded depth).
            return self.statement(number, rest, None)
        return "else"

    def attach_statement(self, number: int, rest: str, single: _Block | None) -> str:
        target = rest.strip()
        if not target:
            return "command"
        server = _SLASH.split(target, maxsplit=1)[0].split(";")[0].strip().strip('"').upper()
        if not server:
            return "unrecognised"
        condition, path = self.where(single)
        self.mappings.append(
            RawMapping(
                number, "ATTACH", target, server, "", "attach", (), condition, path, "", "", None,
            )
        )  # fmt: skip
        return "attach"

    def map_statement(self, number: int, rest: str, single: _Block | None) -> str:
        body = rest.strip()
        if not body:
            return "command"
        # Only a body starting with d/D/e/E can be a DISPLAY or ERRORS setting.
        if body[0] in "DdEe" and body.upper().split(None, 1)[0] in _MAP_SETTINGS:
            return "command"
        parsed = 0
        failed: list[str] = []
        parts = [part.strip() for part in body.split(";")] if ";" in body else [body]
        for part in parts:
            if not part:
                continue
            mapping = self.map_part(number, part, single)
            if mapping is None:
                failed.append(part)
            elif mapping is not _DISPLAY_ONLY:
                self.mappings.append(mapping)
                parsed += 1
            else:
                parsed += 1
        if failed and parsed:
            for part in failed[:_MAX_PART_REMARKS]:
                self.remarks.append(
                    Remark(number, "warning", f"line {number}: MAP part {part!r} not understood")
                )
            if len(failed) > _MAX_PART_REMARKS:  # one remark for the rest, not one each
                self.remarks.append(
                    Remark(
                        number,
                        "warning",
                        f"line {number}: {len(failed) - _MAX_PART_REMARKS} more MAP parts "
                        "not understood",
                    )
                )
        return "map" if parsed else "unrecognised"

    def map_part(self, number: int, part: str, single: _Block | None) -> RawMapping | None:
        if ": " in part or ":\t" in part:  # otherwise every ":[ \t]*=" is already ":="
            part = _COLON_EQ.sub(":=", part)
        index = part.find(":=")
        if index < 0:
            return self.map_command(number, part, single)
        left = part[:index].split()
        if not left:
            return None
        options = _options(left[:-1]) if len(left) > 1 else ()
        drive_token = left[-1].upper()
        if options is None or not _is_drive_token(drive_token):
            return None
        return self.mapping(number, drive_token, part[index + 2 :].strip(), options, single)

    def map_command(self, number: int, part: str, single: _Block | None) -> RawMapping | None:
        """A MAP part without ``:=``: ``DEL <drive>``, ``N <target>`` or a display-only form."""
        options: list[str] = []
        rest_tokens: list[str] = []
        for token in part.split():
            option = _OPTIONS.get(token.upper().lstrip("/")) if not rest_tokens else None
            if option is not None:
                options.append(option)
            else:
                rest_tokens.append(token)
        if "DEL" in options:
            if len(rest_tokens) != 1:
                return None
            drive_token = rest_tokens[0].upper().rstrip(":")
            if _DRIVE_TOKEN.fullmatch(drive_token) is None:
                return None
            letter = drive_token if len(drive_token) == 1 else ""
            condition, path = self.where(single)
            return RawMapping(
                number, drive_token + ":", rest_tokens[0], "", "", "del", tuple(options),
                condition, path, letter, "", _search_number(drive_token),
            )  # fmt: skip
        if "N" in options and len(rest_tokens) == 1:
            return self.mapping(number, "", rest_tokens[0], tuple(options), single)
        if "N" in options and rest_tokens and rest_tokens[0].startswith("%"):
            # "MAP N %home directory": a property name may hold a blank after the "%".
            return self.mapping(number, "", " ".join(rest_tokens), tuple(options), single)
        if len(rest_tokens) == 1 and set(options) <= {"C", "NP", "W"}:
            drive_token = rest_tokens[0].upper()
            if drive_token.endswith(":") and _DRIVE_TOKEN.fullmatch(drive_token[:-1]):
                return _DISPLAY_ONLY
        return None

    def mapping(
        self,
        number: int,
        drive_token: str,
        target: str,
        options: tuple[str, ...],
        single: _Block | None,
    ) -> RawMapping | None:
        """``<drive>:=<target>`` (``drive_token`` "" for ``MAP N <target>``), options checked."""
        drive = letter = ""
        search = None
        if drive_token:
            drive = drive_token + ":"
            if len(drive_token) == 1:
                letter = drive_token
            else:
                search = _search_number(drive_token)
            if drive_token[0] == "S":  # S or S<n>:=<letter>:=<target> chooses the letter
                chosen = _CHOSEN_LETTER.match(target.upper())
                if chosen is not None:
                    letter = chosen.group(1)
                    drive = f"{drive}={letter}:"
                    target = target[chosen.end() :].strip()
        parsed = parse_target(target)
        if parsed is None:
            return None
        server, volume, form, ref_letter = parsed
        condition, path = self.where(single)
        return RawMapping(
            number, drive, target, server, volume, form, options, condition, path, letter,
            ref_letter, search,
        )  # fmt: skip


_DISPLAY_ONLY = RawMapping(0, "", "", "", "", "", (), None, (), "", "", None)


def _find_then(upper: str) -> re.Match[str] | None:
    """The first ``THEN`` in an upper-cased IF statement that is not inside quotes."""
    then = _THEN.search(upper)
    if then is not None and upper.count('"', 0, then.start()) % 2:
        # Quotes pair up from the left, so only after an odd number of them can this THEN
        # be quoted text; only then look again with every quoted string blanked out.
        then = _THEN.search(_QUOTED.sub(_mask_quoted, upper))
    return then


def _mask_quoted(match: re.Match[str]) -> str:
    """A quoted string with its inside replaced, so a ``THEN`` in it is not seen."""
    return '"' + "x" * (len(match.group()) - 2) + '"'


def _options(tokens: list[str]) -> tuple[str, ...] | None:
    """MAP options (``INS``, ``/ROOT``...) spelt canonically; None if a token is not one."""
    options: list[str] = []
    for token in tokens:
        option = _OPTIONS.get(token.upper().lstrip("/"))
        if option is None:
            return None
        options.append(option)
    return tuple(options)


def _is_label(upper: str) -> bool:
    """``upper`` is a whole ``NAME:`` label line (checks the cheap last character first)."""
    return upper[-1:] == ":" and _LABEL.fullmatch(upper) is not None


def _is_drive_token(token: str) -> bool:
    """A drive letter, ``S<n>`` or ``*<n>`` (the single letter, by far the commonest, first)."""
    if len(token) == 1:
        return "A" <= token <= "Z"
    return _DRIVE_TOKEN.fullmatch(token) is not None


def _search_number(drive_token: str) -> int | None:
    if drive_token.startswith("S") and drive_token[1:].isdigit():
        return int(drive_token[1:])
    return None


def _first_rdn(dn: str) -> str:
    first = dn.lstrip(".").partition(".")[0]
    if "=" in first:
        first = first.partition("=")[2]
    return first


def parse_target(target: str) -> tuple[str, str, str, str] | None:
    """Split a MAP target into (server, volume, form, referenced drive letter).

    The server is upper-cased: a name, an IP, or a volume/Directory Map object's
    first RDN value; ``""`` means the default server.
    """
    text = target.strip()
    if text[:1] == '"' or text[-1:] == '"':
        text = text.strip('"').strip()
    upper = text.upper()
    if not upper:
        return None
    if upper[:2] in ("\\\\", "//"):
        parts = upper[2:].replace("\\", "/").split("/", 2)
        server = parts[0]
        if not server:
            return None
        volume = parts[1].rstrip(":") if len(parts) > 1 else ""
        return server, volume, "unc-ip" if is_ipv4(server) else "unc-name", ""
    drive_ref = _DRIVE_LETTER_TARGET.fullmatch(upper) if ":" in upper[1:4] else None
    if drive_ref is not None:
        # "F:", "F:\APPS", and a search or relative drive ("S1:\APPS", "*1:"), as in
        # MAP INS S2:=S1:\APPS; a search drive S1-S16 is never a volume name here.
        ref = drive_ref.group(1)
        if len(ref) == 1 or ref[0] == "*" or _SEARCH_TOKEN.fullmatch(ref):
            return "", "", "drive", ref
    colon = upper.find(":")
    head = upper if colon < 0 else upper[:colon]
    split = _SERVER_VOLUME.match(head)  # (before the first slash, up to the next); None: no slash
    if colon < 0:
        if upper.startswith(".") or ("." in upper and split is None):
            name = _first_rdn(upper)
            if "_" in name.strip("_"):
                # TID 7014886's own syntax line, "map l:=.Clustername_volumename.context":
                # a <CLUSTER>_<VOLUME> object written without the trailing colon.
                return name, "", "volume-object", ""
            return name, "", "directory-map", ""
        if upper.startswith("%"):
            return (upper if split is None else split.group(1)), "", "bare-volume", ""
        return "", "", "bare-volume", ""
    if split is not None:
        server, volume = split.group(1, 2)
        if not server:
            return "", volume, "bare-volume", ""
        return server, volume, "ip-volume" if is_ipv4(server) else "server-volume", ""
    if "." in head:
        name = _first_rdn(head)
        if not name:
            return None
        return name, "", "volume-object", ""
    return "", head, "bare-volume", ""


def block_paths(decoded: DecodedText) -> tuple[list[RawMapping], list[tuple[int, BlockPath]]]:
    """The raw mappings, and (line, block path) of every line whose IF-block nesting
    differs from the line before it: what the reorder needs of the script's structure."""
    with paused_gc():
        scanner = _Scanner()
        scanner.run(decoded, keep_lines=None, keep_mappings=False)
        return scanner.mappings, scanner.path_changes


def scan_login_script(decoded: DecodedText, keep_lines: bool = True) -> ScriptScan:
    """Structural pass: statement kinds, IF nesting and raw mappings, no site knowledge.

    Without ``keep_lines`` the statement kinds (``lines``) are not kept.
    """
    with paused_gc():
        return _Scanner().run(decoded, keep_lines)


def _cluster_names(context: SiteContext) -> frozenset[str]:
    names = set()
    for server in context.virtual_servers:
        upper = server.upper()
        if upper.endswith("_SERVER"):
            stem = upper[: -len("_SERVER")]
            if "_" in stem:
                names.add(stem.rsplit("_", 1)[0])
    return frozenset(names)


def _upper_set(values: frozenset[str]) -> frozenset[str]:
    return frozenset(value.upper() for value in values)


@dataclass(frozen=True)
class _Known:
    nodes: frozenset[str]
    virtuals: frozenset[str]
    vips: frozenset[str]
    node_ips: frozenset[str]
    volumes: frozenset[str]
    objects: frozenset[str]
    clusters: frozenset[str]
    overrides: dict[str, Role]
    nodes_text: str = ""
    cluster_objects: frozenset[str] = frozenset()
    masters: frozenset[str] = frozenset()

    @property
    def default_node(self) -> bool:
        """Users log in through a cluster node (a bare volume is on a node)."""
        return self.overrides.get("") == "node"


def _known(context: SiteContext) -> _Known:
    cluster_objects = _upper_set(context.cluster_names)
    return _Known(
        _upper_set(context.node_names),
        _upper_set(context.virtual_servers),
        frozenset(context.virtual_ips),
        frozenset(context.node_ips),
        _upper_set(context.cluster_volumes),
        _upper_set(context.volume_objects),
        _cluster_names(context) | cluster_objects,
        {key.upper(): role for key, role in context.role_overrides.items()},
        _listed(_upper_set(context.node_names)),
        cluster_objects,
        frozenset(context.master_ips),
    )


Classified = tuple[Role, str, bool]


def _classify_name(raw: RawMapping, known: _Known) -> Classified:
    server = raw.server
    if is_ipv4(server):
        if server in known.node_ips:
            return "node", f"{server} is a node's primary IP", False
        if server in known.vips:
            return "virtual", f"{server} is a virtual IP", False
        if server in known.masters:
            return "node", f"{server} is the Cluster Master IP, held by a cluster node", False
        return "unknown", f"{server} is not a known node IP or virtual IP", False
    if raw.form == "volume-object":
        return _classify_volume_object(server, known)
    names = [server]
    if "." in server:
        names.append(server.split(".")[0])
    for name in names:
        alias = "" if name == server else f" ({server} is taken as its DNS name)"
        if name in known.nodes:
            return "node", f"{name} is a cluster node{alias}", False
        if name in known.virtuals:
            return "virtual", f"{name} is a virtual server{alias}", False
        if name in known.objects:
            return "virtual", f"{name} is a cluster volume object{alias}", False
        if name in known.cluster_objects and raw.form != "directory-map":
            return (
                "node",
                f"{name} is the cluster object (its address is the Cluster Master IP, held by "
                f"a cluster node){alias}",
                False,
            )
    if raw.form == "directory-map":
        return (
            "unknown",
            f"{server} is a Directory Map object; the volume it points to is not known",
            False,
        )
    if names[-1].endswith("_SERVER") and len(names[-1]) > len("_SERVER"):
        return "virtual", "name matches <CLUSTER>_<POOL>_SERVER convention — confirm", True
    if known.nodes and raw.form != "directory-map":
        return (
            "other",
            f"{server} is taken as another server: it is not among the cluster nodes "
            f"({known.nodes_text}) and not a known virtual server",
            False,
        )
    return "unknown", f"{server} is not a known node or virtual server", False


def _listed(names: frozenset[str]) -> str:
    shown = sorted(names)
    return ", ".join(shown[:6]) + (f" and {len(shown) - 6} more" if len(shown) > 6 else "")


def _classify_volume_object(name: str, known: _Known) -> Classified:
    if name in known.objects:
        return "virtual", f"{name} is a cluster volume object", False
    if name in known.virtuals:
        return "virtual", f"{name} is a virtual server", False
    if "_" not in name:
        return "unknown", f"{name} is a volume object not known to belong to the cluster", False
    prefix, suffix = name.rsplit("_", 1)
    if prefix in known.nodes:
        return "node", f"{name} is volume {suffix} of cluster node {prefix}", False
    if suffix in known.volumes:
        return (
            "virtual",
            f"{name} names cluster volume {suffix} (<CLUSTER>_<VOLUME>; {suffix} is "
            "mounted by a cluster load script)",
            False,
        )
    if prefix in known.clusters:
        return "virtual", f"{name} is a volume object of cluster {prefix}", False
    if suffix == "SYS":
        return "node", "name matches <SERVER>_SYS, a server's SYS volume object — confirm", True
    return "virtual", "name matches <CLUSTER>_<VOLUME> convention — confirm", True


def _classify(
    raw: RawMapping,
    known: _Known,
    drives: dict[str, Mapping],
) -> Classified:
    if raw.form == "del":
        return "other", "DEL removes a drive mapping; it connects to nothing", False
    override = known.overrides.get(raw.server)
    if override is not None:
        label = raw.server or "the default server"
        return override, f"{label} set to {override} by you", False
    if raw.form == "drive":
        previous = drives.get(raw.ref_letter)
        if previous is None:
            return "unknown", f"drive {raw.ref_letter}: is not mapped earlier in this script", False
        reason = f"same as drive {raw.ref_letter}: (line {previous.line}: {previous.role_reason})"
        return previous.role, reason, previous.hint
    if "%" in raw.server or (not raw.server and raw.volume.startswith("%")):
        variable = raw.server or raw.volume
        return (
            "unknown",
            f"the server comes from the login-script variable {variable}, resolved only at login",
            False,
        )
    if raw.form == "bare-volume":
        if raw.volume == "SYS":
            return "node", DEFAULT_SERVER_HINT, True
        if not raw.volume:
            return "unknown", "a path relative to the current drive", False
        if raw.volume in known.volumes:
            return (
                "unknown",
                f"{raw.volume} is a cluster volume, but a bare volume is looked up on the "
                "default server — depends on which server that is",
                False,
            )
        return "unknown", f"{raw.volume}: is on the default server, whose role is not known", False
    return _classify_name(raw, known)


TARGET_KINDS: dict[str, str] = {
    "node": "node",
    "node-ip": "node IP",
    "cluster-object": "cluster object",
    "master-ip": "Master IP",
    "volume-object": "volume object",
    "virtual-ip": "virtual IP",
    "virtual-server": "virtual server",
    "unknown-ip": "unknown IP",
    "directory-map": "Directory Map",
    "default-server": "default server",
    "drive": "drive copy",
    "removed": "DEL",
    "other": "other server",
    "unknown": "unknown",
}
"""What a mapping's target is, and the words a report shows for it."""

SHORT_KINDS: dict[str, str] = {
    **TARGET_KINDS,
    "cluster-object": "cluster obj",
    "volume-object": "volume obj",
    "virtual-server": "virtual srv",
    "directory-map": "Dir Map",
    "default-server": "default srv",
    "other": "other srv",
}
"""The same in at most 11 characters, for a narrow table (the row's detail has the words)."""

_THROUGH = {
    "node": "node",
    "node-ip": "node",
    "cluster-object": "cluster-object",
    "master-ip": "cluster-object",
    "volume-object": "volume-object",
    "virtual-ip": "virtual-ip",
    "virtual-server": "virtual-server",
}
"""A target kind as a ``cluster_volume_target`` value (the kinds that are one)."""
_NOT_CLUSTER_VOLUMES = frozenset({"", "SYS", "_ADMIN"})


def _target_kind(raw: RawMapping, role: Role, known: _Known) -> str:
    """What the target of ``raw`` is (a ``TARGET_KINDS`` key), ``role`` as classified."""
    form, server = raw.form, raw.server
    if form == "del":
        return "removed"
    if form == "drive":
        return "drive"
    ip = is_ipv4(server)
    if server and server in known.overrides:  # a person's correction of the role
        if role == "node":
            return "node-ip" if ip else "node"
        if role == "virtual":
            return "virtual-ip" if ip else "virtual-server"
        return role
    if "%" in server or (not server and raw.volume.startswith("%")):
        return "unknown"
    if form == "bare-volume":
        return "default-server" if raw.volume else "unknown"
    if form == "directory-map":
        return "directory-map"
    if form == "volume-object":
        if role == "virtual":
            return "volume-object"
        if role == "node":
            return "node"
        return "unknown" if "_" in server else "directory-map"
    if ip:
        if server in known.node_ips:
            return "node-ip"
        if server in known.vips:
            return "virtual-ip"
        if server in known.masters:
            return "master-ip"
        return "unknown-ip"
    names = (server, server.split(".")[0]) if "." in server else (server,)
    for name in names:
        if name in known.nodes:
            return "node"
        if name in known.virtuals:
            return "virtual-server"
        if name in known.objects:
            return "volume-object"
        if name in known.cluster_objects:
            return "cluster-object"
    if role == "virtual":
        return "virtual-server"
    return role


def _cluster_volume(raw: RawMapping, kind: str, known: _Known) -> str:
    """How ``raw`` maps a cluster volume (a ``cluster_volume_target`` value), or "" when it
    maps no cluster volume: a known cluster volume through any server, a cluster volume
    object, a virtual IP or virtual server, or a volume other than SYS through the cluster
    object or Master IP."""
    form = raw.form
    if form == "attach" or form == "del" or form == "drive":
        return ""
    if kind == "default-server":
        return "node" if raw.volume in known.volumes and known.default_node else ""
    through = _THROUGH.get(kind)
    if through is None:
        return ""
    if through in ("volume-object", "virtual-ip", "virtual-server"):
        return through
    volume = raw.volume
    if form == "volume-object":  # a node's own volume object, <NODE>_<VOLUME>
        volume = raw.server.rpartition("_")[2]
    if volume in known.volumes:
        return through
    if through == "cluster-object" and volume not in _NOT_CLUSTER_VOLUMES:
        return through
    return ""


def _label(mapping: Mapping) -> str:
    if mapping.server:
        return mapping.server
    if mapping.volume:
        return f"{mapping.volume}: on the default server"
    return mapping.target.strip()


def _describe(mapping: Mapping) -> str:
    word = {"node": "node", "virtual": "virtual server"}.get(mapping.role, "target")
    text = f"line {mapping.line} maps {word} {_label(mapping)}"
    if mapping.form == "attach":
        text = f"line {mapping.line} attaches to {word} {_label(mapping)}"
    return text


def _exclusive(node_path: BlockPath, later_path: BlockPath) -> bool:
    """True when a statement on ``later_path`` can never run in the same login as one on
    ``node_path`` before it: the first sits in a THEN branch whose ELSE holds the second."""
    for (block, branch), (other, other_branch) in zip(node_path, later_path, strict=False):
        if block != other:
            return False
        if branch != other_branch:
            return True
    return False


@dataclass(frozen=True)
class _Order:
    value: str | None
    line: int
    deciding: tuple[int, ...]
    detail: str
    remarks: tuple[Remark, ...]
    unsettled: tuple[Mapping, ...] = ()
    """Targets whose role would decide the order (unknown, or taken from a hint)."""


def _names(mappings: list[Mapping]) -> str:
    """The first eight distinct "<label> (line N)" items, in order, and how many more.

    ``mappings`` are in script order, so equal items sit on one line together: only a
    line with several mappings needs its labels compared, and once eight items are
    shown a line with one mapping is just counted.
    """
    shown: list[str] = []
    total = 0
    index = 0
    count = len(mappings)
    while index < count:
        line = mappings[index].line
        end = index + 1
        while end < count and mappings[end].line == line:
            end += 1
        if end - index == 1 and len(shown) > 8:
            total += 1
        else:
            labels = dict.fromkeys(_label(mapping) for mapping in mappings[index:end])
            total += len(labels)
            shown.extend(f"{label} (line {line})" for label in labels)
            del shown[9:]
        index = end
    if total > 8:
        shown = [*shown[:8], f"and {total - 8} more"]
    return ", ".join(shown)


def _undecided(unknown: list[Mapping]) -> _Order:
    """An unknown target that could be a node before a virtual server (or a virtual server
    after a node) leaves the order to the user: correct the role, or answer."""
    remark = Remark(
        unknown[0].line,
        "warning",
        "login order not decided: the order depends on targets whose roles are not known: "
        f"{_names(unknown)}; a cluster node mapped before a virtual server makes it node-first. "
        "Correct their roles (or give the node names / primary IP) to decide it",
    )
    return _Order(None, 0, (), "", (remark,), tuple(unknown))


_ROLE_CODES: dict[str, int] = {"node": 1, "virtual": 2, "unknown": 3, "other": 4}
_HINT = 8
_BARE = 16
_CLUSTER_VOLUME = 32  # (the reading's marks, not weighed by _decide) maps a cluster volume
_THROUGH_NODE = 64  # ... through a node or the cluster object
_ROOT = 128  # a MAP ROOT (not of a drive copy)


def _code(role: str, hint: bool, form: str) -> int:
    """A mapping as ``decide_order`` weighs it, in one small number: 0 for a DEL (it maps
    nothing), else the role (1 node, 2 virtual, 3 unknown, 4 other, 5 anything else),
    plus 8 when the role rests on a hint, 16 for a bare volume (on the default server)."""
    if form == "del":
        return 0
    return (
        _ROLE_CODES.get(role, 5) | (_HINT if hint else 0) | (_BARE if form == "bare-volume" else 0)
    )


class _CodeTable(dict[tuple[str, bool, str], int]):
    """``_code`` by (role, hint, form), filled as they are met (bounded)."""

    def __missing__(self, key: tuple[str, bool, str]) -> int:
        code = _code(*key)
        if len(self) < 1024:
            self[key] = code
        return code


_CODES = _CodeTable()
_WEIGHED = attrgetter("role", "hint", "form")


def _marks(cluster_volume: str, options: tuple[str, ...], form: str) -> int:
    """The reading's marks of a mapping, added to its ``_code``: which of its firsts
    (cluster-volume mapping, one through a node, MAP ROOT) it may be."""
    marks = 0
    if cluster_volume:
        marks = _CLUSTER_VOLUME
        if cluster_volume == "node" or cluster_volume == "cluster-object":
            marks |= _THROUGH_NODE
    if options and "ROOT" in options and form != "drive":
        marks |= _ROOT
    return marks


_ROLE_OF = bytes(code & 7 for code in range(256))
"""``codes.translate(_ROLE_OF)``: each mapping's role (0 for a DEL), one byte each."""
_WEIGHT_OF = bytes(code & (7 | _HINT) for code in range(256))
"""The same with ``_HINT`` kept: 1 a node and 2 a virtual server known for sure."""
_MARKED = {
    mark: bytes(1 if code & mark else 0 for code in range(256))
    for mark in (7, _CLUSTER_VOLUME, _THROUGH_NODE, _ROOT)
}


def _first_marked(codes: bytearray, mark: int) -> int:
    """The index of the first code with ``mark`` (or a role, for 7), -1 if none (the
    codes translated to 1 where marked, and searched, in C)."""
    return codes.translate(_MARKED[mark]).find(1)


def _allows(total: int, by_branch: dict[tuple[int, int], int], path: BlockPath, mine: int) -> bool:
    """Whether one of ``total`` mappings seen so far in a one-way pass (``by_branch``: how
    many sit in each IF branch) can run in the same login as a statement on ``path``.

    Every one counts except those in the other branch of a block the statement sits in:
    walking backwards (``mine`` 0) the others come later, and those in the ELSE of a block
    whose THEN holds the statement are excluded; walking forwards (``mine`` 1), those in
    the THEN of a block whose ELSE holds it. The branches of one path hold disjoint sets
    of mappings, so the count is a sum; the work is the nesting depth (at most 32).
    """
    excluded = 0
    for block, branch in path:
        if branch == mine:
            excluded += by_branch.get((block, 1 - branch), 0)
    return total > excluded


def decide_order(
    mappings: tuple[Mapping, ...] | list[Mapping],
    paths: tuple[BlockPath, ...] | list[BlockPath],
    commands: int,
    unrecognised: int,
    includes: tuple[tuple[int, str], ...] = (),
) -> _Order:
    """The login order the mappings give (design.md, "How the facts decide").

    node-first as soon as a node connection can run before any virtual-server mapping;
    virtual-first when every virtual-server mapping comes before every node connection;
    undecided while a target of unknown role could make the difference, or when mappings
    may come from an INCLUDEd script. Linear: one pass each way, counting per IF branch.
    """
    if len(mappings) != len(paths):
        raise ValueError("decide_order: as many paths as mappings are needed")
    codes = bytearray(map(_CODES.__getitem__, map(_WEIGHED, mappings)))
    return _decide(mappings, paths, codes, commands, unrecognised, includes)


def _decide(
    mappings: tuple[Mapping, ...] | list[Mapping],
    paths: tuple[BlockPath, ...] | list[BlockPath],
    codes: bytearray,
    commands: int,
    unrecognised: int,
    includes: tuple[tuple[int, str], ...],
    *,
    shortcut: bool = True,
) -> _Order:
    """``decide_order`` on the mappings' codes (``_code``): the passes read one byte per
    mapping and its path only where its role counts (``shortcut`` False: even in the
    common case the shortcut decides without them; the tests compare the two)."""
    count = len(codes)
    roles = codes.translate(_ROLE_OF)
    weights = codes.translate(_WEIGHT_OF)
    first_virtual_at = roles.find(2)
    first_node_at = roles.find(1)
    has_unknown = 3 in roles
    first_virtual = mappings[first_virtual_at] if first_virtual_at >= 0 else None
    first_node = mappings[first_node_at] if first_node_at >= 0 else None
    flags = bytearray(count)  # 1: an unknown whose role would decide the order
    deciding_node = sure_node = -1
    node_sure = virtual_sure = False
    hinted: dict[int, Mapping] = {}  # index -> hinted target in a node-before-virtual pair
    unknown: list[Mapping] = []
    # The common case at once: the first node known for sure is outside every IF block and
    # a virtual server known for sure is mapped after it. The passes would make it the
    # deciding node (the earliest sure node before a sure virtual server), and what they
    # find besides (hinted targets, unknown ones) would not count.
    quick = -1
    if shortcut and first_virtual is not None and first_node is not None:
        sure_first = weights.find(1)
        if sure_first >= 0 and not paths[sure_first]:
            last_sure_virtual = weights.rfind(2)
            if last_sure_virtual > sure_first:
                quick = sure_first
    if quick >= 0:
        deciding_node = quick
    elif first_virtual is not None and (first_node is not None or has_unknown):
        # Backwards: the virtual-server mappings after each statement, counted per branch
        # (all of them, those known for sure, those that may be virtual).
        virtual_total = sure_total = maybe_total = 0
        nodes = first_node is not None
        virtual: dict[tuple[int, int], int] = {}
        sure: dict[tuple[int, int], int] = {}
        maybe: dict[tuple[int, int], int] = {}
        for index in range(count - 1, -1, -1):
            code = codes[index]
            role = code & 7
            if role == 2:
                path = paths[index]
                if path:  # per branch only what a node or an unknown target will weigh
                    if nodes:
                        for key in path:
                            virtual[key] = virtual.get(key, 0) + 1
                        if not code & _HINT:
                            for key in path:
                                sure[key] = sure.get(key, 0) + 1
                    if has_unknown:
                        for key in path:
                            maybe[key] = maybe.get(key, 0) + 1
                virtual_total += 1
                maybe_total += 1
                if not code & _HINT:
                    sure_total += 1
            elif role == 1:
                path = paths[index]
                if virtual_total and (not path or _allows(virtual_total, virtual, path, 0)):
                    deciding_node = index
                    if code & _HINT:
                        hinted[index] = mappings[index]
                    else:
                        node_sure = True  # only the virtual side may rest on a hint
                if sure_total and (not path or _allows(sure_total, sure, path, 0)):
                    virtual_sure = True  # only the node side may rest on a hint
                    if not code & _HINT:
                        sure_node = index
            elif role == 3:
                path = paths[index]
                if maybe_total and (not path or _allows(maybe_total, maybe, path, 0)):
                    flags[index] = 1
                if not code & _BARE:
                    # A bare volume is on the default server, a real server users log
                    # in through: a node or another server, never a virtual one.
                    maybe_total += 1
                    for key in path:
                        maybe[key] = maybe.get(key, 0) + 1
    hinted_virtual = (2 | _HINT) in weights
    if (
        quick < 0 and (first_node is not None or first_virtual is not None)
        and (has_unknown or hinted_virtual)
    ):  # fmt: skip
        # Forwards: the node mappings before each statement (and those that may be one);
        # only unknown targets and hinted virtual servers are weighed against them.
        maybe_total = node_total = 0
        maybe_node: dict[tuple[int, int], int] = {}
        node: dict[tuple[int, int], int] = {}
        for index in range(count):
            code = codes[index]
            role = code & 7
            if role == 3:
                path = paths[index]
                if (
                    not code & _BARE and maybe_total
                    and (not path or _allows(maybe_total, maybe_node, path, 1))
                ):  # fmt: skip
                    flags[index] = 1
                maybe_total += 1
                for key in path:
                    maybe_node[key] = maybe_node.get(key, 0) + 1
            elif role == 1:
                path = paths[index]
                maybe_total += 1
                node_total += 1
                if path:  # per branch only what an unknown or hinted target will weigh
                    if has_unknown:
                        for key in path:
                            maybe_node[key] = maybe_node.get(key, 0) + 1
                    if hinted_virtual:
                        for key in path:
                            node[key] = node.get(key, 0) + 1
            elif role == 2 and code & _HINT:
                path = paths[index]
                if node_total and (not path or _allows(node_total, node, path, 1)):
                    hinted[index] = mappings[index]
    start = flags.find(1) if quick < 0 else -1
    while start >= 0 and len(unknown) < _MAX_UNSETTLED:
        unknown.append(mappings[start])
        start = flags.find(1, start + 1)
    if sure_node >= 0:
        deciding_node, hinted = sure_node, {}
    elif node_sure or virtual_sure:
        # One side of a node-before-virtual pair is known for sure: only the hints on
        # the other side decide.
        hinted = {key: m for key, m in hinted.items() if (m.role == "virtual") == node_sure}
    if deciding_node >= 0:
        chosen = mappings[deciding_node]
        node_path = paths[deciding_node]
        later: Mapping | None = None
        for index in range(deciding_node + 1, count):
            if codes[index] & 7 == 2 and not _exclusive(node_path, paths[index]):
                later = mappings[index]
                break
        detail = f"{_describe(chosen)} ({chosen.role_reason})"
        if chosen.condition:
            detail += f", inside {chosen.condition} (for the users that condition selects),"
        if later is not None:
            detail += f" before {_describe(later)}"
            if later.condition:
                detail += f" (inside {later.condition})"
        deciding = tuple(sorted({chosen.line, *([later.line] if later else [])}))
        # Without a pair of targets known for sure, the hinted ones decide: to confirm
        # (each target once).
        by_server: dict[str, Mapping] = {}
        for mapping in sorted(hinted.values(), key=lambda m: m.line):
            by_server.setdefault(mapping.server, mapping)
        unsettled = tuple(by_server.values())
        return _Order("node-first", chosen.line, deciding, detail + ".", (), unsettled)
    if unknown and (first_node is not None or first_virtual is not None):
        return _undecided(unknown)
    if includes:
        return _needs_included(includes)
    lone = None
    if first_node is not None:
        active = [(m, p) for m, p, c in zip(mappings, paths, codes, strict=True) if c & 7]
        lone = _undominated_node(active)
    if lone is not None:
        # Some users reach this node with no virtual-server mapping before it, and none
        # after it in this script: virtual servers mapped by a script that runs later
        # (profile or user script) would ride on this node connection.
        lone_node, earlier_virtual = lone
        detail = f"{_describe(lone_node)} ({lone_node.role_reason})"
        if lone_node.condition:
            detail += f", inside {lone_node.condition} (for the users that condition selects),"
        detail += " and no virtual-server mapping follows it in this script"
        if earlier_virtual is not None and earlier_virtual.condition:
            detail += (
                f"; the earlier virtual-server mapping on line {earlier_virtual.line} runs only "
                f"{earlier_virtual.condition}"
            )
        unsettled = (lone_node,) if lone_node.hint else ()
        return _Order("node-first", lone_node.line, (lone_node.line,), detail + ".", (), unsettled)
    if first_node is not None and first_virtual is not None:
        detail = (
            f"{_describe(first_virtual)} ({first_virtual.role_reason}) before "
            f"{_describe(first_node)}; every node connection comes after every "
            "virtual-server mapping"
        )
        deciding = tuple(sorted({first_virtual.line, first_node.line}))
        return _Order("virtual-first", first_virtual.line, deciding, detail + ".", ())
    remarks: list[Remark] = []
    unknown_all = [m for m, c in zip(mappings, codes, strict=True) if c & 7 == 3]
    if first_virtual is not None:
        detail = f"the script maps virtual servers ({_describe(first_virtual)}) but no cluster node"
        if unknown_all:
            remarks.append(
                Remark(
                    unknown_all[0].line,
                    "info",
                    f"roles not known for {_names(unknown_all)}; they are mapped after a virtual "
                    "server, so the virtual servers come first either way",
                )
            )
        line = first_virtual.line
        return _Order("no-node-mapping", line, (line,), detail + ".", tuple(remarks))
    if unknown_all:
        remarks.append(
            Remark(
                unknown_all[0].line,
                "warning",
                "login order cannot be decided: no target is known to be a cluster node or a "
                f"virtual server; roles needed for {_names(unknown_all)}",
            )
        )
        return _Order(None, 0, (), "", tuple(remarks), tuple(unknown_all[:8]))
    first = _first_marked(codes, 7)
    if first >= 0:  # a mapping other than a DEL
        detail = "every target the script maps is a server outside the cluster"
        return _Order("no-node-mapping", mappings[first].line, (), detail + ".", ())
    if commands and unrecognised <= commands:
        remarks.append(
            Remark(
                None,
                "warning",
                "login order not decided: this script maps no drives and attaches to no "
                "server, so the order comes from another login script (container, profile or "
                "user script) — paste the one that maps the drives",
            )
        )
        return _Order(None, 0, (), "", tuple(remarks))
    remarks.append(
        Remark(
            None,
            "info",
            "no MAP or ATTACH commands and too few login-script commands found; the login "
            "order is not known from this text",
        )
    )
    return _Order(None, 0, (), "", tuple(remarks))


def _undominated_node(
    active: list[tuple[Mapping, BlockPath]],
) -> tuple[Mapping, Mapping | None] | None:
    """The first node mapping that some users reach before any virtual-server mapping
    (with the first virtual-server mapping before it, if any), or None."""
    virtual_paths: set[BlockPath] = set()
    first_virtual: Mapping | None = None
    for mapping, path in active:
        if mapping.role == "virtual":
            first_virtual = first_virtual or mapping
            virtual_paths.add(path)
        elif mapping.role == "node" and not _dominated(path, virtual_paths):
            return mapping, first_virtual
    return None


def _dominated(path: BlockPath, virtual_paths: set[BlockPath]) -> bool:
    """True when a virtual mapping already ran on every route that reaches ``path``."""
    if not path:  # top level, most mappings: only a top-level virtual mapping dominates
        return () in virtual_paths
    return any(path[:depth] in virtual_paths for depth in range(len(path) + 1))


def _needs_included(includes: tuple[tuple[int, str], ...]) -> _Order:
    names = ", ".join(f"{name} (line {line})" for line, name in includes[:5])
    if len(includes) > 5:
        names += f" and {len(includes) - 5} more"
    remark = Remark(
        includes[0][0],
        "warning",
        f"login order not decided: this script runs INCLUDEd scripts ({names}) whose mappings "
        "may connect to a node before a virtual server; paste the included script as well",
    )
    return _Order(None, 0, (), "", (remark,))


def analyze_login_script(
    data: bytes | str, context: SiteContext = _NO_CONTEXT
) -> LoginScriptAnalysis:
    """Read a login script and decide whether it reaches a node before the virtual servers."""
    with paused_gc():
        return _analyze(data, context)


def _is_dirmap_with_colon(mapping: Mapping) -> bool:
    """A MAP ROOT whose target is a directory-service object name (leading "." or typed
    with CN=) followed by ":", and not a cluster volume object (known, or by the
    <CLUSTER>_<VOLUME> convention): TID 10019026's ``MAP ROOT S16:=.MYMAP.MYORG:\\APPS``."""
    if mapping.form != "volume-object" or mapping.target_kind == "volume-object":
        return False
    if mapping.role == "virtual" or mapping.cluster_volume:
        return False
    name = mapping.target.strip().strip('"').lstrip()
    return name[:1] == "." or name[:3].upper() == "CN="


def _cluster_volume_findings(mapping: Mapping | None, through: bool) -> tuple[Finding, ...]:
    if mapping is None:
        return ()
    value = mapping.cluster_volume
    words = {
        "node": "through a cluster node",
        "cluster-object": "through the cluster object (the Cluster Master IP)",
        "volume-object": "through the cluster volume object",
        "virtual-ip": "through the resource's virtual IP",
        "virtual-server": "through the virtual server",
    }[value]
    where = f" ({mapping.condition})" if mapping.condition else ""
    detail = (
        f"line {mapping.line} maps {mapping.target.strip()}, a cluster volume, {words}{where}: "
        f"{mapping.role_reason}"
    )
    if not through:
        detail += "; no cluster-volume mapping goes through a node or the cluster object"
        return (Finding("cluster_volume_target", value, mapping.line, detail),)
    detail += "; such a mapping does not follow the volume when its resource moves"
    found = [Finding("cluster_volume_target", value, mapping.line, detail)]
    # The volume and drive of that mapping: what its replacement maps (TID 7014886's
    # "map o:=.my-cluster_vol2.Corp.EMA:" is drive O and volume VOL2). Only for a plain
    # mapping of a whole volume: one with options (INS, ROOT …), a search drive or a
    # path would lose them in that one-line command (the remapped script keeps them).
    if not _plain_volume_mapping(mapping):
        return tuple(found)
    if mapping.volume:
        found.append(
            Finding(
                "cluster_volume",
                mapping.volume,
                mapping.line,
                f"line {mapping.line} maps the cluster volume {mapping.volume} {words}",
            )
        )
    drive = _drive_letter(mapping.drive)
    if drive:
        found.append(
            Finding(
                "drive",
                drive,
                mapping.line,
                f"line {mapping.line} maps drive {drive}: to the cluster volume {words}",
            )
        )
    return tuple(found)


def _plain_volume_mapping(mapping: Mapping) -> bool:
    """``MAP O:=NODE1/VOL2:``: a drive letter, no option, the whole volume (no path)."""
    drive = mapping.drive.strip().upper()
    if mapping.options or len(drive) != 2 or not drive[0].isalpha() or drive[1] != ":":
        return False  # options, a search drive (S1:), *1:, S16:=W: or no drive (MAP N)
    _, colon, path = mapping.target.partition(":")
    return bool(colon) and not path.strip(" \t\\/")


def _drive_letter(drive: str) -> str:
    """The drive a mapping names, without its colon: ``O:`` is ``O``, ``S16:=W:`` is ``W``
    (the letter the search drive takes); "" for ``MAP N`` (no drive named)."""
    last = drive.rsplit("=", 1)[-1].strip()
    return last[:-1] if last.endswith(":") else last


def _map_command(mapping: Mapping, decoded: DecodedText) -> str:
    """The MAP command that made ``mapping``, as written (one mapping, trimmed)."""
    lines = decoded.lines
    text = lines[mapping.line - 1].text if 0 < mapping.line <= len(lines) else ""
    target = mapping.target
    at = text.find(target) if target else -1
    if at < 0:
        return text.strip()
    head = text[:at]
    upper = head.upper()
    start = max((m.start() for m in _MAP_WORD_ANYWHERE.finditer(upper)), default=0)
    semicolon = head.rfind(";")
    if semicolon > start:
        return "MAP " + (head[semicolon + 1 :] + target).strip()
    return (head[start:] + target).strip()


_MAP_WORD_ANYWHERE = re.compile(r"(?<![A-Z0-9_])MAP(?=[ \t])")


def _without_colon(command: str, target: str) -> str:
    """``command`` with the colon after the object name in ``target`` removed."""
    colon = target.find(":")
    if colon < 0:
        return command
    rest = target[colon + 1 :]
    fixed = target[:colon] + ("\\" if rest and rest[0] not in "\\/" else "") + rest
    at = command.rfind(target)
    return command[:at] + fixed + command[at + len(target) :] if at >= 0 else command


def _dirmap_findings(
    dirmap: Mapping | None, first: Mapping | None, decoded: DecodedText
) -> tuple[Finding, ...]:
    if dirmap is None:
        if first is None:
            return ()
        detail = (
            f"no MAP ROOT to a Directory Map object with a colon after its name (line "
            f"{first.line} is the first "
            + ("MAP ROOT" if "ROOT" in first.options else "MAP")
            + " command)"
        )
        return (Finding("dirmap_root_colon", "no", first.line, detail),)
    command = _map_command(dirmap, decoded)
    target = dirmap.target.strip()
    fixed = _without_colon(command, target)
    detail = (
        f"line {dirmap.line}: {command} maps a fake root to the directory-service object "
        f"{dirmap.server} with a colon after its name: right only when the object points to "
        "a volume root"
    )
    return (
        Finding("dirmap_root_colon", "yes", dirmap.line, detail),
        Finding("dirmap_map_command", command, dirmap.line, f"line {dirmap.line}, as written"),
        Finding("dirmap_map_fixed", fixed, dirmap.line, f"line {dirmap.line} without the colon"),
    )


# The line memo: what a line does, for the lines whose effect follows from their text alone,
# kept across scripts (an audit reads thousands of scripts made of the same lines); a line
# goes in when one script has it twice (``_Reader.learn``). One memo per site (a MAP line's
# action holds its parts classified for that site, so two sites never mix), bounded in
# lines, characters and mapping parts over all the sites; a full memo empties them all.
_A_ONE = 0  # (0, fields, code, letter key, search key, hinted server): a MAP line of one
# mapping that changes nothing but its drive keys and the hinted servers (most MAP lines)
_A_KIND = 1  # (1, kind, counted): changes nothing (a settled line of ``_Scanner.run``);
# counted: the kind counts as a command
_A_MAP = 2  # (2, kind, templates, said): any other MAP statement, as ``_Scanner.remember``
# keeps it, its parts classified for the site (``_template``)
_A_IF = 3  # (3, condition): opens an IF block
_A_BUMP = 4  # (4, kind, counted): a one-line IF that records nothing (it uses a block
# number); counted as for ``_A_KIND``
_A_ELSE = 5  # (5,): a bare ELSE
_A_END = 6  # (6,): a bare END, ENDIF or END IF
_Action = tuple[Any, ...]
_Memo = dict[str, _Action]
_MEMO_LINES = 8_192
_MEMO_CHARS = 1024 * 1024
_MEMO_PARTS = 8_192
_memo_used = [0, 0, 0]  # characters, mapping parts and lines kept (all the sites' memos)
_SITES: dict[tuple[object, ...], tuple[_Memo, _Known]] = {}
_MAX_SITES = 64
_ENDS = ("END", "ENDIF", "END IF")
_R = ("R", "r")
_BLANKS = ("", " ", "\t")
_NOTED_LINES = 4096
_NOT_COMMANDS = ("comment", "blank", "unrecognised")


def _unsafe(text: str) -> bool:
    """The line may hold a word whose effect depends on the state (an ELSE under too deep
    IF nesting, an INCLUDE past the limit): never kept in the line memo."""
    upper = text.upper()
    return "ELSE" in upper or "INCLUDE" in upper


def _forget() -> None:
    """Empty every site's line memo (a new generation)."""
    for memo, _ in tuple(_SITES.values()):  # (a copy: a worker thread may add a site)
        memo.clear()
    _memo_used[:] = [0, 0, 0]


def _keep(memo: _Memo, text: str, action: _Action, parts: int) -> None:
    """Put a line into a site's line memo; a full memo is emptied first, with the other
    sites' (the bounds hold for them all)."""
    used = _memo_used
    if used[2] >= _MEMO_LINES or used[0] + len(text) > _MEMO_CHARS or used[1] + parts > _MEMO_PARTS:
        _forget()
        memo.clear()  # (a memo no longer among the sites: the reader's own, still in use)
    used[0] += len(text)
    used[1] += parts
    used[2] += 1
    memo[text] = action


def _site(context: SiteContext) -> tuple[_Memo, _Known]:
    """The line memo of the site (equal contexts share one) and its names."""
    try:
        key: tuple[object, ...] = (
            context.node_names, context.virtual_servers, context.virtual_ips,
            context.node_ips, context.cluster_volumes, context.volume_objects,
            frozenset(context.role_overrides.items()), context.cluster_names,
            context.master_ips,
        )  # fmt: skip
        found = _SITES.get(key)
    except TypeError:  # a field that is not hashable: no sharing
        return {}, _known(context)
    if found is None:
        if len(_SITES) >= _MAX_SITES:
            _forget()
            _SITES.clear()
        found = _SITES[key] = ({}, _known(context))
    return found


_Template = tuple[Any, ...]


def _template(part: _Part, known: _Known) -> _Template:
    """A MAP part classified for a site: the fields of its ``Mapping`` (line and condition
    set per use) and what it changes in the reading, precomputed.

    (fields, letter key, code, plain, search key, is DEL, Directory Map with colon, hinted
    server, other-server remark, cluster-volume remark, copied drive): ``code`` is
    ``_code``'s with ``_marks``; a plain part changes nothing but its drive keys; the
    copied drive is set for a drive copy whose role is that of the drive it copies when
    that is mapped (the fields are then its role when it is not)."""
    drive, target, server, volume, form, options, letter, ref, search = part
    key2 = None
    if form != "del" and drive[:1] in "S*" and not drive[1:2].isalpha():
        key2 = drive.partition(":")[0]
    key1 = letter or None
    raw = _new_raw(RawMapping, (
        0, drive, target, server, volume, form, options, None, (), letter, ref, search,
    ))  # fmt: skip
    role, reason, hint = _classify(raw, known, {})
    kind = _target_kind(raw, role, known)
    cluster_volume = _cluster_volume(raw, kind, known)
    mapping = Mapping(
        0, drive, target, server, volume, form, role, reason, hint, None, options, kind,
        cluster_volume,
    )  # fmt: skip
    fields = dict(mapping.__dict__)
    is_del = form == "del"
    root = bool(options) and "ROOT" in options
    dirmap = root and _is_dirmap_with_colon(mapping)
    hinted = server if hint else None
    other = reason if role == "other" and not is_del else None
    remark = form == "bare-volume" and volume in known.volumes
    if form == "drive":  # a drive copy is never taken for these (``classify_raw``)
        root = dirmap = False
        hinted = other = None
    copied = ref if form == "drive" and "" not in known.overrides else None
    plain = not (
        is_del or dirmap or hinted is not None or other is not None or remark
        or copied is not None
    )  # fmt: skip
    code = _code(role, hint, form) | _marks(cluster_volume, options, form)
    return (
        fields, key1, code, plain, key2, is_del, dirmap, hinted, other, remark, copied,
    )  # fmt: skip


def _map_action(
    known: _Known, kind: str, parts: tuple[_Part, ...], said: tuple[tuple[str, str], ...]
) -> _Action:
    """The line memo's action of a MAP statement for a site: ``_A_ONE`` for a statement
    of one mapping, no remark and kind ``map`` that changes nothing but its drive keys
    and the hinted servers (most MAP lines), else ``_A_MAP`` with every part's template."""
    templates = [_template(part, known) for part in parts]
    if len(templates) == 1 and not said and kind == "map":
        fields, key1, code, _, key2, is_del, dirmap, hinted, other, remark, copied = templates[0]
        if not (is_del or dirmap or other is not None or remark or copied is not None):
            return (_A_ONE, fields, code, key1, key2, hinted)
    return (_A_MAP, kind, templates, said)


class _Reader:
    """Scans and classifies in one pass: each mapping is classified as it is met."""

    def __init__(self, known: _Known, memo: _Memo) -> None:
        self.known = known
        self.memo = memo  # the site's line memo
        self.scanner = _Scanner()
        self.mappings: list[Mapping] = []
        self.paths: list[BlockPath] = []
        self.drives: dict[str, Mapping] = {}
        self.remarks: list[Remark] = []
        self.hinted: dict[str, int] = {}
        self.others: dict[str, int] = {}
        # Only a drive copy depends on what came before; any other role follows from the
        # form, server and volume, which a script repeats line after line.
        self.classified: dict[
            tuple[str, str, str], tuple[Role, str, bool, str, str, int, bool]
        ] = {}
        self.dirmap: Mapping | None = None  # the first MAP ROOT to a Directory Map with ":"
        self.codes = bytearray()  # ``_code`` of each mapping
        self.noted: dict[str, _Action] = {}  # IF, ELSE and END lines met once in this script

    def run(self, decoded: DecodedText) -> None:
        scanner = self.scanner
        lookup = self.memo.get  # (a full memo is emptied, never replaced)
        unrecognised = scanner.unrecognised.append
        changes = scanner.path_changes
        raws = scanner.mappings
        mappings = self.mappings
        add_mapping = mappings.append
        add_path = self.paths.append
        drives = self.drives
        hinted_at = self.hinted
        new = object.__new__
        classify = self.classify_raw
        add_code = self.codes.append
        stack = scanner.stack
        wheres = scanner.wheres
        # After every line, ``scanner.cached`` is the (condition, path) of the nesting,
        # ``where`` the same and ``condition`` and ``last_path`` its parts: a line that
        # leaves the nesting as it was (a MAP, a settled line, a one-line IF) needs no look
        # at it.
        where = scanner.where()
        condition, last_path = where
        commands = 0  # but the ``_A_ONE`` lines: each is one command and makes one mapping,
        made = 0  # and ``made`` counts the mappings made otherwise
        settled: dict[str, str] = {}
        # Every line but in a text too long to split at once (then ``numbered``): an empty
        # line is never in the memo, and is skipped below (``numbered`` skips them, in C
        # but at a cost per line).
        split = decoded.split_once
        numbered = enumerate(split[0], 1) if split is not None else decoded.numbered()
        for number, text in numbered:
            action = lookup(text)
            if action is not None:
                code = action[0]
                if code == _A_ONE:  # one mapping, nothing else changed: written out
                    _, fields, part_code, key1, key2, hinted = action
                    mapping = new(Mapping)
                    values = mapping.__dict__
                    values.update(fields)
                    values["line"] = number
                    values["condition"] = condition
                    add_mapping(mapping)
                    add_path(last_path)
                    add_code(part_code)
                    if key1 is not None:
                        drives[key1] = mapping
                    if key2 is not None:
                        drives[key2] = mapping
                    if hinted is not None and hinted not in hinted_at:
                        hinted_at[hinted] = number
                    continue
                if code == _A_KIND:
                    if len(settled) < _SETTLED_LINES:  # as the general path keeps it
                        settled[text] = action[1]
                    if action[2]:
                        commands += 1
                    elif action[1] == "unrecognised":
                        unrecognised((number, text))
                    continue
                if code == _A_IF:  # ``push`` of a new block, ``_inside`` written out
                    scanner.next_block = block_id = scanner.next_block + 1
                    block = _Block(block_id, 0, action[1], number)
                    if len(stack) < _MAX_NESTING:
                        stack.append(block)
                        own = action[1]
                        condition = f"{condition} AND {own}" if condition else own
                        last_path = (*last_path, (block_id, 0))
                        wheres.append(where := (condition, last_path))
                        scanner.cached = where
                        changes.append((number, last_path))  # one block deeper: always new
                    else:
                        scanner.push(block)
                    commands += 1
                    continue
                if code == _A_END:  # ``pop``, written out
                    if stack and not scanner.overflow:
                        stack.pop()
                        wheres.pop()
                        where = scanner.cached = wheres[-1] if wheres else _TOP
                        condition, last_path = where
                        changes.append((number, last_path))  # one block less deep: always new
                    else:
                        scanner.pop(number)
                        where = scanner.where()
                        if where[1] != last_path:
                            changes.append((number, where[1]))
                        condition, last_path = where
                    commands += 1
                    continue
                if code == _A_BUMP:  # changes no nesting
                    scanner.next_block += 1
                    if action[2]:
                        commands += 1
                    elif action[1] == "unrecognised":
                        unrecognised((number, text))
                    continue
                if code == _A_ELSE:  # ``else_line``, its ``flip`` written out
                    kind = settled.get(text)
                    if kind is None:
                        kind = "else"
                        if stack and not scanner.overflow:
                            block = stack[-1]
                            block.branch = 1
                            outer, path = wheres[-2] if len(wheres) > 1 else _TOP
                            own = f"ELSE of {block.condition}"  # (``_inside``, written out)
                            condition = f"{outer} AND {own}" if outer else own
                            path = (*path, (block.ident, 1))
                            wheres[-1] = where = scanner.cached = (condition, path)
                            scanner.branches += 1
                            if path != last_path:  # (a second ELSE of a block: the same)
                                changes.append((number, path))
                            last_path = path
                        else:  # no IF, or nested too deep: changes no nesting
                            self.else_line(number, text, settled)
                else:  # _A_MAP
                    kind = action[1]
                    made += len(action[2])
                    for template in action[2]:
                        mapping = new(Mapping)
                        values = mapping.__dict__
                        values.update(template[0])
                        values["line"] = number
                        values["condition"] = condition
                        add_mapping(mapping)
                        add_path(last_path)
                        if template[3]:  # plain: sets its drive keys, nothing else
                            add_code(template[2])
                            if template[1] is not None:
                                drives[template[1]] = mapping
                            if template[4] is not None:
                                drives[template[4]] = mapping
                        else:
                            self.effects(mapping, template)
                    if action[3]:
                        for level, said in action[3]:
                            scanner.remarks.append(Remark(number, level, f"line {number}: {said}"))
                    elif not action[2] and kind != "map" and len(settled) < _SETTLED_LINES:
                        settled[text] = kind
                    if kind == "map":
                        commands += 1
                        continue
                if kind == "unrecognised":
                    unrecognised((number, text))
                elif kind != "comment" and kind != "blank":
                    commands += 1
                continue
            if not text:  # empty lines are blank: skipped
                continue
            first = text[0]
            if (
                (first in _COMMENT_MARKS or text[:4] == "REM " or (
                    first in _R and text[3:4] in _BLANKS and text[:3].upper() == "REM"
                ))
                and len(text) <= MAX_PATTERN_LINE and text not in settled
            ):  # fmt: skip
                # A comment met for the first time (``learn``'s steps for it; its first
                # character is not blank, so it starts its stripped text too).
                if len(settled) < _SETTLED_LINES:
                    settled[text] = "comment"
                continue
            kind = self.learn(number, text, settled)
            if raws:
                made += len(raws)
                for raw in raws:
                    classify(raw)
                raws.clear()
            if kind == "unrecognised":
                unrecognised((number, text))
            elif kind != "comment" and kind != "blank":
                commands += 1
            cached = scanner.cached
            if cached is None or cached[1] is not last_path:  # the nesting may differ
                where = scanner.where()
                if where[1] != last_path:
                    changes.append((number, where[1]))
            else:
                where = cached
            condition, last_path = where
        scanner.commands = commands + len(mappings) - made
        scanner.unclosed()

    def else_line(self, number: int, text: str, settled: dict[str, str]) -> str:
        """A bare ELSE, as the general path reads it (its per-script memo included)."""
        scanner = self.scanner
        kind = settled.get(text)
        if kind is not None:
            return kind
        if not scanner.stack:
            scanner.remarks.append(Remark(number, "warning", f"line {number}: ELSE without an IF"))
        elif scanner.overflow:  # changes nothing: kept as the general path keeps it
            if len(settled) < _SETTLED_LINES:
                settled[text] = "else"
        else:
            scanner.flip()
            scanner.branches += 1
        return "else"

    def learn(self, number: int, text: str, settled: dict[str, str]) -> str:
        """A line not in the line memo: read the general way (``_Scanner.run``'s steps).

        A line whose effect follows from its text alone goes into the line memo when it is
        met a second time in one script (so a script of distinct lines fills nothing): a
        MAP statement when the scanner replays it, a line that changed nothing when it is
        settled, an IF, ELSE or END line when its action was noted at its first sighting.
        """
        scanner = self.scanner
        kind = settled.get(text)
        if kind is not None:
            if not _unsafe(text):
                _keep(self.memo, text, (_A_KIND, kind, kind not in _NOT_COMMANDS), 0)
            return kind
        if len(text) > MAX_PATTERN_LINE:
            return scanner.too_long(number)
        stripped = text.strip()
        first = stripped[:1]
        if first in _M:
            known = scanner.map_cache.get(stripped)
            if known is not None:  # met before in this script: into the line memo
                kind = scanner.replay(number, known, None)
                if not (known[1] or known[2]) and kind != "map" and len(settled) < _SETTLED_LINES:
                    settled[text] = kind
                memo_action = _map_action(self.known, kind, known[1], known[2])
                _keep(self.memo, text, memo_action, len(known[1]))
                return kind
            # A statement that may map changes only the mappings and remarks; a MAP
            # statement is remembered by the scanner.
            mapped = len(scanner.mappings)
            said = len(scanner.remarks)
            kind = scanner.statement(number, stripped, None)
            if (
                kind != "map" and len(scanner.mappings) == mapped
                and len(scanner.remarks) == said and len(settled) < _SETTLED_LINES
            ):  # fmt: skip
                settled[text] = kind
            return kind
        if first in _COMMENT_MARKS or (
            first in _R and stripped[3:4] in _BLANKS and stripped[:3].upper() == "REM"
        ):  # a comment (REM and a blank, or the end, is read as the word REM)
            if len(settled) < _SETTLED_LINES:
                settled[text] = "comment"
            return "comment"
        noted = self.noted
        action = noted.get(text)
        if action is not None:
            _keep(self.memo, text, action, 0)
            return self.perform(number, text, action, settled)
        before = scanner.state()
        blocks = scanner.next_block
        decoration = False
        if first and first in _PASTE_MARKS:
            stripped, decoration = paste_stripped(text)
        if decoration:
            kind = "unrecognised"
        elif stripped:
            kind = scanner.statement(number, stripped, None)
        else:
            kind = "blank"
        after = scanner.state()
        if after == before:
            if kind != "map" and len(settled) < _SETTLED_LINES:
                settled[text] = kind
            return kind
        if len(noted) >= _NOTED_LINES:
            return kind
        if kind == "end":
            if stripped.upper() in _ENDS:
                noted[text] = (_A_END,)
        elif kind == "else":
            if stripped.upper() == "ELSE":
                noted[text] = (_A_ELSE,)
        elif (
            scanner.next_block == blocks + 1 and after[0] == before[0] + 1
            and after[2] == before[2] and not _unsafe(text)
        ):  # fmt: skip
            # Only a block number used: a one-line IF that records nothing, or an IF block.
            if after[1] == before[1] and kind != "if":
                noted[text] = (_A_BUMP, kind, kind not in _NOT_COMMANDS)
            elif kind == "if" and after[1] == before[1] + 1:
                noted[text] = (_A_IF, scanner.stack[-1].condition)
        return kind

    def perform(self, number: int, text: str, action: _Action, settled: dict[str, str]) -> str:
        """What ``run`` does with a line memo's IF, ELSE, END or one-line IF action."""
        scanner = self.scanner
        code = action[0]
        if code == _A_IF:
            scanner.next_block += 1
            scanner.push(_Block(scanner.next_block, 0, action[1], number))
            return "if"
        if code == _A_END:
            scanner.pop(number)
            return "end"
        if code == _A_BUMP:
            scanner.next_block += 1
            return str(action[1])
        return self.else_line(number, text, settled)

    def classify_raw(self, raw: RawMapping) -> None:
        """One mapping the general way (what ``_analyze`` did with each raw mapping)."""
        known = self.known
        drives = self.drives
        line, drive, target, server, volume, form, options, condition, path, letter, ref, _ = raw
        if form == "drive" and ref in drives:  # a copy of an earlier mapping: its own reason
            role, reason, hint = _classify(raw, known, drives)
            kind, cluster_volume, code, rest = "drive", "", _code(role, hint, form), False
        else:
            key = (form, server, ref if form == "drive" else volume)
            classification = self.classified.get(key)
            if classification is None:
                role, reason, hint = _classify(raw, known, drives)
                kind = _target_kind(raw, role, known)
                cluster_volume = _cluster_volume(raw, kind, known)
                code = _code(role, hint, form) | _marks(cluster_volume, (), form)
                # Whether it is hinted, another server or a bare cluster volume (below).
                rest = (
                    (hint and form != "drive")
                    or (role == "other" and form != "del" and form != "drive")
                    or (form == "bare-volume" and volume in known.volumes)
                )
                classification = self.classified[key] = (
                    role, reason, hint, kind, cluster_volume, code, rest,
                )  # fmt: skip
            role, reason, hint, kind, cluster_volume, code, rest = classification
        self.paths.append(path)
        mapping = Mapping(
            line, drive, target, server, volume, form, role, reason, hint, condition, options,
            kind, cluster_volume,
        )  # fmt: skip
        self.mappings.append(mapping)
        if options and "ROOT" in options and form != "drive":
            code |= _ROOT
            if self.dirmap is None and _is_dirmap_with_colon(mapping):
                self.dirmap = mapping
        self.codes.append(code)
        if form == "del":
            drives.pop(letter, None)
        elif letter:
            drives[letter] = mapping
        if form != "del" and drive[:1] in "S*" and not drive[1:2].isalpha():
            # A search or relative drive (S1:, *1:) that a later MAP x:=S1:\path may name.
            drives[drive.partition(":")[0]] = mapping
        if not rest:
            return
        if hint and form != "drive" and server not in self.hinted:
            self.hinted[server] = line
        if role == "other" and form != "del" and form != "drive" and server not in self.others:
            if len(self.others) < _MAX_OTHER_REMARKS:
                self.remarks.append(Remark(line, "info", f"line {line}: {reason}"))
            self.others[server] = line
        if form == "bare-volume" and volume in known.volumes:
            self.remarks.append(_bare_cluster_volume(line, volume))

    def effects(self, mapping: Mapping, template: _Template) -> None:
        """What a classified memo part changes besides its drive letter (as
        ``classify_raw`` does it)."""
        _, key1, code, _, key2, is_del, dirmap, hinted, other, remark, copied = template
        line = mapping.line
        if copied is not None and (earlier := self.drives.get(copied)) is not None:
            values = mapping.__dict__
            values["role"] = earlier.role
            values["role_reason"] = (
                f"same as drive {copied}: (line {earlier.line}: {earlier.role_reason})"
            )
            values["hint"] = earlier.hint
            code = _code(earlier.role, earlier.hint, "drive")
        self.codes.append(code)
        if dirmap and self.dirmap is None:
            self.dirmap = mapping
        if is_del:
            if key1 is not None:
                self.drives.pop(key1, None)
        elif key1 is not None:
            self.drives[key1] = mapping
        if key2 is not None:
            self.drives[key2] = mapping
        if hinted is not None and hinted not in self.hinted:
            self.hinted[hinted] = line
        if other is not None and mapping.server not in self.others:
            if len(self.others) < _MAX_OTHER_REMARKS:
                self.remarks.append(Remark(line, "info", f"line {line}: {other}"))
            self.others[mapping.server] = line
        if remark:
            self.remarks.append(_bare_cluster_volume(line, mapping.volume))


def _bare_cluster_volume(line: int, volume: str) -> Remark:
    """The warning for a cluster volume mapped without a server (``MAP F:=VOL1:``)."""
    return Remark(
        line,
        "warning",
        f"line {line} maps {volume}: without a server; {volume} is a cluster volume, so "
        "what it reaches depends on the default server",
    )


def _lines(decoded: DecodedText) -> Iterator[tuple[int, str]]:
    """``decoded.numbered()``, split only when it is read (most texts hold no ESC, and
    ``escape_remarks`` then reads no line)."""
    yield from decoded.numbered()


def _analyze(data: bytes | str, context: SiteContext) -> LoginScriptAnalysis:
    decoded = decode(data)
    memo, known = _site(context)
    reader = _Reader(known, memo)
    reader.run(decoded)
    scanner = reader.scanner
    unrecognised = tuple(scanner.unrecognised)
    remarks: list[Remark] = scanner.remarks + list(escape_remarks(data, _lines(decoded)))
    remarks += reader.remarks
    hinted = reader.hinted
    mappings = reader.mappings
    # The first cluster-volume mapping (through a node, or any) and MAP ROOT, by their marks.
    codes = reader.codes
    at = _first_marked(codes, _THROUGH_NODE)
    through = mappings[at] if at >= 0 else None
    at = _first_marked(codes, _CLUSTER_VOLUME)
    first_cluster_volume = mappings[at] if at >= 0 else None
    at = _first_marked(codes, _ROOT)
    first_root = mappings[at] if at >= 0 else None
    dirmap = reader.dirmap
    first_map = next((m for m in mappings if m.form != "attach"), None)
    paths = reader.paths
    for server, line in hinted.items():
        text = (
            f"{server} is taken as a cluster target only because of its name; confirm it "
            "(non-interactively it is used as it is)"
        )
        if not server:
            text = (
                "SYS: without a server (the default server) is taken as a cluster node until "
                "it is known which server users log in to (their preferred server); if it is "
                "not a cluster node, say so (preferred_server=other)"
            )
        remarks.append(Remark(line, "info", text))
    result = tuple(mappings)
    order = _decide(
        result, paths, reader.codes, scanner.commands, len(unrecognised), tuple(scanner.includes)
    )
    remarks.extend(order.remarks)
    findings: tuple[Finding, ...] = ()
    if order.value is not None:
        detail = order.detail
        deciding = order.deciding
        if order.value == "node-first":
            hinted_deciders = list(order.unsettled)
        else:
            hinted_deciders = [
                m for m in result if m.hint and m.line in deciding and m.form != "del"
            ]
        unsettled = tuple(hinted_deciders)
        names = sorted({_label(m) for m in hinted_deciders if m.server})
        if names:
            detail += (
                " The role of "
                + ", ".join(names)
                + " comes only from its name (convention) and needs confirming."
            )
        if any(not m.server and m.form == "bare-volume" for m in hinted_deciders):
            detail += (
                " SYS: without a server is taken as a cluster node until it is known which "
                "server users log in to (their preferred server)."
            )
        findings = (Finding("login_order", order.value, order.line, detail),)
    else:
        unsettled = order.unsettled
    findings += _cluster_volume_findings(through or first_cluster_volume, through is not None)
    findings += _dirmap_findings(dirmap, first_root or first_map, decoded)
    report = EvidenceReport(KIND, findings, unrecognised, tuple(remarks), decoded.encoding)
    return LoginScriptAnalysis(
        report,
        result,
        order.value,
        order.deciding,
        decoded,
        unsettled,
        tuple(scanner.includes),
        tuple(paths),
        tuple(scanner.path_changes),
        bytes(codes),
    )
