#!/usr/bin/python3
"""Plots and a short report from chipdse result files (HDF5, DESIGN.md §5), with h5py and matplotlib only.

    /usr/bin/python3 postproc/plot_front.py results/default.h5 [more.h5 ...] [--out results/plots]

Per file it writes, into --out:
  <stem>_front_pairs.png     every pair of the run's objectives, front points coloured by partitioning
  <stem>_cost_breakdown.png  the itemised cost of the front designs (cheapest first)
  <stem>_power_breakdown.png the power of the front designs by source (lowest first)
  <stem>_time_breakdown.png  what each front design's step waits on: compute, HBM, D2D (with the package tier's
                             collectives), the scale-up and the scale-out tier's collectives, pipeline bubble, as
                             shares of the step (shortest step first)
  <stem>_links.png           CPO versus pluggable: the front designs by link technology (scale-up / scale-out pair):
                             throughput against system power, and TCO per million tokens against cost
  <stem>_front.csv           the front: index, design variables, objectives, then the performance, power,
                             thermal-bound and goodput metrics (PERF_COLUMNS)
and one report.md over all files (study, designs, feasible, front size, infeasible by reason, the best design
per objective, the front by link technology: designs, best perf/W, lowest TCO, off-package link power, and the front
by what bounds it: the largest time share of each design). Use Debian's /usr/bin/python3: the `python3` on PATH may lack h5py/matplotlib.
"""
import argparse
import csv
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COST_ITEMS = ["cost_raw_dies_usd", "cost_defect_scrap_usd", "cost_test_usd", "cost_raw_package_usd",
              "cost_package_scrap_usd", "cost_assembly_scrap_usd", "cost_hbm_usd", "cost_optics_usd",
              "cost_nre_per_unit_usd"]
POWER_ITEMS = ["power_compute_w", "power_sram_w", "power_hbm_w", "power_d2d_w", "power_links_w", "power_leakage_w"]
TIME_ITEMS = ["time_compute_share", "time_hbm_share", "time_d2d_share", "time_scale_up_share", "time_scale_out_share",
              "time_bubble_share"]
PERF_COLUMNS = ["throughput", "latency_s", "mfu", "ttft_s", "tpot_s", "batch_sequences", "power_w", "power_package_w",
                "power_links_w", "power_links_off_package_w", "energy_pj_per_flop", "hbm_tb_per_s", "hbm_reread_fraction", *TIME_ITEMS,
                "effective_clock_ghz", "cost_usd", "perf_per_w", "perf_per_usd", "tco_usd_per_mtoken", "tj_bound_c",
                "goodput", "job_mtbf_h"]


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def strings(attr):
    return [text(v) for v in np.atleast_1d(attr)]


def enum_names(ds):
    """Value names of an HDF5 enum dataset, in the order of the stored integers."""
    mapping = h5py.check_enum_dtype(ds.dtype)
    if mapping is None:
        return None
    by_value = {v: k for k, v in mapping.items()}
    return [by_value.get(int(v), "?") for v in ds[()]]


def load(path):
    with h5py.File(path, "r") as f:
        if not f.attrs.get("complete", False):
            sys.exit(f"{path}: the run file is not complete (the run was interrupted or is still writing)")
        stats = f["stats"]
        pareto = f["pareto"]
        objectives = strings(pareto.attrs["objectives"])
        senses = strings(pareto.attrs["senses"])
        cols = {}
        design = []
        for name, ds in pareto.items():
            names = enum_names(ds)
            if names is not None:
                cols[name] = names
                design.append(name)
            else:
                cols[name] = ds[()]
        units = {name: text(ds.attrs.get("unit", "")) for name, ds in pareto.items()}
        reasons = {}
        if "infeasible_reason" in stats:
            reasons = dict(zip(strings(stats["infeasible_reason"][()]), stats["infeasible_count"][()].tolist()))
        info = {k: stats.attrs[k] for k in ("designs", "evaluated", "feasible", "front_size") if k in stats.attrs}
        if "hypervolume" in stats.attrs:
            info["hypervolume"] = float(stats.attrs["hypervolume"])
        method = text(stats.attrs.get("method", "exhaustive"))
        verified = text(stats.attrs.get("verification", "off")) == "rounds"
        if verified:
            info["verification_rounds"] = stats.attrs["verification_rounds"]
            info["verification_packages_solved"] = stats.attrs["verification_geometries_solved"]
            info["thermal_solves"] = stats.attrs["thermal_solves"]
        if method == "nsga2":
            info["nsga2_evaluations"] = stats.attrs["nsga2_evaluations"]
            info["nsga2_generations"] = stats.attrs["nsga2_generations"]
        study = text(f.attrs.get("study", os.path.basename(path)))
    return dict(path=path, study=study, objectives=objectives, senses=senses, cols=cols, design=design,
                units=units, reasons=reasons, info=info, method=method, verified=verified)


def scatter_groups(ax, labels, x, y, size):
    """One scatter per distinct label (sorted), so each group of front designs has its own colour and legend entry."""
    x, y = np.asarray(x), np.asarray(y)
    for label in sorted(set(labels)):
        sel = np.asarray([v == label for v in labels])
        ax.scatter(x[sel], y[sel], s=size, label=label)


def save_figure(fig, r, out, suffix):
    """Lay out, write <stem>_<suffix>.png into `out`, close; returns the path."""
    fig.tight_layout()
    path = os.path.join(out, f"{stem(r)}_{suffix}.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_pairs(r, out):
    obj = r["objectives"]
    n = len(obj)
    if n < 2 or len(r["cols"]["index"]) == 0:
        return None
    parts = r["cols"].get("partitioning", ["?"] * len(r["cols"]["index"]))
    fig, axes = plt.subplots(n - 1, n - 1, figsize=(3.2 * (n - 1), 3.0 * (n - 1)), squeeze=False)
    for i in range(1, n):
        for j in range(n - 1):
            ax = axes[i - 1][j]
            if j >= i:
                ax.axis("off")
                continue
            scatter_groups(ax, parts, r["cols"][obj[j]], r["cols"][obj[i]], 8)
            ax.set_xlabel(f"{obj[j]} [{r['units'].get(obj[j], '')}] ({r['senses'][j]})", fontsize=7)
            ax.set_ylabel(f"{obj[i]} [{r['units'].get(obj[i], '')}] ({r['senses'][i]})", fontsize=7)
            ax.tick_params(labelsize=6)
    axes[0][0].legend(fontsize=6)
    fig.suptitle(f"{r['study']}: Pareto front ({len(parts)} designs)", fontsize=9)
    return save_figure(fig, r, out, "front_pairs")


def plot_breakdown(r, out, items, total, ylabel, what, prefix, suffix):
    """Stacked bars of `items` (each a column) for up to 60 front designs, lowest `total` first."""
    cols = r["cols"]
    if any(c not in cols for c in items + [total]) or len(cols["index"]) == 0:
        return None
    order = np.argsort(np.asarray(cols[total]), kind="stable")[:60]
    fig, ax = plt.subplots(figsize=(10, 4))
    bottom = np.zeros(len(order))
    for item in items:
        v = np.asarray(cols[item])[order]
        ax.bar(range(len(order)), v, bottom=bottom, label=item.removeprefix(prefix).removesuffix(suffix))
        bottom += v
    ax.set_xlabel(f"front designs, lowest {total} first")
    ax.set_ylabel(ylabel)
    # Beside the axes, not over the bars (stacked shares reach the top of the plot).
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return save_figure(fig, r, out, f"{what}_breakdown")


def link_pairs(r):
    """The front designs' link technologies as 'scale-up / scale-out' labels (None without link axes)."""
    cols = r["cols"]
    if "scale_up_link" not in cols or "scale_out_link" not in cols:
        return None
    return [f"{u} / {o}" for u, o in zip(cols["scale_up_link"], cols["scale_out_link"])]


def plot_links(r, out):
    """CPO versus pluggable on the front: each link-technology pair in its own colour, in two planes."""
    pairs, cols = link_pairs(r), r["cols"]
    needed = ("throughput", "power_w", "tco_usd_per_mtoken", "cost_usd")
    if pairs is None or not pairs or any(c not in cols for c in needed):
        return None
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, (x, y) in zip(axes, (("power_w", "throughput"), ("cost_usd", "tco_usd_per_mtoken"))):
        scatter_groups(ax, pairs, cols[x], cols[y], 10)
        ax.set_xlabel(f"{x} [{r['units'].get(x, '')}]", fontsize=8)
        ax.set_ylabel(f"{y} [{r['units'].get(y, '')}]", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, title="scale-up / scale-out", title_fontsize=7)
    fig.suptitle(f"{r['study']}: front designs by link technology (power counts pluggable modules and external lasers)",
                 fontsize=9)
    return save_figure(fig, r, out, "links")


def link_summary(r):
    """Report lines: per link-technology pair, the front designs, the best perf/W, the lowest TCO and the mean power
    dissipated off the package (pluggable modules, CPO's external laser)."""
    pairs, cols = link_pairs(r), r["cols"]
    if pairs is None or not pairs or any(c not in cols for c in ("perf_per_w", "tco_usd_per_mtoken")):
        return []
    lines = ["- front by link technology (scale-up / scale-out): designs, best perf/W, lowest TCO, mean off-package "
             "link power:"]
    for label in sorted(set(pairs)):
        sel = np.asarray([p == label for p in pairs])
        off = np.asarray(cols.get("power_links_off_package_w", np.zeros(len(pairs))))[sel]
        lines.append(f"  - {label}: {int(sel.sum())} designs, perf/W {np.max(np.asarray(cols['perf_per_w'])[sel]):.4g} "
                     f"{r['units'].get('perf_per_w', '')}, TCO {np.min(np.asarray(cols['tco_usd_per_mtoken'])[sel]):.4g} "
                     f"{r['units'].get('tco_usd_per_mtoken', '')}, off-package {np.mean(off):.1f} W")
    return lines


def bound_summary(r):
    """Report line: how many front designs each time share bounds (the largest share of the step; ties keep the
    first of TIME_ITEMS)."""
    cols = r["cols"]
    if any(c not in cols for c in TIME_ITEMS) or len(cols["index"]) == 0:
        return []
    shares = np.column_stack([np.asarray(cols[c]) for c in TIME_ITEMS])
    bound = np.argmax(shares, axis=1)
    counts = [(TIME_ITEMS[i].removeprefix("time_").removesuffix("_share"), int(np.sum(bound == i)))
              for i in range(len(TIME_ITEMS))]
    return ["- front by what bounds it (largest share of the step): " + ", ".join(f"{k} {n}" for k, n in counts)]


def write_csv(r, out):
    path = os.path.join(out, f"{stem(r)}_front.csv")
    names = ["index"] + r["design"] + r["objectives"]
    names += [c for c in PERF_COLUMNS if c in r["cols"] and c not in names]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(len(r["cols"]["index"])):
            w.writerow([r["cols"][n][i] for n in names])
    return path


def stem(r):
    return os.path.splitext(os.path.basename(r["path"]))[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", default="results/plots")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    lines = ["# chipdse results", ""]
    for path in a.files:
        r = load(path)
        made = [p for p in (plot_pairs(r, a.out),
                            plot_breakdown(r, a.out, COST_ITEMS, "cost_usd", "USD per package", "cost", "cost_", "_usd"),
                            plot_breakdown(r, a.out, POWER_ITEMS, "power_w", "W per package", "power", "power_", "_w"),
                            plot_breakdown(r, a.out, TIME_ITEMS, "latency_s", "share of the step", "time", "time_",
                                           "_share"),
                            plot_links(r, a.out), write_csv(r, a.out)) if p]
        lines += [f"## {r['study']} ({path})", ""]
        if r["method"] == "nsga2":
            lines.append("- search: NSGA-II; `evaluated` counts the distinct designs it evaluated, and the front is "
                         "that of the feasible ones among them, not proven the space's")
        elif r["verified"]:
            tj = np.asarray(r["cols"].get("tj_solved_c", []))
            span = f"; solved junctions of the front {tj.min():.1f} to {tj.max():.1f} C" if len(tj) else ""
            lines.append("- search: exhaustive with thermal verification rounds; the front is the exact front of the "
                         "space with every front design's package solved (PETSc) and its designs settled at their "
                         "solved junction" + span)
        else:
            lines.append("- search: exhaustive; the front is the space's exact front")
        lines += [f"- {k}: {v:.6g} (the share of the deck's box the front dominates)" if k == "hypervolume"
                  else f"- {k}: {int(v)}" for k, v in r["info"].items()]
        bad = {k: v for k, v in r["reasons"].items() if v}
        if bad:
            lines.append("- infeasible by reason: " + ", ".join(f"{k} {v}" for k, v in bad.items()))
        for o, s in zip(r["objectives"], r["senses"]):
            v = np.asarray(r["cols"].get(o, []))
            if len(v):
                i = int(np.argmin(v) if s == "min" else np.argmax(v))
                design = ", ".join(f"{d}={r['cols'][d][i]}" for d in r["design"] if r["cols"][d][i] != "n/a")
                lines.append(f"- best {o}: {v[i]:.6g} {r['units'].get(o, '')} (index {r['cols']['index'][i]}: {design})")
        lines += link_summary(r)
        lines += bound_summary(r)
        lines += [f"- wrote {os.path.basename(p)}" for p in made] + [""]
        print(f"{path}: {len(r['cols']['index'])} front designs -> {', '.join(made)}")
    with open(os.path.join(a.out, "report.md"), "w") as fh:
        fh.write("\n".join(lines))
    print(f"report: {os.path.join(a.out, 'report.md')}")


if __name__ == "__main__":
    main()
