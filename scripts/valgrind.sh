#!/usr/bin/env bash
# Integration test files under valgrind memcheck, one file per process (the
# test runner itself and the ffmpeg CLI the tests start run natively).
# A file fails when valgrind finds an invalid access or a definite or
# indirect leak not covered by test/sanitizers/valgrind-node.supp (Node's
# own). Logs go to build-valgrind/<file>.log; docs/reliability.md has the
# results.
#   scripts/valgrind.sh [test files...]   (default: test/integration/*)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v valgrind >/dev/null || { echo "scripts/valgrind.sh needs valgrind: apt-get install valgrind" >&2; exit 1; }
out=build-valgrind
mkdir -p "$out"
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test/integration -name '*.test.mjs' | sort)
fi
passed=0 failed=0
for f in "${files[@]}"; do
  log="$out/$(basename "$f" .test.mjs).log"
  start=$SECONDS
  status=0
  # V8 writes machine code into memory valgrind must re-translate
  # (--smc-check); the test's own timeouts do not apply under a 20-50x
  # slowdown.
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --smc-check=all-non-file --num-callers=40 \
    --suppressions=test/sanitizers/valgrind-node.supp --log-file="$log" \
    node --test-timeout=0 "$f" >"$log.out" 2>&1 || status=$?
  summary=$(grep -E 'ERROR SUMMARY' "$log" | tail -1 | sed 's/==[0-9]*== //')
  leaks=$(grep -E 'definitely lost|indirectly lost' "$log" | sed 's/==[0-9]*== *//' | tr '\n' ' ')
  if [ "$status" -eq 0 ]; then passed=$((passed + 1)); r=ok; else failed=$((failed + 1)); r="FAILED (exit $status)"; fi
  echo "$f: $r in $((SECONDS - start)) s; $summary ${leaks:-no leaks}"
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
