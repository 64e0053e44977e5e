#!/usr/bin/python3
"""Verification rounds (DESIGN.md §3; search.thermal_verification = "rounds"), with h5py alone, on
verification_small.toml (32 designs on 16 packages, every one of which this test solves itself):

* the premise of the rounds' exactness, for every design: settled on its solved package (`evaluate --thermal`, which
  solves one column per die and settles on it, thermal/operating_point.cpp) the junction is not below the kernel's
  bound, the power not below the kernel's and the throughput not above it;
* the front is exact: with every design settled on its own solved package, independently of the run (feasible when
  the settling converged, the solved junction is within constraints.tj_max_c and the package within its power limit),
  the brute-force Pareto front has the indices of the run's /pareto, and its rows the same power, throughput and
  junction to the solver's tolerance; at the deck's limit and at a tighter one (verification_small_tight.toml, 59 C,
  which the bound passes and some solves reject);
* every row is what `evaluate` says of its design: a design of a solved package (tj_solved_c > 0) equals
  `evaluate --thermal`'s "verified" metrics and reasons bit for bit (the same solve the run did), any other the
  kernel's metrics; every /pareto row is of a solved package within the limit;
* /pareto, /points and /space are bit-identical on 1 rank x 1 thread, 1 x 2 and 2 ranks x 1;
* /stats records the rounds: the last one has no unsolved package, and solved_tj_over_max is counted as the rows say;
* checkpoints (verification_ckpt.toml): `-n 2` stopped by SIGUSR1 in round 2 (exit 3, saying the round), resumed on
  one rank (from round 2 with round 1's packages, none solved again) and stopped by SIGTERM, then finished on two:
  the file equals the uninterrupted run's bit for bit, with the same rounds and packages solved;
* postproc/plot_front.py's report says the front is verified and gives the rounds;
* a run allowed too few rounds (verification_max_rounds.toml) fails (exit 1) naming the key and leaves no file; an
  NSGA-II deck with rounds (bad_verification_nsga2.toml) exits 2 naming the key.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

import h5py
import numpy as np

import signal

import check_checkpoint
import check_search

NA = check_search.NA


def run(a, deck, out, ranks, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [a.mpiexec, "-n", str(ranks), "--oversubscribe", "--bind-to", "none", a.chipdse, "run", deck, "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    if "verification round" not in p.stdout or "the front is verified" not in p.stdout:
        raise SystemExit(f"FAIL: {' '.join(cmd)} did not report its verification rounds:\n{p.stdout}")
    return out


def design_sets(f, tname, r):
    """The --set arguments of row r of /tname."""
    t = f[tname]
    enums = {c: h5py.check_enum_dtype(t[c].dtype) for c in t.keys()}
    enums = {c: {v: name for name, v in e.items()} for c, e in enums.items() if e is not None}
    sets = [f"partitioning={enums['partitioning'][t['partitioning'][r]]}"]
    for c, names in enums.items():
        if c != "partitioning" and names[t[c][r]] != NA:
            sets.append(f"{c}={names[t[c][r]]}")
    return sets


def evaluate(a, deck, sets):
    cmd = [a.chipdse, "evaluate", deck, "--json", "--thermal"] + [x for s in sets for x in ("--set", s)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
    return json.loads(p.stdout)


def pareto_indices(index, obj, feasible):
    """Brute-force front of minimised objective rows `obj` among the feasible ones (equal vectors keep the lowest
    index)."""
    front = []
    for i in range(len(index)):
        if not feasible[i]:
            continue
        dominated = False
        for j in range(len(index)):
            if j == i or not feasible[j]:
                continue
            if np.all(obj[j] <= obj[i]) and (np.any(obj[j] < obj[i]) or index[j] < index[i]):
                dominated = True
                break
        if not dominated:
            front.append(int(index[i]))
    return sorted(front)


def check_premise(evals, failures):
    for idx, j in evals.items():
        s, k = j["thermal"]["settled"], j["metrics"]
        if not s["converged"]:
            continue
        if s["tj_c"] < k["tj_bound_c"] - 1e-9:
            failures.append(f"design {idx}: solved junction {s['tj_c']} below the kernel's bound {k['tj_bound_c']}")
        if s["power_w"] < k["power_w"] * (1 - 1e-12):
            failures.append(f"design {idx}: settled power {s['power_w']} below the kernel's {k['power_w']}")
        if s["throughput"] > k["throughput"] * (1 + 1e-12):
            failures.append(f"design {idx}: settled throughput {s['throughput']} above the kernel's {k['throughput']}")


def check_deck(a, deck, tj_max, evals, files, failures, design_sets_of):
    name = os.path.basename(deck)
    f1 = files[0]
    for other in files[1:]:
        with h5py.File(f1, "r") as fa, h5py.File(other, "r") as fb:
            for group in ("pareto", "points", "space"):
                check_search.compare_group(fa, fb, group, failures)
    with h5py.File(f1, "r") as f:
        pts = check_search.table(f, "points")
        par = check_search.table(f, "pareto")
        reasons = [x.decode() for x in f["stats/infeasible_reason"][()]]
        counts = [int(x) for x in f["stats/infeasible_count"][()]]
        s = f["stats"].attrs
        unsolved = list(f["stats/verification_unsolved"][()])
        fronts = list(f["stats/verification_front_size"][()])
        objectives = [o.decode() if isinstance(o, bytes) else o for o in f["pareto"].attrs["objectives"]]
        senses = [o.decode() if isinstance(o, bytes) else o for o in f["pareto"].attrs["senses"]]
        stats = {k: s[k] for k in ("verification", "verification_rounds", "verification_geometries_solved",
                                   "thermal_solves")}
    if len(pts["index"]) != len(evals):
        failures.append(f"{name}: /points has {len(pts['index'])} rows, {len(evals)} designs evaluated")
        return
    # The front of the fully solved space, from evaluate --thermal's own solves.
    index = np.array(sorted(evals))
    sign = np.array([1.0 if x == "min" else -1.0 for x in senses])
    obj, feasible = [], []
    for idx in index:
        j = evals[idx]
        st = j["thermal"]["settled"]
        values = {"cost_usd": j["metrics"]["cost_usd"], "power_w": st["power_w"], "throughput": st["throughput"]}
        obj.append([values[o] for o in objectives])
        others = [r for r in j["infeasible"] if r != "thermal_bound_over_tj_max"]
        feasible.append(not others and st["converged"] and st["tj_c"] <= tj_max and st["within_tdp"])
    obj = np.array(obj) * sign
    exact = pareto_indices(index, obj, feasible)
    got = sorted(int(i) for i in par["index"])
    print(f"  {name}: rounds {stats['verification_rounds']} (fronts {fronts}, unsolved {unsolved}), "
          f"{stats['verification_geometries_solved']} packages solved in {stats['thermal_solves']} solves; "
          f"front {got}; exact {exact}; {sum(feasible)} of {len(index)} feasible when solved")
    if got != exact:
        failures.append(f"{name}: /pareto {got} is not the front of the solved space {exact}")
    for r, idx in enumerate(par["index"]):
        st = evals[int(idx)]["thermal"]["settled"]
        for col, want in (("power_w", st["power_w"]), ("throughput", st["throughput"])):
            if abs(par[col][r] - want) > 1e-6 * abs(want):
                failures.append(f"{name}: /pareto row {r} {col} {par[col][r]} vs the per-die solve's {want}")
        if abs(par["tj_solved_c"][r] - st["tj_c"]) > 1e-4:
            failures.append(f"{name}: /pareto row {r} tj_solved_c {par['tj_solved_c'][r]} vs {st['tj_c']}")
        # Every design here has HBM stacks; the CPO ones have engines on the package.
        cpo = "scale_up_link=cpo" in design_sets_of[int(idx)]
        if not (par["hbm_solved_c"][r] > 30.0) or (par["optical_engine_solved_c"][r] > 30.0) != cpo:
            failures.append(f"{name}: /pareto row {r}: HBM {par['hbm_solved_c'][r]} C, engines "
                            f"{par['optical_engine_solved_c'][r]} C (CPO: {cpo})")
        if not (0.0 < par["tj_solved_c"][r] <= tj_max):
            failures.append(f"{name}: /pareto row {r} tj_solved_c {par['tj_solved_c'][r]} not solved within {tj_max}")
    # Every /points row as evaluate says: the verified metrics for a solved package, else the kernel's.
    solved_rows = 0
    for r, idx in enumerate(pts["index"]):
        j = evals[int(idx)]
        verified = pts["tj_solved_c"][r] > 0.0
        solved_rows += verified
        source = j["thermal"]["verified"]["metrics"] if verified else j["metrics"]
        want = list(j["thermal"]["verified"]["infeasible"] if verified else j["infeasible"])
        if verified and j["thermal"]["verified"]["metrics"]["tj_solved_c"] > tj_max and "solved_tj_over_max" not in want:
            want.append("solved_tj_over_max")  # evaluate ran on the base deck's limit
        for col, value in source.items():
            if col in pts and pts[col].dtype == np.float64 and float(value) != float(pts[col][r]):
                failures.append(f"{name}: design {idx} {col} = {pts[col][r]!r}, evaluate says {value!r}")
        mask = int(pts["infeasible"][r])
        have = sorted(reasons[b] for b in range(len(reasons)) if (mask >> b) & 1)
        if have != sorted(want):
            failures.append(f"{name}: design {idx} reasons {have}, evaluate says {sorted(want)}")
    if solved_rows == 0:
        failures.append(f"{name}: no row was settled on a solved package")
    # /stats.
    if stats["verification"] != "rounds" or unsolved[-1] != 0 or len(unsolved) != stats["verification_rounds"] \
            or stats["thermal_solves"] < stats["verification_geometries_solved"] or len(fronts) != len(unsolved):
        failures.append(f"{name}: /stats {stats}, unsolved by round {unsolved}, fronts {fronts}")
    b = reasons.index("solved_tj_over_max")
    rows_over = int(np.sum((pts["infeasible"] >> np.uint32(b)) & np.uint32(1)))
    if counts[b] != rows_over:
        failures.append(f"{name}: /stats counts {counts[b]} solved_tj_over_max, the rows {rows_over}")
    return rows_over


def checkpoints(a, ref, failures):
    deck = os.path.join(a.decks, "verification_ckpt.toml")
    out = os.path.join(a.workdir, "verification_ckpt.h5")
    for x in ("", ".ckpt", ".ckpt.prev"):
        if os.path.exists(out + x):
            os.remove(out + x)
    r = check_checkpoint.Run(a, 2, deck, out, delay="150")
    r.wait_for(r"checkpoint \d+: round 2: \d+ of 7 chunks complete", timeout=120)
    os.kill(r.p.pid, signal.SIGUSR1)
    rc, text = r.finish(timeout=120)
    if rc != 3 or "verification round 2" not in text or "--resume" not in text or os.path.exists(out):
        failures.append(f"SIGUSR1 in round 2: exit {rc} (3 expected), the round, a resume hint, no file:\n{text}")
    r = check_checkpoint.Run(a, 1, deck, out, resume=True, delay="150")
    m = r.wait_for(r"resuming from \S+: verification round (\d+) \((\d+) packages solved\)", timeout=120)
    if m.group(1) != "2" or m.group(2) != "8":
        failures.append(f"resumed at round {m.group(1)} with {m.group(2)} packages; round 2 with 8 expected")
    r.wait_for(r"checkpoint \d+: round 2: its packages solved", timeout=120)
    check_checkpoint.kill_all(r, signal.SIGTERM)
    rc, text = r.finish(timeout=120)
    if rc != 3 or "--resume" not in text or os.path.exists(out):
        failures.append(f"SIGTERM after round 2's solves: exit {rc} (3 expected), a resume hint, no file:\n{text}")
    r = check_checkpoint.Run(a, 2, deck, out, resume=True, delay="")
    rc, text = r.finish(timeout=120)
    if rc != 0:
        failures.append(f"final resume: exit {rc}:\n{text}")
        return
    with h5py.File(ref, "r") as fa, h5py.File(out, "r") as fb:
        for group in ("space", "pareto", "points"):
            check_search.compare_group(fa, fb, group, failures)
        if check_search.stats_counts(fa) != check_search.stats_counts(fb):
            failures.append("checkpoints: /stats counts differ from the uninterrupted run")
        for key in ("verification_front_size", "verification_unsolved"):
            if list(fa["stats"][key][()]) != list(fb["stats"][key][()]):
                failures.append(f"checkpoints: /stats/{key} differs from the uninterrupted run")
        for key in ("verification_rounds", "verification_geometries_solved", "thermal_solves"):
            if fa["stats"].attrs[key] != fb["stats"].attrs[key]:
                failures.append(f"checkpoints: /stats {key} {fb['stats'].attrs[key]} vs {fa['stats'].attrs[key]}")
        print(f"  stopped twice and resumed: rounds {fb['stats'].attrs['verification_rounds']}, "
              f"{fb['stats'].attrs['verification_geometries_solved']} packages solved, front {list(fb['pareto/index'][()])}")
    if any(os.path.exists(out + x) for x in (".ckpt", ".ckpt.prev", ".ckpt.tmp")):
        failures.append("checkpoint files left after a complete run")
    os.remove(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--decks", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    failures = []
    base = os.path.join(a.decks, "verification_small.toml")
    tight = os.path.join(a.decks, "verification_small_tight.toml")

    # Bad input first (fast).
    p = subprocess.run([a.chipdse, "check", os.path.join(a.decks, "bad_verification_nsga2.toml")],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or "search.thermal_verification" not in p.stderr:
        failures.append(f"NSGA-II with rounds: exit {p.returncode}, {p.stderr.strip()}")
    out = os.path.join(a.workdir, "verification_max_rounds.h5")
    p = subprocess.run([a.chipdse, "run", os.path.join(a.decks, "verification_max_rounds.toml"), "-o", out],
                       capture_output=True, text=True, timeout=120)
    leftovers = [x for x in os.listdir(a.workdir) if x.startswith("verification_max_rounds")]
    if p.returncode != 1 or "search.thermal_verification_max_rounds" not in p.stderr or leftovers:
        failures.append(f"too few rounds: exit {p.returncode}, files {leftovers}, {p.stderr.strip()}")

    runs = {}
    for deck in (base, tight):
        stem = os.path.splitext(os.path.basename(deck))[0]
        runs[deck] = [run(a, deck, os.path.join(a.workdir, f"{stem}_{n}x{t}.h5"), n, t)
                      for n, t in ((1, 1), (1, 2), (2, 1))]
    # Every design of the space, solved by evaluate --thermal (two at a time).
    with h5py.File(runs[base][0], "r") as f:
        rows = [(int(f["points/index"][r]), design_sets(f, "points", r)) for r in range(f["points"].attrs["rows"])]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda x: (x[0], evaluate(a, base, x[1])), rows))
    evals = {}
    for idx, j in results:
        if j["index"] != idx:
            failures.append(f"evaluate gave index {j['index']} for design {idx}")
        evals[idx] = j
    check_premise(evals, failures)
    sets_of = {idx: " ".join(sets) for idx, sets in rows}
    check_deck(a, base, 105.0, evals, runs[base], failures, sets_of)
    over = check_deck(a, tight, 59.0, evals, runs[tight], failures, sets_of)
    if not over:
        failures.append("the tighter limit rejected no design: the test does not exercise solved_tj_over_max")
    checkpoints(a, runs[tight][2], failures)
    # The postproc report says the front is verified, with the rounds /stats records.
    pp = os.path.join(a.workdir, "pp")
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "postproc",
                          "plot_front.py")
    p = subprocess.run([sys.executable, script, runs[tight][0], "--out", pp], capture_output=True, text=True, timeout=120)
    report = open(os.path.join(pp, "report.md")).read() if p.returncode == 0 else p.stderr
    if "thermal verification rounds" not in report or "verification_rounds: 3" not in report:
        failures.append(f"the postproc report does not give the verification rounds:\n{report}")
    for paths in runs.values():
        for path in paths:
            os.remove(path)
    for msg in failures[:40]:
        print("FAIL:", msg)
    if failures:
        return 1
    print("verification rounds: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
