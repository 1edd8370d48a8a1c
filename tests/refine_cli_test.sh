# Adaptive refinement end to end, with real runs under mpirun: the bars of the refinement issue.
# - mean-model (d = 200, 800; seeds 0-1; coarse eta_rel = 0.5, 0.75, 1.5, 2, no point near 1;
#   refine = regime, tol 0.005): every bracket <= 0.5% wide, every estimate within 3% of 1, at
#   most 16 points per line (a uniform grid of that resolution over [0.5, 2] needs ~280 points);
# - sparse-relu (d = 50, 100, 200; n = 300; lambda = 3; three seeds; absolute eta on a coarse log
#   grid): the fitted exponent within 2 +- 0.2, C within 20% of 8 pi;
# - deep-linear scalar chains, depth 2-5, refine = converged along eta_rel: the first change
#   (converged 1 -> 0) within 2% of 1;
# - kill -9 during refinement, then reruns: every point exactly once, the same points and the
#   same boundaries as an uninterrupted run; a rerun of a finished refinement runs nothing;
# - shards: a line lives in one shard; the shards together give the same boundaries;
# - bad input: one line, exit 2, nothing written.
# About 30 s on 2 cores.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch refine_cli)
say() { echo "refine_cli_test: $*"; }
run() { mpirun -np 2 "$EOS_SWEEP" run "$@" --progress none >/dev/null 2>&1; }
# The value of column $2 in every data row of CSV $1, one per line.
col() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$1"; }
# Fail unless every value of column $2 of CSV $1 lies in [$3, $4] (and there is at least one).
all_within() {
  local bad
  [ "$(col "$1" "$2" | wc -l)" -gt 0 ] || fail "$1: no rows"
  bad=$(col "$1" "$2" | awk -v lo="$3" -v hi="$4" '$1 < lo || $1 > hi' | head -3)
  [ -z "$bad" ] || fail "$1: $2 outside [$3, $4]: $bad"
}

cat >"$t/mean.ini" <<'JOB'
model = mean-model
d = 200, 800
seed = 0, 1
init_scale = 0.25
eta_rel = 0.5, 0.75, 1.5, 2
horizon = 10
sharpness_every = 100
refine = regime
refine_tol = 0.005
JOB

# --- plan: the coarse grid and the most points refinement may add.
plan=$("$EOS_SWEEP" plan "$t/mean.ini")
echo "$plan" | grep -q "^points: 16 (the coarse grid)" || fail "plan: $plan"
echo "$plan" | grep -q "4 lines of 4 grid points; at most 12 points added per line, 48 in all" || fail "plan: $plan"

# --- the mean-model bar.
say "mean-model: refine = regime along eta_rel"
run "$t/mean.ini" --out "$t/mean"
"$EOS_SWEEP" boundary "$t/mean" >"$t/mean.log"
b=$t/mean/boundary/boundary.csv
[ "$(tail -n +2 "$b" | wc -l)" = 4 ] || fail "mean-model: expected one boundary per line: $(cat "$b")"
all_within "$b" width 0 0.005
all_within "$b" estimate 0.97 1.03
all_within "$b" points 4 16
[ "$(col "$t/mean/results.csv" refine_depth | sort -n | tail -1)" -ge 1 ] || fail "no refine_depth"
[ "$(id_count "$t/mean/results.csv")" = "$(row_count "$t/mean/results.csv")" ] || fail "an id twice"
out=$(mpirun -np 2 "$EOS_SWEEP" run "$t/mean.ini" --out "$t/mean" --progress lines 2>&1 >/dev/null)
echo "$out" | grep -q "nothing to run: all $(row_count "$t/mean/results.csv") points already done" ||
  fail "a rerun of a finished refinement ran something: $out"

# --- kill -9 during refinement, then reruns until done: the same points, the same boundaries.
say "kill -9 during refinement"
# Points 4x longer (horizon 40), so that a kill lands while the refinement runs.
slow=(--set horizon=40)
run "$t/mean.ini" --out "$t/slow" "${slow[@]}"
RANDOM=20261201
kills=0 mid=0
total=$(row_count "$t/slow/results.csv")
for i in $(seq 1 8); do
  start=$(row_count "$t/killed/results.csv")
  mpirun -np 2 "$EOS_SWEEP" run "$t/mean.ini" --out "$t/killed" "${slow[@]}" --progress none >/dev/null 2>&1 &
  launcher=$!
  victim=$(wait_rank_pid "$launcher" 0)
  # Past the coarse grid and past what the last run left (the machine may be slow), then a bit.
  for _ in $(seq 1 300); do
    n=$(row_count "$t/killed/results.csv")
    { [ "$n" -gt 16 ] && [ "$n" -gt "$start" ]; } || [ "$n" -ge "$total" ] && break
    sleep 0.1
  done
  sleep "0.$((RANDOM % 4))"
  before=$(row_count "$t/killed/results.csv")
  if [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null; then
    kills=$((kills + 1))
    [ "$before" -gt 16 ] && [ "$before" -lt "$total" ] && mid=$((mid + 1))  # inside the refinement
  fi
  wait_bounded "$launcher" 300 2>/dev/null || true
  [ "$(row_count "$t/killed/results.csv")" -lt "$total" ] || break
done
[ "$mid" -ge 1 ] || fail "no kill landed during the refinement ($kills kills)"
run "$t/mean.ini" --out "$t/killed" "${slow[@]}"
[ "$(id_count "$t/killed/results.csv")" = "$(row_count "$t/killed/results.csv")" ] || fail "killed: an id twice"
same_rows "$t/slow/results.csv" "$t/killed/results.csv"
"$EOS_SWEEP" boundary "$t/slow" >/dev/null
"$EOS_SWEEP" boundary "$t/killed" >/dev/null
cmp -s "$t/slow/boundary/boundary.csv" "$t/killed/boundary/boundary.csv" || fail "killed: other boundaries"
say "  $kills kills ($mid during the refinement), then the same $(row_count "$t/killed/results.csv") points and boundaries"

# --- shards: each line whole in one shard; together the same rows and boundaries.
say "shards"
run "$t/mean.ini" --out "$t/shards" --shard 0/2
run "$t/mean.ini" --out "$t/shards" --shard 1/2
lines_of() { paste -d/ <(col "$1" d) <(col "$1" seed) | sort -u; }
[ -z "$(comm -12 <(lines_of "$t/shards/results.shard-0-of-2.csv") <(lines_of "$t/shards/results.shard-1-of-2.csv"))" ] ||
  fail "a line split between shards"
"$EOS_SWEEP" boundary "$t/shards" >/dev/null
cmp -s "$t/mean/boundary/boundary.csv" "$t/shards/boundary/boundary.csv" || fail "shards: other boundaries"

# --- the sparse-relu bar: the threshold's scaling with d.
say "sparse-relu: boundary along eta, fit against d"
cat >"$t/relu.ini" <<'JOB'
model = sparse-relu
d = 50, 100, 200
n = 300
lambda = 3
seed = 0, 1, 2
eta = logspace(2e-4, 0.04, 6)
horizon = 10
refine = regime
refine_tol = 0.01
JOB
run "$t/relu.ini" --out "$t/relu"
"$EOS_SWEEP" boundary "$t/relu" --by d >"$t/relu.log"
f=$t/relu/boundary/boundary-fit.csv
all_within "$f" p 1.8 2.2
all_within "$f" C "$(awk 'BEGIN { print 0.8 * 8 * atan2(0, -1) }')" "$(awk 'BEGIN { print 1.2 * 8 * atan2(0, -1) }')"
grep -q "^fit     regime gf → eos: eta = " "$t/relu.log" || fail "no fit line: $(cat "$t/relu.log")"
[ -s "$t/relu/boundary/boundary-by-d.gp" ] || fail "no figure script"
# A heatmap of the refined sweep: cells on the coarse grid (3 d x 6 eta), every line's boundary on top.
agg=$("$EOS_SWEEP" aggregate "$t/relu" --x eta --y d --value bias_tail --no-plot)
echo "$agg" | grep -q "the coarse grid only ([0-9]* points added by refinement left out)" || fail "aggregate: $agg"
[ "$(tail -n +2 "$t/relu/figures/bias_tail-by-eta-d.csv" | wc -l)" = 18 ] || fail "aggregate: not the coarse grid"
"$EOS_SWEEP" aggregate "$t/relu" --x eta --y d --value bias_tail >/dev/null 2>&1 || true  # gnuplot may be absent
gp=$t/relu/figures/bias_tail-by-eta-d.gp
[ "$(awk '/^# boundary of regime/ { on = 1; next } on && /^EOD/ { exit } on && NF == 2 { n++ } END { print n + 0 }' "$gp")" = 9 ] ||
  fail "heatmap: not 9 boundary points in $gp"

# --- the deep-linear bar: where convergence stops, along eta_rel.
say "deep-linear: refine = converged along eta_rel"
cat >"$t/deep.ini" <<'JOB'
model = deep-linear
dataset = scalar
target = 1
depth = 2, 3, 4, 5
eta_rel = 0.5, 0.8, 1.25, 2
seed = range(0, 3)
init = uniform
init_range = 1.5
steps = 20000
stop_grad_tol = 1e-8
sharpness_every = 1
diverge_loss = 1e8
refine = converged
refine_tol = 0.005
JOB
run "$t/deep.ini" --out "$t/deep"
"$EOS_SWEEP" boundary "$t/deep" --no-plot >/dev/null
# The first change on each line, from converged (1) to not (0).
first=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                 !seen[$c["depth"] "/" $c["seed"]]++ { print $c["below"] "->" $c["above"], $c["estimate"] }' \
  "$t/deep/boundary/boundary.csv")
[ "$(echo "$first" | wc -l)" = 12 ] || fail "deep-linear: not every line has a boundary: $first"
echo "$first" | awk '$1 != "1->0" || $2 < 0.98 || $2 > 1.02 { bad = 1; print "  " $0 } END { exit bad }' >&2 ||
  fail "deep-linear: a first change not within 2% of eta* (above)"

# --- bad input: one line, exit 2, nothing written.
say "bad input"
for s in "refine=foo" "refine=regime < 1" "refine_axis=seedx" "refine_axis=init_scale" "refine_tol=0" "refine_tol=-1"; do
  rm -rf "$t/bad"
  set +e
  err=$("$EOS_SWEEP" run "$t/mean.ini" --out "$t/bad" --set "$s" 2>&1 >/dev/null)
  rc=$?
  set -e
  [ $rc = 2 ] || fail "$s: exit $rc"
  [ "$(echo "$err" | wc -l)" = 1 ] || fail "$s: more than one line: $err"
  [ ! -e "$t/bad" ] || fail "$s: wrote $t/bad"
done
set +e
err=$("$EOS_SWEEP" boundary "$t/mean" --value "regime < 1" --out "$t/bad" 2>&1)
rc=$?
set -e
[ $rc = 2 ] && [ ! -e "$t/bad" ] || fail "boundary with a threshold on text: exit $rc: $err"
say "ok"
