#!/usr/bin/env bash
# Parallel speed-up of a sweep of equal points: wall time with one process (no mpirun) against
# mpirun -np 2 (and more ranks if given), in the same run. Usage:
#   bench/mpi_speedup.sh BUILD_DIR [NP...]
# Prints the time of each and the ratio; rows are compared for equality too.
set -euo pipefail
build="${1:?usage: bench/mpi_speedup.sh BUILD_DIR [NP...]}"
shift
nps=("${@:-2}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cat >"$tmp/job.ini" <<'JOB'
model = sparse-relu
d = 100
n = 150
lambda = 3
seed = range(0, 16)
eta_rel = 0.5
steps = 20000
path = oracle
sharpness_every = 100
n_test = 500
JOB
secs() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
t1=$(secs "$build/eos-sweep" run "$tmp/job.ini" --out "$tmp/p1" --progress none)
printf "%-22s %8.2f s\n" "1 process" "$(echo "$t1" | awk '{print $1/1000}')"
for np in "${nps[@]}"; do
  tn=$(secs mpirun -np "$np" "$build/eos-sweep" run "$tmp/job.ini" --out "$tmp/np$np" --progress none)
  printf "%-22s %8.2f s   speed-up %.2fx\n" "mpirun -np $np" "$(echo "$tn" | awk '{print $1/1000}')" \
    "$(awk -v a="$t1" -v b="$tn" 'BEGIN {print a/b}')"
done
