#!/usr/bin/env bash
# The README's demo command: sets the machine up if needed, then runs the
# demo (on a built-in generated clip unless a file is given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node demo/demo.mjs "$@"
