#!/usr/bin/python3
"""inputs/examples/sram_vs_hbm.toml (issue #5, the on-chip ceiling): the package SRAM is an axis (space.sram_mb) and
the example evaluates each value on one N3 die and on 8 N3 chiplets. What must hold, from the tiling bound
(shared/reference/perf_models.md §6.2) and the area model, independently of the numbers: the output tile `evaluate`
reports is sqrt(S_die / (3 a_b)) with S_die = the package SRAM over the compute dies (BF16: a_b = 2), at least the GEMM
tile; more SRAM never costs less silicon or money (strictly more over the range: a die whose HBM shoreline sets its
size holds a little more SRAM in the same area); it never raises the HBM bytes per token or the share re-read through the
buffer, and never lengthens the step at a fixed clock. The same SRAM over 8 chiplets re-reads more than on one die,
and at 1 MB the chiplets' HBM traffic bounds the step, which 60 MB does not."""
import math

from example_check import arguments, evaluate, finish

SRAM_MB = (1.0, 4.0, 15.0, 60.0, 240.0)


def main():
    a = arguments()
    fails = []
    r = {}
    for part in ("monolithic", "chiplets"):
        for stacks in (4, 8):
            prev = None
            for mb in SRAM_MB:
                j = evaluate(a.chipdse, a.deck, partitioning=part, hbm_stacks=stacks, sram_mb=mb)
                m, buf = j["metrics"], j["on_chip_buffer"]
                r[part, stacks, mb] = j
                dies = 8 if part == "chiplets" else 1
                tile = max(128.0, math.sqrt(mb * 1048576.0 / dies / 6.0))
                per_token = m["hbm_tb_per_s"] / m["throughput"]
                print(f"{part:10s} {stacks} stacks {mb:6.1f} MB  tile {buf['output_tile']:6.0f}  HBM {m['hbm_tb_per_s']:.3f} TB/s "
                      f"({100 * m['hbm_reread_fraction']:.1f}% re-read)  step {m['latency_s']:.4f} s  power {m['power_w']:.1f} W  "
                      f"cost {m['cost_usd']:.0f} USD  area {m['silicon_area_mm2']:.0f} mm2")
                if abs(buf["output_tile"] - tile) > 1e-9 * tile:
                    fails.append(f"{part} {mb} MB: tile {buf['output_tile']} != sqrt(S_die / 6) = {tile}")
                if abs(buf["sram_mb_per_compute_die"] - mb / dies) > 1e-12:
                    fails.append(f"{part} {mb} MB: {buf['sram_mb_per_compute_die']} MB per die, expected {mb / dies}")
                if m["effective_clock_ghz"] != 1.83:
                    fails.append(f"{part} {mb} MB: the clock must stay at 1.83 GHz (no power limit binds)")
                if prev is not None:
                    pm, p_per_token = prev
                    # Not strictly: a die whose size its HBM shoreline sets holds a little more SRAM in the same area.
                    if not (m["silicon_area_mm2"] >= pm["silicon_area_mm2"] and m["cost_usd"] >= pm["cost_usd"]):
                        fails.append(f"{part} {stacks} stacks {mb} MB: more SRAM must not cost less area or money")
                    if not (per_token <= p_per_token and m["hbm_reread_fraction"] < pm["hbm_reread_fraction"]):
                        fails.append(f"{part} {stacks} stacks {mb} MB: more SRAM must not raise the HBM bytes per token")
                    if m["latency_s"] > pm["latency_s"]:
                        fails.append(f"{part} {stacks} stacks {mb} MB: more SRAM must not lengthen the step")
                prev = (m, per_token)
    for stacks in (4, 8):
        for mb in SRAM_MB:
            mono, chip = r["monolithic", stacks, mb]["metrics"], r["chiplets", stacks, mb]["metrics"]
            if not chip["hbm_reread_fraction"] > mono["hbm_reread_fraction"]:
                fails.append(f"{stacks} stacks {mb} MB: 8 chiplets must re-read more than one die with the same SRAM")
        for part in ("monolithic", "chiplets"):
            small, large = r[part, stacks, SRAM_MB[0]]["metrics"], r[part, stacks, SRAM_MB[-1]]["metrics"]
            if not (large["silicon_area_mm2"] > small["silicon_area_mm2"] and large["cost_usd"] > small["cost_usd"]):
                fails.append(f"{part} {stacks} stacks: 240 MB must cost more area and money than 1 MB")
        slow, fast = r["chiplets", stacks, 1.0]["metrics"], r["chiplets", stacks, 60.0]["metrics"]
        if not slow["latency_s"] > 1.2 * fast["latency_s"]:
            fails.append(f"{stacks} stacks: 1 MB over 8 chiplets must be memory-bound (step {slow['latency_s']} vs "
                         f"{fast['latency_s']} s at 60 MB)")
    if any(r[k]["infeasible"] and k[2] < 240.0 for k in r):
        fails.append("every design below 240 MB must be feasible")
    finish(fails)


if __name__ == "__main__":
    main()
