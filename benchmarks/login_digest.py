"""A digest of every reading the login-script analyzer gives, to prove a speed change
leaves every result as it was.

    python -m benchmarks.login_digest --save before.txt     # on the code before
    python -m benchmarks.login_digest --check before.txt    # after: exit 1 on a difference

Each item is one script read under one site and one mode (the wizard's full reading, the
audit's brief one, the brief one with its diff); its line in the file is a hash of the
whole reading: findings, remarks, unrecognised lines, decisive lines, headline, tables,
records, row questions, and every product byte for byte (corrected script, diff, remap),
plus the analysis the fixes use (mappings, paths, order, unsettled targets). The scripts:
generated ones of many sizes, the corpus (``tests/data/evidence/ls-*``), and random
scripts mixing every corpus and generated line with random IF/ELSE/END nesting, line
endings and cuts (a fixed seed: the same scripts every run).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from benchmarks.genlogin import BLOCK, generate_login_script

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261206

SITES: dict[str, dict[str, tuple[str, ...]]] = {
    "bench": {
        "node_names": ("NODE1", "NODE2"),
        "virtual_servers": ("CLUSTER1_POOL1_SERVER", "CLUSTER1_POOL2_SERVER"),
        "primary_ip": ("10.1.1.11",),
        "virtual_ips": ("10.1.1.180", "10.1.1.181"),
    },
    "rich": {
        "node_names": ("NODE1", "NODE2", "FS1"),
        "virtual_servers": ("CLUSTER1_POOL1_SERVER", "MY-CLUSTER_VOL1_SERVER"),
        "primary_ip": ("10.1.1.11", "137.46.52.11"),
        "virtual_ips": ("10.1.1.180", "137.46.52.2"),
        "cluster_volumes": ("VOL1", "VOL2", "DATA"),
        "volume_objects": ("CLUSTER1_VOL1", "MY-CLUSTER_VOL2"),
        "cluster_name": ("my-cluster",),
        "cluster_context": ("Corp.EMA",),
        "master_ip": ("137.46.52.9",),
        "preferred_server": ("other",),
        "volume_ips": ("VOL2=137.46.52.2", "VOL1=10.1.1.180", "DATA=10.1.1.180", "DATA=1.2.3.4"),
    },
    "empty": {},
}
MODES: dict[str, tuple[str, ...] | None] = {
    "full": None,
    "brief": (),
    "brief-diff": ("corrected-script", "diff"),
}


def _corpus() -> list[tuple[str, bytes]]:
    folder = ROOT / "tests" / "data" / "evidence"
    return [
        (path.name, path.read_bytes())
        for path in sorted(folder.glob("ls-*"))
        if path.suffix in (".txt", ".bin")
    ]


def _pool(corpus: list[tuple[str, bytes]]) -> list[str]:
    lines: set[str] = set()
    for _, data in corpus:
        lines.update(data.decode("latin-1").splitlines())
    lines.update(line.format(i=7, j=3) for line in BLOCK)
    lines.update(
        [
            "IF MEMBER OF \"A\" THEN", "ELSE", "END", "END IF", "ENDIF",
            "IF LOGIN_NAME = \"X\" THEN MAP Q:=NODE1/SYS:", "IF A THEN BEGIN MAP T:=NODE2/X:",
            "ELSE MAP R:=CLUSTER1_POOL1_SERVER/VOL1:", "MAP S:=G:=NODE1/VOL:", "MAP S3:=F:",
            "MAP F:=S1:\\APPS", "MAP DEL F:", "MAP INS S1:=NODE1/SYS:PUBLIC",
            "MAP N CLUSTER1_POOL2_SERVER/VOL2:", "ATTACH NODE1/ADMIN", "INCLUDE NODE1/SYS:X",
            "MAP X:=NODE1/VOL1:;Y:=CLUSTER1_POOL1_SERVER/VOL1:", "MAP O:=NODE1/VOL2:",
            "MAP O:=.MY-CLUSTER_VOL2.CORP.EMA:", "MAP ROOT P:=.DM_DATA.CORP:",
            "MAP Z:=\\\\137.46.52.2\\VOL2", "MAP K:=137.46.52.9/VOL1:", "MAP H:=VOL1:",
            "MAP DISPLAY OFF", "REM x", "; y", "* z", "WRITE \"hi\"", "LABEL1:", "???",
            "   MAP G:=NODE2/DATA:", "\tIF X THEN", "MAP S2:=Z:=CLUSTER1_POOL2_SERVER/VOL2:",
        ]
    )  # fmt: skip
    return sorted(line for line in lines if len(line) < 400)


def _random_script(rng: random.Random, pool: list[str]) -> bytes:
    out: list[str] = []
    depth = 0
    for _ in range(rng.randint(1, 120)):
        roll = rng.random()
        if roll < 0.08:
            out.append(f'IF MEMBER OF "G{rng.randint(0, 5)}" THEN')
            depth += 1
        elif roll < 0.12 and depth:
            out.append("ELSE")
        elif roll < 0.18 and depth:
            out.append(rng.choice(("END", "END IF")))
            depth -= 1
        else:
            out.append(rng.choice(pool))
    if rng.random() < 0.7:
        out.extend(["END"] * depth)
    ending = rng.choice(("\r\n", "\n", "\r", "mixed"))
    if ending == "mixed":
        text = "".join(line + rng.choice(("\r\n", "\n", "\r")) for line in out)
    else:
        text = ending.join(out) + (ending if rng.random() < 0.8 else "")
    data = text.encode("latin-1", errors="replace")
    if rng.random() < 0.1:
        data = data[: rng.randint(0, len(data))]
    return data


def scripts(count: int) -> Iterator[tuple[str, bytes]]:
    """The digest's scripts: generated, corpus, random (``count`` of them)."""
    rng = random.Random(SEED)
    for size in (0, 100, 700, 2048, 5000, 11000, 20480):
        yield f"gen-{size}", generate_login_script(size, f"c{size}")
    shuffled = generate_login_script(6000).decode("ascii").split("\r\n")
    for k in range(5):
        rng.shuffle(shuffled)
        yield f"shuffled-{k}", "\n".join(shuffled).encode("ascii")
    corpus = _corpus()
    yield from corpus
    pool = _pool(corpus)
    for k in range(count):
        yield f"random-{k}", _random_script(rng, pool)
        yield f"mutated-{k}", _mutated_script(rng, pool)


def _mutated_script(rng: random.Random, pool: list[str]) -> bytes:
    """A generated script with a few lines replaced, dropped or repeated."""
    lines = generate_login_script(rng.randint(200, 4000)).decode("ascii").split("\r\n")
    out: list[str] = []
    for line in lines:
        roll = rng.random()
        if roll < 0.04:
            out.append(rng.choice(pool))
        elif roll < 0.07:
            continue
        elif roll < 0.10:
            out += [line, line]
        else:
            out.append(line)
    ending = rng.choice(("\r\n", "\n"))
    return ending.join(out).encode("latin-1", errors="replace")


def _reading_text(reading: object) -> str:
    from wizard.analyzers.netware.login_script import LoginScriptAnalysis
    from wizard.evidence.protocol import Reading

    assert isinstance(reading, Reading)
    parts = [
        repr(reading.report),
        repr(reading.decisive),
        repr(reading.headline),
        repr(reading.table),
        repr(reading.report_table),
        repr(reading.records_name),
        repr(reading.records),
        repr(reading.produced),
        repr(reading.questions),
        repr(reading.offers),
    ]
    detail = reading.detail
    if isinstance(detail, tuple) and detail and isinstance(detail[0], LoginScriptAnalysis):
        analysis = detail[0]
        parts += [
            repr(analysis.mappings),
            repr(analysis.login_order),
            repr(analysis.deciding_lines),
            repr(analysis.unsettled),
            repr(analysis.includes),
            repr(analysis.paths),
        ]
        parts.append(repr(detail[1]))
    return "\n".join(parts)


def digest(count: int) -> list[str]:
    """One ``name site mode hash`` line per reading."""
    from wizard.analyzers.netware.plugins import LoginScriptAnalyzer
    from wizard.evidence.protocol import Context

    analyzer = LoginScriptAnalyzer()
    out: list[str] = []
    for name, data in scripts(count):
        for site, facts in SITES.items():
            for mode, brief in MODES.items():
                reading = analyzer.analyze(data, Context(facts, brief=brief))
                text = _reading_text(reading) if brief is None else _brief_text(reading)
                hashed = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
                out.append(f"{name} {site} {mode} {hashed}")
    return out


def _brief_text(reading: object) -> str:
    """What an audit uses of a brief reading: findings, decisive lines, products."""
    from wizard.evidence.protocol import Reading

    assert isinstance(reading, Reading)
    return "\n".join(
        [repr(reading.report.findings), repr(reading.decisive), repr(reading.produced)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.login_digest")
    parser.add_argument("--count", type=int, default=800, help="random and mutated (800)")
    parser.add_argument("--save", type=Path, help="write the digest here")
    parser.add_argument("--check", type=Path, help="compare with a saved digest")
    args = parser.parse_args(argv)
    lines = digest(args.count)
    total = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    print(f"{len(lines)} readings, digest {total}")
    if args.save:
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.check:
        saved = args.check.read_text(encoding="utf-8").splitlines()
        if saved == lines:
            print("identical to", args.check)
            return 0
        differ = [new for old, new in zip(saved, lines, strict=False) if old != new]
        print(f"DIFFERENT: {len(differ)} readings (and {len(saved)} saved, {len(lines)} now)")
        for line in differ[:20]:
            print("  ", line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
