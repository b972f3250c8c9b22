"""KB Wizard benchmarks: one command, a table, and benchmarks/results.json.

    .venv/bin/python -m benchmarks            # full run (several minutes)
    .venv/bin/python benchmarks/run.py --quick  # smoke run (fewer runs, small sizes)

Every figure is the median of repeated runs (subprocess cases >= 7 runs,
in-process cases >= 5; --quick uses 3) and is reported as a ratio to a
baseline measured in the same run. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.genadversarial import SHAPES, generate  # noqa: E402
from benchmarks.genlogin import generate_login_script  # noqa: E402
from benchmarks.genpack import generate_pack, node_count  # noqa: E402

PYTHON = sys.executable
RESULTS = Path(__file__).resolve().parent / "results.json"
TID_PACK = ROOT / "knowledge" / "tid-3438100.yaml"

LOGIN_SCRIPT = "MAP S1:=10.1.1.11/SYS:\r\nMAP F:=CLUSTER1_POOL1_SERVER/VOL1:\r\n"
LOAD_SCRIPT = (
    "nss /poolact=POOL1\n"
    "mount VOL1 VOLID=254\n"
    "BIND IP CE1000_1_EII ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
    "NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
)
SET_OUTPUT = "NCP Include IP Address: all\n"
FACTS = ["--fact", "reconnect_fails=yes", "--fact", "mapping_shows=node"]


@dataclass
class Row:
    """One line of the table."""

    group: str
    case: str
    seconds: float | None
    baseline: str = ""
    baseline_seconds: float | None = None
    per_unit: str = ""
    peak_rss_mib: float | None = None
    rss_how: str = ""
    target: str = ""
    met: bool | None = None
    runs: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds


# --- measuring ------------------------------------------------------------------


def median_time(func: Callable[[], object], runs: int, warmup: int = 1) -> float:
    """Median wall time of ``func`` over ``runs`` runs (after ``warmup`` untimed ones)."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


LAUNCHER = (
    "import os, sys\n"
    "quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]\n"
    "pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)
"""Runs one command and prints its peak RSS (KiB) and exit code.

Linux charges a child the peak RSS of the process that forked it (the old
address space is counted at exec), so measuring from this benchmark process,
which grows to a GiB on the 100k pack, would report its memory, not the
child's. This launcher (python -S, a few MiB) is the parent instead."""


def run_child(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, exit code) of one subprocess."""
    start = time.perf_counter()
    code = subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=False
    ).returncode
    return time.perf_counter() - start, code


def peak_rss(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """(peak RSS in MiB, exit code) of one run of ``cmd``, through the launcher."""
    proc = subprocess.run(
        [PYTHON, "-S", "-c", LAUNCHER, *cmd],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )
    rss_kib, code = proc.stdout.split()
    return int(rss_kib) / 1024, int(code)


def median_children(
    cmds: list[list[str]], env: dict[str, str], cwd: Path, runs: int
) -> list[tuple[float, float, int]]:
    """(median seconds, peak RSS MiB, exit code) of each command, their runs interleaved.

    Round r runs every command once, starting at a different one each round, so a change
    in the machine's load during the measurement falls on the baseline and the cases
    alike instead of on whichever ran in that stretch.
    """
    for cmd in cmds:
        run_child(cmd, env, cwd)  # warm the page cache and the bytecode cache
    times: list[list[float]] = [[] for _ in cmds]
    codes = [0] * len(cmds)
    for round_ in range(runs):
        for offset in range(len(cmds)):
            index = (round_ + offset) % len(cmds)
            seconds, codes[index] = run_child(cmds[index], env, cwd)
            times[index].append(seconds)
    return [
        (statistics.median(t), peak_rss(cmd, env, cwd)[0], code)
        for cmd, t, code in zip(cmds, times, codes, strict=True)
    ]


def child_rss(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """Peak RSS (MiB) of a child process doing one in-process case once (--child)."""
    rss, code = peak_rss([PYTHON, str(Path(__file__).resolve()), "--child", *args], env, cwd)
    if code != 0:
        raise RuntimeError(f"child {args} failed with exit code {code}")
    return rss


# --- 1. command line --------------------------------------------------------------


def cli_cases(work: Path, env: dict[str, str], runs: int) -> list[Row]:
    evidence = work / "evidence"
    evidence.mkdir()
    (evidence / "login.txt").write_bytes(LOGIN_SCRIPT.encode())
    (evidence / "load.ncf").write_text(LOAD_SCRIPT)
    (evidence / "set.txt").write_text(SET_OUTPUT)
    all_evidence = [
        "--evidence",
        f"login-script={evidence / 'login.txt'}",
        "--evidence",
        f"load-script={evidence / 'load.ncf'}",
        "--evidence",
        f"set-parameters={evidence / 'set.txt'}",
    ]
    floor_cmd = [PYTHON, "-c", "import yaml, networkx"]
    cases = [
        ("kbwizard --version", ["--version"], ""),
        ("kbwizard diagnose (facts only)", ["diagnose", *FACTS], "<= 1.3x floor"),
        (
            "kbwizard diagnose (facts + 3 evidence files)",
            ["diagnose", *FACTS, *all_evidence],
            "<= 1.3x floor",
        ),
    ]
    cmds = [floor_cmd] + [[PYTHON, "-m", "wizard", *args] for _, args, _ in cases]
    (floor, floor_rss, _), *measured = median_children(cmds, env, work, runs)
    rows = [
        Row(
            "cli",
            'floor: python -c "import yaml, networkx"',
            floor,
            "itself",
            floor,
            peak_rss_mib=floor_rss,
            rss_how="launcher wait4 maxrss",
            runs=runs,
        )
    ]
    for (name, _, target), (seconds, rss, code) in zip(cases, measured, strict=True):
        row = Row(
            "cli",
            name,
            seconds,
            "floor",
            floor,
            peak_rss_mib=rss,
            rss_how="launcher wait4 maxrss",
            target=target,
            runs=runs,
            note=f"exit {code}",
        )
        if target:
            row.met = row.ratio is not None and row.ratio <= 1.3
        rows.append(row)
    rows[-1].extra["imports"] = import_report(
        [PYTHON, "-X", "importtime", "-m", "wizard", "diagnose", *FACTS, *all_evidence],
        floor_cmd_importtime=[PYTHON, "-X", "importtime", "-c", "import yaml, networkx"],
        env=env,
        cwd=work,
    )
    return rows


def _importtime(cmd: list[str], env: dict[str, str], cwd: Path) -> dict[str, tuple[int, int]]:
    """module -> (self µs, cumulative µs) from ``python -X importtime``."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    out: dict[str, tuple[int, int]] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = line.removeprefix("import time:").split("|")
        out[name.strip()] = (int(self_us), int(cumulative))
    return out


def import_report(
    cmd: list[str], floor_cmd_importtime: list[str], env: dict[str, str], cwd: Path
) -> dict[str, Any]:
    """What diagnose imports beyond the floor, and whether Textual is among it."""
    runs = [_importtime(cmd, env, cwd) for _ in range(3)]
    floor = _importtime(floor_cmd_importtime, env, cwd)
    names = set(runs[0])
    extra = {
        name: statistics.median(r.get(name, (0, 0))[0] for r in runs)
        for name in names
        if name not in floor
    }
    wizard_cumulative = {
        name: statistics.median(r.get(name, (0, 0))[1] for r in runs)
        for name in names
        if name.startswith("wizard") and name.count(".") <= 2
    }
    top_self = sorted(extra.items(), key=lambda kv: -kv[1])[:12]
    top_wizard = sorted(wizard_cumulative.items(), key=lambda kv: -kv[1])[:8]
    return {
        "textual_imported": any(n == "textual" or n.startswith("textual.") for n in names),
        "modules_beyond_floor": len(extra),
        "self_ms_beyond_floor": round(sum(extra.values()) / 1000, 1),
        "top_self_ms_beyond_floor": [(n, round(us / 1000, 1)) for n, us in top_self],
        "wizard_cumulative_ms": [(n, round(us / 1000, 1)) for n, us in top_wizard],
    }


# --- 2. packs ---------------------------------------------------------------------


def _lift_pack_limit() -> None:
    """The 100k-node pack (~30 MB) is over the 5 MiB pack limit; lift it in-process."""
    from wizard.kb import yamlsrc

    yamlsrc.MAX_PACK_BYTES = 1 << 40


def load_and_validate(data: bytes, name: str) -> int:
    from wizard.kb.loader import parse_pack
    from wizard.kb.registry import ANALYZERS
    from wizard.kb.validate import validate_pack

    pack, problems = parse_pack(data, name)
    if pack is None:
        raise RuntimeError(f"{name}: {problems[:3]}")
    problems += validate_pack(pack, ANALYZERS)
    if problems:
        raise RuntimeError(f"{name}: {len(problems)} problems, first {problems[0]}")
    return len(pack.nodes)


def yaml_baseline(data: bytes) -> object:
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(data, Loader=loader)


def pack_cases(work: Path, env: dict[str, str], sizes: list[int], runs: int) -> list[Row]:
    _lift_pack_limit()
    rows = []
    inputs: list[tuple[str, Path, int | None]] = [("TID pack (tid-3438100.yaml)", TID_PACK, None)]
    for size in sizes:
        path = work / f"pack-{size}.yaml"
        path.write_text(generate_pack(size))
        inputs.append((f"generated pack, {size:,} nodes", path, size))
    for name, path, size in inputs:
        data = path.read_bytes()
        nodes = load_and_validate(data, str(path))
        if size is not None:
            assert nodes == node_count(data.decode()), "generator and loader disagree"
        count = runs if nodes < 50_000 else max(5, runs // 2) if runs >= 5 else runs
        seconds = median_time(lambda d=data, p=path: load_and_validate(d, str(p)), count)
        base = median_time(lambda d=data: yaml_baseline(d), count)
        row = Row(
            "pack",
            name,
            seconds,
            "yaml.load CSafeLoader",
            base,
            per_unit=f"{seconds / nodes * 1e6:.1f} µs/node ({len(data) / 1e6:.1f} MB)",
            rss_how="child process maxrss",
            runs=count,
        )
        row.extra = {"nodes": nodes, "bytes": len(data)}
        row.peak_rss_mib = child_rss(["pack", str(path)], env, work)
        row.extra["baseline_rss_mib"] = child_rss(["yaml", str(path)], env, work)
        if size == 10_000:
            row.target, row.met = "< 1 s", seconds < 1.0
        if size is not None and size > 5 * 1024 * 1024 // 300:
            row.note = "pack size limit lifted" if len(data) > 5 * 1024 * 1024 else ""
        rows.append(row)
    return rows


# --- 3. login scripts ---------------------------------------------------------------


def login_cases(env: dict[str, str], work: Path, sizes: list[int], runs: int) -> list[Row]:
    from wizard.analyzers.netware import analyze_login_script

    rows = []
    for size in sizes:
        data = generate_login_script(size)
        path = work / f"login-{size}.txt"
        path.write_bytes(data)
        seconds = median_time(lambda d=data: analyze_login_script(d), runs)
        base = median_time(lambda d=data: d.decode("utf-8").splitlines(), runs)
        label = f"{size // 1024} KB" if size < 1 << 20 else f"{size >> 20} MB"
        row = Row(
            "login-script",
            f"analyze_login_script, {label}",
            seconds,
            "decode + splitlines",
            base,
            per_unit=f"{seconds / (size / 1024) * 1e3:.3f} ms/KB",
            rss_how="child process maxrss",
            runs=runs,
        )
        row.peak_rss_mib = child_rss(["login", str(path)], env, work)
        if size == 1 << 20:
            row.target, row.met = "< 0.2 s", seconds < 0.2
            row.extra["hotspots"] = hotspots(lambda d=data: analyze_login_script(d))
        rows.append(row)
    return rows


def hotspots(func: Callable[[], object], top: int = 10) -> list[str]:
    """The functions with the most own time under cProfile."""
    profile = cProfile.Profile()
    profile.runcall(func)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime")
    rows = []
    for (file, line, name), (_cc, calls, tottime, cumtime, _) in sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda kv: -kv[1][2],
    )[:top]:
        where = f"{Path(file).name}:{line}({name})" if line else name
        rows.append(f"{tottime:.3f}s own, {cumtime:.3f}s cum, {calls} calls: {where}")
    return rows


# --- 5. TUI start (hook) --------------------------------------------------------------

# Every app runs headless at one fixed size, as a real terminal reports one size. Without
# it Textual starts from Rich's default 80x25 and the headless driver then reports 80x24:
# whichever app lays out before that resize arrives pays for a second layout.
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("What is the question?")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Minimal().run(headless=True, size=(80, 24))
"""

WIZARD_APP = """
from wizard.tui.app import KBWizardApp
KBWizardApp(auto_exit_on_first_question=True).run(headless=True, size=(80, 24))
"""

WHOLE_SCREEN_APP = """
from wizard.tui.app import KBWizardApp
KBWizardApp(auto_exit_with_whole_screen=True).run(headless=True, size=(80, 24))
"""
"""The question screen mounts its path, note field and keys after the first frame (the
question and its answers); this is the start to all of it drawn."""

WIDGETS_APP = """
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
class Widgets(App):
    def compose(self):
        yield Header()
        with Horizontal():
            with VerticalScroll():
                for text in ("step 1", "", "What is the question?", ""):
                    yield Static(text)
                yield OptionList("1  Yes", "2  No", "0  Don't know")
                yield Input()
                for text in ("", "", ""):
                    yield Static(text)
                yield Input()
            with Vertical():
                yield Label("Path so far")
                yield OptionList("No answers yet.")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.exit)
Widgets().run(headless=True, size=(80, 24))
"""
"""The question screen's Textual widgets with no wizard code: what Textual alone needs."""


def tui_start_case(work: Path, env: dict[str, str], runs: int) -> list[Row]:
    """Process start until the first question is on screen, vs a minimal Textual app.

    Skipped ("n/a: no TUI yet") unless ``wizard.tui.app`` imports and
    ``KBWizardApp(auto_exit_on_first_question=True)`` runs headless and exits 0.
    """
    name = "TUI start to first question"
    probe = subprocess.run(
        [PYTHON, "-c", "import wizard.tui.app"], capture_output=True, env=env, cwd=work
    )
    if probe.returncode != 0:
        return [Row("tui", name, None, note="n/a: no TUI yet")]
    try:
        check = subprocess.run(
            [PYTHON, "-c", WIZARD_APP], capture_output=True, env=env, cwd=work, timeout=60
        )
    except subprocess.TimeoutExpired:
        return [Row("tui", name, None, note="n/a: app did not exit on its first question")]
    if check.returncode != 0:
        return [
            Row(
                "tui",
                name,
                None,
                note="n/a: KBWizardApp(auto_exit_on_first_question=True) failed",
            )
        ]
    apps = [MINIMAL_APP, WIZARD_APP, WHOLE_SCREEN_APP, WIDGETS_APP]
    measured = median_children([[PYTHON, "-c", app] for app in apps], env, work, runs)
    (base, _, _), (seconds, rss, _), (whole, whole_rss, _), (widgets, widgets_rss, _) = measured
    wizard = Row(
        "tui",
        name,
        seconds,
        "minimal Textual app",
        base,
        peak_rss_mib=rss,
        rss_how="launcher wait4 maxrss",
        target="<= 1.3x",
        runs=runs,
    )
    wizard.met = wizard.ratio is not None and wizard.ratio <= 1.3
    complete = Row(
        "tui",
        "  reference: the whole question screen (path, note, keys)",
        whole,
        "minimal Textual app",
        base,
        peak_rss_mib=whole_rss,
        rss_how="launcher wait4 maxrss",
        runs=runs,
    )
    reference = Row(
        "tui",
        "  reference: the question screen's widgets, no wizard code",
        widgets,
        "minimal Textual app",
        base,
        peak_rss_mib=widgets_rss,
        rss_how="launcher wait4 maxrss",
        runs=runs,
    )
    return [wizard, complete, reference]


# --- 6. triage (its own module) ---------------------------------------------------------


def _triage_cases(work: Path, env: dict[str, str], tui_runs: int, runs: int) -> list[Row]:
    from benchmarks.triage_bench import triage_cases

    return triage_cases(work, env, tui_runs, runs)


# --- 3b. adversarial evidence -------------------------------------------------------------


def adversarial_cases(env: dict[str, str], work: Path, size: int, runs: int) -> list[Row]:
    """Each adversarial shape against a normal login script of the same size."""
    from wizard.analyzers.netware import analyze, analyze_login_script

    normal = generate_login_script(size)
    base = median_time(lambda: analyze_login_script(normal), runs)
    label = f"{size // 1024} KB" if size < 1 << 20 else f"{size >> 20} MB"
    rows = []
    for name, (kind, unit) in SHAPES.items():
        data = generate(unit, size)
        path = work / f"adversarial-{len(rows)}.txt"
        path.write_bytes(data)
        seconds = median_time(lambda k=kind, d=data: analyze(k, d), runs)
        row = Row(
            "adversarial",
            f"{kind}: {name}, {label}",
            seconds,
            f"normal login script, {label}",
            base,
            rss_how="child process maxrss",
            runs=runs,
        )
        row.peak_rss_mib = child_rss([kind, str(path)], env, work)
        if size >= 10 << 20:
            row.target, row.met = "<= 3 s", seconds <= 3.0
        rows.append(row)
    return rows


# --- child mode (one run, for peak RSS) ---------------------------------------------------


def audit_group(work: Path, env: dict[str, str], runs: int, sizes: tuple[int, int]) -> list[Row]:
    """The `audit` group (benchmarks/audit_bench.py), measured with this module's tools."""
    from benchmarks.audit_bench import audit_cases

    return audit_cases(work, env, PYTHON, runs, sizes, peak_rss, run_child, Row)


def child(kind: str, path: str) -> int:
    data = Path(path).read_bytes()
    if kind == "pack":
        _lift_pack_limit()
        load_and_validate(data, path)
    elif kind == "yaml":
        yaml_baseline(data)
    elif kind == "login":
        from wizard.analyzers.netware import analyze_login_script

        analyze_login_script(data)
    elif kind in ("login-script", "load-script", "set-parameters"):
        from wizard.analyzers.netware import analyze

        analyze(kind, data)
    else:
        return 2
    return 0


# --- report -------------------------------------------------------------------------------


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def table(rows: list[Row]) -> str:
    head = ["case", "median", "baseline", "ratio", "per unit", "peak RSS", "target", "met"]
    body = []
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        base = f"{r.baseline} {fmt_seconds(r.baseline_seconds)}" if r.baseline else ""
        body.append(
            [
                r.case,
                fmt_seconds(r.seconds) if r.seconds is not None else r.note,
                base,
                f"{r.ratio:.2f}x" if r.ratio is not None else "",
                r.per_unit,
                f"{r.peak_rss_mib:.0f} MiB" if r.peak_rss_mib else "",
                r.target,
                met,
            ]
        )
    widths = [max(len(str(row[i])) for row in [head, *body]) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in body
    ]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
    }


def details(rows: list[Row]) -> str:
    out = []
    for r in rows:
        imports = r.extra.get("imports")
        if imports:
            out.append(f"\nImports of `{r.case}` beyond the floor:")
            out.append(f"  textual imported: {imports['textual_imported']}")
            out.append(
                f"  {imports['modules_beyond_floor']} modules, "
                f"{imports['self_ms_beyond_floor']} ms own import time"
            )
            out.append(
                "  slowest (own ms): "
                + ", ".join(f"{n} {ms}" for n, ms in imports["top_self_ms_beyond_floor"])
            )
            out.append(
                "  wizard packages (cumulative ms): "
                + ", ".join(f"{n} {ms}" for n, ms in imports["wizard_cumulative_ms"])
            )
        if "hotspots" in r.extra:
            out.append(f"\nHot spots of `{r.case}` (cProfile, own time):")
            out += [f"  {h}" for h in r.extra["hotspots"]]
        if "baseline_rss_mib" in r.extra:
            out.append(f"  {r.case}: baseline child peak RSS {r.extra['baseline_rss_mib']:.0f} MiB")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KB Wizard benchmarks")
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer runs, small sizes")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=["cli", "pack", "login", "adversarial", "tui", "triage", "audit"],
        action="append",
    )
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child)
    sub_runs, in_runs = (3, 3) if args.quick else (7, 5)
    # The TUI rows are the closest to their target and the noisiest: more rounds.
    tui_runs = 3 if args.quick else 11
    pack_sizes = [1_000] if args.quick else [1_000, 10_000, 100_000]
    login_sizes = [1024, 100 * 1024] if args.quick else [1024, 1 << 20, 10 << 20]
    adversarial_size = 100 * 1024 if args.quick else 10 << 20
    only = set(args.only or ["cli", "pack", "login", "adversarial", "tui", "triage", "audit"])
    audit_sizes = (100, 1_000) if args.quick else (1_000, 10_000)
    rows: list[Row] = []
    # Byte-compile the package as pip does when it installs the wheel: with
    # PYTHONDONTWRITEBYTECODE set (as on CI machines) a source checkout would otherwise be
    # compiled again in every timed run, while Textual, PyYAML and networkx never are.
    compileall.compile_dir(ROOT / "wizard", quiet=1)
    with tempfile.TemporaryDirectory(prefix="kbwizard-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env["KBWIZARD_DATA_DIR"] = str(work / "data")
        env.pop("KBWIZARD_PACK_PATH", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        steps: list[tuple[str, Callable[[], list[Row]]]] = [
            ("cli", lambda: cli_cases(work, env, sub_runs)),
            ("pack", lambda: pack_cases(work, env, pack_sizes, in_runs)),
            ("login", lambda: login_cases(env, work, login_sizes, in_runs)),
            ("adversarial", lambda: adversarial_cases(env, work, adversarial_size, in_runs)),
            ("tui", lambda: tui_start_case(work, env, tui_runs)),
            ("triage", lambda: _triage_cases(work, env, tui_runs, sub_runs)),
            ("audit", lambda: audit_group(work, env, 1 if args.quick else 3, audit_sizes)),
        ]
        for name, step in steps:
            if name in only:
                print(f"running {name} ...", file=sys.stderr, flush=True)
                rows += step()
    print(table(rows))
    print(details(rows))
    result = {
        "quick": args.quick,
        "machine": machine(),
        "rows": [{**asdict(r), "ratio": r.ratio} for r in rows],
    }
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
