#!/usr/bin/env bash
# Configures (once) and builds chipdse in build/ (RelWithDebInfo). BUILD_DIR and JOBS override.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHIPDSE_PYTHON=/usr/bin/python3
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
