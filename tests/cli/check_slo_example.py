#!/usr/bin/python3
"""inputs/examples/inference_slo.toml (workload.batch_policy = "slo"): each design runs the largest batch whose TTFT and
TPOT meet the deck's limits (450 ms, 40 ms), at most what its HBM holds. Checked against inference_hbm_capacity.toml, the same
package and workload with the batch filling the HBM (a separate deck, evaluated the same way): the SLO batch never
exceeds the memory batch, meets the limit where the memory batch misses it, and the designs stay feasible. Under the
deck's token budget per iteration the batch also stays below what the budget sustains, batch (1 + prompt / output) <
budget, the TTFT at the deck's percentile meets its limit, and somewhere the TTFT is what binds."""
import os
import tomllib

from example_check import arguments, evaluate, finish


def main():
    a = arguments()
    with open(a.deck, "rb") as fh:
        deck = tomllib.load(fh)
    tpot_slo = deck["constraints"]["tpot_slo_s"]
    ttft_slo = deck["constraints"]["ttft_slo_s"]
    capacity_deck = os.path.join(os.path.dirname(a.deck), "inference_hbm_capacity.toml")
    w = deck["workload"]
    budget = w.get("iteration_token_budget", 0)
    # The largest whole batch with n (prompt + output) < budget x output (deck.cpp's integer rule, computed here).
    sustained = (budget * w["output_tokens"] - 1) // (w["output_tokens"] + w["sequence_length"]) if budget else None
    fails = []
    below = 0
    ttft_bound = 0
    for hbm in deck["space"]["hbm"]:
        for stacks in deck["space"]["hbm_stacks"]:
            s = evaluate(a.chipdse, a.deck, hbm=hbm, hbm_stacks=stacks)
            f = evaluate(a.chipdse, capacity_deck, hbm=hbm, hbm_stacks=stacks)
            ms, mf = s["metrics"], f["metrics"]
            print(f"{hbm} x{stacks}: SLO batch {ms['batch_sequences']:.0f} (TPOT {1e3 * ms['tpot_s']:.1f} ms, "
                  f"{ms['throughput']:.0f} tokens/s) | memory batch {mf['batch_sequences']:.0f} "
                  f"(TPOT {1e3 * mf['tpot_s']:.1f} ms, {mf['throughput']:.0f} tokens/s)")
            if s["infeasible"]:
                fails.append(f"{hbm} x{stacks}: infeasible {s['infeasible']}")
            if not ms["tpot_s"] <= tpot_slo:
                fails.append(f"{hbm} x{stacks}: TPOT {ms['tpot_s']} s over the SLO {tpot_slo} s")
            if not ms["ttft_s"] <= ttft_slo:
                fails.append(f"{hbm} x{stacks}: TTFT {ms['ttft_s']} s over the SLO {ttft_slo} s")
            if not 1 <= ms["batch_sequences"] <= mf["batch_sequences"]:
                fails.append(f"{hbm} x{stacks}: SLO batch {ms['batch_sequences']} not in [1, {mf['batch_sequences']}]")
            if s["budget_sustained_batch"] != sustained:
                fails.append(f"{hbm} x{stacks}: evaluate reports {s['budget_sustained_batch']} sequences sustained by "
                             f"the budget, expected {sustained}")
            if sustained is not None and not ms["batch_sequences"] <= sustained:
                fails.append(f"{hbm} x{stacks}: SLO batch {ms['batch_sequences']} above the {sustained} the budget sustains")
            ttft = s["slo"]["ttft"]["time"]
            if ttft is None or not ttft <= ttft_slo:
                fails.append(f"{hbm} x{stacks}: TTFT at the percentile {ttft} s over the SLO {ttft_slo} s")
            elif ttft > 0.95 * ttft_slo:
                ttft_bound += 1
            if s["batch_sequences"] != ms["batch_sequences"]:
                fails.append(f"{hbm} x{stacks}: the reported batch and the batch_sequences column differ")
            if mf["tpot_s"] > tpot_slo:
                below += 1
                if not ms["batch_sequences"] < mf["batch_sequences"]:
                    fails.append(f"{hbm} x{stacks}: the memory batch misses the SLO, so the SLO batch must be smaller")
    if below == 0:
        fails.append("the SLO must bind somewhere: every memory batch met it")
    if sustained is not None and ttft_bound == 0:
        fails.append("under the token budget the TTFT must bind somewhere (within 5% of its limit)")
    finish(fails)


if __name__ == "__main__":
    main()
