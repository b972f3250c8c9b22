"""Provides the `kbwizard` command line: a thin front end over the core.

Commands that need no UI never import Textual (the TUI is imported only by
`run` and the bare `kbwizard`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from wizard import __version__, exit_codes
from wizard.report.formats import FORMATS
from wizard.report.sanitize import one_line

if TYPE_CHECKING:
    from wizard.engine.intake import Intake
    from wizard.kb.model import Pack

EPILOG = """\
exit codes:
  0  success; for diagnose: the article's problem was confirmed or ruled out;
     for triage: an article was confirmed, or every article was ruled out
  1  validate found problems; test: a case failed or the cases do not cover
     the pack; or an unexpected internal error
  2  bad usage or bad input (one-line message, no traceback)
  3  diagnose: undecided, more information is needed (the full result is
     still printed); triage: no article confirmed and some undecided

environment:
  KBWIZARD_PACK_PATH  extra pack folders (separated like PATH)
  KBWIZARD_DATA_DIR   where sessions and exports are kept
  KBWIZARD_CACHE_DIR  where packs that passed validation are remembered
  KBWIZARD_DEBUG      set to 1 to see tracebacks of internal errors
"""


class UsageError(Exception):
    """Bad usage or bad input: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _out(text: str) -> None:
    """A whole document (report, graph): its renderer has escaped every untrusted part."""
    sys.stdout.write(text)


def _row(*cells: str) -> None:
    """One line of a listing on stdout: tab-separated cells, each shown by ``one_line``."""
    sys.stdout.write("\t".join(one_line(cell) for cell in cells) + "\n")


def _err(text: str) -> None:
    """One message line on stderr. Messages quote paths, names and values from the user,
    files and packs, so the whole line goes through ``one_line``: no ESC, no bidi
    control, no newline of theirs reaches the terminal."""
    sys.stderr.write(one_line(text) + "\n")


# --- commands -----------------------------------------------------------------


def cmd_packs(args: argparse.Namespace) -> int:
    from wizard.kb.loader import load_pack
    from wizard.kb.problems import PackError
    from wizard.kb.registry import analyzer_specs, find_packs

    packs = find_packs(args.pack_dir)
    if not packs:
        _err("no packs found")
        return exit_codes.OK
    for found in packs:
        try:
            pack = load_pack(found.path, analyzer_specs())
        except PackError as exc:
            _row(found.id, f"(invalid: {len(exc.problems)} problems)", str(found.path))
            continue
        _row(pack.id, pack.version, f"{pack.source.document}: {pack.title}", f"[{found.origin}]")
    return exit_codes.OK


def cmd_validate(args: argparse.Namespace) -> int:
    from wizard.kb.crosscheck import check_links, check_shared_facts
    from wizard.kb.loader import parse_pack
    from wizard.kb.packfile import MAX_PACK_BYTES
    from wizard.kb.problems import Problem
    from wizard.kb.registry import analyzer_specs, find_packs
    from wizard.kb.validate import validate_pack
    from wizard.safeio import ReadError, read_bounded

    installed = find_packs(args.pack_dir)
    paths = [Path(p) for p in args.paths] or [f.path for f in installed]
    analyzers = analyzer_specs()
    unreadable = False
    checked: list[tuple[Path, Pack | None, list[Problem]]] = []
    for path in paths:
        try:
            data = read_bounded(path, MAX_PACK_BYTES, "pack")
        except ReadError as exc:
            _err(str(exc))
            unreadable = True
            continue
        pack, problems = parse_pack(data, str(path))
        if pack is not None:
            problems += validate_pack(pack, analyzers)
        checked.append((path, pack, problems))
    # Across packs: the packs validated, then the installed packs they must agree with
    # (a validated file replaces the installed pack of its id).
    packs = [pack for _path, pack, _problems in checked if pack is not None]
    ids = {pack.id for pack in packs}
    if args.paths:
        for found in installed:
            if found.id in ids:
                continue
            try:
                other, _ = parse_pack(
                    read_bounded(found.path, MAX_PACK_BYTES, "pack"), str(found.path)
                )
            except ReadError:
                continue  # reported when that pack itself is validated
            if other is not None:
                packs.append(other)
    shared = check_shared_facts(packs, only=[str(path) for path, _pack, _problems in checked])
    known = {found.id for found in installed} | ids
    total = 0
    for path, pack, problems in checked:
        problems += [p for p in shared if p.file == str(path)]
        if pack is not None:
            problems += check_links(pack, known)
        for problem in sorted(problems):
            _row(str(problem))
        errors = sum(1 for p in problems if not p.warning)
        total += errors
        if not errors and pack is not None:
            _err(f"ok: {path} ({pack.id} {pack.version})")
    if unreadable:
        return exit_codes.BAD_INPUT
    if total:
        _err(f"{total} problem{'s' if total != 1 else ''} found")
        return exit_codes.PROBLEMS_FOUND
    return exit_codes.OK


def cmd_graph(args: argparse.Namespace) -> int:
    from wizard.kb.registry import open_pack
    from wizard.kb.render_graph import render_graph

    pack = open_pack(args.pack, args.pack_dir)
    _out(render_graph(pack, args.format))
    return exit_codes.OK


def _intake(args: argparse.Namespace) -> Intake:
    from wizard.engine.intake import Intake, read_answers_file, split_pair

    intake = read_answers_file(Path(args.answers)) if args.answers else Intake()
    replaced: set[str] = set()
    for pair in args.evidence:
        kind, path = split_pair(pair, "--evidence")
        if kind not in replaced:  # the command line replaces the answers file's artifacts
            intake.evidence = [(k, p) for k, p in intake.evidence if k != kind]
            replaced.add(kind)
        if (kind, Path(path)) not in intake.evidence:
            intake.evidence.append((kind, Path(path)))
    for pair in args.fact:
        name, value = split_pair(pair, "--fact")
        intake.facts = [f for f in intake.facts if f[0] != name]
        intake.facts.append((name, value, "fact"))
    return intake


def _emit(text: str, output: str | None, force: bool) -> None:
    """Print, or write ``-o FILE`` atomically (never replacing a file without --force)."""
    if not output or output == "-":
        _out(text)
        return
    from wizard.atomic import WriteError, write_atomic

    try:
        write_atomic(output, text.encode("utf-8"), overwrite=force)
    except WriteError as exc:
        raise UsageError(str(exc)) from None
    _err(f"wrote {output}")


def cmd_diagnose(args: argparse.Namespace) -> int:
    from wizard.engine.intake import build_case
    from wizard.kb.registry import open_pack
    from wizard.report.formats import render
    from wizard.report.summary import summarize

    intake = _intake(args)
    pack = open_pack(args.pack or intake.pack, args.pack_dir)
    case = build_case(pack, intake)
    summary = summarize(case, unattended=True)
    _emit(render(summary, args.format), args.output, args.force)
    if summary.outcome_status in ("undecided", "in-progress"):
        return exit_codes.NEEDS_MORE_INFORMATION
    return exit_codes.OK


def cmd_triage(args: argparse.Namespace) -> int:
    """Every installed article's state on the facts and evidence given."""
    from wizard.engine.triage import build_triage
    from wizard.kb.index import PackIndex
    from wizard.report.triage import render_triage, summarize_triage

    intake = _intake(args)
    report = summarize_triage(build_triage(PackIndex.build(args.pack_dir), intake))
    for problem in report.problems:
        _err(f"kbwizard: warning: pack not used: {problem}")
    _emit(render_triage(report, args.format), args.output, args.force)
    if report.exit_status == "undecided":
        return exit_codes.NEEDS_MORE_INFORMATION
    return exit_codes.OK


def cmd_sessions(args: argparse.Namespace) -> int:
    from wizard.store import list_sessions, prune

    if args.prune is not None:
        if args.prune < 0:
            raise UsageError("--prune takes a number of days (0 or more)")
        removed = prune(args.prune)
        _err(f"removed {len(removed)} session{'s' if len(removed) != 1 else ''}")
        return exit_codes.OK
    infos, skipped = list_sessions()
    for bad in skipped:
        _err(f"skipped {bad.path}: {bad.reason}")
    if not infos:
        _err("no saved sessions")
        return exit_codes.OK
    _out(
        "ID            CASE                PACK              STARTED                    "
        "STATUS       OUTCOME\n"
    )
    for i in infos:
        _out(
            f"{_clip(i.id, 13):<13} {_clip(i.reference or '-', 19):<19} {_clip(i.pack, 17):<17} "
            f"{_clip(i.started, 26):<26} {_clip(i.status, 12):<12} "
            f"{one_line(i.diagnosis or '-')}\n"
        )
    return exit_codes.OK


def _clip(text: str, width: int) -> str:
    """A table cell: shown by ``one_line``, cut to ``width`` (never inside an escape)."""
    shown = one_line(text)
    if len(shown) <= width:
        return shown
    cut = shown[: width - 1]
    escape = cut.rfind("\\")
    size = {"\\x": 4, "\\u": 6}.get(shown[escape : escape + 2], 0) if escape >= 0 else 0
    if escape + size > len(cut):
        cut = cut[:escape]  # drop a cut-off escape rather than show half of one
    return cut + "…"


def cmd_export(args: argparse.Namespace) -> int:
    from wizard.report.formats import render
    from wizard.report.summary import summarize
    from wizard.store import is_triage, load_case

    if is_triage(args.session):
        from wizard.kb.index import PackIndex
        from wizard.report.triage import render_triage, summarize_triage
        from wizard.store import load_triage

        triage = load_triage(PackIndex.build(args.pack_dir), args.session)
        _emit(render_triage(summarize_triage(triage), args.format), args.output, args.force)
        return exit_codes.OK
    case = load_case(_saved_pack(args, args.session), args.session)
    _emit(render(summarize(case), args.format), args.output, args.force)
    return exit_codes.OK


def _saved_pack(args: argparse.Namespace, session: str) -> Pack:
    """The pack for a saved session: the one named with --pack, else the one it recorded."""
    from wizard.kb.registry import open_pack
    from wizard.store import open_saved_pack, saved_pack

    if args.pack:
        return open_pack(args.pack, args.pack_dir)
    return open_saved_pack(saved_pack(session), args.pack_dir)


# --- parser -------------------------------------------------------------------

GRAPH_FORMATS = {"mermaid": "mermaid", "mmd": "mermaid", "dot": "dot", "gv": "dot"}


def _choice(names: dict[str, str], what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return names[value.lower()]
        except KeyError:
            raise argparse.ArgumentTypeError(
                f"unknown {what} '{value}' (choose from {', '.join(names)})"
            ) from None

    return parse


def _add_output_options(parser: argparse.ArgumentParser, default: str) -> None:
    """--format, -o and --force: the same for every command that writes a summary."""
    parser.add_argument(
        "--format",
        type=_choice(FORMATS, "format"),
        default=default,
        help=f"json, markdown (md), html (htm) or text (txt); default {default}",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    parser.add_argument("--force", action="store_true", help="let -o replace an existing file")


def _case_inputs(with_pack: bool) -> _Parser:
    """The options that give a case its facts and evidence (diagnose, run, triage)."""
    inputs = _Parser(add_help=False)
    if with_pack:
        inputs.add_argument(
            "--pack", metavar="ID", help="pack id or file (default: the default pack)"
        )
    inputs.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="KIND=PATH",
        help="read evidence of a kind the pack names (repeatable; several of one kind allowed)",
    )
    inputs.add_argument(
        "--fact",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="state a fact; lists comma-separated (repeatable)",
    )
    inputs.add_argument(
        "--answers", metavar="FILE", help="facts, evidence paths, notes and case header (YAML/JSON)"
    )
    return inputs


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kbwizard",
        description="Guided troubleshooting from knowledge-base articles. "
        "With no command, starts the wizard.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kbwizard {__version__}")
    parser.add_argument(
        "--pack-dir",
        action="append",
        default=[],
        dest="pack_dir_first",
        metavar="DIR",
        help="also look for packs in DIR (repeatable; before or after the command)",
    )
    common = _Parser(add_help=False)
    common.add_argument(
        "--pack-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for packs in DIR (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    packs = sub.add_parser("packs", parents=[common], help="list installed packs")
    packs.set_defaults(func=cmd_packs)

    validate = sub.add_parser(
        "validate",
        parents=[common],
        help="check packs; prints FILE:LINE: message",
        description="Check packs (all installed packs when no PATH is given). "
        "Exit 0 when clean, 1 when problems were found, 2 when a file cannot be read.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH")
    validate.set_defaults(func=cmd_validate)

    graph = sub.add_parser("graph", parents=[common], help="print the decision graph")
    graph.add_argument("--pack", metavar="ID", help="pack id or file (default: the default pack)")
    graph.add_argument(
        "--format",
        type=_choice(GRAPH_FORMATS, "graph format"),
        default="mermaid",
        help="mermaid (mmd) or dot (gv); default mermaid",
    )
    graph.set_defaults(func=cmd_graph)

    inputs = _case_inputs(with_pack=True)
    for name, parents, help_text, description, func in (
        (
            "diagnose",
            [common, inputs],
            "decide a case without questions",
            "Run the wizard unattended on the facts and evidence given, and print the "
            "result. Exit 0 when the problem is confirmed or ruled out, 3 when more information "
            "is needed.",
            cmd_diagnose,
        ),
        (
            "triage",
            [common, _case_inputs(with_pack=False)],
            "which installed article fits the facts given",
            "Decide every installed article on the facts and evidence given (a fact "
            "or evidence kind is accepted when any installed pack knows it). Exit 0 when an "
            "article is confirmed or all are ruled out, 3 when none is confirmed and some are "
            "undecided.",
            cmd_triage,
        ),
    ):
        decide = sub.add_parser(
            name,
            parents=parents,
            help=help_text,
            description=description,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_output_options(decide, default="json")
        decide.set_defaults(func=func)

    run = sub.add_parser(
        "run",
        parents=[common, inputs],
        help="the wizard (the default command)",
        description="Start the wizard; pre-fill it with --fact/--evidence/--answers, or resume.",
    )
    run.add_argument("--resume", metavar="ID", help="continue a saved session (id or 'last')")
    run.set_defaults(func=cmd_run)

    sessions = sub.add_parser("sessions", help="list saved sessions (or prune old ones)")
    sessions.add_argument(
        "--prune", type=float, metavar="DAYS", help="remove sessions unchanged for DAYS days"
    )
    sessions.set_defaults(func=cmd_sessions)

    export = sub.add_parser(
        "export", parents=[common], help="render a saved session's case summary"
    )
    export.add_argument("session", metavar="ID", help="session id (or a unique prefix, or 'last')")
    export.add_argument(
        "--pack", metavar="ID", help="pack id or file (default: the pack the session recorded)"
    )
    _add_output_options(export, default="markdown")
    export.set_defaults(func=cmd_export)

    from wizard.cli_audit import add_audit_command  # its own module: `kbwizard audit`

    add_audit_command(sub, [common, inputs], _choice)

    # Pack authors: `test` (case files and coverage) and `new` (a skeleton).
    from wizard.cli_packtest import add_commands

    add_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (see EPILOG)."""
    from wizard.atomic import WriteError
    from wizard.engine.session import SessionError
    from wizard.kb.problems import PackError
    from wizard.safeio import ReadError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.pack_dir = [*args.pack_dir_first, *getattr(args, "pack_dir", [])]
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            return _start_tui(args)
        return func(args)
    except UsageError as exc:
        _err(f"kbwizard: error: {exc}")
        return exit_codes.BAD_INPUT
    except (PackError, SessionError, WriteError, ReadError) as exc:
        _err("kbwizard: error: " + " ".join(str(exc).split()))
        return exit_codes.BAD_INPUT
    except KeyboardInterrupt:
        _err("kbwizard: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exit_codes.OK
    except Exception as exc:
        if os.environ.get("KBWIZARD_DEBUG"):
            raise
        _err(
            f"kbwizard: internal error: {type(exc).__name__}: {exc} "
            "(set KBWIZARD_DEBUG=1 for a traceback)"
        )
        return exit_codes.INTERNAL_ERROR


def cmd_run(args: argparse.Namespace) -> int:
    """The wizard. Textual is imported here and only here."""
    from wizard.engine.case import Case
    from wizard.engine.intake import build_case
    from wizard.engine.triage import Triage, build_triage
    from wizard.kb.index import PackIndex
    from wizard.kb.registry import open_pack
    from wizard.store import is_triage, load_case, load_triage

    case: Case | None = None
    pack: Pack | None = None
    index: PackIndex | None = None
    triage: Triage | None = None
    if getattr(args, "resume", None):
        if args.pack is None and is_triage(args.resume):
            index = PackIndex.build(args.pack_dir)
            triage = load_triage(index, args.resume)  # reopens its article, if one was open
        else:
            pack = _saved_pack(args, args.resume)
            case = load_case(pack, args.resume)
    else:
        intake = _intake(args)
        given = bool(intake.facts or intake.evidence or args.answers)
        if args.pack or intake.pack:
            pack = open_pack(args.pack or intake.pack, args.pack_dir)
        else:
            # No article named: triage from the caller's report (one pack installed: it).
            index = PackIndex.build(args.pack_dir)
            if len(index.entries) == 1:
                pack, index = index.pack(index.entries[0].id), None
            elif given:
                triage = build_triage(index, intake)
        if pack is not None and given:
            case = build_case(pack, intake)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("the wizard needs a terminal; use 'kbwizard diagnose' in scripts")
    from wizard.tui.app import KBWizardApp
    from wizard.tui.terminal import run

    return run(KBWizardApp(pack, case, triage=triage, index=index))


def _start_tui(args: argparse.Namespace) -> int:
    for name, default in (
        ("pack", None),
        ("pack_dir", []),
        ("evidence", []),
        ("fact", []),
        ("answers", None),
        ("resume", None),
    ):
        if not hasattr(args, name):
            setattr(args, name, default)
    return cmd_run(args)


def run() -> NoReturn:
    sys.exit(main())
