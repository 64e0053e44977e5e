#!/usr/bin/env bash
# Fuzzes the deck loader and the `chipdse check` path with libFuzzer (tests/fuzz/README.md).
#
#   scripts/fuzz.sh                 # 1,000,000 executions on a scratch copy of tests/fuzz/corpus
#   RUNS=100000 scripts/fuzz.sh     # fewer executions
#   MERGE=1 scripts/fuzz.sh         # then merge the inputs that add coverage into tests/fuzz/corpus
#   KEEP_GOING=1 scripts/fuzz.sh    # fork mode: keep fuzzing after a crash, collect every finding
#   scripts/fuzz.sh -seed=1         # extra arguments go to the fuzzer
#
# Configures build-fuzz with clang (address + undefined sanitizers, coverage on every layer), builds the
# target fuzz_deck with -j1 and runs it from the repository root. The committed corpus is never written
# unless MERGE=1. Each run keeps its corpus, log and crash files in build-fuzz/runs/<time>/. Prints the
# execution count and whether a crash file was produced; exits non-zero on a crash (or a build failure).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
runs="${RUNS:-1000000}"
cd "$root"

# The fuzz build needs clang, its libFuzzer/sanitizer runtimes and ninja on top of the normal dependencies.
"$root/scripts/install-deps.sh"
missing=()
for p in clang libclang-rt-14-dev ninja-build; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

mkdir -p "$build"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCHIPDSE_FUZZ=ON >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  echo "fuzz.sh: configuring $build with clang failed" >&2
  exit 2
}
cmake --build "$build" -j1 --target fuzz_deck

run_dir="$build/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir/corpus" "$run_dir/artifacts"
cp tests/fuzz/corpus/* "$run_dir/corpus/"
seeds=$(find "$run_dir/corpus" -type f | wc -l)

mode=()
if [[ "${KEEP_GOING:-0}" == 1 ]]; then
  mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
echo "fuzz.sh: $runs runs from $seeds seeds; log $run_dir/fuzz.log"
set +e
"$build/bin/fuzz_deck" -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/deck.dict \
  -artifact_prefix="$run_dir/artifacts/" -print_final_stats=1 "${mode[@]}" "$@" "$run_dir/corpus" \
  >"$run_dir/fuzz.log" 2>&1
rc=$?
set -e

# The last status line ("#N ... cov: C ft: F corp: U/S ... exec/s: E") and the final stats.
status=$(grep -E '^#[0-9]+' "$run_dir/fuzz.log" | tail -n 1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run_dir/fuzz.log" | tail -n 1)
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run_dir/fuzz.log" | tail -n 1)
[[ -z "$execs" ]] && execs=$(sed -E -n 's/^#([0-9]+).*/\1/p' <<<"$status")
if [[ -z "$eps" ]]; then  # fork mode: no final stats; average over the whole run
  secs=$(sed -E -n 's/.* time: ([0-9]+)s.*/\1/p' <<<"$status")
  if [[ -n "$execs" && -n "$secs" && "$secs" -gt 0 ]]; then eps=$((execs / secs)); fi
fi
cov=$(sed -E -n 's/.*cov: ([0-9]+).*/\1/p' <<<"$status")
ft=$(sed -E -n 's/.*ft: ([0-9]+).*/\1/p' <<<"$status")
corpus=$(find "$run_dir/corpus" -type f | wc -l)
mapfile -t findings < <(find "$run_dir/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)

echo "fuzz.sh: executions ${execs:-?}, exec/s ${eps:-?}, cov ${cov:-?}, ft ${ft:-?}, corpus $corpus files (from $seeds seeds), fuzzer exit $rc"
crashes=0
for f in "${findings[@]}"; do
  case "$(basename "$f")" in slow-unit-*) echo "fuzz.sh: slow input (not a failure): $f" ;; *) echo "fuzz.sh: FINDING $f"; crashes=$((crashes + 1)) ;; esac
done
echo "fuzz.sh: crash files: $crashes"

if [[ "${MERGE:-0}" == 1 ]]; then
  before=$(find tests/fuzz/corpus -type f | wc -l)
  "$build/bin/fuzz_deck" -merge=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 tests/fuzz/corpus "$run_dir/corpus" \
    >"$run_dir/merge.log" 2>&1
  after=$(find tests/fuzz/corpus -type f | wc -l)
  echo "fuzz.sh: merged into tests/fuzz/corpus: $before -> $after files (log $run_dir/merge.log)"
fi

if ((crashes > 0)) || ((rc != 0)); then
  echo "fuzz.sh: FAILED: reproduce with $build/bin/fuzz_deck <file>; minimise with -minimize_crash=1 -runs=100000 <file>" >&2
  tail -n 40 "$run_dir/fuzz.log" >&2
  exit 1
fi
echo "fuzz.sh: OK, no crash"
