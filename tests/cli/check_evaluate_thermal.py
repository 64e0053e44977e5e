#!/usr/bin/python3
"""`chipdse evaluate --thermal --json` on one design: the PETSc solve of the design's package at the kernel's power
map. Checked here: the case it writes (--thermal-case) solved by `chipdse thermal` gives the same peaks bit for bit;
and each from its own definition: the heat balance (what leaves through the boundaries is what the dies put in), the power put in is the dies' listed powers, the hottest logic die is the hottest of the listed compute,
IO and cache dies, it is not below the kernel's lower bound (model/thermal_bound.hpp: a bound on the same map), the
verdict against the deck's limit follows from the two numbers, the operating point at the solved temperature is a
settled fixed point no cooler and no faster than the kernel's, and the junction moves by less than 0.25 K (or 0.5% of
its rise) from 32 to 64 cells per side (tests/data/thermal/README.md: the 64-cell grid is within 0.07 K of the
converged peak of case B)."""
import json
import math
import os
import subprocess
import sys
import tempfile

import example_check


def evaluate(chipdse, deck, sets, cells, case=None):
    cmd = [chipdse, "evaluate", deck, "--json", "--thermal", "--thermal-cells", str(cells)] + [f"--set={s}" for s in sets]
    if case:
        cmd += ["--thermal-case", case]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)


def main():
    a = example_check.arguments()
    errors = []
    with tempfile.TemporaryDirectory() as work:
        case = os.path.join(work, "design.fv")
        j = evaluate(a.chipdse, a.deck, a.sets, 64, case)
        # The case written beside the solve is the solve: `chipdse thermal` on it gives every die's peak, bit for bit.
        out = subprocess.run([a.chipdse, "thermal", case, "--json"], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"chipdse thermal {case} exited {out.returncode}: {out.stderr}")
        solved = {b["name"]: b["max"] - 273.15 for b in json.loads(out.stdout)["blocks"]}
    t = j["thermal"]
    for d in t["dies"]:
        if solved.get(d["name"]) != d["max_c"]:
            errors.append(f"{d['name']}: {d['max_c']} C here, {solved.get(d['name'])} C from chipdse thermal on its case")
    p_in, q_out = t["power_in_w"], t["heat_out_w"]
    if not (p_in > 0 and abs(q_out - p_in) <= 1e-6 * p_in):
        errors.append(f"heat balance: power in {p_in} W, heat out {q_out} W")
    listed = sum(d["power_w"] for d in t["dies"])
    if abs(listed - p_in) > 1e-9 * p_in:
        errors.append(f"the dies list {listed} W, the solve put in {p_in} W")
    logic = [d for d in t["dies"] if d["name"].startswith(("compute", "io", "cache"))]
    if not logic:
        errors.append("no logic die in the solve")
    else:
        hottest = max(logic, key=lambda d: d["max_c"])
        if t["hottest_logic_die"] != hottest["name"] or t["tj_c"] != hottest["max_c"]:
            errors.append(f"hottest logic die {t['hottest_logic_die']} at {t['tj_c']} C, the list's is {hottest}")
    if not (t["tj_c"] >= t["tj_bound_c"]):
        errors.append(f"the solved junction {t['tj_c']} C is below the kernel's lower bound {t['tj_bound_c']} C")
    engines = [d for d in t["dies"] if d["name"].startswith("optical")]
    if engines:
        hot = max(engines, key=lambda d: d["max_c"])
        if t["hottest_optical_engine"] != hot["name"] or t["optical_engine_c"] != hot["max_c"]:
            errors.append(f"hottest engine {t['hottest_optical_engine']} at {t['optical_engine_c']} C, the list's is {hot}")
        # Under the lid an engine runs no hotter than the hottest logic die here (an 8-20 W engine beside a
        # 400 W carrier; with its heat trapped in the organic substrate it ran at thousands of kelvin).
        if not (hot["max_c"] <= t["tj_c"]):
            errors.append(f"engine {hot['name']} at {hot['max_c']} C, above the hottest logic die {t['tj_c']} C")
    elif t["hottest_optical_engine"] is not None:
        errors.append("an engine is named but none is listed")
    if t["tj_bound_c"] != j["metrics"]["tj_bound_c"]:
        errors.append("the bound beside the solve is not the kernel's metric")
    if t["within_tj_max"] != (t["tj_c"] <= t["tj_max_c"]):
        errors.append(f"verdict {t['within_tj_max']} for {t['tj_c']} C against {t['tj_max_c']} C")
    if not all(math.isfinite(d["max_c"]) and d["max_c"] >= t["ambient_c"] for d in t["dies"]):
        errors.append("a die is below ambient or not finite")
    # The operating point at the solved temperature: a fixed point T = solve(P(T)) within the settling tolerance,
    # no cooler than the first solve (the leakage only grows with the temperature), leaking no less than the kernel's
    # point and delivering no more, within the package limit when a DVFS clamp holds it there.
    st = t["settled"]
    kernel = st["kernel"]
    if not st["converged"] or abs(st["tj_c"] - st["leakage_junction_c"]) > 0.05:
        errors.append(f"not settled: leakage at {st['leakage_junction_c']} C, solved {st['tj_c']} C")
    if st["tj_c"] < t["tj_c"] - 0.05:
        errors.append(f"settled {st['tj_c']} C below the first solve's {t['tj_c']} C")
    if st["leakage_w"] < kernel["leakage_w"]:
        errors.append(f"settled leakage {st['leakage_w']} W below the kernel's {kernel['leakage_w']} W")
    if st["throughput"] > kernel["throughput"] * (1 + 1e-12):
        errors.append(f"settled throughput {st['throughput']} above the kernel's {kernel['throughput']}")
    if kernel["throughput"] != j["metrics"]["throughput"] or kernel["leakage_w"] != j["power_breakdown_w"]["leakage"]:
        errors.append("the kernel's point beside the settled one is not the reported one")
    # The sustained point: within the junction limit when found, the design's clock when that already meets it (then
    # it is the settled point), never faster than asked.
    su = t["sustained"]
    if su["found"]:
        if su["tj_c"] > t["tj_max_c"]:
            errors.append(f"sustained at {su['tj_c']} C, over the limit {t['tj_max_c']} C")
        if su["effective_clock_ghz"] > su["clock_ghz"] * (1 + 1e-12):
            errors.append(f"sustained runs at {su['effective_clock_ghz']} GHz, above the {su['clock_ghz']} asked")
        if su["result"] == "DESIGN_CLOCK" and su["throughput"] != st["throughput"]:
            errors.append("at the design's clock the sustained point is not the settled one")
    elif st["within_tj_max"]:
        errors.append("the settled point meets the limit but no sustained clock was found")
    tdp = j["power_limit_w"]["tdp"]
    if st["within_tdp"] != (not (tdp > 0 and st["package_w"] > tdp)):
        errors.append(f"power verdict {st['within_tdp']} for {st['package_w']} W against {tdp} W")
    coarse = evaluate(a.chipdse, a.deck, a.sets, 32)["thermal"]
    if abs(coarse["tj_c"] - t["tj_c"]) > max(0.25, 0.005 * (t["tj_c"] - t["ambient_c"])):
        errors.append(f"32 cells give {coarse['tj_c']} C, 64 give {t['tj_c']} C")
    if errors:
        sys.exit("\n".join(errors))
    print(f"ok: {t['hottest_logic_die']} {t['tj_c']:.3f} C (bound {t['tj_bound_c']:.3f} C), {p_in:.3f} W in")


if __name__ == "__main__":
    main()
