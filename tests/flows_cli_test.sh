# The central and gradient flows in a sweep through the real binary and real MPI ranks
# (docs/central-flows.md): a grid over η/η* and λ₁ of minimalist-2d with flows = central gradient
# gives the same rows under -np 1, 2 and 3, the same through two shards, and the same after kill -9
# and a resume; aggregate draws where the central flow holds (cf_gf_ratio over the grid); the
# trace figure draws GD beside both flows; the flows' columns are in no file of a job without them.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch flows_cli)
say() { echo "flows_cli_test: $*"; }
run() { mpirun -np 2 "$EOS_SWEEP" run "$@" --progress none >/dev/null 2>&1; }
cat >"$t/job.ini" <<'JOB'
model = minimalist-2d
lambda1 = 4, 8
lambda2 = 1
alpha0 = 0.1
beta1_0 = 0.1
beta2_0 = 0.1
eta_rel = 0.8, 1.1, 1.3, 1.6
steps = 4000
sharpness_every = 10
flows = central gradient
trace_every = 50
trace_points = 2 6
JOB
same_rows_on_ranks "$t/job.ini" "$t/ranks" 8
head -1 "$t/ranks/single/results.csv" | grep -q ",cf_loss_err,cf_sharpness_err,cf_dist_final,gf_dist_final,cf_gf_ratio," ||
  fail "the flows' columns are missing"
for i in 0 1; do run "$t/job.ini" --out "$t/shards" --shard "$i/2"; done
same_rows "$t/ranks/single/results.csv" <(cat "$t/shards"/results.shard-0-of-2.csv; tail -n +2 "$t/shards"/results.shard-1-of-2.csv)
say "the same rows under -np 1, 2, 3 and through two shards"

# kill -9 of the master in the middle, then resume.
sed 's/^steps = .*/steps = 40000/' "$t/job.ini" >"$t/long.ini"
"$EOS_SWEEP" run "$t/long.ini" --out "$t/clean" --progress none 2>/dev/null
mpirun -np 2 "$EOS_SWEEP" run "$t/long.ini" --out "$t/killed" --progress none >/dev/null 2>&1 &
launcher=$!
for _ in $(seq 1 400); do
  [ "$(row_count "$t/killed/results.csv")" -ge 2 ] && break
  sleep 0.02
done
n=$(row_count "$t/killed/results.csv")
victim=$(rank_pid "$launcher" 0)
[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null || true
wait_bounded "$launcher" 300 || true
run "$t/long.ini" --out "$t/killed"
same_rows "$t/clean/results.csv" "$t/killed/results.csv"
say "killed the master with $n of 8 rows written; the resumed sweep equals an uninterrupted one"

# Where the central flow holds: GD ends far closer to it than to gradient flow beyond the edge.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         $c["regime"] == "eos" && !($c["cf_gf_ratio"] < 0.5) { bad = 1; print "  " $c["lambda1"], $c["eta_rel"], $c["cf_gf_ratio"] }
         $c["regime"] == "gf" && $c["cf_edge_step"] != -1 { bad = 1; print "  gf at the edge: " $0 }
         END { exit bad }' "$t/ranks/single/results.csv" >&2 || fail "cf_gf_ratio"
agg=$("$EOS_SWEEP" aggregate "$t/ranks/single" --x eta_rel --y lambda1 --value cf_gf_ratio --out "$t/agg" 2>&1) ||
  fail "aggregate: $agg"
[ "$(tail -n +2 "$t/agg/cf_gf_ratio-by-eta_rel-lambda1.csv" | wc -l)" = 8 ] || fail "aggregate: not 8 cells"
"$EOS_SWEEP" trace "$t/ranks/single" --out "$t/fig" >/dev/null 2>&1 || true  # gnuplot may be absent
gp=$(ls "$t/fig"/*.gp | head -1)
grep -q "predicted time-averaged loss" "$gp" || fail "the trace figure is not the flows' figure"
say "aggregate and the flows' trace figure"

# A job without flows writes no flow column.
sed '/^flows/d' "$t/job.ini" >"$t/plain.ini"
"$EOS_SWEEP" run "$t/plain.ini" --out "$t/plain" --progress none 2>/dev/null
! head -1 "$t/plain/results.csv" | grep -q "cf_" || fail "a job without flows has flow columns"
say "ok"
