"""Provides the commands for pack authors: ``kbwizard test`` (run a pack's case files and
report coverage) and ``kbwizard new`` (write a pack skeleton that passes both).

Thin front ends over ``wizard.engine.casetest`` and ``wizard.kb.skeleton``; every
untrusted text they print goes through ``one_line``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from wizard import exit_codes
from wizard.report.sanitize import json_text, one_line

TEST_EPILOG = """\
A pack file DIR/ID.yaml keeps its case files in DIR/ID.cases/*.yaml (evidence files
beside them). With no PACK or PATH, every installed pack is tested (bundled, --pack-dir,
KBWIZARD_PACK_PATH). A PATH may be a pack file, a case folder or one case file; coverage
decides only when a pack's whole case folder runs.

exit codes:
  0  every case passed, every outcome was reached and every edge taken
  1  an expectation was not met, an outcome was never reached, or (unless
     --no-require-edges) an edge was never taken
  2  bad usage or bad input: a case file, case folder or pack that cannot be
     run (FILE:LINE: message on stderr)
"""


def _out(line: str) -> None:
    sys.stdout.write(one_line(line) + "\n")


def _err(line: str) -> None:
    sys.stderr.write(one_line(line) + "\n")


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``test`` and ``new`` to the ``kbwizard`` sub-commands."""
    test = sub.add_parser(
        "test",
        parents=[common],
        help="run packs' case files; report outcome and edge coverage",
        description="Run the case files shipped with each pack and report which outcomes "
        "and edges of its graph they cover.",
        epilog=TEST_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    test.add_argument("targets", nargs="*", metavar="PACK-ID|PATH")
    test.add_argument(
        "--format",
        choices=("text", "txt", "json"),
        default="text",
        help="text (one line per case, then coverage) or json; default text",
    )
    test.add_argument(
        "--require-edges",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="fail when an edge is never taken (default; --no-require-edges only reports it)",
    )
    test.set_defaults(func=cmd_test)

    new = sub.add_parser(
        "new",
        help="write a pack skeleton with its case files",
        description="Write DIR/PACK-ID.yaml (schema line, one question, one outcome of each "
        "status, one fix) and its case folder DIR/PACK-ID.cases/, which validate and pass "
        "'kbwizard test' as written.",
    )
    new.add_argument("pack_id", metavar="PACK-ID", help="lowercase letters, digits and '-'")
    new.add_argument("--dir", default=".", metavar="DIR", help="where to write (default: .)")
    new.add_argument("--force", action="store_true", help="replace existing files")
    new.set_defaults(func=cmd_new)


# --- test -------------------------------------------------------------------------


def _looks_like_path(text: str) -> bool:
    return (
        text.endswith((".yaml", ".yml", ".cases"))
        or os.sep in text
        or "/" in text
        or (os.altsep is not None and os.altsep in text)
    )


def _targets(args: argparse.Namespace) -> list[Any]:
    from wizard.cli import UsageError
    from wizard.engine.casetest import CaseTestError, Target, merge_targets, target_of_path
    from wizard.kb.registry import find_pack, find_packs

    if not args.targets:
        return [Target(found.path) for found in find_packs(args.pack_dir)]
    targets = []
    for text in args.targets:
        try:
            if _looks_like_path(text):
                targets.append(target_of_path(Path(text)))
                continue
            found = find_pack(text, args.pack_dir)
            if found is not None:
                targets.append(Target(found.path))
            elif Path(text).exists():
                targets.append(target_of_path(Path(text)))
            else:
                known = ", ".join(p.id for p in find_packs(args.pack_dir)) or "none"
                raise UsageError(f"no pack named '{text}' (installed: {known})")
        except CaseTestError as exc:
            raise UsageError(str(exc)) from None
    return merge_targets(targets)


def cmd_test(args: argparse.Namespace) -> int:
    from wizard.engine.casetest import SCHEMA_VERSION, PackRun, run_pack
    from wizard.kb.cache import load_checked
    from wizard.kb.problems import PackError
    from wizard.kb.registry import analyzer_specs
    from wizard.paths import cache_dir
    from wizard.safeio import ReadError

    require_edges: bool = args.require_edges
    runs: list[PackRun] = []
    load_errors: list[str] = []
    analyzers = analyzer_specs()
    for target in _targets(args):
        try:
            pack = load_checked(target.pack_path, analyzers, cache_dir())
        except (PackError, ReadError) as exc:
            load_errors.append(
                f"{target.pack_path}: cannot test an invalid pack: " + " ".join(str(exc).split())
            )
            continue
        runs.append(run_pack(pack, target.pack_path, target.cases))
    errors = load_errors + [e for run in runs for e in run.errors]
    passed = not errors and all(run.passed(require_edges) for run in runs)
    if args.format == "json":
        document = {
            "schema_version": SCHEMA_VERSION,
            "passed": passed,
            "require_edges": require_edges,
            "packs": [run.to_dict(require_edges) for run in runs],
            "errors": load_errors,
        }
        sys.stdout.write(json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")
    else:
        _print_text(runs, require_edges)
    for error in errors:
        _err(f"kbwizard: error: {error}")
    cases = [c for run in runs for c in run.cases]
    failed = sum(1 for c in cases if not c.passed)
    _err(
        f"{len(runs)} pack{'s' if len(runs) != 1 else ''}, {len(cases)} case"
        f"{'s' if len(cases) != 1 else ''}: {len(cases) - failed} passed, {failed} failed"
        + (f", {len(errors)} could not be run" if errors else "")
    )
    if errors:
        return exit_codes.BAD_INPUT
    return exit_codes.OK if passed else exit_codes.PROBLEMS_FOUND


def _print_text(runs: list[Any], require_edges: bool) -> None:
    for run in runs:
        for case in run.cases:
            if case.passed:
                _out(f"PASS {run.pack}/{case.name}")
            else:
                _out(f"FAIL {run.pack}/{case.name}: {'; '.join(case.problems)}")
    for run in runs:
        coverage = run.coverage
        if coverage is None:
            continue
        reached = len(coverage.outcomes) - len(coverage.missing_outcomes)
        scope = "" if run.complete else " (only the case files named; coverage not enforced)"
        verdict = "ok" if run.passed(require_edges) else "FAIL"
        _out(
            f"{verdict} {run.pack}: outcomes {reached}/{len(coverage.outcomes)}, "
            f"edges {coverage.edges_taken}/{len(coverage.edges)}{scope}"
        )
        for outcome in coverage.missing_outcomes:
            _out(f"  outcome never reached: {outcome}")
        for edge in coverage.missing_edges:
            _out(f"  edge never taken: {edge.describe()}")
        for failure in run.failures(require_edges):
            if failure.startswith("no case files"):
                _out(f"  {failure}")


# --- new --------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from wizard.atomic import WriteError, write_atomic
    from wizard.cli import UsageError
    from wizard.kb.registry import bundled_dir
    from wizard.kb.skeleton import check_pack_id, skeleton_files

    problem = check_pack_id(args.pack_id)
    if problem:
        raise UsageError(problem)
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    schema = bundled_dir() / "pack.schema.json"
    try:
        schema_ref = os.path.relpath(schema, folder.resolve())
    except ValueError:  # another drive
        schema_ref = str(schema)
    files = skeleton_files(args.pack_id, schema_ref.replace(os.sep, "/"))
    paths = {folder / rel: text for rel, text in files.items()}
    if not args.force:
        existing = [str(p) for p in paths if os.path.lexists(p)]
        if existing:
            raise UsageError(
                f"{existing[0]} exists; nothing written (use --force to replace"
                f"{' these ' + str(len(existing)) + ' files' if len(existing) > 1 else ' it'})"
            )
    try:
        for path, text in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"), overwrite=args.force)
    except WriteError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    pack_file = folder / f"{args.pack_id}.yaml"
    _err(f"wrote {pack_file} and {len(paths) - 1} case files in {folder / args.pack_id}.cases")
    _err(f"next: kbwizard validate {pack_file} && kbwizard test {pack_file}")
    return exit_codes.OK
