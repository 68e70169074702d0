#!/usr/bin/env bash
# Integration test files under valgrind memcheck, one file per process (the
# test runner itself and the ffmpeg CLI the tests start run natively). A
# file fails when its tests fail, or memcheck finds an invalid access, a
# definite or indirect leak, or any error from our addon, beyond
# test/sanitizers/valgrind.supp (V8's stack scan, the codec libraries').
# Logs go to build-valgrind/<file>.log; docs/reliability.md has the results.
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
# Counts error reports that come from our code: the first frame (from the
# top) in either the addon or a codec library is the addon's. Reports whose
# stack reaches a library first happen inside it, whoever called it.
ours() {
  awk -v libs='lib(av|sw|x26|vpx|aom|dav1d|Svt|opus|vorbis|mp3lame|webp)' '
    /^==[0-9]+== $/ { if (mine) n++; mine = 0; decided = 0; next }
    / (at|by) 0x/ && !decided {
      if ($0 ~ /webcodecs_native\.node/) { mine = 1; decided = 1 } else if ($0 ~ libs) decided = 1
    }
    END { if (mine) n++; print n + 0 }' "$1"
}
for f in "${files[@]}"; do
  log="$out/$(basename "$f" .test.mjs).log"
  start=$SECONDS
  status=0
  # V8 writes machine code into memory valgrind must re-translate
  # (--smc-check); shorter translation blocks keep the large SIMD functions
  # of the AV1 libraries within VEX's storage; the tests' own timeouts do
  # not apply under a 20-50x slowdown.
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --smc-check=all-non-file --vex-guest-max-insns=25 --num-callers=40 \
    --suppressions=test/sanitizers/valgrind.supp --log-file="$log" \
    node --test-timeout=0 "$f" >"$log.out" 2>&1 || status=$?
  # What fails a file: its tests, an invalid access anywhere, a definite or
  # indirect leak, or a report from our code. Other reports inside the
  # codec libraries (x265's, and FFmpeg's decoding of x265's chunks, which
  # memcheck marks undefined) are counted, not failed.
  invalid=$(grep -cE '== (Invalid (read|write|free)|Mismatched free|Source and destination overlap)' "$log" || true)
  lost=$(grep -E '(definitely|indirectly) lost: [1-9]' "$log" | sed 's/==[0-9]*== *//' | tr '\n' ' ' || true)
  in_ours=$(ours "$log")
  other=$(grep -E 'ERROR SUMMARY' "$log" | tail -1 | sed 's/==[0-9]*== ERROR SUMMARY: //' || true)
  if [ "$status" -eq 0 ] && [ "$invalid" -eq 0 ] && [ -z "$lost" ] && [ "$in_ours" -eq 0 ]; then
    passed=$((passed + 1)) r=ok
  else
    failed=$((failed + 1)) r="FAILED (tests exit $status)"
  fi
  echo "$f: $r in $((SECONDS - start)) s; invalid accesses $invalid, leaks ${lost:-none}, reports from our code $in_ours; all: $other"
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
