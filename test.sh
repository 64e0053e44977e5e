#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build, run every test (ctest; an empty test list is an error).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
source scripts/env.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --no-tests=error -j "$(nproc)" "$@"
