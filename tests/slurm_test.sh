#!/usr/bin/env bash
# SLURM end to end on a real single-node cluster (tests/slurm_cluster.sh): slurm/submit queues a
# sweep with its aggregation, an array-sharded sweep, a flows sweep and a minibatch sweep over
# (batch size, η), and their rows equal a local run's; a
# sweep sent the time-limit warning signal checkpoints its points in flight, requeues itself,
# continues them from their checkpoints and ends complete, nothing lost or duplicated; the harness
# stops its daemons by PID even when a test fails.
#
# Needs root (skipped otherwise, with the reason) and the packages slurm-wlm and munge
# (scripts/setup.sh --with-slurm); fails, never skips, when they are missing. Run by ctest with EOS_SWEEP, EOS_SOURCE_DIR and EOS_TEST_TMP set;
# by hand: EOS_SWEEP=build/eos-sweep EOS_SOURCE_DIR=. EOS_TEST_TMP=/tmp bash tests/slurm_test.sh
# Takes about a minute (most of it the signal test's two runs and the requeue delay).
set -euo pipefail
: "${EOS_SWEEP:?EOS_SWEEP: path of the built eos-sweep}"
: "${EOS_SOURCE_DIR:?EOS_SOURCE_DIR: the source tree}"
: "${EOS_TEST_TMP:?EOS_TEST_TMP: a scratch folder}"
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: needs root (slurmd runs jobs as root and munged as user munge)"
  exit 77
fi
src=$EOS_SOURCE_DIR
tmp=$EOS_TEST_TMP/slurm_test
rm -rf "$tmp"
mkdir -p "$tmp"
EOS_SWEEP=$(cd "$(dirname "$EOS_SWEEP")" && pwd)/$(basename "$EOS_SWEEP")
export EOS_SWEEP

step() { echo "slurm_test: [$SECONDS s] $*"; }
fail() {
  echo "slurm_test: FAIL: $*" >&2
  local f
  for f in "$tmp"/*/logs/*.out; do
    [ -f "$f" ] || continue
    echo "----- $f" >&2
    tail -n 30 "$f" >&2
  done
  if [ -n "${SLURM_CLUSTER_DIR:-}" ]; then
    echo "----- slurmctld.log (tail)" >&2
    tail -n 20 "$SLURM_CLUSTER_DIR/slurmctld.log" >&2 2>/dev/null || true
  fi
  exit 1
}

# shellcheck source=slurm_cluster.sh
source "$src/tests/slurm_cluster.sh"

# --- The harness stops every daemon it started, by PID, even when the script using it fails.
step "harness: a failing script leaves no daemon behind"
set +e
bash -c '
  set -e
  source "$1/tests/slurm_cluster.sh"
  slurm_cluster_start "$2/failing-cluster"
  [ "$(sl sinfo -h -o %T)" = idle ]
  for e in "${SLURM_CLUSTER_PIDS[@]}"; do echo "${e#*:}"; done > "$2/failing-pids"
  echo "$SLURM_CLUSTER_RUN" > "$2/failing-run"
  false  # the test fails here; the EXIT trap must still stop the cluster
  echo unreachable
' _ "$src" "$tmp" >"$tmp/failing.out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the failing script exited 0: $(cat "$tmp/failing.out")"
grep -q unreachable "$tmp/failing.out" && fail "the failing script went past its failure"
[ -s "$tmp/failing-pids" ] || fail "the failing script's cluster did not start: $(cat "$tmp/failing.out")"
[ "$(wc -l <"$tmp/failing-pids")" -eq 3 ] || fail "expected 3 daemons (munged, slurmctld, slurmd): $(cat "$tmp/failing-pids")"
while read -r pid; do
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    fail "daemon $pid ($(cat /proc/"$pid"/comm 2>/dev/null)) still runs after its script failed"
  fi
done <"$tmp/failing-pids"
[ ! -e "$(cat "$tmp/failing-run")" ] || fail "munge's folder $(cat "$tmp/failing-run") was not removed"

# --- The cluster for the rest of the test.
step "starting the cluster"
slurm_cluster_start "$tmp/cluster" || fail "cannot start the SLURM cluster (see above)"

# Jobs: points of ~0.05 s (small) and ~0.5 s (long, so the signal lands mid-sweep). The small one
# refines its regime boundary along eta_rel (a line of 4 grid points per seed and method, up to 4
# added), so the whole sweep and the array of shards refine under srun, each line in one shard;
# it runs heavy ball and Nesterov, the long one Adam (every method works under SLURM).
cat >"$tmp/small.job" <<'EOF'
model = sparse-relu
d = 30
n = 60
path = oracle
eta_rel = 0.5, 1, 1.5, 2
seed = range(0, 3)
method = polyak, nesterov
momentum = 0.5
refine = regime
refine_max = 4
EOF
cat >"$tmp/long.job" <<'EOF'
model = sparse-relu
d = 30
n = 60
path = oracle
steps = 60000
eta_rel = 0.5, 0.8, 1.2, 1.5, 2
seed = range(0, 6)
method = adam
EOF
# The central and gradient flows beside GD (a sweep of its own, under srun like the others).
cat >"$tmp/flows.job" <<'EOF'
model = minimalist-2d
lambda1 = 4, 8
alpha0 = 0.1
beta1_0 = 0.1
beta2_0 = 0.1
eta_rel = 0.8, 1.3
steps = 2000
sharpness_every = 10
flows = central gradient
EOF
# Minibatch SGD over (batch size, η) (a sweep of its own: its batches must not depend on the ranks).
cat >"$tmp/batch.job" <<'EOF'
model = mlp
dataset = digits
n = 200
n_test = 0
width = 16
depth = 2
batch_size = 20, 200
eta = 0.1, 0.3
steps = 300
sharpness_every = 50
bs_tol = 0.1
EOF
agg_args=(--x eta_rel --value bias_final)

# Sorted rows of results files without the wall_s column (the only one that may differ).
rows() {
  awk -F, -v OFS=, '
    FNR == 1 { if (!w) for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i; next }
    { $w = ""; print }' "$@" | sort
}
job_id() { awk -v k="$1" '$1 " " $2 == k ":" { print $3 }' "$2"; }
# Every record of a job (all tasks of an array) in state COMPLETED with exit code 0.
all_completed() {
  local n bad
  n=$(sl scontrol -o show job "$1" 2>/dev/null | grep -c .)
  bad=$(sl scontrol -o show job "$1" 2>/dev/null | grep -v 'JobState=COMPLETED .*ExitCode=0:0' | grep -c . || true)
  [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

# --- Bad input submits nothing.
step "submit: a bad job file submits nothing"
printf 'model = sparse-relu\nd = many\n' >"$tmp/bad.job"
set +e
"$src/slurm/submit" "$tmp/bad.job" --out "$tmp/bad" >"$tmp/bad.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "submit of a bad job exited $rc, expected 2: $(cat "$tmp/bad.out")"
[ -z "$(sl squeue -h -o %i)" ] || fail "submit of a bad job queued something"
[ ! -e "$tmp/bad" ] || fail "submit of a bad job created its --out folder"

# --- Submit all three sweeps; they share the 2-CPU node.
step "submitting a sweep (2 tasks), an array of 3 shards, a long sweep, a flows sweep and a minibatch sweep, each with its aggregation"
"$src/slurm/submit" "$tmp/small.job" --out "$tmp/whole" -n 2 -t 10 "${agg_args[@]}" >"$tmp/whole.sub" ||
  fail "submit (whole) failed: $(cat "$tmp/whole.sub")"
"$src/slurm/submit" "$tmp/small.job" --out "$tmp/array" --array 3 -n 1 -t 10 "${agg_args[@]}" >"$tmp/array.sub" ||
  fail "submit (array) failed: $(cat "$tmp/array.sub")"
"$src/slurm/submit" "$tmp/long.job" --out "$tmp/signal" -n 2 -t 10 "${agg_args[@]}" >"$tmp/signal.sub" ||
  fail "submit (signal) failed: $(cat "$tmp/signal.sub")"
"$src/slurm/submit" "$tmp/flows.job" --out "$tmp/flows" -n 2 -t 10 --x eta_rel --value cf_gf_ratio >"$tmp/flows.sub" ||
  fail "submit (flows) failed: $(cat "$tmp/flows.sub")"
"$src/slurm/submit" "$tmp/batch.job" --out "$tmp/batch" -n 2 -t 10 --x batch_size --value edge_tail >"$tmp/batch.sub" ||
  fail "submit (batch) failed: $(cat "$tmp/batch.sub")"
cat "$tmp/whole.sub"
whole=$(job_id "sweep job" "$tmp/whole.sub")
whole_agg=$(job_id "aggregate job" "$tmp/whole.sub")
array=$(job_id "sweep job" "$tmp/array.sub")
array_agg=$(job_id "aggregate job" "$tmp/array.sub")
sig=$(job_id "sweep job" "$tmp/signal.sub")
sig_agg=$(job_id "aggregate job" "$tmp/signal.sub")
flows=$(job_id "sweep job" "$tmp/flows.sub")
flows_agg=$(job_id "aggregate job" "$tmp/flows.sub")
batch=$(job_id "sweep job" "$tmp/batch.sub")
batch_agg=$(job_id "aggregate job" "$tmp/batch.sub")
for v in whole whole_agg array array_agg sig sig_agg flows flows_agg batch batch_agg; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || fail "no job id for $v in the submit output"
done
grep -q "^figures: *$tmp/whole/figures/" "$tmp/whole.sub" || fail "submit did not say where the figures go"
[ "$(slurm_job_field "$whole_agg" Dependency)" != "(null)" ] || fail "the aggregation has no dependency"

# --- The warning signal, once the long sweep is well under way but far from done.
step "waiting for the long sweep to get going"
res=$tmp/signal/results.csv
n=0
for _ in $(seq 1200); do
  n=$( (tail -n +2 "$res" 2>/dev/null || true) | grep -c . || true)
  [ "$n" -ge 4 ] && break
  sleep 0.1
done
[ "$n" -ge 4 ] || fail "the long sweep wrote $n rows in 120 s"
[ "$n" -lt 30 ] || fail "the long sweep ended before the signal could land"
step "sending the time-limit warning: scancel --signal=USR1 --batch $sig ($n of 30 rows done)"
sl scancel --signal=USR1 --batch "$sig"

# Local reference runs while the cluster works.
step "local reference runs"
"$EOS_SWEEP" run "$tmp/small.job" --out "$tmp/local-small" --progress none 2>"$tmp/local-small.err" ||
  fail "local run failed: $(cat "$tmp/local-small.err")"
"$EOS_SWEEP" run "$tmp/long.job" --out "$tmp/local-long" --progress none 2>"$tmp/local-long.err" ||
  fail "local run failed: $(cat "$tmp/local-long.err")"
"$EOS_SWEEP" run "$tmp/flows.job" --out "$tmp/local-flows" --progress none 2>"$tmp/local-flows.err" ||
  fail "local run failed: $(cat "$tmp/local-flows.err")"
"$EOS_SWEEP" run "$tmp/batch.job" --out "$tmp/local-batch" --progress none 2>"$tmp/local-batch.err" ||
  fail "local run failed: $(cat "$tmp/local-batch.err")"

step "waiting for every job to leave the queue"
slurm_wait_gone 240 "$whole" "$whole_agg" "$array" "$array_agg" "$sig" "$sig_agg" "$flows" "$flows_agg" "$batch" "$batch_agg" ||
  fail "jobs did not finish in time"

# --- Whole sweep and array: same rows as the local run.
step "checking results"
all_completed "$whole" || fail "sweep $whole did not complete: $(sl scontrol -o show job "$whole")"
all_completed "$array" || fail "array $array did not complete: $(sl scontrol -o show job "$array" | cut -c1-300)"
[ "$(sl scontrol -o show job "$array" | grep -c .)" -eq 3 ] || fail "array $array does not have 3 tasks"
[ "$(head -n 1 "$tmp/whole/results.csv")" = "$(head -n 1 "$tmp/local-small/results.csv")" ] ||
  fail "whole sweep: header differs from the local run's"
diff <(rows "$tmp/local-small/results.csv") <(rows "$tmp/whole/results.csv") >"$tmp/whole.diff" ||
  fail "whole sweep: rows differ from the local run's: $(head -c 2000 "$tmp/whole.diff")"
all_completed "$flows" || fail "flows sweep $flows did not complete: $(sl scontrol -o show job "$flows")"
diff <(rows "$tmp/local-flows/results.csv") <(rows "$tmp/flows/results.csv") >"$tmp/flows.diff" ||
  fail "flows sweep: rows differ from the local run's: $(head -c 2000 "$tmp/flows.diff")"
all_completed "$batch" || fail "minibatch sweep $batch did not complete: $(sl scontrol -o show job "$batch")"
diff <(rows "$tmp/local-batch/results.csv") <(rows "$tmp/batch/results.csv") >"$tmp/batch.diff" ||
  fail "minibatch sweep: rows differ from the local run's: $(head -c 2000 "$tmp/batch.diff")"
shards=("$tmp"/array/results.shard-*-of-3.csv)
[ ${#shards[@]} -eq 3 ] || fail "array: expected 3 shard files, found ${#shards[@]}"
diff <(rows "$tmp/local-small/results.csv") <(rows "${shards[@]}") >"$tmp/array.diff" ||
  fail "array: rows of the shards differ from the local run's: $(head -c 2000 "$tmp/array.diff")"
grep -q "launcher srun" "$tmp/whole/logs/sweep-$whole.out" || fail "the sweep did not run under srun"
grep -q "sweep complete" "$tmp/whole/logs/sweep-$whole.out" || fail "the sweep log does not say it completed"
for i in 0 1 2; do
  grep -q "shard $i of 3" "$tmp/array/logs/sweep-${array}_$i.out" || fail "array task $i log does not name its shard"
done

# --- Signal: requeued, resumed, complete; nothing lost or duplicated.
step "checking the signalled sweep"
all_completed "$sig" || fail "signalled sweep $sig did not complete: $(sl scontrol -o show job "$sig")"
restarts=$(slurm_job_field "$sig" Restarts)
[ "${restarts:-0}" -ge 1 ] || fail "signalled sweep $sig was not requeued (Restarts=$restarts)"
log=$tmp/signal/logs/sweep-$sig.out
grep -q "SIGUSR1 received" "$log" || fail "the batch shell did not see SIGUSR1"
grep -q "requeueing job $sig" "$log" || fail "the sweep did not requeue itself"
grep -q "restart 1," "$log" || fail "the log has no second run"
# The points in flight when the signal came wrote checkpoints; the requeued run continued them.
grep -q "continues from its checkpoint at step" "$log" ||
  fail "no point in flight continued from a checkpoint after the requeue: $(grep 'eos-sweep' "$log" | tail -5)"
step "  $(grep -o 'point [0-9a-f]* continues from its checkpoint at step [0-9]*' "$log" | head -2 | tr '\n' ';')"
[ -z "$(ls "$tmp/signal/checkpoints" 2>/dev/null)" ] || fail "checkpoints left after the sweep: $(ls "$tmp/signal/checkpoints")"
events=$(grep -o '"event": "end", [^}]*"status": "[a-z]*"' "$tmp/signal/manifest.jsonl" | grep -o '"status": "[a-z]*"' | tr '\n' ' ')
[[ "$events" == *interrupted*complete* ]] ||
  fail "manifest: expected an interrupted run and then a complete one, got: $events"
skipped=$(grep -o '"points_skipped": [0-9]*' "$tmp/signal/manifest.jsonl" | tail -n 1 | grep -o '[0-9]*$')
[ "${skipped:-0}" -ge 4 ] && [ "$skipped" -lt 30 ] || fail "the resumed run skipped ${skipped:-?} points, expected 4..29"
ids=$(tail -n +2 "$res" | cut -d, -f1 | sort)
[ "$(echo "$ids" | grep -c .)" -eq 30 ] || fail "signalled sweep: $(echo "$ids" | grep -c .) rows, expected 30"
[ -z "$(echo "$ids" | uniq -d)" ] || fail "signalled sweep: duplicated ids: $(echo "$ids" | uniq -d | tr '\n' ' ')"
diff <(rows "$tmp/local-long/results.csv") <(rows "$res") >"$tmp/signal.diff" ||
  fail "signalled sweep: rows differ from the local run's: $(head -c 2000 "$tmp/signal.diff")"

# --- Aggregation: after the sweep, on all its rows; figures when `eos-sweep aggregate` works.
step "checking the aggregations"
check_agg() { # NAME SWEEP_DIR AGG_ID FILES ROWS
  local alog=$2/logs/aggregate-$3.out
  [ -f "$alog" ] || fail "$1: the aggregation never ran (no $alog)"
  grep -q "aggregating $4 results files in $2 ($5 rows)" "$alog" ||
    fail "$1: the aggregation did not read $4 files with $5 rows: $(grep aggregating "$alog")"
  if [ "$aggregate_works" -eq 1 ]; then
    all_completed "$3" || fail "$1: aggregation $3 failed: $(tail -n 5 "$alog")"
    compgen -G "$2/figures/*.png" >/dev/null || fail "$1: no PNG figure in $2/figures"
  fi
}
aggregate_works=0
if "$EOS_SWEEP" aggregate --help >/dev/null 2>&1; then aggregate_works=1; fi
small_rows=$(($(wc -l <"$tmp/local-small/results.csv") - 1))
[ "$small_rows" -gt 24 ] || fail "the small job refined nothing ($small_rows rows)"
check_agg whole "$tmp/whole" "$whole_agg" 1 "$small_rows"
check_agg array "$tmp/array" "$array_agg" 3 "$small_rows"
check_agg signal "$tmp/signal" "$sig_agg" 1 30
check_agg flows "$tmp/flows" "$flows_agg" 1 "$(($(wc -l <"$tmp/local-flows/results.csv") - 1))"
check_agg batch "$tmp/batch" "$batch_agg" 1 4
if [ "$aggregate_works" -eq 0 ]; then
  step "NOTE: 'eos-sweep aggregate --help' fails: figures not checked (the aggregations ran, after their sweeps)"
fi

step "PASS"
