#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz (clang, ASan + UBSan), makes the
# seed corpus if needed (scripts/fuzz-corpus.sh), then runs each target for
# <seconds> (default 15) and prints its executions, coverage (edges, features)
# and outcome. New inputs accumulate in build-fuzz/corpus/<target>, so later
# runs go on from earlier ones; crashes, leaks, timeouts and broken checks
# are kept as build-fuzz/crashes/<target>-*. The seed is fixed (WCN_FUZZ_SEED,
# 1 by default) so a fresh clone explores the same inputs run after run.
# Exits non-zero when any target failed. docs/reliability.md has the figures
# of a long run.
#   scripts/fuzz.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
shift || true
out=build-fuzz

cmake -S . -B "$out" -DWCN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
bash scripts/fuzz-corpus.sh

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find "$out/test/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -executable -printf '%f\n' | sed 's/^fuzz_//' | sort)
fi
mkdir -p "$out/crashes" "$out/logs"
passed=0 failed=0
printf '%-18s %12s %8s %8s %8s  %s\n' target execs exec/s cov ft result
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus" "$out/seeds/$t"
  log="$out/logs/$t.log"
  # A run slower than 30 s is a hang; 2.5 GB is a leak or a runaway
  # allocation (decoders stop at 16384x16384 frames before that).
  status=0
  "$out/test/fuzz/fuzz_$t" -seed="${WCN_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t-" "$corpus" "$out/seeds/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E "^#[0-9]+" "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  if [ "$status" -eq 0 ]; then
    result=ok
    passed=$((passed + 1))
  else
    artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
    result="FAILED (exit $status): ${artifact:-see $log}"
    failed=$((failed + 1))
  fi
  printf '%-18s %12s %8s %8s %8s  %s\n' "$t" "${execs:-0}" "${rate:-0}" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$status" -ne 0 ]; then grep -m1 -A12 -E 'ERROR: |FUZZ_CHECK|runtime error' "$log" || true; fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
