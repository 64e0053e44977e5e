"""What the example-deck checks share: their command line and `chipdse evaluate --json` of one design."""
import argparse
import json
import subprocess
import sys


def arguments():
    """--chipdse (the binary), --deck (the deck) and, for the checks of one design, its axis=value settings."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--chipdse", required=True)
    ap.add_argument("--deck", required=True)
    ap.add_argument("sets", nargs="*", help="axis=value of the design (checks of one design)")
    return ap.parse_args()


def evaluate(chipdse, deck, **axes):
    """The JSON report of the design with the given axis values (--set name=value each)."""
    cmd = [chipdse, "evaluate", deck, "--json"]
    for name, value in axes.items():
        cmd += ["--set", f"{name}={value}"]
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def finish(fails):
    """Exit with every failed check, one per line, or print OK."""
    if fails:
        sys.exit("\n".join(fails))
    print("OK")
