#!/usr/bin/python3
"""postproc/plot_front.py on a real run: run the small search deck on one rank, plot it, and check that every
promised output exists and is non-empty, that the CSV has one row per front design with the objectives as
columns, and that the report names every objective. It also refuses an incomplete (interrupted) file."""
import argparse
import csv
import os
import shutil
import subprocess
import sys

import h5py


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    work = os.path.join(a.workdir, "postproc")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    h5 = os.path.join(work, "small.h5")
    subprocess.run([a.mpiexec, "-n", "1", a.chipdse, "run", a.deck, "--quiet", "-o", h5], check=True, timeout=120)
    out = os.path.join(work, "plots")
    p = subprocess.run([sys.executable, a.script, h5, "--out", out], capture_output=True, text=True, timeout=120)
    print(p.stdout, p.stderr)
    if p.returncode != 0:
        sys.exit(f"plot_front.py exited {p.returncode}")
    with h5py.File(h5, "r") as f:
        objectives = [o.decode() if isinstance(o, bytes) else o for o in f["pareto"].attrs["objectives"]]
        rows = int(f["pareto"].attrs["rows"])
    for name in ("small_front_pairs.png", "small_cost_breakdown.png", "small_power_breakdown.png",
                 "small_time_breakdown.png", "small_links.png", "small_front.csv", "report.md"):
        path = os.path.join(out, name)
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            sys.exit(f"missing or empty output {path}")
    with open(os.path.join(out, "small_front.csv")) as fh:
        table = list(csv.reader(fh))
    if len(table) != rows + 1 or any(o not in table[0] for o in objectives):
        sys.exit(f"CSV has {len(table) - 1} rows and columns {table[0]}; expected {rows} rows with {objectives}")
    perf = [c for c in ("throughput", "mfu", "power_w", "power_package_w", "power_links_off_package_w",
                        "energy_pj_per_flop", "tj_bound_c", "goodput") if c not in table[0]]
    if perf:
        sys.exit(f"CSV lacks the performance columns {perf}")
    report = open(os.path.join(out, "report.md")).read()
    missing = [o for o in objectives if f"best {o}:" not in report]
    if missing:
        sys.exit(f"report lacks the best design for {missing}")
    # The link-technology summary: one line per scale-up / scale-out pair of the front, counts as in the CSV.
    head = table[0]
    counts = {}
    for row in table[1:]:
        label = f"{row[head.index('scale_up_link')]} / {row[head.index('scale_out_link')]}"
        counts[label] = counts.get(label, 0) + 1
    for label, n in counts.items():
        if f"  - {label}: {n} designs," not in report:
            sys.exit(f"report lacks '{label}: {n} designs' in its link-technology summary")
    # What bounds the front: every design counted once, under its largest time share (as in the CSV).
    shares = ["time_compute_share", "time_hbm_share", "time_d2d_share", "time_scale_up_share", "time_scale_out_share",
              "time_bubble_share"]
    by = {s: 0 for s in shares}
    for row in table[1:]:
        v = [float(row[head.index(s)]) for s in shares]
        if abs(sum(v) - 1.0) > 1e-9:
            sys.exit(f"time shares of design {row[0]} add up to {sum(v)}, not 1")
        by[shares[v.index(max(v))]] += 1
    line = "- front by what bounds it (largest share of the step): " + ", ".join(
        f"{s.removeprefix('time_').removesuffix('_share')} {n}" for s, n in by.items())
    if line not in report:
        sys.exit(f"report lacks '{line}'")
    # An interrupted run leaves a file without `complete`: the script must refuse it, not plot half a result.
    broken = os.path.join(work, "broken.h5")
    shutil.copy(h5, broken)
    with h5py.File(broken, "r+") as f:
        del f.attrs["complete"]
    p = subprocess.run([sys.executable, a.script, broken, "--out", out], capture_output=True, text=True)
    if p.returncode == 0 or "not complete" not in (p.stdout + p.stderr):
        sys.exit("plot_front.py accepted an incomplete result file")
    print(f"OK: {rows} front designs plotted; incomplete file refused")


if __name__ == "__main__":
    main()
