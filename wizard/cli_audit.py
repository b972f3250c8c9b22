"""Provides `kbwizard audit`: every artifact of a site checked at once (a front end).

The work is in ``wizard.audit``; this module reads the command line, shows progress on
a terminal, turns Ctrl+C into a partial report, writes the report and picks the exit
code. See the README ("Audit a whole site").
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from wizard import exit_codes

if TYPE_CHECKING:
    from wizard.audit.core import AuditRun
    from wizard.audit.sources import Item
    from wizard.kb.model import Pack

INTERRUPTED = 130
"""Exit code of an audit stopped by Ctrl+C (128 + SIGINT), after its partial report."""

AUDIT_EPILOG = """\
exit codes:
  0    every artifact was read
  1    some could not be read (or their corrected version not written);
       the report names each one
  2    bad usage: no PATH, unknown format, fact or evidence kind, -o FILE exists
       without --force, --write-fixed DIR not empty without --force
  130  interrupted (Ctrl+C): the report written is partial and says so
"""


def add_audit_command(
    sub: Any, parents: list[argparse.ArgumentParser], choice: Callable[..., Any]
) -> None:
    """Register ``audit`` on the command parser (``sub`` from ``add_subparsers``)."""
    from wizard.audit import FORMATS  # the package alone: no command pays for the audit

    audit = sub.add_parser(
        "audit",
        parents=parents,
        help="check every artifact of a site at once (a folder, or an LDIF export)",
        description="Read every artifact of the audited kind in PATH (a folder of files, an "
        "LDIF export of the directory, or one file) with the site's configuration from "
        "--fact/--evidence, and report which are at risk and their corrected versions.",
        epilog=AUDIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument("paths", nargs="*", metavar="PATH")
    audit.add_argument(
        "--format",
        type=choice(FORMATS, "format"),
        default="json",
        help="json, markdown (md), html (htm) or csv; default json",
    )
    audit.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    audit.add_argument(
        "--force", action="store_true", help="let -o and --write-fixed replace existing files"
    )
    audit.add_argument(
        "--write-fixed",
        metavar="DIR",
        help="write each corrected version into DIR (LDIF input: one LDIF of modify records)",
    )
    audit.add_argument("--quiet", action="store_true", help="no progress bar, no summary line")
    audit.set_defaults(func=cmd_audit)


def _installed_packs(pack_dirs: list[str]) -> list[Pack]:
    """Every installed pack that loads (a broken one is left out, as ``packs`` lists it)."""
    from wizard.kb.problems import PackError
    from wizard.kb.registry import find_packs, open_pack

    packs = []
    for found in find_packs(pack_dirs):
        try:
            packs.append(open_pack(str(found.path), pack_dirs))
        except PackError:
            continue
    return packs


def cmd_audit(args: argparse.Namespace) -> int:
    from wizard.audit.core import Auditor, audited_pack, check_intake, site_articles
    from wizard.audit.core import exclude_paths as excluded
    from wizard.audit.fixed import FixedWriter
    from wizard.audit.sources import read_input, shown
    from wizard.cli import UsageError, _err, _intake

    if not args.paths:
        raise UsageError("audit needs a PATH: a folder of scripts or an LDIF export")
    output = args.output if args.output and args.output != "-" else None
    if output and os.path.lexists(output) and not args.force:
        raise UsageError(f"{output} exists; use --force to replace it")
    intake = _intake(args)
    packs = _installed_packs(args.pack_dir)
    wanted = args.pack or intake.pack
    if wanted and (wanted.endswith((".yaml", ".yml")) or os.sep in wanted):
        from wizard.kb.registry import open_pack

        chosen = open_pack(wanted, args.pack_dir)  # a pack file: audited, and in the site
        packs = [p for p in packs if p.id != chosen.id] + [chosen]
        wanted = chosen.id
    check_intake(packs, intake)
    pack = audited_pack(packs, wanted)
    assert pack.audit is not None
    inputs = [Path(p) for p in args.paths]
    fixed = None
    if args.write_fixed:
        fixed = FixedWriter(Path(args.write_fixed), inputs, pack.audit.attribute, args.force)
        fixed.check()
    site = site_articles(packs, intake)
    auditor = Auditor(pack, intake, keep_diffs=args.format in ("html", "markdown"))
    exclude = excluded(output, args.write_fixed)
    items: Iterator[Item] = chain.from_iterable(
        read_input(path, index, pack.audit.attribute, exclude) for index, path in enumerate(inputs)
    )
    show = not args.quiet and sys.stderr.isatty()
    try:
        with _interrupts() as stopped, _progress(show, inputs, exclude) as progress:
            run = auditor.run(items, site, [shown(p) for p in inputs], fixed, progress, stopped)
    except BaseException:
        if fixed is not None:
            fixed.abandon()  # no half-written LDIF of corrections takes its place
        raise
    try:
        if fixed is not None:
            fixed.close()
        _write_report(run, args.format, output, args.force)
    finally:
        run.close()
    if not args.quiet:
        _err(_summary_line(run, output, fixed))
    if run.partial:
        return INTERRUPTED
    return exit_codes.PROBLEMS_FOUND if run.errors else exit_codes.OK


def _summary_line(run: AuditRun, output: str | None, fixed: Any) -> str:
    counts = run.summary()
    parts = [f"{n} {name}" for name, n in counts.items() if n]
    line = f"audit: {len(run.results)} read ({', '.join(parts) or 'nothing'})"
    if run.partial:
        line += "; interrupted: the report is partial"
    if fixed is not None:
        line += f"; {fixed.files} corrected file{'s' if fixed.files != 1 else ''} in {fixed.folder}"
    if output:
        line += f"; wrote {output}"
    return line


def _write_report(run: AuditRun, fmt: str, output: str | None, force: bool) -> None:
    from wizard.atomic import WriteError, atomic_writer
    from wizard.audit.render import render
    from wizard.cli import UsageError

    if output is None:
        render(run, fmt, sys.stdout.write)
        sys.stdout.flush()
        return
    try:
        with atomic_writer(output, overwrite=force) as handle:
            render(run, fmt, lambda text: handle.write(text.encode("utf-8")))
    except WriteError as exc:
        raise UsageError(str(exc)) from None


@contextmanager
def _interrupts() -> Iterator[Callable[[], bool]]:
    """While the block runs, Ctrl+C asks the audit to stop after the current artifact
    (a second Ctrl+C stops it at once; the report is partial either way)."""
    asked: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)
        if len(asked) > 1:
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: Ctrl+C stays a KeyboardInterrupt
        yield lambda: False
        return
    try:
        yield lambda: bool(asked)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress(
    show: bool, inputs: list[Path], exclude: frozenset[str]
) -> Iterator[Callable[[Item, Any], None] | None]:
    """A progress bar on stderr (a terminal only): bytes of input read, artifacts read.

    Rich draws it (already installed with Textual): it redraws at a steady rate from its
    own thread, fits the terminal's width and restores the cursor when done or stopped.
    Nothing from the input is shown in it, only counts.
    """
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from wizard.audit.sources import count_bytes

    total = sum(count_bytes(p, exclude) for p in inputs) or None
    bar = Progress(
        TextColumn("Auditing"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[count]} read"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("audit", total=total, count=0)
    done = [0]

    def advance(item: Item, result: Any) -> None:
        done[0] += 1
        bar.update(task, advance=item.size, count=done[0])

    with bar:
        yield advance
