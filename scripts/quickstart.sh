#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, runs the default sweep
# (jobs/default.ini) with mpirun on all cores into out/default, and draws its phase diagrams
# into out/default/figures. Rerunning resumes: finished points are not run again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
out="${1:-$root/out/default}"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
build="${BUILD_DIR:-$root/build}"
mpirun -np "$(nproc)" "$build/eos-sweep" run "$root/jobs/default.ini" --out "$out"
"$root/scripts/figures.sh" "$out"
