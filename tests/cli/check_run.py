#!/usr/bin/python3
"""End-to-end check of `chipdse run`: under mpiexec it exits 0, says where the file is and the front size, and the file
is complete and readable with h5py alone: the search's /space, /pareto, /points and /stats are consistent, and its
technology table equals what `chipdse tech --json` prints."""
import argparse
import json
import os
import subprocess
import sys

import h5py


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--np", type=int, required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()

    out = os.path.join(a.workdir, f"run_default_np{a.np}.h5")
    if os.path.exists(out):
        os.remove(out)
    cmd = [a.mpiexec, "-n", str(a.np), a.chipdse, "run", a.deck, "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=100)
    print(p.stdout, p.stderr)
    failures = []
    if p.returncode != 0:
        failures.append(f"exit code {p.returncode}")
    if f"wrote {out}" not in p.stdout:
        failures.append("run did not say where the result is")
    if "front:" not in p.stdout:
        failures.append("run did not print the front size")
    if os.path.exists(out + ".tmp"):
        failures.append("temporary file left behind")

    tech = json.loads(subprocess.run([a.chipdse, "tech", "--deck", a.deck, "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    with h5py.File(out, "r") as f:
        if f.attrs["complete"] != 1:
            failures.append("complete != 1")
        if f.attrs["ranks"] != a.np:
            failures.append(f"ranks attribute {f.attrs['ranks']} != {a.np}")
        for key in ("chipdse_version", "git_revision", "date", "threads", "wall_time_s", "status"):
            if key not in f.attrs:
                failures.append(f"root attribute {key} missing")
        # The search (issue #6): every design evaluated once, a non-empty front, /points = the front (store = front).
        designs = int(f["space"].attrs["designs"])
        stats = f["stats"].attrs
        if designs < 100000 or stats["evaluated"] != designs:
            failures.append(f"/stats evaluated {stats['evaluated']} of a space of {designs}")
        if stats["feasible"] + stats["infeasible"] != designs or not 0 < stats["front_size"] <= stats["feasible"]:
            failures.append(f"/stats counts inconsistent: {dict(stats)}")
        front = f["pareto/index"][...]
        if len(front) != stats["front_size"] or list(front) != sorted(set(front)):
            failures.append("/pareto/index is not the front in index order")
        if f["points"].attrs["store"] not in ("front", b"front") or list(f["points/index"][...]) != list(front):
            failures.append("/points of store = front is not the front")
        for col in ("cost_usd", "silicon_area_mm2", "power_w", "throughput"):
            if "unit" not in f["pareto"][col].attrs:
                failures.append(f"/pareto/{col} has no unit")
        if f.attrs["threads"] < 1 or stats["ranks"] != a.np:
            failures.append("ranks/threads not recorded in /stats")
        paths = [s.decode() for s in f["deck/tech/path"][...]]
        values = list(f["deck/tech/value"][...])
        sources = [s.decode() for s in f["deck/tech/source"][...]]
        given = [s.decode() for s in f["deck/given_paths"][...]]
    want = tech["entries"]
    if paths != [e["path"] for e in want]:
        failures.append("technology paths differ from `chipdse tech --json`")
    if values != [e["value"] for e in want]:
        failures.append("technology values differ from `chipdse tech --json`")
    if sources != [e["source"] for e in want]:
        failures.append("technology sources differ")
    if not given or not given[0].endswith("default.toml"):
        failures.append(f"/deck/given_paths does not start with the deck: {given[:1]}")
    os.remove(out)
    for f_ in failures:
        print("FAIL:", f_)
    print(f"{len(paths)} technology rows checked; {'FAILED' if failures else 'OK'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
