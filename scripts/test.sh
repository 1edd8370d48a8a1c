#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole test suite
# (unit tests, MPI runs with real ranks, a real SLURM cluster on localhost), then says in one
# line how it went. Tests that need root (a tmpfs mount, SLURM's daemons) are skipped, with
# their reason, when run as another user. Extra arguments go to ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" --with-tests --with-slurm
echo "test.sh: building eos-sweep and its tests…"
"$root/scripts/build.sh"
cd "$build"
status=0
ctest --output-on-failure -j"$(nproc)" "$@" | tee "$build/ctest.log" || status=$?
# The verdict, from ctest's own summary.
summary=$(grep -E "tests passed|tests failed" "$build/ctest.log" | tail -n 1 || true)
skipped=$(grep -c "(Skipped)" "$build/ctest.log" || true)
[ "$skipped" = 0 ] && skipped=""
failed=$(sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_.]*\) (Failed.*/\1/p' "$build/ctest.log" | tr '\n' ' ')
if [ "$status" -eq 0 ]; then
  echo "test.sh: ${summary:-all tests passed}${skipped:+ ($skipped skipped: see above why)}"
else
  echo "test.sh: FAILED: ${summary:-ctest failed}${failed:+ — $failed}" >&2
fi
exit "$status"
