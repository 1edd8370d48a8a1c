#!/usr/bin/env bash
# eos-sweep aggregate against pandas (bench/aggregate_pandas.py) on a 10^6-row results file, in the
# same run: three rounds, each eos-sweep aggregate --no-plot then pandas, both timed from outside
# (wall clock, process start to exit: pandas' import included) and metered by tests/peak_rss;
# the best of each over the rounds, their ratio and peak RSS, and a check that the two tables
# agree (every cell's count, and mean, std, min and max to 1e-9 relative). The issue's bar: at
# most pandas' time, at most 500 MB.
#
# Usage: bench/aggregate_vs_pandas.sh [BUILD_DIR] [RESULTS_DIR]
#   Without RESULTS_DIR, a mean-model sweep of 10^6 points (d 12..1011 x 100 eta_rel x 10 seeds,
#   one step each; 500 MB) is run first (about 20 s under mpirun -np 2). Needs Debian's pandas
#   for /usr/bin/python3 (scripts/setup.sh --with-bench installs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
python=/usr/bin/python3
meter="$build/tests/peak_rss"
for f in "$build/eos-sweep" "$meter"; do
  [ -x "$f" ] || { echo "aggregate_vs_pandas: no $f (build the project and its tests first)" >&2; exit 2; }
done
"$python" -c 'import pandas' 2>/dev/null ||
  { echo "aggregate_vs_pandas: $python has no pandas (scripts/setup.sh --with-bench)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

results="${2:-}"
if [ -z "$results" ]; then
  results=$tmp/sweep
  printf 'model = mean-model\nd = range(12, 1012)\nseed = range(0, 10)\neta_rel = logspace(0.5, 4, 100)\nsteps = 1\n' >"$tmp/job.ini"
  echo "running a sweep of 10^6 points into $results ..."
  mpirun -np 2 "$build/eos-sweep" run "$tmp/job.ini" --out "$results" --progress none >/dev/null
fi
file=$results
[ -d "$results" ] && file=$results/results.csv
echo "results: $file ($(($(stat -c %s "$file") / 1000000)) MB, $(($(wc -l <"$file") - 1)) rows)"

args=(--x eta_rel --y d --value bias_tail)
# measure NAME CMD...: "seconds peak_MB" of one run of CMD into $tmp/NAME.m (its output into
# $tmp/NAME.out).
measure() {
  local name=$1 s e kb
  shift
  s=$(date +%s%N)
  "$meter" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || { echo "$name failed:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
  e=$(date +%s%N)
  kb=$(awk '/^peak_rss_kb / { print $2 }' "$tmp/$name.err" | tail -n 1)
  awk -v t=$((e - s)) -v kb="$kb" 'BEGIN { printf "%.2f %.0f\n", t / 1e9, kb / 1024 }' >"$tmp/$name.m"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
eos_t="" eos_mb=0 pd_t="" pd_mb=0
for round in 1 2 3; do
  measure eos "$build/eos-sweep" aggregate "$results" "${args[@]}" --no-plot --out "$tmp/eos"
  measure pandas "$python" "$here/aggregate_pandas.py" "$file" "${args[@]}"
  read -r t mb <"$tmp/eos.m"
  read -r u nb <"$tmp/pandas.m"
  echo "round $round: eos-sweep aggregate $t s, $mb MB; pandas $u s, $nb MB ($(cat "$tmp/pandas.out"))"
  eos_t=$(best "$eos_t" "$t") pd_t=$(best "$pd_t" "$u")
  eos_mb=$((mb > eos_mb ? mb : eos_mb)) pd_mb=$((nb > pd_mb ? nb : pd_mb))
done

"$python" "$here/aggregate_pandas.py" "$file" "${args[@]}" --out "$tmp/pandas.csv" >/dev/null
agree=yes
"$python" "$here/aggregate_pandas.py" --check "$tmp/eos/bias_tail-by-eta_rel-d.csv" "$tmp/pandas.csv" || agree=no
awk -v e="$eos_t" -v p="$pd_t" -v em="$eos_mb" -v pm="$pd_mb" -v ok="$agree" 'BEGIN {
  printf "best of 3: eos-sweep aggregate %.2f s, peak %d MB; pandas %.2f s, peak %d MB; pandas/eos-sweep %.2fx\n", e, em, p, pm, p / e
  bar = (e <= p && em <= 500 && ok == "yes")
  printf "bar (time <= pandas, <= 500 MB, tables agree): %s\n", bar ? "met" : "NOT met"
  exit bar ? 0 : 1 }'
