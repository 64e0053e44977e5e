#!/usr/bin/python3
"""Discrete-event simulation of a serving engine's token budget, to check model/prompt_queue.hpp.

The engine runs iterations one after another. Each iteration carries one token for every decoding sequence and
spends the rest of its budget on chunks of the waiting prompts, first come first served; a prompt whose last chunk
runs in an iteration gets its first token at that iteration's end and then decodes `--output-tokens` more
iterations. Requests arrive as a Poisson stream at the rate that keeps `--sequences` decoding on average
(sequences / output tokens per iteration). An iteration lasts `--iteration-s` x (1 + slope (n - sequences)) for n
decoding. Prompt lengths are drawn from the `input_length` column of a CSV (for MLPerf Llama-2-70B:
openshift-psap/performance-dashboard mlperf-data/summaries/llama2-70b-99.csv).

Prints the mean number decoding and the mean and percentile of the time to first token. The model's closed form
(chipdse evaluate with workload.iteration_token_budget) makes the approximations this does not: a fluid M/G/1 queue,
an exponential waiting-time tail, exponential own prompts, and a Poisson mixture over the number in flight.

  /usr/bin/python3 scripts/simulate_prompt_queue.py --lengths llama2-70b-99.csv --sequences 99 --budget 256 \\
      --iteration-s 0.02825 --slope 0.0039
"""
import argparse
import collections
import csv
import sys

import numpy as np


def simulate(lengths, sequences, budget, iteration_s, slope, output_tokens, iterations, seed, percentile):
    rng = np.random.default_rng(seed)
    arrivals_per_s = sequences / output_tokens / iteration_s
    waiting = collections.deque()  # [arrival time, prompt tokens left]
    decoding = []                  # output tokens left per decoding sequence
    now, next_arrival = 0.0, rng.exponential(1.0 / arrivals_per_s)
    ttft, in_flight = [], []
    for _ in range(iterations):
        n = len(decoding)
        end = now + iteration_s * (1.0 + slope * (n - sequences))
        while next_arrival <= now:  # requests that arrived before this iteration starts may join it
            waiting.append([next_arrival, int(rng.choice(lengths))])
            next_arrival += rng.exponential(1.0 / arrivals_per_s)
        room = budget - n
        started = []
        while waiting and room > 0:
            head = waiting[0]
            chunk = min(room, head[1])
            head[1] -= chunk
            room -= chunk
            if head[1] == 0:
                started.append(waiting.popleft()[0])
        decoding = [left - 1 for left in decoding if left > 1]
        for arrival in started:
            ttft.append(end - arrival)
            decoding.append(output_tokens - 1)
        in_flight.append(n)
        now = end
    warm = len(ttft) // 10  # drop the first tenth: the empty engine filling up
    t = np.array(ttft[warm:])
    return float(np.mean(in_flight[iterations // 10:])), float(t.mean()), float(np.percentile(t, percentile))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lengths", required=True, help="CSV with an input_length column (prompt tokens)")
    ap.add_argument("--sequences", type=float, required=True, help="mean number decoding (the model's batch)")
    ap.add_argument("--budget", type=int, required=True, help="tokens per iteration (max_num_tokens)")
    ap.add_argument("--iteration-s", type=float, required=True, help="iteration time at the mean (the model's TPOT)")
    ap.add_argument("--slope", type=float, default=0.0, help="relative growth of the iteration per sequence")
    ap.add_argument("--output-tokens", type=int, default=294, help="tokens generated per request")
    ap.add_argument("--iterations", type=int, default=300000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--percentile", type=float, default=99.0)
    a = ap.parse_args()
    try:
        with open(a.lengths, newline="", encoding="utf-8") as f:
            lengths = np.array([int(r["input_length"]) for r in csv.DictReader(f)])
    except (OSError, KeyError, ValueError) as e:
        print(f"simulate_prompt_queue: {a.lengths}: cannot read input_length: {e}", file=sys.stderr)
        return 2
    n, mean, pct = simulate(lengths, a.sequences, a.budget, a.iteration_s, a.slope, a.output_tokens, a.iterations,
                            a.seed, a.percentile)
    print(f"mean decoding {n:.1f}; TTFT mean {mean * 1e3:.1f} ms, {a.percentile:g}th percentile {pct * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
