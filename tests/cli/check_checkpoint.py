#!/usr/bin/python3
"""Checkpoint/restart acceptance (issue #7), with h5py alone, on tests/cli/decks/ckpt_small.toml (3,264 designs,
102 chunks of 32, a checkpoint every 4 chunks, output.store = "feasible").

CHIPDSE_TEST_CHUNK_DELAY_MS (a test hook of `chipdse run`) makes every chunk take that long, so a run lasts about a
second or two and the processes can be killed at known stages: each kill waits for the run's "checkpoint N:" line.

--scenario kill: a chain of interrupted runs, every kill after a checkpoint exists,
  1. mpiexec -n 2, fresh:          SIGKILL to every process (node failure) 0.05 s after checkpoint 2
  2. mpiexec -n 2 --resume:        SIGTERM to mpiexec (it forwards it, and kills 1 s later) after checkpoint 1
  3. mpiexec -n 1 --resume (2->1): SIGTERM to the rank (as srun delivers it) after checkpoint 1: exit 3, says --resume;
                                   this step's deck checkpoints by time (1 s) instead: interval keys may change
  4. mpiexec -n 2 --resume (1->2): SIGUSR1 to mpiexec (forwarded) right after checkpoint 1: exit 3
  5. mpiexec -n 2 --resume:        SIGKILL to every process 0.13 s after checkpoint 1
  6. mpiexec -n 2 --resume:        runs to the end
  Every resume must start from at least as many completed chunks as the last checkpoint line before the kill showed
  (at least one), and the final file must say chunks_resumed + chunks_evaluated = chunks with chunks_resumed >= 1 and
  equal the uninterrupted run's /pareto, /points, /space bit for bit and its /stats counts.
--scenario files: the checkpoint files themselves,
  a corrupted (one flipped byte) and a truncated newest checkpoint fall back to .prev (result equal to the
  uninterrupted run); both bad is refused (exit 2); a checkpoint of another deck (a technology override) and of
  another chunk size is refused (exit 2) naming the file and the key that differs; --resume without a checkpoint
  starts fresh and says so; a run without --resume removes an old checkpoint.
"""
import argparse
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import h5py

import check_search

CHUNKS = 102
DELAY_MS = "40"


class Run:
    """One `mpiexec -n N chipdse run ...` whose output lines are read as they come."""

    def __init__(self, a, np_, deck, out, resume=False, delay=DELAY_MS):
        env = dict(os.environ, OMP_NUM_THREADS="1")
        if delay:
            env["CHIPDSE_TEST_CHUNK_DELAY_MS"] = delay
        else:
            env.pop("CHIPDSE_TEST_CHUNK_DELAY_MS", None)
        # np 0: a singleton without mpiexec (quick to start and to fail: the refusals use it)
        launcher = [a.mpiexec, "-n", str(np_), "--oversubscribe"] if np_ > 0 else ["(singleton)"]
        self.cmd = launcher + [a.chipdse, "run", deck, "-o", out]
        if resume:
            self.cmd.append("--resume")
        self.t0 = time.time()
        self.p = subprocess.Popen(self.cmd[1:] if np_ == 0 else self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines = []
        self.seen = []  # lines wait_for has taken from the queue
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line.rstrip("\n"))
            self.q.put(line)
        self.q.put(None)

    def wait_for(self, pattern, timeout=60):
        """Blocks until an output line matches (one seen before counts: stdout and stderr interleave freely)."""
        deadline = time.time() + timeout
        while True:
            for line in self.seen:
                m = re.search(pattern, line)
                if m:
                    print(f"    {time.time() - self.t0:.2f} s: {line.strip()[:90]}")
                    return m
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                line = ""
            if line is None or time.time() > deadline:
                raise SystemExit(f"FAIL: no line matching {pattern!r}; output:\n" + "\n".join(self.lines))
            self.seen.append(line)

    def ranks(self):
        """The pids of mpiexec's children (the ranks)."""
        kids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.p.pid:
                        kids.append(int(d))
                except (OSError, IndexError, ValueError):
                    pass
        return kids

    def finish(self, timeout=60):
        rc = self.p.wait(timeout=timeout)
        while self.q.get(timeout=10) is not None:
            pass
        shown = self.cmd[:1] if self.cmd[0] == "(singleton)" else self.cmd[1:3]
        print(f"  {' '.join(shown + self.cmd[-5:] if self.cmd[-1] == '--resume' else shown + self.cmd[-4:])}: "
              f"rc {rc}, {time.time() - self.t0:.2f} s")
        return rc, "\n".join(self.lines)


def last_checkpoint(text):
    found = re.findall(r"checkpoint \d+: (\d+) of (\d+) chunks complete", text)
    return int(found[-1][0]) if found else 0


def resumed_from(text):
    m = re.search(r"resuming from \S+: (\d+) of (\d+) chunks complete", text)
    return int(m.group(1)) if m else None


def compare(ref, out, failures, expect_resumed=None, resumed_required=True):
    with h5py.File(ref, "r") as fa, h5py.File(out, "r") as fb:
        if fb.attrs["complete"] != 1:
            failures.append(f"{out}: complete != 1")
        for group in ("space", "pareto", "points"):
            check_search.compare_group(fa, fb, group, failures)
        if check_search.stats_counts(fa) != check_search.stats_counts(fb):
            failures.append(f"{out}: /stats counts differ from the uninterrupted run")
        s = fb["stats"].attrs
        resumed, evaluated = int(s["chunks_resumed"]), int(s["chunks_evaluated"])
        print(f"  {os.path.basename(out)}: chunks_resumed {resumed}, chunks_evaluated {evaluated}, "
              f"/points {fb['points/index'].shape[0]} rows, front {fb['pareto/index'].shape[0]}")
        if resumed + evaluated != int(s["chunks"]) or (resumed_required and resumed < 1):
            failures.append(f"{out}: chunks_resumed {resumed} + chunks_evaluated {evaluated} vs {int(s['chunks'])}")
        if expect_resumed is not None and resumed != expect_resumed:
            failures.append(f"{out}: chunks_resumed {resumed}, the checkpoint had {expect_resumed}")


def kill_all(run, sig):
    for pid in run.ranks():
        os.kill(pid, sig)
    if sig == signal.SIGKILL:
        os.kill(run.p.pid, sig)


def scenario_kill(a, deck, ref, failures):
    out = os.path.join(a.workdir, "ckpt_kill.h5")
    time_deck = os.path.join(os.path.dirname(deck), "ckpt_small_time.toml")
    # mpiexec (Open MPI 4.1) passes SIGTERM on to the ranks about a second late: slower chunks keep that step from
    # running to the end meanwhile.
    steps = [  # ranks, deck, resume, delay, what to wait for, extra wait, how to stop, rc (None: any non-zero)
        (2, deck, False, DELAY_MS, r"checkpoint 2:", 0.05, "kill", None),
        (2, deck, True, "150", r"checkpoint 1:", 0.0, "term_mpiexec", None),
        (1, time_deck, True, DELAY_MS, r"checkpoint 1:", 0.0, "term_ranks", 3),
        (2, deck, True, DELAY_MS, r"checkpoint 1:", 0.0, "usr1_mpiexec", 3),
        (2, deck, True, DELAY_MS, r"checkpoint 1:", 0.13, "kill", None),
    ]
    complete = 0
    for np_, d, resume, delay, pattern, extra, how, want_rc in steps:
        r = Run(a, np_, d, out, resume, delay)
        if resume:
            r.wait_for(r"resuming from")  # before a kill: mpiexec may lose what it has not passed on yet
        r.wait_for(pattern)
        time.sleep(extra)
        if how == "kill":
            kill_all(r, signal.SIGKILL)
        elif how == "term_ranks":
            kill_all(r, signal.SIGTERM)
        elif how == "term_mpiexec":
            os.kill(r.p.pid, signal.SIGTERM)
        else:
            os.kill(r.p.pid, signal.SIGUSR1)
        rc, text = r.finish()
        got = resumed_from(text)
        if resume and (got is None or got < max(complete, 1)):
            failures.append(f"step {how}: resumed from {got} chunks, a checkpoint had {complete}")
        complete = max(complete, last_checkpoint(text))
        print(f"    stopped by {how}: {complete} of {CHUNKS} chunks in the checkpoint")
        if rc == 0 or (want_rc is not None and rc != want_rc):
            failures.append(f"step {how}: exit code {rc}, expected {want_rc or 'non-zero'}:\n{text}")
        if how != "kill" and "the run can be resumed with --resume" not in text:
            failures.append(f"step {how}: no 'resumed with --resume' message:\n{text}")
        if os.path.exists(out):
            failures.append(f"step {how}: a result file exists after a stop")
        if not os.path.exists(out + ".ckpt"):
            failures.append(f"step {how}: no checkpoint file")
    r = Run(a, 2, deck, out, resume=True, delay="")
    rc, text = r.finish()
    if rc != 0:
        failures.append(f"final resume: exit code {rc}:\n{text}")
        return
    start = resumed_from(text)
    if start is None or start < complete:
        failures.append(f"final resume started from {start} chunks, the checkpoint had {complete}")
    compare(ref, out, failures, expect_resumed=start)
    if any(os.path.exists(out + s) for s in (".ckpt", ".ckpt.prev", ".tmp")):
        failures.append("checkpoint or temporary files left after a complete run")
    os.remove(out)


def scenario_files(a, deck, ref, failures):
    d = os.path.dirname(deck)
    out = os.path.join(a.workdir, "ckpt_files.h5")
    for s in ("", ".ckpt", ".ckpt.prev"):
        if os.path.exists(out + s):
            os.remove(out + s)
    r = Run(a, 2, deck, out)
    r.wait_for(r"checkpoint 3:")
    os.kill(r.p.pid, signal.SIGUSR1)
    rc, text = r.finish()
    if rc != 3:
        failures.append(f"SIGUSR1: exit code {rc}, expected 3:\n{text}")
    newest = last_checkpoint(text)
    prev_count = [int(x) for x in re.findall(r"checkpoint \d+: (\d+) of", text)][-2]
    keep = {s: out + s + ".keep" for s in (".ckpt", ".ckpt.prev")}
    for s, k in keep.items():
        shutil.copyfile(out + s, k)
    size = os.path.getsize(out + ".ckpt")
    print(f"  checkpoint sizes: newest {size} bytes ({newest} chunks), previous "
          f"{os.path.getsize(out + '.ckpt.prev')} bytes ({prev_count} chunks)")

    def restore():
        for s, k in keep.items():
            shutil.copyfile(k, out + s)

    def damage(path, how):
        with open(path, "r+b") as f:
            if how == "flip":
                f.seek(os.path.getsize(path) // 2)
                b = f.read(1)
                f.seek(-1, 1)
                f.write(bytes([b[0] ^ 0x40]))
            else:
                f.truncate(os.path.getsize(path) // 2)

    for how, word in (("flip", "checksum mismatch"), ("truncate", "truncated")):
        restore()
        damage(out + ".ckpt", how)
        r = Run(a, 2, deck, out, resume=True, delay="")
        rc, text = r.finish()
        if rc != 0 or word not in text or "using the previous checkpoint" not in text:
            failures.append(f"{how}: rc {rc}, expected 0 with '{word}' and the previous checkpoint:\n{text}")
            continue
        compare(ref, out, failures, expect_resumed=prev_count)
        os.remove(out)

    restore()
    damage(out + ".ckpt", "flip")
    damage(out + ".ckpt.prev", "truncate")
    r = Run(a, 0, deck, out, resume=True, delay="")
    rc, text = r.finish()
    if rc != 2 or "no usable checkpoint" not in text or out + ".ckpt.prev" not in text:
        failures.append(f"both bad: rc {rc}, expected 2 naming both files:\n{text}")

    for other, key in (("ckpt_small_other.toml", "tech.process_node.N3.wafer_cost_usd"),
                       ("ckpt_small_chunks.toml", "search.chunk_size")):
        restore()
        r = Run(a, 0, os.path.join(d, other), out, resume=True, delay="")
        rc, text = r.finish()
        if rc != 2 or "another run" not in text or key not in text or out + ".ckpt" not in text:
            failures.append(f"{other}: rc {rc}, expected 2 naming {out}.ckpt and {key}:\n{text}")
        elif os.path.exists(out):
            failures.append(f"{other}: a result file was written")
        print("    " + next(l for l in text.splitlines() if "another run" in l)[:200])

    restore()
    r = Run(a, 0, deck, out, delay="")
    rc, text = r.finish()
    if rc != 0 or "removed the old checkpoint" not in text or os.path.exists(out + ".ckpt"):
        failures.append(f"fresh run over a checkpoint: rc {rc}, expected 0 and the old checkpoint removed:\n{text}")
    os.remove(out)
    r = Run(a, 2, deck, out, resume=True, delay="")
    rc, text = r.finish()
    if rc != 0 or "starting fresh" not in text:
        failures.append(f"--resume without a checkpoint: rc {rc}, expected 0 and 'starting fresh':\n{text}")
    else:
        with h5py.File(out, "r") as f:
            if int(f["stats"].attrs["chunks_resumed"]) != 0 or int(f["stats"].attrs["chunks_evaluated"]) != CHUNKS:
                failures.append("--resume without a checkpoint did not evaluate every chunk")
        compare(ref, out, failures, resumed_required=False)
    for path in [out] + list(keep.values()):
        if os.path.exists(path):
            os.remove(path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True, help="tests/cli/decks/ckpt_small.toml")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--scenario", choices=("kill", "files"), required=True)
    a = ap.parse_args()

    ref = os.path.join(a.workdir, f"ckpt_{a.scenario}_reference.h5")
    r = Run(a, 2, a.deck, ref, delay="")
    rc, text = r.finish()
    if rc != 0:
        print(text)
        raise SystemExit("FAIL: the uninterrupted reference run failed")
    failures = []
    (scenario_kill if a.scenario == "kill" else scenario_files)(a, a.deck, ref, failures)
    os.remove(ref)
    for f in failures[:40]:
        print("FAIL:", f)
    print(f"checkpoint {a.scenario}: {'FAILED' if failures else 'OK'} ({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
