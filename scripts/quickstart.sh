#!/usr/bin/env bash
# The README's first command: installs what is missing, builds eos-sweep (only the program),
# runs the default sweep (jobs/default.ini) with mpirun on all cores into out/default (or DIR),
# and draws its phase diagrams into DIR/figures. One line per step; the logs of apt, the build
# and the figures are named where they are. Rerunning resumes: finished points are not run again.
#   scripts/quickstart.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
out="${1:-$root/out/default}"
job="$root/jobs/default.ini"
t0=$SECONDS
"$root/scripts/setup.sh"
echo "quickstart: building eos-sweep (log in $build/build.log)…"
"$root/scripts/build.sh" eos-sweep
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
ranks=$(nproc)
points=$("$build/eos-sweep" plan "$job" | sed -n 's/^points: //p')
echo "quickstart: running $points points of jobs/default.ini on $ranks ranks…"
mpirun -np "$ranks" "$build/eos-sweep" run "$job" --out "$out"
mkdir -p "$out/figures"
echo "quickstart: drawing the figures (log in $out/figures/figures.log)…"
if ! "$root/scripts/figures.sh" "$out" >"$out/figures/figures.log" 2>&1; then
  tail -n 20 "$out/figures/figures.log" >&2
  echo "quickstart: error: drawing failed (see $out/figures/figures.log)" >&2
  exit 1
fi
echo "quickstart: done in $((SECONDS - t0)) s: results in $out/results.csv, figures in $out/figures/:"
for f in "$out"/figures/*.png; do echo "  $f"; done
