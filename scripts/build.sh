#!/usr/bin/env bash
# Configures and builds eos-sweep (Release) into BUILD_DIR (default: build/ in the repository).
#   scripts/build.sh [TARGET...]     every target (tests, benchmarks), or only those named
# The compiler's output goes to BUILD_DIR/build.log; errors are shown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
mkdir -p "$build"
log="$build/build.log"
targets=()
for t in "$@"; do targets+=(--target "$t"); done
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$build" -j"$(nproc)" "${targets[@]}"; } \
  >"$log" 2>&1; then
  grep -E "error|Error" "$log" | head -n 30 >&2 || tail -n 30 "$log" >&2
  echo "build.sh: error: the build failed (all of it in $log)" >&2
  exit 1
fi
