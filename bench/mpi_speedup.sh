#!/usr/bin/env bash
# Parallel speed-up of sweeps of equal points (each ~1.5 s): wall time with one process (no
# mpirun) against mpirun -np 2 (and more ranks if given), in the same run, for 3, 8 and 16
# points (POINTS="..." to choose). The ideal on 2 cores is 2x for an even count (3 points: 1.5x).
# Usage:
#   bench/mpi_speedup.sh BUILD_DIR [NP...]
# Prints the time of each and the ratio; the rows of every run are checked equal to the first's.
# The control: the same points as two halves run by two independent processes side by side (no
# MPI), the most two cores give on this machine at this moment (a shared virtual machine's point
# times drift by 2x from minute to minute, so compare the ranks with it, not with 2x alone).
set -euo pipefail
build="${1:?usage: bench/mpi_speedup.sh BUILD_DIR [NP...]}"
shift
nps=("${@:-2}")
read -r -a counts <<<"${POINTS:-3 8 16}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
job() { # FIRST END: a job of the equal points of seeds FIRST..END-1
  cat <<JOB
model = sparse-relu
d = 100
n = 150
lambda = 3
seed = range($1, $2)
eta_rel = 0.5
steps = 60000
path = oracle
sharpness_every = 100
n_test = 500
JOB
}
secs() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
side_by_side() { # JOB_A JOB_B OUT: two independent processes at once
  "$build/eos-sweep" run "$1" --out "$3-a" --progress none &
  "$build/eos-sweep" run "$2" --out "$3-b" --progress none
  wait
}
rows() { # the rows without wall_s (timing), sorted
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i } { $w = ""; print }' "$1" | sort
}
for n in "${counts[@]}"; do
  job 0 "$n" >"$tmp/job$n.ini"
  t1=$(secs "$build/eos-sweep" run "$tmp/job$n.ini" --out "$tmp/p1-$n" --progress none)
  printf "%3d points  %-16s %8.2f s\n" "$n" "1 process" "$(awk -v t="$t1" 'BEGIN {print t / 1000}')"
  job 0 $((n / 2)) >"$tmp/half-a$n.ini"
  job $((n / 2)) "$n" >"$tmp/half-b$n.ini"
  tc=$(secs side_by_side "$tmp/half-a$n.ini" "$tmp/half-b$n.ini" "$tmp/side-$n")
  printf "%3d points  %-16s %8.2f s   speed-up %.2fx\n" "$n" "2 processes apart" "$(awk -v t="$tc" 'BEGIN {print t / 1000}')" \
    "$(awk -v a="$t1" -v b="$tc" 'BEGIN {print a / b}')"
  for np in "${nps[@]}"; do
    tn=$(secs mpirun -np "$np" "$build/eos-sweep" run "$tmp/job$n.ini" --out "$tmp/np$np-$n" --progress none)
    cmp -s <(rows "$tmp/p1-$n/results.csv") <(rows "$tmp/np$np-$n/results.csv") || echo "  rows differ (np $np)!"
    printf "%3d points  %-16s %8.2f s   speed-up %.2fx\n" "$n" "mpirun -np $np" "$(awk -v t="$tn" 'BEGIN {print t / 1000}')" \
      "$(awk -v a="$t1" -v b="$tn" 'BEGIN {print a / b}')"
  done
done
