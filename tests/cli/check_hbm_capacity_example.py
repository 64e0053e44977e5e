#!/usr/bin/python3
"""inputs/examples/inference_hbm_capacity.toml: under workload.batch_policy = "fill_memory" the batch is what the
package's HBM holds, written out here from the model shape and the HBM rows (b = min(2048, floor(0.9 (C - W) / KV per
sequence)), W = the FP8 weights, KV at the mean context), and throughput rises with the stack count of either
generation while every design stays feasible (the 700 W limit lowers the clock instead)."""
import math
import os
import tomllib

from example_check import arguments, evaluate, finish


def main():
    a = arguments()
    with open(a.deck, "rb") as f:
        deck = tomllib.load(f)
    with open(os.path.join(os.path.dirname(a.deck), "..", "tech", "memory.toml"), "rb") as f:
        memory = tomllib.load(f)["memory"]
    w = deck["workload"]
    L, h, nq, nkv, ff, V = w["layers"], w["d_model"], w["heads"], w["kv_heads"], w["ffn_hidden"], w["vocab"]
    dh = h // nq
    weights_gb = (L * (h * dh * (2 * nq + 2 * nkv) + 3 * h * ff) + V * h) * 1.0 / 1e9  # FP8: one byte a parameter
    context = w["sequence_length"] + w["output_tokens"] / 2
    kv_gb = context * L * 2 * nkv * dh * 1.0 / 1e9
    fails = []
    for hbm in deck["space"]["hbm"]:
        previous = 0.0
        for n in deck["space"]["hbm_stacks"]:
            j = evaluate(a.chipdse, a.deck, hbm=hbm, hbm_stacks=n)
            m = j["metrics"]
            capacity = n * memory[hbm]["capacity_gb"]["value"]
            expected = min(w["micro_batch_sequences"], math.floor(w["kv_cache_memory_fraction"] * (capacity - weights_gb) / kv_gb))
            print(f"{hbm:6s} x {n}: {capacity:6.0f} GB  batch {j['batch_sequences']:6.0f} (written out {expected:5d})  "
                  f"throughput {m['throughput']:8.1f} tokens/s  clock {m['effective_clock_ghz']:.3f} GHz  "
                  f"cost {m['cost_usd']:6.0f} USD  infeasible {j['infeasible']}")
            if j["batch_sequences"] != expected:
                fails.append(f"{hbm} x {n}: batch {j['batch_sequences']} != {expected}")
            if j["infeasible"]:
                fails.append(f"{hbm} x {n}: infeasible {j['infeasible']}")
            if not m["throughput"] > previous:
                fails.append(f"{hbm} x {n}: throughput {m['throughput']} does not rise with the stacks")
            package_w = j["power_limit_w"]["package"]  # the limit binds the package, not the NIC's pluggable optics
            if package_w > deck["constraints"]["tdp_w"] * (1 + 1e-9):
                fails.append(f"{hbm} x {n}: package power {package_w} W over the limit")
            previous = m["throughput"]
    finish(fails)


if __name__ == "__main__":
    main()
