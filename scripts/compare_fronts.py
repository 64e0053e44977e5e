#!/usr/bin/python3
"""How close a run's front comes to a reference front of the same deck's space (e.g. NSGA-II against an exhaustive
run), with h5py and numpy only:

    /usr/bin/python3 scripts/compare_fronts.py results/found.h5 results/exact.h5 [--samples 200000] [--seed 1]

Both files' /pareto must have the same objectives and senses. Reported, all in the minimised sense:
* recall: the reference front's designs that the run's front holds (by design index);
* additive epsilon (Zitzler et al., IEEE TEC 7(2), 2003): the smallest e such that every reference point is weakly
  dominated by a run point shifted by e, with each objective scaled to the reference front's range (0: as good);
* hypervolume ratio: the run front's dominated volume over the reference front's, in the box from the reference
  front's ideal point to its nadir stretched by 10% (the reference point 1.1 after scaling), by Monte Carlo with a
  fixed seed, with its standard error. Points outside the box count for nothing.
"""
import argparse
import sys

import h5py
import numpy as np


def front(path):
    with h5py.File(path, "r") as f:
        g = f["pareto"]
        names = [o.decode() if isinstance(o, bytes) else o for o in g.attrs["objectives"]]
        senses = [s.decode() if isinstance(s, bytes) else s for s in g.attrs["senses"]]
        obj = np.stack([g[o][()] * (1.0 if s == "min" else -1.0) for o, s in zip(names, senses)], axis=1)
        return names, senses, obj, g["index"][()]


def dominated_fraction(points, samples):
    covered = np.zeros(len(samples), dtype=bool)
    for p in points:
        covered |= np.all(samples >= p, axis=1)
    return covered


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("reference")
    ap.add_argument("--samples", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    names, senses, run, run_idx = front(a.run)
    rnames, rsenses, ref, ref_idx = front(a.reference)
    if (names, senses) != (rnames, rsenses):
        print(f"error: the fronts have different objectives: {names} {senses} vs {rnames} {rsenses}", file=sys.stderr)
        return 2
    if len(ref) == 0 or len(run) == 0:
        print("error: an empty front", file=sys.stderr)
        return 2
    lo, hi = ref.min(axis=0), ref.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    r, e = (run - lo) / span, (ref - lo) / span
    common = len(set(run_idx.tolist()) & set(ref_idx.tolist()))
    eps = max(float(np.min(np.max(r - q, axis=1))) for q in e)
    rng = np.random.default_rng(a.seed)
    x = rng.random((a.samples, len(names))) * 1.1
    in_ref = dominated_fraction(e, x)
    in_run = dominated_fraction(r, x)
    ratio = in_run.mean() / in_ref.mean()
    # Standard error of the ratio of two means over the same samples (delta method).
    n = a.samples
    cov = np.cov(np.stack([in_run, in_ref]).astype(float)) / n
    se = ratio * np.sqrt(cov[0, 0] / in_run.mean() ** 2 + cov[1, 1] / in_ref.mean() ** 2
                         - 2 * cov[0, 1] / (in_run.mean() * in_ref.mean()))
    print(f"objectives: {', '.join(f'{o} ({s})' for o, s in zip(names, senses))}")
    print(f"front: {len(run)} designs; reference front: {len(ref)} designs")
    print(f"recall: {common} of the reference front's {len(ref)} designs ({common / len(ref):.1%})")
    print(f"additive epsilon (scaled to the reference front's range): {eps:.4f}")
    print(f"hypervolume ratio (reference point 1.1 of the scaled range, {n} samples, seed {a.seed}): "
          f"{ratio:.5f} +- {se:.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
