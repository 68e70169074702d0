#!/usr/bin/env bash
# AddressSanitizer runs: first the GoogleTests of test/native built with
# -DWCN_SANITIZE=ON (ASan + UBSan, build-sanitize/), then the addon built
# with AddressSanitizer (build-asan/, beside the normal build) and the
# JavaScript suite run on it: libasan is preloaded into Node
# (which is not instrumented itself), WEBCODECS_NATIVE_ADDON makes lib/ load
# the sanitized addon, and LeakSanitizer reports what is left at exit in
# every process, less the suppressions below.
# docs/reliability.md has the results.
#   scripts/asan.sh [test files...]   (default: every JavaScript test)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
root=$PWD

cmake -S . -B build-sanitize -DWCN_SANITIZE=ON -DWCN_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-sanitize -j"$(nproc)" >/dev/null
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)"

out=build-asan

# node-gyp builds into ./build of its directory: give it one of its own
# that sees the sources.
mkdir -p "$out/pkg"
for f in binding.gyp src scripts node_modules; do ln -sfn "$root/$f" "$out/pkg/$f"; done
nodedir=""
if [ -f /usr/include/node/node_api.h ]; then nodedir=/usr; fi
(
  cd "$out/pkg"
  export CXXFLAGS="-fsanitize=address -fno-omit-frame-pointer -g" LDFLAGS="-fsanitize=address"
  "$root/node_modules/.bin/node-gyp" configure --silent ${nodedir:+--nodedir="$nodedir"} >/dev/null
  "$root/node_modules/.bin/node-gyp" build --silent -j "$(nproc)" ${nodedir:+--nodedir="$nodedir"} >/dev/null
)

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test/unit test/conformance test/integration test/stress -name '*.test.mjs' | sort)
fi
# Node's own signal handlers stay (V8 relies on them); leaks are checked in
# every process the tests start, node or ffmpeg.
export LD_PRELOAD
LD_PRELOAD=$(g++ -print-file-name=libasan.so)
export WEBCODECS_NATIVE_ADDON="$root/$out/pkg/build/Release/webcodecs_native.node"
export ASAN_OPTIONS="detect_leaks=1:allow_user_segv_handler=1:handle_segv=0:alloc_dealloc_mismatch=0:abort_on_error=0"
# Leaks inside the codec libraries (test/native/lsan.supp, shared with the
# GoogleTests), in every process that runs them (node and the ffmpeg CLI
# alike), and V8's own at exit (test/sanitizers/lsan-node.supp).
cat test/native/lsan.supp test/sanitizers/lsan-node.supp >"$out/lsan.supp"
export LSAN_OPTIONS="suppressions=$root/$out/lsan.supp:print_suppressions=0"
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
