#!/usr/bin/python3
"""Calibration of the performance and power model (issue #5): fit, check and validate.

Fits the constants listed in inputs/calibration/targets.toml ([[fit]]) on the "fit" cases, compares the rounded fit
with the values in inputs/tech, and checks the "validate" cases (never fitted) against their tolerance. The model is
the real one: every evaluation runs `chipdse evaluate --json` on the case's deck with the trial constants added to the
deck's [overrides] table (a temporary copy; the committed files are only changed by --write).

  /usr/bin/python3 scripts/calibrate.py [--chipdse build/bin/chipdse] [--write] [--report FILE] [--check-report FILE]

  /usr/bin/python3 scripts/calibrate.py --sensitivity PATH=V1,V2,... [--sensitivity-report FILE]

--sensitivity refits with an unfitted technology value held at each Vi and reports every validation error
(docs/calibration_sensitivity.md). --report writes the report (markdown, docs/calibration.md in the repository); --check-report fails when FILE differs
from the report this run produces (ctest keeps docs/calibration.md current that way).
Exit status: 0 when the tech values equal the fit, every validation case without `known_miss` is within its
tolerance, every case with one is outside it (a stale explanation fails) and a --check-report file is current; 1
otherwise; 2 for bad input (a missing deck, an unknown metric).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAL = os.path.join(ROOT, "inputs", "calibration")
TECH = os.path.join(ROOT, "inputs", "tech")
BISECTION_STEPS = 24  # 2^-24 of the bracket: far below the 3-significant-digit rounding
SIGNIFICANT = 3
MAX_PASSES = 12  # passes of the fit before it is declared unsettled


def fail_input(msg):
    print(f"calibrate.py: {msg}", file=sys.stderr)
    sys.exit(2)


class FitError(Exception):
    """A constant has no root in its bracket, or the passes do not settle."""


def round_sig(x, digits=SIGNIFICANT):
    return float(f"{x:.{digits - 1}e}")


class Model:
    """Runs chipdse evaluate on a case deck with tech overrides; memoised per (deck, overrides)."""

    def __init__(self, chipdse, workdir):
        self.chipdse = chipdse
        self.workdir = workdir
        self.cache = {}

    def metrics(self, deck, overrides, deck_set=None):
        """The case deck's metrics with the tech overrides; deck_set ("section.key" -> value) replaces or adds deck keys."""
        deck_set = deck_set or {}
        key = (deck, tuple(sorted(overrides.items())), tuple(sorted(deck_set.items())))
        if key in self.cache:
            return self.cache[key]
        path = os.path.join(CAL, deck)
        if not os.path.isfile(path):
            fail_input(f"{os.path.relpath(path, ROOT)}: no such deck")
        text = open(path, encoding="utf-8").read()
        text = text.replace('include = ["../tech/tech.toml"]', f'include = ["{os.path.join(TECH, "tech.toml")}"]')
        lines = "".join(f'"{k}" = {v!r}\n' for k, v in sorted(overrides.items()))
        if "\n[overrides]\n" not in text:
            fail_input(f"{deck}: a calibration deck needs an [overrides] table")
        text = text.replace("\n[overrides]\n", "\n[overrides]\n" + lines, 1)
        for dotted, value in sorted(deck_set.items()):
            section, _, name = dotted.rpartition(".")
            toml_value = json.dumps(value) if isinstance(value, str) else repr(value)
            head, sep, body = text.partition(f"\n[{section}]\n")
            if not sep:
                fail_input(f"{deck}: set {dotted}: the deck has no [{section}] table")
            block, nxt, rest = body.partition("\n[")
            block, n = re.subn(rf"^{re.escape(name)} = .*$", f"{name} = {toml_value}", block, count=1, flags=re.M)
            if n == 0:
                block = f"{name} = {toml_value}\n" + block
            text = head + sep + block + nxt + rest
        trial = os.path.join(self.workdir, deck)
        with open(trial, "w", encoding="utf-8") as f:
            f.write(text)
        run = subprocess.run([self.chipdse, "evaluate", trial, "--json"], capture_output=True, text=True)
        if run.returncode != 0:
            fail_input(f"chipdse evaluate {deck} failed ({run.returncode}): {run.stderr.strip()}")
        out = json.loads(run.stdout)
        m = dict(out["metrics"])
        # What the package draws (the power its limit binds): a run's board power excludes the NIC's pluggable optics.
        m["package_power_w"] = out["power_limit_w"]["package"]
        # The SLO check's times (at the deck's percentile when it sets one): what MLPerf's latency limits bind.
        slo = out.get("slo")
        for key in ("ttft", "tpot"):
            if slo and slo[key]["limit"] > 0 and slo[key]["time"] is not None:
                m[f"slo_{key}_s"] = slo[key]["time"]
        self.cache[key] = m
        return m


def ratio(model, case, overrides):
    """(model / achieved, the model's value, the achieved value) for one case."""
    metric = case["metric"]
    m = model.metrics(case["deck"], overrides, None if metric == "throughput_ratio" else case.get("set"))
    if metric == "energy_pj_per_flop":
        # Achieved energy per FLOP: the run's power over its achieved FLOP rate, in the model's own FLOP accounting:
        # achieved tokens/s x the model's FLOPs per token (power_w / energy_pj_per_flop / throughput), or, for a run
        # published as an MFU, that MFU x the model's peak (its FLOP rate / its MFU). Comparing energy per FLOP rather
        # than watts keeps the model's throughput error out of the energy constant.
        flops_per_s = m["power_w"] / (m["energy_pj_per_flop"] * 1e-12)
        if "mfu" in case:
            achieved_flops_per_s = case["mfu"] * flops_per_s / m["mfu"]
        else:
            achieved_flops_per_s = case["throughput"] * flops_per_s / m["throughput"]
        # Like with like: the run's board power against the package's own (without the off-package link power).
        achieved = case["power_w"] / achieved_flops_per_s * 1e12
        model_value = m["package_power_w"] / flops_per_s * 1e12
        return model_value / achieved, model_value, achieved
    if metric == "throughput_ratio":
        # The case's deck with its `set` over `ratio_deck` (default: the same deck) with `ratio_set`: the shape of the
        # throughput-power curve (one deck at two power limits), or one device against another run the same way.
        num = model.metrics(case["deck"], overrides, case.get("set"))
        den = model.metrics(case.get("ratio_deck", case["deck"]), overrides, case.get("ratio_set"))
        value = num["throughput"] / den["throughput"]
        return value / case["achieved"], value, case["achieved"]
    if metric not in m:
        fail_input(f"case {case['name']}: unknown metric '{metric}' (one of {', '.join(m)}, energy_pj_per_flop, "
                   f"throughput_ratio)")
    return m[metric] / case["achieved"], m[metric], case["achieved"]


def fit_pass(model, targets, cases, fitted):
    """One pass over [[fit]] in order; each constant sees the latest value of every other one."""
    fitted = dict(fitted)
    for spec in targets["fit"]:
        path, lo, hi = spec["path"], float(spec["lo"]), float(spec["hi"])
        members = [cases[n] for n in spec["cases"]]

        def residual(x):
            trial = dict(fitted, **{path: x})
            return sum(math.log(ratio(model, c, trial)[0]) for c in members)

        f_lo, f_hi = residual(lo), residual(hi)
        if f_lo * f_hi > 0:
            raise FitError(f"fit of {path}: no root in [{lo}, {hi}] (residuals {f_lo:.4g}, {f_hi:.4g})")
        for _ in range(BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            f_mid = residual(mid)
            if (f_mid > 0) == (f_hi > 0):
                hi, f_hi = mid, f_mid
            else:
                lo, f_lo = mid, f_mid
        fitted[path] = round_sig(0.5 * (lo + hi))
    return fitted


def fit(model, targets, cases, held=None):
    """Passes over [[fit]] (Gauss-Seidel) until the rounded constants repeat: the DVFS exponent and the KV-cache
    efficiency act on the same inference runs, so one pass is not enough. Starts from the middle of every bracket, so
    the result does not depend on the values in inputs/tech. `held` (path -> value) overrides unfitted tech values
    throughout (the sensitivity study); they are returned with the fitted constants."""
    fitted = dict(held or {})
    fitted.update({spec["path"]: round_sig(0.5 * (float(spec["lo"]) + float(spec["hi"]))) for spec in targets["fit"]})
    for n in range(1, MAX_PASSES + 1):
        nxt = fit_pass(model, targets, cases, fitted)
        if nxt == fitted:
            return fitted, n
        fitted = nxt
    raise FitError(f"the fit did not settle in {MAX_PASSES} passes (last: {fitted})")


def tech_value(path):
    table, _, key = path.rpartition(".")
    for name in sorted(os.listdir(TECH)):
        text = open(os.path.join(TECH, name), encoding="utf-8").read()
        section = "[" + table + "]"
        if section not in text:
            continue
        body = text.split(section, 1)[1].split("\n[", 1)[0]
        m = re.search(rf"^{re.escape(key)} = {{ value = ([0-9.eE+-]+)", body, re.M)
        if m:
            return float(m.group(1)), os.path.join(TECH, name)
    fail_input(f"{path}: not in inputs/tech")


def write_value(path, value):
    _, fname = tech_value(path)
    table, _, key = path.rpartition(".")
    text = open(fname, encoding="utf-8").read()
    head, section, rest = text.partition("[" + table + "]")
    rest = re.sub(rf"^({re.escape(key)} = {{ value = )[0-9.eE+-]+", rf"\g<1>{value!r}", rest, count=1, flags=re.M)
    with open(fname, "w", encoding="utf-8") as f:
        f.write(head + section + rest)


def sensitivity(model, targets, cases, specs):
    """For each `PATH=V1,V2,...`: refit with the unfitted tech value PATH held at each Vi and report the fitted constants
    and every validation error, so that a reader sees how far a low-confidence input moves the conclusions."""
    out = ["# Sensitivity of the calibration to low-confidence inputs", "",
           "Generated by `/usr/bin/python3 scripts/calibrate.py --sensitivity PATH=V1,V2,... --sensitivity-report FILE`:",
           "each value of an unfitted technology input is held while the constants of `targets.toml` are refitted",
           "from scratch, then every validation case is re-evaluated. Errors are model / achieved - 1.", ""]
    for spec in specs:
        path, sep, values = spec.partition("=")
        try:
            values = [float(v) for v in values.split(",")]
        except ValueError:
            values = []
        if not sep or not values:
            fail_input(f"--sensitivity {spec!r}: expected PATH=V1,V2,... (numbers)")
        current, _ = tech_value(path)
        runs, notes = [], []
        for v in values:
            try:
                runs.append(fit(model, targets, cases, {path: v})[0])
            except FitError as e:  # reported, not fatal: a value may leave a fitted case out of reach
                runs.append(None)
                notes.append(f"- at {v:g}: no fit ({e})")
        head = " | ".join(f"{v:g}{' (inputs/tech)' if v == current else ''}" for v in values)
        out += [f"## `{path}`", "", f"| | {head} |", "|---|" + "---|" * len(values)]
        for f_spec in targets["fit"]:
            out.append(f"| fitted `{f_spec['path']}` | " + " | ".join("-" if r is None else f"{r[f_spec['path']]:g}" for r in runs)
                       + " |")
        for c in targets["case"]:
            if c["role"] != "validate":
                continue
            errs = ["-" if r is None else f"{ratio(model, c, r)[0] - 1.0:+.1%}" for r in runs]
            out.append(f"| {c['name']} (±{c['tolerance']:.0%}) | " + " | ".join(errs) + " |")
        out += [""] + notes + ([""] if notes else [])
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chipdse", default=os.path.join(ROOT, "build", "bin", "chipdse"))
    ap.add_argument("--write", action="store_true", help="write the fitted values into inputs/tech")
    ap.add_argument("--report", help="also write the report (markdown) to this file")
    ap.add_argument("--check-report", help="fail when this file is not the report of this run")
    ap.add_argument("--sensitivity", action="append", default=[], metavar="PATH=V1,V2,...",
                    help="refit with an unfitted tech value held at each Vi and report the validation errors (repeatable)")
    ap.add_argument("--sensitivity-report", help="write the sensitivity study (markdown) to this file")
    args = ap.parse_args()
    with open(os.path.join(CAL, "targets.toml"), "rb") as f:
        targets = tomllib.load(f)
    cases = {c["name"]: c for c in targets["case"]}
    ok = True
    out = ["# Calibration of the performance and power model", "",
           "Generated by `/usr/bin/python3 scripts/calibrate.py --report docs/calibration.md` from",
           "`inputs/calibration/targets.toml` (achieved figures and their sources) and the decks beside it; ctest",
           "checks that this file is current. Errors are model / achieved - 1.", "",
           "| constant | fitted | inputs/tech |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as work:
        model = Model(args.chipdse, work)
        if args.sensitivity:
            study = sensitivity(model, targets, cases, args.sensitivity)
            print(study, end="")
            if args.sensitivity_report:
                with open(args.sensitivity_report, "w", encoding="utf-8") as f:
                    f.write(study)
            return
        try:
            fitted, passes = fit(model, targets, cases)
        except FitError as e:
            fail_input(str(e))
        out.insert(-2, f"The fit settled after {passes} passes over the constants (each pass fits them in turn).")
        out.insert(-2, "")
        for path, value in fitted.items():
            if args.write:
                write_value(path, value)
            current, _ = tech_value(path)
            same = current == value
            ok = ok and same
            out.append(f"| `{path}` | {value:g} | {current:g}{'' if same else '  **differs**'} |")
        out += ["", "| case | role | model | achieved | error | tolerance | status |", "|---|---|---|---|---|---|---|"]
        for c in targets["case"]:
            r, value, achieved = ratio(model, c, {})  # the tech values as they stand
            err = r - 1.0
            tol = c.get("tolerance")
            if c["role"] == "fit":
                status = "fitted"
            elif abs(err) <= tol and "known_miss" in c:
                status = "STALE (within, but targets.toml still explains a miss)"  # the explanation must go
                ok = False
            elif abs(err) <= tol:
                status = "within"
            elif "known_miss" in c:
                status = "MISS (known, see targets.toml)"
            else:
                status = "FAIL"
                ok = False
            out.append(f"| {c['name']} | {c['role']} | {value:.4g} {c['unit']} | {achieved:.4g} | {err:+.1%} | "
                       f"{'' if tol is None else f'±{tol:.0%}'} | {status} |")
        misses = [c for c in targets["case"] if c["role"] == "validate" and "known_miss" in c]
        if misses:
            out += ["", "Known misses (reported, not claimed):", ""]
            out += [f"- {c['name']}: {c['known_miss']}" for c in misses]
    report = "\n".join(out) + "\n"
    print(report, end="")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(report)
    if args.check_report:
        current = open(args.check_report, encoding="utf-8").read() if os.path.isfile(args.check_report) else ""
        if current != report:
            print(f"calibrate.py: {args.check_report} is not current: run scripts/calibrate.py --report "
                  f"{args.check_report}", file=sys.stderr)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
