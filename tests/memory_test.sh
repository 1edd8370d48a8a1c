# Per-rank memory does not grow with the grid: a plan of 10⁷ points against one of 10⁴, a run of
# 2·10⁵ points under mpirun -np 2 against one of 10⁴, and the rerun of the finished large folder
# (resume keeps 8 bytes per finished id). Peak RSS is measured by tests/peak_rss (the largest
# process among the command and its descendants: under mpirun, the largest rank). About 15 s.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
: "${EOS_PEAK_RSS:?EOS_PEAK_RSS must name the peak_rss helper}"
t=$(scratch memory)
# Peak RSS in MB of a command (its output discarded).
peak_mb() {
  "$EOS_PEAK_RSS" "$@" 2>&1 >/dev/null | awk '/^peak_rss_kb / { print int($2 / 1024) }' | tail -1
}
grid() { # FILE D_MAX SEEDS ETAS: a mean-model grid of (D_MAX − 12)·SEEDS·ETAS one-step points
  printf 'model = mean-model\nd = range(12, %s)\nseed = range(0, %s)\neta_rel = logspace(0.5, 4, %s)\nsteps = 1\n' \
    "$2" "$3" "$4" >"$1"
}
grid "$t/small.ini" 112 10 10    # 10⁴ points
grid "$t/large.ini" 212 10 100   # 2·10⁵
grid "$t/huge.ini" 1012 100 100  # 10⁷

small=$(peak_mb "$EOS_SWEEP" plan "$t/small.ini")
huge=$(peak_mb "$EOS_SWEEP" plan "$t/huge.ini")
echo "plan: 10^4 points $small MB, 10^7 points $huge MB"
"$EOS_SWEEP" plan "$t/huge.ini" | grep -q "^points: 10000000$" || fail "the 10^7 plan did not count its points"
# The id census holds 32 MB of ids whatever the grid (then files), the merge 512 kB per run.
[ "$huge" -le $((small + 64)) ] || fail "plan of 10^7 points: $huge MB, against $small MB for 10^4"

run_small=$(peak_mb mpirun -np 2 "$EOS_SWEEP" run "$t/small.ini" --out "$t/small" --progress none)
run_large=$(peak_mb mpirun -np 2 "$EOS_SWEEP" run "$t/large.ini" --out "$t/large" --progress none)
[ "$(row_count "$t/large/results.csv")" = 200000 ] || fail "the large run is incomplete"
resume=$(peak_mb mpirun -np 2 "$EOS_SWEEP" run "$t/large.ini" --out "$t/large" --progress none)
echo "run -np 2: 10^4 points $run_small MB, 2*10^5 points $run_large MB; rerun of the finished folder $resume MB"
[ "$run_large" -le $((run_small + 16)) ] || fail "run of 2*10^5 points: $run_large MB per rank, against $run_small MB"
[ "$resume" -le $((run_small + 16)) ] || fail "rerun of 2*10^5 finished points: $resume MB, against $run_small MB"
echo "memory: ok"
