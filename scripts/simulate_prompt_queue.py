#!/usr/bin/python3
"""Discrete-event simulation of a serving engine's token budget, to check model/prompt_queue.hpp.

The engine runs iterations one after another. Each iteration carries one token for every decoding sequence and
spends the rest of its budget on chunks of the waiting prompts, first come first served; a prompt whose last chunk
runs in an iteration gets its first token at that iteration's end and then decodes `--output-tokens` more
iterations. Requests arrive as a Poisson stream at the rate that keeps `--sequences` decoding on average
(sequences / output tokens per iteration). An iteration lasts `--iteration-s` x (1 + slope (n - sequences)) for n
decoding. Prompt lengths are drawn from the `input_length` column of a CSV (for MLPerf Llama-2-70B:
openshift-psap/performance-dashboard mlperf-data/summaries/llama2-70b-99.csv).

Two options go beyond what the model assumes, to measure what it leaves out:
  --prefill-s-per-token A  an iteration's time depends on the prompt tokens it carries: it lasts its decode part
                           plus A per prompt token, the decode part being --iteration-s less A x the prompt tokens
                           of a mean iteration (sequences x mean prompt / output tokens), so the mean is kept. The
                           engine then starts with `--sequences` decoding (with the iteration growing in n, an
                           empty engine can settle at a second, lower equilibrium).
  --output-lengths         each request's output length is its row's `output_length`, scaled to a mean of
                           --output-tokens (the CSV's column is the dataset's reference answer, not the served
                           model's); otherwise every request generates --output-tokens.

Prints the mean number decoding, the mean and percentile of the time to first token, and of the time per output
token of the requests generating more than one ((end - first token) / (output - 1), as MLPerf reports it). The
model's closed form (chipdse evaluate with workload.iteration_token_budget) makes the approximations this does not:
a fluid M/G/1 queue, an exponential waiting-time tail, exponential own prompts, a Poisson mixture over the number
in flight, and an iteration time that depends on the number decoding only.

  /usr/bin/python3 scripts/simulate_prompt_queue.py --lengths llama2-70b-99.csv --sequences 99 --budget 256 \\
      --iteration-s 0.02825 --slope 0.0039

The table of docs/model.md ("Not modelled", each prompt token at its compute): the model's TPOT, its decode part's
slope and its time per prompt token (batch prefill / (batch x mean prompt)) at each MLPerf run's concurrency, with
--output-lengths:
  Interactive H100  --sequences 99  --budget 256  --iteration-s 0.02825 --slope 2.292e-3 --prefill-s-per-token 5.9517e-5
  Interactive H200  --sequences 89  --budget 256  --iteration-s 0.03615 --slope 2.242e-3 --prefill-s-per-token 1.0537e-4
  Server H200       --sequences 450 --budget 4096 --iteration-s 0.12896 --slope 9.5e-4   --prefill-s-per-token 1.0874e-4
  Server H100       --sequences 837 --budget 4096 --iteration-s 0.13985 --slope 8.062e-4 --prefill-s-per-token 5.9295e-5
"""
import argparse
import collections
import csv
import sys

import numpy as np


def simulate(lengths, outputs, sequences, budget, iteration_s, slope, prefill_s_per_token, output_tokens, iterations,
             seed, percentile):
    rng = np.random.default_rng(seed)
    arrivals_per_s = sequences / output_tokens / iteration_s
    # The decode part of an iteration: the mean iteration less the prompt tokens a mean iteration carries.
    decode_s = iteration_s - prefill_s_per_token * sequences * lengths.mean() / output_tokens
    if not decode_s > 0.0:
        raise ValueError(f"--prefill-s-per-token {prefill_s_per_token}: the prompts alone fill the mean iteration")
    waiting = collections.deque()  # [arrival time, prompt tokens left, output tokens]
    ending = collections.Counter()  # iteration index -> sequences decoding their last token in it
    tpot_from = collections.defaultdict(list)  # iteration index -> (first-token time, output tokens) ending in it
    n = 0
    if prefill_s_per_token > 0.0:  # start full: sequences spread evenly over their remaining tokens
        n = int(round(sequences))
        for j in range(n):
            ending[int(j * output_tokens / n)] += 1
    now, next_arrival = 0.0, rng.exponential(1.0 / arrivals_per_s)
    ttft, tpot, in_flight = [], [], []
    warm = iterations // 10  # drop the first tenth: the engine settling
    for it in range(iterations):
        while next_arrival <= now:  # requests that arrived before this iteration starts may join it
            if outputs is None:
                waiting.append([next_arrival, int(rng.choice(lengths)), output_tokens])
            else:  # a row's prompt and output together
                row = int(rng.integers(len(lengths)))
                waiting.append([next_arrival, int(lengths[row]), int(outputs[row])])
            next_arrival += rng.exponential(1.0 / arrivals_per_s)
        room = budget - n
        started = []
        carried = 0
        while waiting and room > 0:
            head = waiting[0]
            chunk = min(room, head[1])
            head[1] -= chunk
            room -= chunk
            carried += chunk
            if head[1] == 0:
                started.append(waiting.popleft())
        if prefill_s_per_token > 0.0:
            duration = max(0.2 * decode_s, decode_s + iteration_s * slope * (n - sequences)) + \
                prefill_s_per_token * carried
        else:
            duration = iteration_s * (1.0 + slope * (n - sequences))
        end = now + duration
        if it >= warm:
            in_flight.append(n)
            for first, out in tpot_from.pop(it, ()):
                tpot.append((end - first) / (out - 1))
        n -= ending.pop(it, 0)  # their last token is this iteration's
        for arrival, _, out in started:
            ttft.append(end - arrival)
            if out > 1:  # decodes out - 1 more iterations, the last of them it + out - 1
                n += 1
                ending[it + out - 1] += 1
                if it >= warm:
                    tpot_from[it + out - 1].append((end, out))
        now = end
    t, p = np.array(ttft[len(ttft) // 10:]), np.array(tpot)  # the first tenth of the requests: the engine filling
    return (float(np.mean(in_flight)), float(t.mean()), float(np.percentile(t, percentile)),
            float(p.mean()) if p.size else float("nan"), float(np.percentile(p, percentile)) if p.size else float("nan"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lengths", required=True, help="CSV with an input_length column (prompt tokens)")
    ap.add_argument("--sequences", type=float, required=True, help="mean number decoding (the model's batch)")
    ap.add_argument("--budget", type=int, required=True, help="tokens per iteration (max_num_tokens)")
    ap.add_argument("--iteration-s", type=float, required=True, help="iteration time at the mean (the model's TPOT)")
    ap.add_argument("--slope", type=float, default=0.0, help="relative growth of the iteration per sequence")
    ap.add_argument("--prefill-s-per-token", type=float, default=0.0,
                    help="seconds an iteration spends per prompt token it carries (0: every iteration alike)")
    ap.add_argument("--output-lengths", action="store_true",
                    help="draw output lengths from the CSV's output_length column, scaled to --output-tokens")
    ap.add_argument("--output-tokens", type=float, default=294.45, help="tokens generated per request (mean)")
    ap.add_argument("--iterations", type=int, default=300000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--percentile", type=float, default=99.0)
    a = ap.parse_args()
    column = "input_length"
    try:
        with open(a.lengths, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        lengths = np.array([int(r["input_length"]) for r in rows])
        outputs = None
        if a.output_lengths:
            column = "output_length"
            raw = np.array([int(r["output_length"]) for r in rows], dtype=float)
            outputs = np.maximum(1, np.round(raw * a.output_tokens / raw.mean())).astype(int)
    except (OSError, KeyError, ValueError) as e:
        print(f"simulate_prompt_queue: {a.lengths}: cannot read {column}: {e}", file=sys.stderr)
        return 2
    output_tokens = a.output_tokens if outputs is not None else int(round(a.output_tokens))
    try:
        n, mean, pct, tpot_mean, tpot_pct = simulate(lengths, outputs, a.sequences, a.budget, a.iteration_s, a.slope,
                                                     a.prefill_s_per_token, output_tokens, a.iterations, a.seed,
                                                     a.percentile)
    except ValueError as e:
        print(f"simulate_prompt_queue: {e}", file=sys.stderr)
        return 2
    print(f"mean decoding {n:.1f}; TTFT mean {mean * 1e3:.1f} ms, {a.percentile:g}th percentile {pct * 1e3:.1f} ms; "
          f"TPOT mean {tpot_mean * 1e3:.2f} ms, {a.percentile:g}th percentile {tpot_pct * 1e3:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
