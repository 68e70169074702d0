#!/usr/bin/env bash
# The README's test command: sets the machine up if needed, then runs every
# JavaScript test with node --test, the native core tests with ctest, and
# (stress tier) every fuzz target for a short while (WCN_FUZZ_SECONDS, 10 s
# each by default; scripts/fuzz.sh). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "[test] native core (CMake + GoogleTest)"
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-native -j"$(nproc)" >/dev/null
ctest --test-dir build-native --output-on-failure -j"$(nproc)"

echo "[test] JavaScript (node --test)"
mapfile -t files < <(find test/unit test/conformance test/integration test/stress -name '*.test.mjs' 2>/dev/null | sort)
node --test --test-reporter=spec "${files[@]}"

echo "[test] stress: fuzz targets (libFuzzer, ${WCN_FUZZ_SECONDS:-10} s each)"
bash scripts/fuzz.sh "${WCN_FUZZ_SECONDS:-10}"
