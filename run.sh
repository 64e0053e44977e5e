#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, run the default study on 2 MPI ranks, say where the
# result is. Extra arguments go to `chipdse run` (e.g. ./run.sh -o /tmp/x.h5).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
source scripts/env.sh
scripts/build.sh
out=results/default.h5
mpiexec -n 2 build/bin/chipdse run inputs/default.toml -o "$out" "$@"
echo "run.sh: result in $(pwd)/$out  (inspect: h5dump -H $out)"
