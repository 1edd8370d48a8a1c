# Minibatch runs through the real binary (docs/minibatch.md):
# - batch_size = n gives the rows and traces of full-batch GD: every column they share equal
#   (the id aside, which holds the key that was set), the batch sharpness gᵀHg/‖g‖² exact;
# - a (batch size × η) job gives the same rows and the same traces (the batch losses of every step:
#   the batch order) without mpirun and under mpirun -np 1, 2, 3;
# - a (batch size × η) sweep killed with SIGKILL at random moments after a checkpoint (the master
#   or a worker under mpirun -np 2, or a run without mpirun) and rerun each time ends with the rows
#   and traces of the uninterrupted run, bit for bit (the batch order and the batch-sharpness
#   batches continue where they were);
# - the results aggregate into the phase diagram of edge_tail (S_B over its edge level) over
#   (batch size, η), and scripts/minibatch_figures.sh draws it and one EoSS figure per η (λ_max and
#   S_B of each batch size, 2/η).
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch minibatch_cli)
say() { echo "minibatch_cli_test: $*"; }
export OMPI_MCA_ess_singleton_isolated=1 OPENBLAS_NUM_THREADS=1
PY=${EOS_PYTHON:-/usr/bin/python3}

# --- batch_size = n is full-batch GD ----------------------------------------------------------
base=$'model = mlp\ndataset = digits\nn = 120\nn_test = 30\nwidth = 12\ndepth = 2\neta = 0.5\nsteps = 200\nsharpness_every = 20\ntrace_every = 5\n'
printf '%s' "$base" >"$t/full.ini"
printf '%sbatch_size = 120\n' "$base" >"$t/b_n.ini"
for j in full b_n; do "$EOS_SWEEP" run "$t/$j.ini" --out "$t/$j" --progress none 2>/dev/null; done
"$PY" - "$t/full" "$t/b_n" <<'PY'
import csv, sys, os
a, b = (list(csv.DictReader(open(os.path.join(d, "results.csv")))) for d in sys.argv[1:3])
assert len(a) == len(b) == 1
a, b = a[0], b[0]
common = [k for k in a if k in b and k not in ("id", "wall_s", "message")]
diff = [k for k in common if a[k] != b[k]]
if diff:
    sys.exit("FAIL: batch_size = n differs from full-batch GD in " + ", ".join(f"{k}: {a[k]} vs {b[k]}" for k in diff))
ta = list(csv.DictReader(open(os.path.join(sys.argv[1], "traces", a["id"] + ".csv"))))
tb = list(csv.DictReader(open(os.path.join(sys.argv[2], "traces", b["id"] + ".csv"))))
assert len(ta) == len(tb) > 10
for ra, rb in zip(ta, tb):
    for k in ra:
        if ra[k] != rb[k]:
            sys.exit(f"FAIL: trace step {ra['step']}: {k} {ra[k]} vs {rb[k]}")
    # B = n: the step's loss is the full loss, and at samples S_B = gᵀHg/‖g‖² with error 0
    if rb["batch_sharpness"] != "nan" and (rb["batch_sharpness_err"] != "0" or rb["full_loss"] != rb["loss"]):
        sys.exit(f"FAIL: B = n at step {rb['step']}: err {rb['batch_sharpness_err']}, full_loss {rb['full_loss']}")
print(f"minibatch_cli_test: batch_size = n: {len(common)} columns and {len(ta)} trace rows equal to full-batch GD; "
      f"S_B = {b['batch_sharpness_tail']} (λ_max {b['sharpness_tail']}), edge_tail {b['edge_tail']} vs {a['edge_tail']}")
PY

# --- the same batches on any rank count ------------------------------------------------------
cat >"$t/sweep.ini" <<'JOB'
model = mlp
dataset = digits
n = 200
n_test = 50
width = 16
depth = 2
eta = 0.1, 0.4
batch_size = 10, 50, 200
bs_tol = 0.05
steps = 300
sharpness_every = 50
trace_every = 1
JOB
same_rows_on_ranks "$t/sweep.ini" "$t" 6
for d in np1 np2 np3; do
  for f in "$t/single/traces/"*.csv; do
    cmp -s "$f" "$t/$d/traces/$(basename "$f")" || fail "$d: trace $(basename "$f") differs from the run without mpirun"
  done
done
say "6 points, rows and per-step traces (the batch losses) equal without mpirun and with -np 1, 2, 3"

# --- kill -9 and resume ----------------------------------------------------------------------
cat >"$t/long.ini" <<'JOB'
model = mlp
dataset = digits
n = 1000
n_test = 0
width = 100
depth = 2
eta = 0.1, 0.3
batch_size = 16, 64
bs_tol = 0.1
steps = 8000
sharpness_every = 500
trace_every = 50
checkpoint_every = 0.3
JOB
"$EOS_SWEEP" run "$t/long.ini" --out "$t/clean" --progress none 2>/dev/null
# The newest checkpoint's time (0: none).
newest_checkpoint() { stat -c %.9Y "$t/killed/checkpoints/"*.ckpt 2>/dev/null | sort -n | tail -1 || true; }
RANDOM=20261206
kills=0
for i in 1 2 3 4 5 6; do
  target=$((i % 3))  # 0: the master, 1: a worker (mpirun -np 2), 2: a run without mpirun
  s0=$(date +%s.%N)
  if [ $target = 2 ]; then
    "$EOS_SWEEP" run "$t/long.ini" --out "$t/killed" --progress none 2>>"$t/killed.log" &
    launcher=$!
    victim=$launcher
  else
    mpirun -np 2 "$EOS_SWEEP" run "$t/long.ini" --out "$t/killed" --progress none >>"$t/killed.log" 2>&1 &
    launcher=$!
    victim=$(wait_rank_pid "$launcher" "$target")
  fi
  # a random moment after this run's first new checkpoint
  for _ in $(seq 600); do
    kill -0 "$launcher" 2>/dev/null || break
    awk -v m="$(newest_checkpoint)" -v s="$s0" 'BEGIN { exit !(m + 0 > s) }' && break
    sleep 0.1
  done
  sleep "0.$((RANDOM % 10))"
  if [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null; then kills=$((kills + 1)); fi
  wait_bounded "$launcher" 300 2>/dev/null || true
  [ "$(row_count "$t/killed/results.csv")" = "$(id_count "$t/killed/results.csv")" ] || fail "kill $i: duplicate ids"
done
mpirun -np 2 "$EOS_SWEEP" run "$t/long.ini" --out "$t/killed" --progress none >>"$t/killed.log" 2>&1
[ $kills -ge 4 ] || fail "only $kills kills landed"
grep -q "continues from its checkpoint" "$t/killed.log" || fail "no rerun continued from a checkpoint: $(cat "$t/killed.log")"
[ "$(row_count "$t/killed/results.csv")" = 4 ] || fail "resumed sweep has $(row_count "$t/killed/results.csv") rows"
same_rows "$t/clean/results.csv" "$t/killed/results.csv"
for f in "$t/clean/traces/"*.csv; do
  cmp -s "$f" "$t/killed/traces/$(basename "$f")" || fail "trace $(basename "$f") differs from the uninterrupted run's"
done
say "$kills kills (master, worker, single), $(grep -c 'continues from its checkpoint' "$t/killed.log") continuations from checkpoints: rows and traces bit for bit"

# --- the phase diagram -----------------------------------------------------------------------
"$EOS_SWEEP" aggregate "$t/np2" --x batch_size --y eta --value edge_tail --out "$t/agg" >/dev/null
"$EOS_SWEEP" aggregate "$t/killed" --x batch_size --y eta --value edge_tail --out "$t/agg-killed" >/dev/null
[ "$(tail -n +2 "$t/agg-killed/edge_tail-by-batch_size-eta.csv" | wc -l)" = 4 ] || fail "the resumed sweep's phase table"
table="$t/agg/edge_tail-by-batch_size-eta.csv"
[ -s "$table" ] && [ -s "$t/agg/edge_tail-by-batch_size-eta.png" ] || fail "no phase diagram"
[ "$(tail -n +2 "$table" | wc -l)" = 6 ] || fail "the phase table has $(tail -n +2 "$table" | wc -l) cells, expected 6"
say "phase diagram: $(tail -n +2 "$table" | cut -d, -f1,2,4 | paste -sd' ' -)"

# --- the figures script: the phase diagrams and one EoSS figure per η -------------------------
EOS_SWEEP="$EOS_SWEEP" bash "$EOS_SOURCE_DIR/scripts/minibatch_figures.sh" "$t/np2" >/dev/null 2>&1 || true  # gnuplot may be absent
for f in edge_tail-by-batch_size-eta sharpness_tail-by-batch_size-eta eoss-eta-0.1 eoss-eta-0.4; do
  [ -s "$t/np2/figures/$f.gp" ] || fail "minibatch_figures.sh wrote no $f.gp"
done
gp="$t/np2/figures/eoss-eta-0.4.gp"
for b in 10 50 200; do grep -q "title 'B = $b'" "$gp" || fail "the EoSS figure does not name B = $b"; done
grep -q "title '2/η'" "$gp" || fail "the EoSS figure has no 2/η line"
grep -q "batch sharpness" "$gp" || fail "the EoSS figure does not key the batch sharpness"
say "figures: phase diagrams of edge_tail and sharpness_tail, EoSS figures at η = 0.1 and 0.4"
say "ok"
