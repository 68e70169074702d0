#!/usr/bin/env bash
# Brings a Debian/Ubuntu machine to the point where the demo and the tests
# run: system packages (via apt-get as root or through sudo), npm
# dependencies, the native addon and the TypeScript build. Each step is
# skipped when already done, so running it again is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

missing=()
have_pkgconfig_lib() { command -v pkg-config >/dev/null && pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
command -v cmake >/dev/null || missing+=(cmake)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v avifenc >/dev/null || missing+=(libavif-bin)  # the tests' AVIF files
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
for lib in libavcodec libavformat libavutil libswscale libswresample libavif; do
  have_pkgconfig_lib "$lib" || missing+=("$lib-dev")
done
have_pkgconfig_lib lcms2 || missing+=(liblcms2-dev)
[ -f /usr/include/gtest/gtest.h ] || missing+=(libgtest-dev)
[ -f /usr/include/benchmark/benchmark.h ] || missing+=(libbenchmark-dev)
# The fuzz tier (scripts/fuzz.sh): clang and its libFuzzer/sanitizer runtimes.
command -v clang++ >/dev/null || missing+=(clang)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null || missing+=(libclang-rt-dev)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
  else
    echo "webcodecs-native needs these system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
    echo "(or run this script as root, or with passwordless sudo, to have it install them)" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# node-gyp builds against the system's Node headers when they are there, so
# nothing is downloaded.
nodedir=""
if [ -f /usr/include/node/node_api.h ]; then nodedir=/usr; fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (builds the addon and the TypeScript)"
  npm_config_nodedir="$nodedir" npm ci --no-audit --no-fund --loglevel=error
else
  log "incremental build"
  if [ -f build/Makefile ]; then
    # configure again so new source files join the build; make rebuilds only what changed
    node_modules/.bin/node-gyp configure --silent ${nodedir:+--nodedir="$nodedir"} >/dev/null
    node_modules/.bin/node-gyp build --silent ${nodedir:+--nodedir="$nodedir"} >/dev/null
  else
    node_modules/.bin/node-gyp rebuild --silent ${nodedir:+--nodedir="$nodedir"} >/dev/null
  fi
  node_modules/.bin/tsc -p tsconfig.json
fi
