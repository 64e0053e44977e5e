#!/usr/bin/python3
"""Acceptance checks of the exhaustive search (issue #6), with h5py alone:

* determinism: the deck's sweep cases are chunk sizes; every run of --runs ("ranks,threads,case:...") must give
  /pareto, /points and /space bit for bit equal to the first run's (dtypes with enum names, values, attributes), and
  equal /stats counts;
* columns: /pareto and /points have every column (index, partitioning, the design axes as enums with "n/a", every
  metric with a unit, infeasible), in index order; /pareto rows are feasible and appear in /points unchanged;
* --bruteforce (store = "all"): /points is every design (NSGA-II: every distinct design it evaluated); the front equals an independent single-thread brute-force
  dominance filter over every feasible row (equal vectors keep the lowest index), and /stats counts equal /points';
* --evaluate K: `chipdse evaluate DECK --set ... --json` of K /pareto rows (and K /points rows) prints exactly the
  row's numbers (JSON and HDF5 compared as float64, exact equality).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np

NA = "n/a"


def run(a, np_, threads, case, out):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [a.mpiexec, "-n", str(np_), "--oversubscribe", "--bind-to", "none", a.chipdse, "run", a.deck,
           "--case", str(case), "-o", out]
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    print(f"  -n {np_} x {threads} thread(s), case {case}: rc {p.returncode}, {time.time() - t:.2f} s")
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}")
    if f"wrote {out}" not in p.stdout or "front:" not in p.stdout:
        print(p.stdout)
        raise SystemExit("FAIL: run did not say where the file is and the front size")
    return out


def walk(group, prefix=""):
    """Every dataset under group as (path, dataset), and every object's attributes, in name order."""
    items = []
    for name in sorted(group.keys()):
        obj = group[name]
        path = f"{prefix}/{name}"
        if isinstance(obj, h5py.Group):
            items.append((path, None, dict(obj.attrs)))
            items.extend(walk(obj, path))
        else:
            items.append((path, obj, dict(obj.attrs)))
    return items


def same_attrs(x, y):
    if sorted(x) != sorted(y):
        return False
    return all(np.array_equal(np.asarray(x[k]), np.asarray(y[k])) for k in x)


def compare_group(fa, fb, name, failures):
    ia, ib = walk(fa[name], "/" + name), walk(fb[name], "/" + name)
    if [p for p, _, _ in ia] != [p for p, _, _ in ib]:
        failures.append(f"/{name}: different members")
        return
    for (path, da, aa), (_, db, ab) in zip(ia, ib):
        if not same_attrs(aa, ab):
            failures.append(f"{path}: attributes differ")
        if da is None:
            continue
        if da.dtype != db.dtype or h5py.check_enum_dtype(da.dtype) != h5py.check_enum_dtype(db.dtype):
            failures.append(f"{path}: dtype {da.dtype} vs {db.dtype}")
        elif da.shape != db.shape:
            failures.append(f"{path}: shape {da.shape} vs {db.shape}")
        else:
            va, vb = da[()], db[()]
            if va.dtype == object:
                if list(va) != list(vb):
                    failures.append(f"{path}: values differ")
            elif va.tobytes() != vb.tobytes():
                failures.append(f"{path}: values differ (bit for bit)")


def stats_counts(f):
    s = f["stats"]
    return ({k: int(s.attrs[k]) for k in ("designs", "evaluated", "feasible", "infeasible", "front_size",
                                          "points_rows")},
            [x.decode() for x in s["infeasible_reason"][()]], [int(x) for x in s["infeasible_count"][()]])


def table(f, name):
    return {k: f[name][k][()] for k in f[name].keys()}


def check_columns(f, failures):
    space_designs = int(f["space"].attrs["designs"])
    variants = [v.decode() for v in f["space/variant_names"][()]]
    axes = {}
    for v in variants:
        g = f["space/variants"][v]
        for a in g["axis_names"][()]:
            a = a.decode()
            axes.setdefault(a, [])
            for val in g[a][()]:
                if val.decode() not in axes[a]:
                    axes[a].append(val.decode())
    pareto = f["pareto"]
    objectives = [o.decode() if isinstance(o, bytes) else o for o in pareto.attrs["objectives"]]
    for name in ["index", "partitioning", "infeasible"] + list(axes) + objectives:
        if name not in pareto:
            failures.append(f"/pareto/{name} missing")
    part = h5py.check_enum_dtype(pareto["partitioning"].dtype)
    if part is None or sorted(part, key=part.get) != variants:
        failures.append(f"/pareto/partitioning is not an enum of the variants: {part}")
    for a, values in axes.items():
        e = h5py.check_enum_dtype(pareto[a].dtype)
        if e is None or sorted(e, key=e.get) != values + [NA]:
            failures.append(f"/pareto/{a} enum {e} is not the axis values {values} + n/a")
    metric_cols = [k for k in pareto if pareto[k].dtype == np.float64]
    if len(metric_cols) < 20:
        failures.append(f"only {len(metric_cols)} float64 metric columns")
    for k in metric_cols:
        if "unit" not in pareto[k].attrs:
            failures.append(f"/pareto/{k} has no unit attribute")
    for tname in ("pareto", "points"):
        t = f[tname]
        n = t["index"].shape[0]
        if int(t.attrs["rows"]) != n or any(t[k].shape != (n,) for k in t):
            failures.append(f"/{tname}: columns of different lengths")
        idx = t["index"][()]
        if n and (np.any(np.diff(idx.astype(np.int64)) <= 0) or idx[-1] >= space_designs):
            failures.append(f"/{tname}/index is not ascending inside the space")
        # A design column is n/a exactly when the row's variant lacks the axis.
        pv = t["partitioning"][()]
        for a in axes:
            col = t[a][()]
            na = len(axes[a])
            for vi, v in enumerate(variants):
                has = a in [x.decode() for x in f["space/variants"][v]["axis_names"][()]]
                rows = pv == vi
                if has and np.any(col[rows] == na) or (not has and np.any(col[rows] != na)):
                    failures.append(f"/{tname}/{a}: n/a does not match the variant {v}")
    if np.any(pareto["infeasible"][()] != 0):
        failures.append("/pareto has an infeasible row")
    # Every /pareto row is in /points unchanged (store front, feasible and all hold the front).
    store = f["points"].attrs["store"]
    store = store.decode() if isinstance(store, bytes) else store
    if store != "sample":
        pts, par = table(f, "points"), table(f, "pareto")
        pos = np.searchsorted(pts["index"], par["index"])
        if np.any(pos >= len(pts["index"])) or np.any(pts["index"][np.minimum(pos, len(pts["index"]) - 1)] != par["index"]):
            failures.append("a /pareto row is missing from /points")
        else:
            for k in par:
                if par[k].tobytes() != pts[k][pos].tobytes():
                    failures.append(f"/pareto/{k} differs from the same rows of /points")


def brute_force(f, failures):
    pts = table(f, "points")
    n = int(f["space"].attrs["designs"])
    method = f["stats"].attrs["method"]
    if (method.decode() if isinstance(method, bytes) else method) == "nsga2":
        # NSGA-II: /points is every distinct design the search evaluated, and /pareto their front.
        ix = pts["index"]
        if not (np.all(ix[1:] > ix[:-1]) and (len(ix) == 0 or int(ix[-1]) < n)):
            failures.append("store = all (NSGA-II): /points/index is not strictly ascending within the space")
            return
        n = len(ix)
    elif not np.array_equal(pts["index"], np.arange(n, dtype=np.uint64)):
        failures.append("store = all: /points/index is not 0..N-1")
        return
    pareto = f["pareto"]
    objectives = [o.decode() if isinstance(o, bytes) else o for o in pareto.attrs["objectives"]]
    senses = [s.decode() if isinstance(s, bytes) else s for s in pareto.attrs["senses"]]
    feasible = pts["infeasible"] == 0
    idx = pts["index"][feasible]
    obj = np.stack([pts[o][feasible] * (1.0 if s == "min" else -1.0) for o, s in zip(objectives, senses)], axis=1)
    obj = obj + 0.0  # -0.0 -> +0.0: equal vectors compare equal
    keep = []
    for i in range(len(idx)):  # single thread, O(n^2): p removes q if p <= q everywhere and (p != q or p lower)
        le = np.all(obj <= obj[i], axis=1)
        lt = np.any(obj < obj[i], axis=1)
        eq_lower = np.all(obj == obj[i], axis=1) & (idx < idx[i])
        if not np.any(le & (lt | eq_lower)):
            keep.append(idx[i])
    got = list(pareto["index"][()])
    print(f"  brute force: {len(idx)} feasible of {n}, front {len(keep)}; /pareto {len(got)} rows")
    if got != keep:
        failures.append(f"/pareto {got[:10]}... differs from the brute-force front {keep[:10]}...")
    counts, reasons, by_reason = stats_counts(f)
    if counts["evaluated"] != n or counts["feasible"] != int(feasible.sum()) or counts["front_size"] != len(keep):
        failures.append(f"/stats counts {counts} disagree with /points")
    for b, (name, c) in enumerate(zip(reasons, by_reason)):
        if c != int(np.sum((pts["infeasible"] >> np.uint32(b)) & np.uint32(1))):
            failures.append(f"/stats infeasible count of {name} disagrees with /points")


def evaluate_rows(a, f, tname, k, failures):
    t = table(f, tname)
    n = len(t["index"])
    if n == 0:
        return 0
    reasons = [x.decode() for x in f["stats/infeasible_reason"][()]]
    enums = {c: h5py.check_enum_dtype(f[tname][c].dtype) for c in t}
    enums = {c: {v: name for name, v in e.items()} for c, e in enums.items() if e is not None}
    checked = 0
    for r in sorted(set(np.linspace(0, n - 1, min(k, n)).astype(int))):
        sets = [f"partitioning={enums['partitioning'][t['partitioning'][r]]}"]
        for c, names in enums.items():
            if c != "partitioning" and names[t[c][r]] != NA:
                sets.append(f"{c}={names[t[c][r]]}")
        cmd = [a.chipdse, "evaluate", a.deck, "--json"] + [x for s in sets for x in ("--set", s)]
        j = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        if j["index"] != int(t["index"][r]):
            failures.append(f"{' '.join(sets)}: evaluate index {j['index']} != /{tname} {t['index'][r]}")
            continue
        matched = 0
        for section, pattern, total in (("metrics", "{}", None), ("cost_breakdown_usd", "cost_{}_usd", "cost_usd"),
                                        ("power_breakdown_w", "power_{}_w", "power_w")):
            for key, value in j.get(section, {}).items():
                col = total if key == "total" else pattern.format(key)
                if col not in t or t[col].dtype != np.float64 or not isinstance(value, (int, float)):
                    continue
                matched += 1
                if float(value) != float(t[col][r]):  # exact: JSON prints doubles round-trip
                    failures.append(f"{' '.join(sets)}: {section}.{key} = {value!r} but /{tname}/{col} = {t[col][r]!r}")
        want = sorted(reasons[b] for b in range(len(reasons)) if (int(t["infeasible"][r]) >> b) & 1)
        if sorted(j["infeasible"]) != want:
            failures.append(f"{' '.join(sets)}: reasons {j['infeasible']} vs mask {want}")
        if matched < 13:
            failures.append(f"only {matched} numbers of evaluate matched columns")
        checked += 1
    return checked


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--runs", required=True, help='"ranks,threads,case:..." the first is the reference')
    ap.add_argument("--bruteforce", action="store_true")
    ap.add_argument("--evaluate", type=int, default=0)
    a = ap.parse_args()

    tag = os.path.splitext(os.path.basename(a.deck))[0]
    runs = [tuple(int(x) for x in r.split(",")) for r in a.runs.replace(";", ":").split(":")]
    files = []
    failures = []
    print(f"{tag}: {len(runs)} runs")
    for np_, threads, case in runs:
        out = os.path.join(a.workdir, f"{tag}_n{np_}_t{threads}_c{case}.h5")
        if os.path.exists(out):
            os.remove(out)
        files.append(run(a, np_, threads, case, out))
        if os.path.exists(out + ".tmp"):
            failures.append(f"{out}.tmp left behind")

    with h5py.File(files[0], "r") as ref:
        if ref.attrs["complete"] != 1:
            failures.append("complete != 1")
        check_columns(ref, failures)
        for other in files[1:]:
            with h5py.File(other, "r") as g:
                for group in ("space", "pareto", "points"):
                    compare_group(ref, g, group, failures)
                if stats_counts(ref) != stats_counts(g):
                    failures.append(f"{other}: /stats counts differ")
        if a.bruteforce:
            brute_force(ref, failures)
        if a.evaluate:
            n = evaluate_rows(a, ref, "pareto", a.evaluate, failures) + evaluate_rows(a, ref, "points", a.evaluate, failures)
            print(f"  evaluate: {n} rows compared")
        print(f"  front {ref['pareto/index'].shape[0]} rows, /points {ref['points/index'].shape[0]} rows")
    for f_ in files:
        os.remove(f_)
    for f_ in failures[:40]:
        print("FAIL:", f_)
    print(f"{tag}: {'FAILED' if failures else 'OK'} ({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
