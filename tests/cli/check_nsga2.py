#!/usr/bin/python3
"""NSGA-II acceptance (DESIGN.md §4), with h5py alone, on search_small_base.toml's 3,264 designs:

* against the exhaustive search of the same space (search_small_all.toml): every row NSGA-II wrote equals the
  exhaustive run's row of the same design bit for bit; no NSGA-II front design strictly dominates a design of the
  exact front (it would mean one of the two searches is wrong); NSGA-II evaluates fewer designs than the space holds
  and still finds at least 90% of the exact front (a quality bar: the search is meant to find it without enumerating);
* scripts/compare_fronts.py: a front against itself gives recall 100%, epsilon 0 and hypervolume ratio 1; NSGA-II's
  front against the exact one gives the recall counted here;
* the hypervolume in the deck's box (search_small_hv.toml, the exhaustive run with nsga2_ckpt.toml's box): pagmo's
  exact value within 5 standard errors of a Monte Carlo estimate, and NSGA-II's never above the exact front's;
* postproc/plot_front.py's report says NSGA-II made the front and gives its hypervolume;
* the seed: /stats records it, and another seed (nsga2_seed.toml) visits another set of designs;
* checkpoints (nsga2_ckpt.toml, a checkpoint every 5 generations; CHIPDSE_TEST_CHUNK_DELAY_MS slows every generation):
  SIGKILL to every process of `mpiexec -n 2` after checkpoint 2; `-n 2 --resume` stopped by SIGUSR1 to mpiexec
  after a checkpoint (exit 3, both ranks take the stop's checkpoint); `-n 1 --resume` stopped by SIGTERM to its rank after
  a checkpoint (exit 3, says --resume); `-n 2 --resume` to the end: the file equals the uninterrupted run's bit for
  bit (/pareto, /points, /space) with its /stats counts, and says how many generations it resumed.
"""
import argparse
import os
import re
import signal
import subprocess
import sys

import h5py
import numpy as np

import check_checkpoint
import check_search


def run(a, deck, out, case=None):
    cmd = [a.chipdse, "run", deck, "-o", out] + (["--case", str(case)] if case is not None else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=dict(os.environ, OMP_NUM_THREADS="2"))
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return out


def minimised(f, table):
    g = f[table]
    names = [o.decode() if isinstance(o, bytes) else o for o in g.attrs["objectives"]]
    senses = [s.decode() if isinstance(s, bytes) else s for s in g.attrs["senses"]]
    return np.stack([g[o][()] * (1.0 if s == "min" else -1.0) for o, s in zip(names, senses)], axis=1)


def mc_hypervolume(f, samples=400000, seed=3):
    """The front's hypervolume in the file's box by Monte Carlo (independent of pagmo's exact algorithm), and its
    standard error."""
    s = f["stats"].attrs
    obj = minimised(f, "pareto")
    senses = [x.decode() if isinstance(x, bytes) else x for x in f["pareto"].attrs["senses"]]
    sign = np.array([1.0 if x == "min" else -1.0 for x in senses])
    ideal, ref = np.asarray(s["hypervolume_ideal"]) * sign, np.asarray(s["hypervolume_reference"]) * sign
    z = np.maximum(0.0, (obj - ideal) / (ref - ideal))
    z = z[np.all(z < 1.0, axis=1)]
    x = np.random.default_rng(seed).random((samples, obj.shape[1]))
    covered = np.zeros(samples, dtype=bool)
    for p in z:
        covered |= np.all(x >= p, axis=1)
    m = covered.mean()
    return m, np.sqrt(m * (1 - m) / samples)


def against_exhaustive(a, failures):
    exact = run(a, os.path.join(a.decks, "search_small_all.toml"), os.path.join(a.workdir, "nsga2_exact.h5"), case=2)
    # The hypervolume in the decks' common box: pagmo's exact value against a Monte Carlo estimate, and NSGA-II's
    # front, a subset of the feasible designs, never above the exact front's.
    hv_exact = run(a, os.path.join(a.decks, "search_small_hv.toml"), os.path.join(a.workdir, "nsga2_hv_exact.h5"))
    found = run(a, os.path.join(a.decks, "nsga2_ckpt.toml"), os.path.join(a.workdir, "nsga2_found.h5"))
    with h5py.File(hv_exact, "r") as fe, h5py.File(found, "r") as fn:
        he, hn = float(fe["stats"].attrs["hypervolume"]), float(fn["stats"].attrs["hypervolume"])
        mc, se = mc_hypervolume(fe)
        print(f"  hypervolume in the box: exhaustive {he:.6f} (Monte Carlo {mc:.6f} +- {se:.6f}), NSGA-II {hn:.6f}")
        if not (0.0 < hn <= he <= 1.0) or abs(he - mc) > 5 * se:
            failures.append(f"hypervolume: exhaustive {he}, NSGA-II {hn}, Monte Carlo {mc} +- {se}")
    os.remove(hv_exact)
    with h5py.File(exact, "r") as fe, h5py.File(found, "r") as fn:
        designs = int(fe["space"].attrs["designs"])
        pts = fn["points"]
        idx = pts["index"][()]
        for name in pts:
            if name in fe["points"] and pts[name][()].tobytes() != fe["points"][name][()][idx].tobytes():
                failures.append(f"/points/{name}: NSGA-II's rows differ from the exhaustive run's rows of the same designs")
        fi, ei = fn["pareto/index"][()], fe["pareto/index"][()]
        if np.any(fn["pareto/infeasible"][()] != 0):
            failures.append("an NSGA-II front design is infeasible")
        fo, eo = minimised(fn, "pareto"), minimised(fe, "pareto")
        for i, p in zip(fi, fo):
            if np.any(np.all(p <= eo, axis=1) & np.any(p < eo, axis=1)):
                failures.append(f"NSGA-II front design {i} dominates a design of the exact front")
        common = len(set(fi.tolist()) & set(ei.tolist()))
        ei = list(ei)
        evaluated = int(fn["stats"].attrs["evaluated"])
        print(f"  NSGA-II: {evaluated} distinct designs of {designs} ({int(fn['stats'].attrs['nsga2_evaluations'])} "
              f"evaluations), front {len(fi)}; exact front {len(ei)}, {common} of them found")
        if evaluated >= designs:
            failures.append(f"NSGA-II evaluated {evaluated} distinct designs: the whole space of {designs}")
        if common < 0.9 * len(ei):
            failures.append(f"NSGA-II found {common} of the exact front's {len(ei)} designs, under 90%")
        if int(fn["stats"].attrs["seed"]) != 20261123:
            failures.append("/stats seed is not the deck's (the default 20261123)")
    # scripts/compare_fronts.py: a front against itself is recalled whole, at epsilon 0 and hypervolume ratio 1; the
    # NSGA-II front against the exact one gives the recall counted above.
    script = os.path.join(a.decks, "..", "..", "..", "scripts", "compare_fronts.py")
    same = subprocess.run([sys.executable, script, exact, exact], capture_output=True, text=True)
    want = ["recall: 52 of the reference front's 52 designs (100.0%)", "epsilon (scaled to the reference front's "
            "range): 0.0000", "): 1.00000 +- 0.00000"]
    if same.returncode != 0 or not all(w in same.stdout for w in want):
        failures.append(f"compare_fronts.py of a front with itself:\n{same.stdout}{same.stderr}")
    vs = subprocess.run([sys.executable, script, found, exact], capture_output=True, text=True)
    if vs.returncode != 0 or f"recall: {common} of the reference front's {len(ei)} designs" not in vs.stdout:
        failures.append(f"compare_fronts.py of NSGA-II against the exact front:\n{vs.stdout}{vs.stderr}")
    print("  " + "\n  ".join(vs.stdout.strip().splitlines()[1:]))
    other = run(a, os.path.join(a.decks, "nsga2_seed.toml"), os.path.join(a.workdir, "nsga2_seed7.h5"))
    with h5py.File(found, "r") as f1, h5py.File(other, "r") as f2:
        if int(f2["stats"].attrs["seed"]) != 7:
            failures.append("/stats seed is not 7 with search.seed = 7")
        if np.array_equal(f1["points/index"][()], f2["points/index"][()]):
            failures.append("seed 7 visited exactly the designs of the default seed")
    for f_ in (exact, other):
        os.remove(f_)
    return found


def checkpoints(a, ref, failures):
    deck = os.path.join(a.decks, "nsga2_ckpt.toml")
    out = os.path.join(a.workdir, "nsga2_ckpt.h5")
    for s in ("", ".ckpt", ".ckpt.prev"):
        if os.path.exists(out + s):
            os.remove(out + s)
    r = check_checkpoint.Run(a, 2, deck, out, delay="40")
    r.wait_for(r"checkpoint 2: generation (\d+)")
    check_checkpoint.kill_all(r, signal.SIGKILL)
    r.finish()
    if os.path.exists(out) or not os.path.exists(out + ".ckpt"):
        failures.append("after SIGKILL: a result file exists or no checkpoint does")
    # Two ranks stopped by SIGUSR1 (mpiexec forwards it at once): both take the stop's checkpoint together.
    r = check_checkpoint.Run(a, 2, deck, out, resume=True, delay="40")
    m = r.wait_for(r"resuming from \S+: generation (\d+) of 40 done")
    if int(m.group(1)) < 10:
        failures.append(f"resumed from generation {m.group(1)}; checkpoint 2 was at generation 10")
    r.wait_for(r"checkpoint 1: generation")
    os.kill(r.p.pid, signal.SIGUSR1)
    rc, text = r.finish()
    if rc != 3 or "the run can be resumed with --resume" not in text or os.path.exists(out):
        failures.append(f"SIGUSR1 to mpiexec -n 2: exit {rc} (3 expected), a resume hint, no result file:\n{text}")
    r = check_checkpoint.Run(a, 1, deck, out, resume=True, delay="40")
    m = r.wait_for(r"resuming from \S+: generation (\d+) of 40 done")
    if int(m.group(1)) < 15:
        failures.append(f"resumed from generation {m.group(1)}; the stop's checkpoint was after generation 15")
    r.wait_for(r"checkpoint 1: generation")
    check_checkpoint.kill_all(r, signal.SIGTERM)
    rc, text = r.finish()
    if rc != 3 or "the run can be resumed with --resume" not in text or os.path.exists(out):
        failures.append(f"SIGTERM after a checkpoint: exit {rc} (3 expected), a resume hint, no result file:\n{text}")
    r = check_checkpoint.Run(a, 2, deck, out, resume=True, delay="")
    rc, text = r.finish()
    if rc != 0:
        failures.append(f"final resume: exit {rc}:\n{text}")
        return
    with h5py.File(ref, "r") as fa, h5py.File(out, "r") as fb:
        for group in ("space", "pareto", "points"):
            check_search.compare_group(fa, fb, group, failures)
        if check_search.stats_counts(fa) != check_search.stats_counts(fb):
            failures.append("/stats counts differ from the uninterrupted run")
        s = fb["stats"].attrs
        print(f"  resumed run: generations {int(s['nsga2_generations'])}, {int(s['nsga2_generations_resumed'])} of them "
              f"resumed; front {fb['pareto/index'].shape[0]}, /points {fb['points/index'].shape[0]} rows")
        if int(s["nsga2_generations"]) != 40 or int(s["nsga2_generations_resumed"]) < 10:
            failures.append("the resumed run did not finish 40 generations from a checkpoint")
    if any(os.path.exists(out + s) for s in (".ckpt", ".ckpt.prev", ".ckpt.tmp")):
        failures.append("checkpoint files left after a complete run")
    os.remove(out)


def report_of(a, found, failures):
    """postproc/plot_front.py's report says NSGA-II made the front, and gives its hypervolume in the deck's box."""
    script = os.path.join(a.decks, "..", "..", "..", "postproc", "plot_front.py")
    out = os.path.join(a.workdir, "nsga2_plots")
    p = subprocess.run([sys.executable, script, found, "--out", out], capture_output=True, text=True)
    report = open(os.path.join(out, "report.md")).read() if p.returncode == 0 else ""
    with h5py.File(found, "r") as f:
        hv = float(f["stats"].attrs["hypervolume"])
    want = ["- search: NSGA-II;", f"- hypervolume: {hv:.6g} (the share of the deck's box the front dominates)"]
    if not all(w in report for w in want):
        failures.append(f"the postproc report of an NSGA-II run lacks {want}:\n{p.stdout}{p.stderr}{report[:600]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--decks", required=True, help="tests/cli/decks")
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    failures = []
    ref = against_exhaustive(a, failures)
    report_of(a, ref, failures)
    checkpoints(a, ref, failures)
    os.remove(ref)
    for f_ in failures[:40]:
        print("FAIL:", f_)
    print(f"check_nsga2: {'FAILED' if failures else 'OK'} ({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
