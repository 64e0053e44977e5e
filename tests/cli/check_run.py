#!/usr/bin/python3
"""End-to-end check of `chipdse run`: under mpiexec it exits 0, says where the file is, and the file is complete
and readable with h5py alone; its technology table equals what `chipdse tech --json` prints."""
import argparse
import json
import os
import subprocess
import sys

import h5py


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--np", type=int, required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()

    out = os.path.join(a.workdir, f"run_default_np{a.np}.h5")
    if os.path.exists(out):
        os.remove(out)
    cmd = [a.mpiexec, "-n", str(a.np), a.chipdse, "run", a.deck, "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=100)
    print(p.stdout, p.stderr)
    failures = []
    if p.returncode != 0:
        failures.append(f"exit code {p.returncode}")
    if f"wrote {out}" not in p.stdout:
        failures.append("run did not say where the result is")
    if "not implemented" not in p.stdout:
        failures.append("run did not say honestly what is missing")
    if os.path.exists(out + ".tmp"):
        failures.append("temporary file left behind")

    tech = json.loads(subprocess.run([a.chipdse, "tech", "--deck", a.deck, "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    with h5py.File(out, "r") as f:
        if f.attrs["complete"] != 1:
            failures.append("complete != 1")
        if f.attrs["ranks"] != a.np:
            failures.append(f"ranks attribute {f.attrs['ranks']} != {a.np}")
        for key in ("chipdse_version", "git_revision", "date", "threads", "wall_time_s", "status"):
            if key not in f.attrs:
                failures.append(f"root attribute {key} missing")
        paths = [s.decode() for s in f["deck/tech/path"][...]]
        values = list(f["deck/tech/value"][...])
        sources = [s.decode() for s in f["deck/tech/source"][...]]
        given = [s.decode() for s in f["deck/given_paths"][...]]
    want = tech["entries"]
    if paths != [e["path"] for e in want]:
        failures.append("technology paths differ from `chipdse tech --json`")
    if values != [e["value"] for e in want]:
        failures.append("technology values differ from `chipdse tech --json`")
    if sources != [e["source"] for e in want]:
        failures.append("technology sources differ")
    if not given or not given[0].endswith("default.toml"):
        failures.append(f"/deck/given_paths does not start with the deck: {given[:1]}")
    os.remove(out)
    for f_ in failures:
        print("FAIL:", f_)
    print(f"{len(paths)} technology rows checked; {'FAILED' if failures else 'OK'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
