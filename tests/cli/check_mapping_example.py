#!/usr/bin/python3
"""inputs/examples/mapping_alternatives.toml (issue #5: the mapping as a design axis): a run over mapping x
partitioning writes the mapping column in /points and /pareto, and the rows obey what the mapping means:
- tensor parallelism on the package tier is feasible exactly where the design's compute-die count equals its degree
  (package_tp_not_dies elsewhere, and never for a scale-up mapping);
- more D2D bandwidth never lengthens a step, and it strictly shortens the step of a package-tier mapping (its
  all-reduces run over D2D);
- `evaluate --set mapping=NAME` reproduces the row of that design in /points exactly and reports the mapping."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import h5py


def names(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    a = ap.parse_args()
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "m.h5")
        subprocess.run([a.mpiexec, "-n", "2", a.chipdse, "run", a.deck, "--quiet", "-o", h5], check=True, timeout=120)
        with h5py.File(h5, "r") as f:
            p = f["points"]
            reasons = names(f["stats/infeasible_reason"][()])
            bit = 1 << reasons.index("package_tp_not_dies")
            rows = {k: p[k][()] for k in ("partitioning", "chiplet_count", "d2d_bandwidth_tbps", "scale_out_link",
                                          "mapping", "latency_s", "infeasible", "throughput", "power_w", "cost_usd")}
            enums = {k: h5py.check_enum_dtype(p[k].dtype) for k in ("partitioning", "chiplet_count", "mapping",
                                                                   "d2d_bandwidth_tbps", "scale_out_link")}
    inv = {k: {v: n for n, v in e.items()} for k, e in enums.items()}
    n = len(rows["mapping"])
    if n != 40:
        fails.append(f"/points has {n} rows, expected the 40 designs of the deck")
    label = lambda k, i: inv[k][int(rows[k][i])]
    by_design = {}
    for i in range(n):
        mapping, part = label("mapping", i), label("partitioning", i)
        k = 1 if part == "monolithic" else int(label("chiplet_count", i))
        flagged = bool(int(rows["infeasible"][i]) & bit)
        if mapping.startswith("tp4_package"):
            want = k != 4
        elif mapping.startswith("tp2_package"):
            want = k != 2
        else:
            want = False
        if flagged != want:
            fails.append(f"row {i} ({part}, k={k}, {mapping}): package_tp_not_dies {flagged}, expected {want}")
        if part != "monolithic":
            key = (k, label("scale_out_link", i), mapping)
            by_design.setdefault(key, {})[label("d2d_bandwidth_tbps", i)] = float(rows["latency_s"][i])
    for (k, link, mapping), steps in sorted(by_design.items()):
        slow, fast = steps["2"], steps["8"]
        print(f"k={k} {link:14s} {mapping:18s} step {slow:.4f} s at 2 Tb/s, {fast:.4f} s at 8 Tb/s")
        if fast > slow:
            fails.append(f"more D2D bandwidth lengthened the step: k={k} {link} {mapping}: {slow} -> {fast}")
        if "package" in mapping and not fast < slow:
            fails.append(f"package-tier TP did not gain from D2D bandwidth: k={k} {link} {mapping}: {slow} -> {fast}")

    # evaluate --set reproduces a /points row bit for bit.
    for i in range(n):
        if label("partitioning", i) == "chiplets" and label("chiplet_count", i) == "4" and label("mapping", i) == "tp4_package_pp8" \
                and label("d2d_bandwidth_tbps", i) == "8" and label("scale_out_link", i) == "cpo":
            cmd = [a.chipdse, "evaluate", a.deck, "--json", "--set", "partitioning=chiplets", "--set", "chiplet_count=4",
                   "--set", "d2d_bandwidth_tbps=8", "--set", "scale_out_link=cpo", "--set", "mapping=tp4_package_pp8"]
            j = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            m = j["metrics"]
            for col, key in (("latency_s", "latency_s"), ("throughput", "throughput"), ("power_w", "power_w"),
                             ("cost_usd", "cost_usd")):
                if float(rows[col][i]) != float(m[key]):
                    fails.append(f"evaluate --set mapping=tp4_package_pp8: {key} {m[key]!r} != /points {rows[col][i]!r}")
            # The report names the mapping with its degrees: TP inside the package adds no packages to a replica, so
            # 1024 packages / PP 8 = 128 data-parallel replicas.
            want = {"name": "tp4_package_pp8", "tensor_parallel": 4, "pipeline_parallel": 8, "data_parallel": 128,
                    "tensor_tier": "package"}
            got = {k: j["mapping"][k] for k in want}
            if got != want:
                fails.append(f"evaluate --json mapping: {got}, expected {want}")
            if j["infeasible"]:
                fails.append(f"the 4-chiplet package-TP design should be feasible: {j['infeasible']}")
            break
    else:
        fails.append("no row of the 4-chiplet package-TP design in /points")

    if fails:
        print("FAIL:\n  " + "\n  ".join(fails))
        return 1
    print("OK: mapping axis rows, package-tier feasibility, D2D sensitivity and evaluate --set agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
