"""Child process for the adversarial-size tests: read one input, run one analysis, measure.

Run as ``python -m tests.hardening.measure`` with a JSON request on stdin:
``{"work": "login-script" | "login-cluster" | "load-script" | "set-parameters" | "reorder" |
"remap" | "pack", "path": FILE}``, FILE holding the input (``build`` makes it). The child
only reads it, so its peak RSS before the work is the interpreter and the input's bytes.
For "reorder" the login script is analysed first (node-first: NODE1 is a node and
CL_SERVER a virtual server) and only the reorder is measured; "remap" likewise (VOL1 to
VOL9 are cluster volumes, CL the cluster, 10.0.0.1 its Master IP). "login-cluster" is
the login-script analysis with that site known. Prints one JSON
object: ``cpu`` and ``wall`` seconds of the work alone, ``grew`` (peak RSS growth
in bytes during the work) and ``input`` (bytes).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def build(lines: list[str], size: int) -> bytes:
    """The lines (each with its own ending) repeated up to ``size`` bytes."""
    unit = "".join(lines).encode("utf-8")
    if not unit:
        return b""
    data = unit * max(1, size // len(unit))
    if len(data) > size:  # a unit over the limit: cut it after its last whole line
        data = data[: max(data.rfind(b"\n", 0, size), data.rfind(b"\r", 0, size)) + 1]
    return data


def pack_with_choices(size: int) -> bytes:
    """The reference pack with one question offering as many choices as fit in ``size``."""
    from wizard.kb.registry import open_pack

    source = open_pack().path
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    anchor = '      - {value: "no", label: "No, clients reconnect normally", next: q_mapping}\n'
    count = (size - len(text)) // 88
    values = ", ".join(f'"v{i}"' for i in range(count))
    text = text.replace('values: ["yes", "no"]', f'values: ["yes", "no", {values}]', 1)
    choices = "".join(
        f'      - {{value: "v{i}", label: "choice number {i}", next: q_mapping}}\n'
        for i in range(count)
    )
    return text.replace(anchor, anchor + choices, 1).encode("utf-8")


def _cluster_site() -> object:
    from wizard.analyzers.netware import SiteContext

    return SiteContext(
        node_names=frozenset({"NODE1"}),
        node_ips=frozenset({"10.1.1.11"}),
        virtual_servers=frozenset({"CL_SERVER"}),
        virtual_ips=frozenset({"10.1.1.180"}),
        cluster_volumes=frozenset(f"VOL{i}" for i in range(1, 10)),
        cluster_names=frozenset({"CL"}),
        master_ips=frozenset({"10.0.0.1"}),
    )


def main() -> None:
    request = json.load(sys.stdin)
    work = request["work"]
    with open(request["path"], "rb") as handle:
        data = handle.read()

    def run() -> object:
        if work == "pack":
            from wizard.kb.loader import parse_pack
            from wizard.kb.validate import validate_pack

            pack, problems = parse_pack(data, "big.yaml")
            assert pack is not None, problems
            return validate_pack(pack)
        if work == "reorder":
            from wizard.analyzers.netware.reorder import reorder_login_script

            return reorder_login_script(analysis)
        if work == "remap":
            from wizard.analyzers.netware.remap import remap_login_script

            return remap_login_script(analysis, "CL", "OU=CORP.O=ACME")
        if work == "login-cluster":
            from wizard.analyzers.netware import analyze_login_script

            return analyze_login_script(data, _cluster_site())
        from wizard.analyzers.netware import analyze

        return analyze(work, data)

    import wizard.analyzers.netware.load_script
    import wizard.analyzers.netware.login_script
    import wizard.analyzers.netware.remap
    import wizard.analyzers.netware.reorder
    import wizard.analyzers.netware.set_parameters
    import wizard.kb.validate  # noqa: F401  (imports are not part of the figure)

    analysis = None
    if work == "reorder":  # the reorder alone is measured; the analysis has its own cases
        from wizard.analyzers.netware import SiteContext, analyze_login_script

        context = SiteContext(
            node_names=frozenset({"NODE1"}), virtual_servers=frozenset({"CL_SERVER"})
        )
        analysis = analyze_login_script(data, context)
        assert analysis.login_order == "node-first"
    if work == "remap":  # the remap alone is measured
        from wizard.analyzers.netware import analyze_login_script

        analysis = analyze_login_script(data, _cluster_site())
        assert any(m.cluster_volume == "node" for m in analysis.mappings)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall = time.perf_counter()
    cpu = time.process_time()
    result = run()
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del result
    json.dump(
        {"cpu": cpu, "wall": wall, "grew": (after - before) * 1024, "input": len(data)},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
