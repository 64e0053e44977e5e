#!/usr/bin/python3
"""jobscripts/dse.sbatch's checkpoint-and-requeue logic without a Slurm (issue #7): `srun` and `scontrol` are stubs
(srun runs the program under mpiexec -n 2, which forwards USR1 to the ranks as srun does; scontrol prints what it was
asked). The batch shell gets USR1 as from --signal=B:USR1@T after the run's first checkpoint: it must pass it on,
chipdse must stop after a checkpoint with exit 3, and the script must requeue the job and exit 0. The requeued copy
(SLURM_RESTART_COUNT=1) must run with --resume, skip the checkpoint's chunks and finish with exit 0.
With --case I the script under test is jobscripts/sweep.sbatch as array task I: the same, plus --case I on the run.
"""
import argparse
import os
import re
import signal
import stat
import subprocess
import sys


def stub(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--case", type=int, help="run the script as array task CASE (jobscripts/sweep.sbatch)")
    a = ap.parse_args()

    bindir = os.path.join(a.workdir, "slurm_stub" if a.case is None else f"slurm_stub_case{a.case}")
    os.makedirs(bindir, exist_ok=True)
    stub(os.path.join(bindir, "srun"),
         f'#!/bin/bash\nwhile [[ "$1" == -* ]]; do shift; done\nexec {a.mpiexec} -n 2 --oversubscribe "$@"\n')
    stub(os.path.join(bindir, "scontrol"), '#!/bin/bash\necho "STUB scontrol $*"\n')
    out = os.path.join(a.workdir, "jobscript.h5" if a.case is None else f"jobscript_case{a.case}.h5")
    for s in ("", ".ckpt", ".ckpt.prev"):
        if os.path.exists(out + s):
            os.remove(out + s)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], SLURM_JOB_ID="42", CHIPDSE=a.chipdse,
               OUT=out, CHIPDSE_TEST_CHUNK_DELAY_MS="40", SLURM_CPUS_PER_TASK="1")
    if a.case is not None:
        env.update(SLURM_ARRAY_TASK_ID=str(a.case), JOBSCRIPTS=os.path.dirname(os.path.abspath(a.script)))
    failures = []

    p = subprocess.Popen(["bash", a.script, a.deck], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=env)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if re.search(r"checkpoint 1:", line):
            os.kill(p.pid, signal.SIGUSR1)  # the batch shell only, as --signal=B:USR1 does
            break
    lines += p.stdout.readlines()
    rc = p.wait(timeout=60)
    text = "".join(lines)
    print(f"  first start: rc {rc}")
    if rc != 0 or "stopped by SIGUSR1" not in text or "STUB scontrol requeue 42" not in text \
            or "stopped after a checkpoint (rc 3)" not in text or (a.case is not None and f"--case {a.case}" not in text):
        failures.append("the first start did not stop with exit 3 and requeue:\n" + text)
    done = re.findall(r"\((\d+) of \d+ chunks complete\)", text)

    env["SLURM_RESTART_COUNT"] = "1"
    env.pop("CHIPDSE_TEST_CHUNK_DELAY_MS")
    p = subprocess.run(["bash", a.script, a.deck], capture_output=True, text=True, env=env, timeout=60)
    text = p.stdout + p.stderr
    print(f"  requeued copy: rc {p.returncode}")
    m = re.search(r"chunks: (\d+) resumed from the checkpoint", text)
    if p.returncode != 0 or "--resume" not in text or "finished with rc 0" not in text or not m \
            or not done or int(m.group(1)) != int(done[-1]) or int(m.group(1)) < 1:
        failures.append(f"the requeued copy did not resume the {done[-1:]} chunks and finish:\n" + text)
    else:
        print(f"  resumed {m.group(1)} chunks")
    if not os.path.exists(out) or os.path.exists(out + ".ckpt"):
        failures.append("no result file, or a checkpoint left behind")
    for s in ("", ".ckpt", ".ckpt.prev"):
        if os.path.exists(out + s):
            os.remove(out + s)
    for f in failures:
        print("FAIL:", f)
    print(f"jobscript: {'FAILED' if failures else 'OK'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
