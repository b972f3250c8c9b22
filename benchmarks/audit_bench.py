"""The `audit` benchmark group: `kbwizard audit` of 10,000 generated login scripts.

Targets (benchmarks/README.md): the whole audit of 10,000 scripts of 2-20 KB, in one
process, within 50x the wall time of one `kbwizard diagnose` of a single script measured
alongside; peak RSS at 10,000 scripts within 1.5x the peak RSS at 1,000 (each its own
process, `ru_maxrss` through the launcher of run.py).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.genlogin import generate_login_script

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
SEED = 3438100
LOAD_SCRIPT = (
    "nss /poolactivate=POOL1\nmount VOL1 VOLID=254\n"
    "BIND IP VNIC ADDRESS=10.1.1.180 MASK=255.255.255.0\n"
    "NUDP ADD CLUSTER1_POOL1_SERVER 10.1.1.180\n"
)
"""The site's load script for the issue's command (``--evidence load-script=``)."""
MIN_BYTES, MAX_BYTES = 2 * 1024, 20 * 1024


def write_site(folder: Path, count: int) -> int:
    """``count`` generated scripts of 2-20 KB in ``folder`` (100 per subfolder); bytes."""
    rng = random.Random(SEED)
    total = 0
    for index in range(count):
        sub = folder / f"ou{index // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        data = generate_login_script(rng.randint(MIN_BYTES, MAX_BYTES), f"container{index:05d}")
        (sub / f"container{index:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def write_ldif(path: Path, count: int) -> int:
    """The same scripts as an LDIF export (base64 values, folded, LF + NUL as stored)."""
    from ldif import LDIFWriter

    rng = random.Random(SEED)
    with open(path, "wb") as handle:
        handle.write(b"version: 1\n\n")
        writer = LDIFWriter(handle, base64_attrs=["loginScript"])
        for index in range(count):
            data = generate_login_script(rng.randint(MIN_BYTES, MAX_BYTES), f"container{index:05d}")
            value = data.replace(b"\r\n", b"\n") + b"\x00"
            dn = f"ou=container{index:05d},ou=site{index // 100:03d},o=ACME"
            writer.unparse(dn, {"objectClass": [b"organizationalUnit"], "loginScript": [value]})
    return path.stat().st_size


def audit_cases(
    work: Path,
    env: dict[str, str],
    python: str,
    runs: int,
    sizes: tuple[int, int],
    peak_rss: Callable[[list[str], dict[str, str], Path], tuple[float, int]],
    run_child: Callable[[list[str], dict[str, str], Path], tuple[float, int]],
    make_row: Callable[..., Any],
) -> list[Any]:
    """Rows of the group: the diagnose baseline, the audit at both sizes, RSS ratio."""
    small, large = sizes
    one = work / "audit-one.txt"
    rng = random.Random(SEED)
    one.write_bytes(generate_login_script(rng.randint(MIN_BYTES, MAX_BYTES)))
    sites = {}
    for count in (small, large):
        folder = work / f"audit-site-{count}"
        write_site(folder, count)
        sites[count] = folder
    export = work / f"audit-{large}.ldif"
    write_ldif(export, large)
    diagnose = [python, "-m", "wizard", "diagnose", *SITE, "--evidence", f"login-script={one}"]

    # The issue's own command: an LDIF export, the site's load script, an HTML report.
    load = work / "audit-pool1.ncf"
    load.write_text(LOAD_SCRIPT, encoding="ascii")

    def audit(path: Path, fmt: str = "json", *extra: str) -> list[str]:
        out = work / f"audit-out-{path.name}.{fmt}"
        return [python, "-m", "wizard", "audit", str(path), *SITE, *extra, "--quiet",
                "--force", "--format", fmt, "-o", str(out)]  # fmt: skip

    cases = [
        (f"audit {large} scripts (folder, json)", audit(sites[large])),
        (f"audit {large} scripts (LDIF export, json)", audit(export)),
        (f"audit {large} scripts (folder, html)", audit(sites[large], "html")),
        (
            f"audit {large} scripts (LDIF export, html, --evidence load-script)",
            audit(export, "html", "--evidence", f"load-script={load}"),
        ),
    ]
    run_child(diagnose, env, work)  # warm caches
    base_times: list[float] = []
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(runs):
        # Each round: the baseline before and after every case, so load changes fall on both.
        for name, cmd in cases:
            base_times.append(run_child(diagnose, env, work)[0])
            start = time.perf_counter()
            _, code = run_child(cmd, env, work)
            times[name].append(time.perf_counter() - start)
            if code not in (0,):
                raise RuntimeError(f"{name}: exit code {code}")
        base_times.append(run_child(diagnose, env, work)[0])
    baseline = statistics.median(base_times)
    base_rss, _ = peak_rss(diagnose, env, work)
    rows = [
        make_row(
            "audit",
            "baseline: kbwizard diagnose of one script",
            baseline,
            "itself",
            baseline,
            peak_rss_mib=base_rss,
            rss_how="launcher wait4 maxrss",
            runs=len(base_times),
        )
    ]
    # The target is for 10,000 scripts; a smaller run (--quick) scales it down.
    limit = 50 * large / 10_000
    for name, cmd in cases:
        seconds = statistics.median(times[name])
        rss, _ = peak_rss(cmd, env, work)
        row = make_row(
            "audit",
            name,
            seconds,
            "diagnose",
            baseline,
            per_unit=f"{seconds / large * 1e3:.2f} ms/script",
            peak_rss_mib=rss,
            rss_how="launcher wait4 maxrss",
            target=f"<= {limit:g}x diagnose",
            runs=runs,
        )
        row.met = row.ratio is not None and row.ratio <= limit
        rows.append(row)
    small_rss, _ = peak_rss(audit(sites[small]), env, work)
    large_rss = rows[1].peak_rss_mib
    ratio = large_rss / small_rss
    rss_row = make_row(
        "audit",
        f"peak RSS: {large} vs {small} scripts (folder, json)",
        None,
        per_unit=f"{large_rss:.0f} / {small_rss:.0f} MiB = {ratio:.2f}x",
        peak_rss_mib=large_rss,
        rss_how="launcher wait4 maxrss",
        target="<= 1.5x",
        note=f"{ratio:.2f}x",
    )
    rss_row.met = ratio <= 1.5
    rss_row.extra["rss_ratio"] = ratio
    rss_row.extra["small_rss_mib"] = small_rss
    rows.append(rss_row)
    return rows
