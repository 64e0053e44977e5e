#!/usr/bin/python3
"""`chipdse evaluate --json` on a deck: the JSON parses, every number is finite, the nine cost items add up to
the total (the sum is recomputed here, in the order the kernel documents), and the die list matches the design."""
import argparse
import json
import math
import subprocess
import sys

ITEMS = ["raw_dies", "defect_scrap", "test", "raw_package", "package_scrap", "assembly_scrap", "hbm", "optics",
         "nre_per_unit"]


def numbers(x):
    if isinstance(x, bool):
        return
    if isinstance(x, (int, float)):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from numbers(v)
    elif isinstance(x, list):
        for v in x:
            yield from numbers(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("sets", nargs="*")
    a = ap.parse_args()
    cmd = [a.chipdse, "evaluate", a.deck, "--json"] + [f"--set={s}" for s in a.sets]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {out.returncode}: {out.stderr}")
    j = json.loads(out.stdout)
    bad = [x for x in numbers(j) if not math.isfinite(x)]
    if bad:
        sys.exit(f"non-finite numbers in the output: {bad}")
    b = j["cost_breakdown_usd"]
    total = 0.0
    for k in ITEMS:
        if b[k] < 0:
            sys.exit(f"cost item {k} is negative: {b[k]}")
        total += b[k]
    if total != b["total"] or j["metrics"]["cost_usd"] != b["total"]:
        sys.exit(f"items sum to {total!r}, total is {b['total']!r}, cost_usd is {j['metrics']['cost_usd']!r}")
    want = {"monolithic": {"compute"}, "chiplets": {"compute"}, "chiplets_io": {"compute", "io"},
            "chiplets_io_cache": {"compute", "io", "cache"}}[j["design"]["partitioning"]]
    have = {d["kind"] for d in j["dies"]}
    if have != want:
        sys.exit(f"dies {sorted(have)} for partitioning {j['design']['partitioning']}, expected {sorted(want)}")
    silicon = sum(d["count"] * d["area_mm2"] for d in j["dies"])
    if not math.isclose(silicon, j["metrics"]["silicon_area_mm2"], rel_tol=1e-12):
        sys.exit(f"dies sum to {silicon} mm2, silicon_area_mm2 is {j['metrics']['silicon_area_mm2']}")
    print(f"OK: {j['design']} total {b['total']:.2f} USD, {len(j['dies'])} die kind(s), feasible={j['feasible']}")


if __name__ == "__main__":
    main()
