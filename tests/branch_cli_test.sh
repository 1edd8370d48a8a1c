# Saved states and branches (save_states, init_state), through the real binary:
# - a branch from a parent's state at step t with the parent's own settings ends where the parent
#   ended, bit for bit: final parameters, final loss and final sharpness (mlp with heavy ball, whose
#   velocity the state carries; sparse-relu with Adam, whose moments and step count it carries);
# - the state files are NumPy archives that np.load reads: θ in the layout of init_params, the
#   method's state, the step, model, method and point id;
# - the branch's id holds the state's content, not its path;
# - a long branch killed three times continues from its checkpoints to the same row and trace;
# - a grid of branches over η from one state runs the same on 1, 2 and 3 ranks, carries its parent's
#   id and step, and resumes after kill -9 to the same rows.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch branch_cli)
say() { echo "branch_cli_test: $*"; }
export OMPI_MCA_ess_singleton_isolated=1
PY=/usr/bin/python3

# The value of column $2 in the only row of results file $1.
col() {
  awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$1"
}

cat >"$t/parent.ini" <<'JOB'
model = mlp
dataset = digits
n = 200
n_test = 50
width = 32
depth = 2
method = polyak
momentum = 0.5
eta = 0.3
steps = 400
sharpness_every = 20
trace_every = 10
save_states = 200, 400
save_params = final
JOB
"$EOS_SWEEP" run "$t/parent.ini" --out "$t/parent" --progress none 2>/dev/null
pid=$(col "$t/parent/results.csv" id)
state=$t/parent/states/$pid-200.npz
[ -f "$state" ] && [ -f "$t/parent/states/$pid-400.npz" ] || fail "no saved states: $(ls "$t/parent")"

# The branch: the parent's job, started from its state at step 200.
{ cat "$t/parent.ini"; echo "init_state = $state"; } | sed '/^save_states/d' >"$t/branch.ini"
"$EOS_SWEEP" run "$t/branch.ini" --out "$t/branch" --progress none 2>/dev/null
bid=$(col "$t/branch/results.csv" id)
[ "$bid" != "$pid" ] || fail "the branch has its parent's id"
cmp -s "$t/parent/params/$pid.npy" "$t/branch/params/$bid.npy" || fail "the branch's final parameters differ"
for c in loss_final sharpness_final train_acc_final; do
  [ "$(col "$t/parent/results.csv" "$c")" = "$(col "$t/branch/results.csv" "$c")" ] ||
    fail "$c: parent $(col "$t/parent/results.csv" "$c"), branch $(col "$t/branch/results.csv" "$c")"
done
[ "$(col "$t/branch/results.csv" parent_id)" = "$pid" ] || fail "parent_id is not $pid"
[ "$(col "$t/branch/results.csv" parent_step)" = 200 ] || fail "parent_step is not 200"
# Its trace goes on from step 200, each loss and sharpness the parent's.
awk -F, 'NR > 1 && $1 >= 200 { print $1, $2, $3 }' "$t/parent/traces/$pid.csv" >"$t/parent.tail"
awk -F, 'NR > 1 { print $1, $2, $3 }' "$t/branch/traces/$bid.csv" >"$t/branch.tail"
cmp -s "$t/parent.tail" "$t/branch.tail" || fail "the branch's trace (step, loss, sharpness) differs: $(diff "$t/parent.tail" "$t/branch.tail" | head -3)"
say "mlp, heavy ball: a branch at step 200 ends at the parent's parameters, loss_final $(col "$t/branch/results.csv" loss_final), sharpness_final $(col "$t/branch/results.csv" sharpness_final), bit for bit"

# What NumPy reads in a state.
"$PY" - "$t/parent" "$pid" <<'PY' || fail "the saved states do not read as described"
import sys, numpy as np
d, pid = sys.argv[1:]
s = np.load(f"{d}/states/{pid}-400.npz")
want = {"theta", "step", "model", "method", "point_id", "updates", "flow_sharpness", "velocity"}
assert want <= set(s.files), s.files
assert s["model"].item() == b"mlp" and s["method"].item() == b"polyak" and s["point_id"].item().decode() == pid
assert s["step"].dtype == np.int64 and s["step"].shape == () and int(s["step"]) == 400
assert int(s["updates"]) == 400, int(s["updates"])
final = np.load(f"{d}/params/{pid}.npy")
assert s["theta"].dtype == np.float64 and np.array_equal(s["theta"], final), "theta at 400 is not the final parameters"
assert s["velocity"].shape == final.shape and np.all(np.isfinite(s["velocity"]))
h = np.load(f"{d}/states/{pid}-200.npz")
assert int(h["step"]) == 200 and not np.array_equal(h["theta"], final)
print("branch_cli_test: np.load reads", sorted(s.files))
PY

# The id holds the state's content: the same state elsewhere, the same id; another state, another.
cp "$state" "$t/copy.npz"
sed "s|^init_state = .*|init_state = $t/copy.npz|" "$t/branch.ini" >"$t/copy.ini"
plan_id() { "$EOS_SWEEP" plan "$1" | awk '$1 == "0" { print $2 }'; }
[ "$(plan_id "$t/copy.ini")" = "$bid" ] || fail "a copy of the state gives another id"
sed "s|^init_state = .*|init_state = $t/parent/states/$pid-400.npz|; s/^steps = .*/steps = 500/" "$t/branch.ini" >"$t/other.ini"
[ "$(plan_id "$t/other.ini")" != "$bid" ] || fail "another state gives the same id"

# Adam: the moments and the step count of its bias correction come with the state.
cat >"$t/adam.ini" <<'JOB'
model = sparse-relu
d = 20
eta_rel = 1.5
method = adam
steps = 300
sharpness_every = 10
save_states = 150
JOB
"$EOS_SWEEP" run "$t/adam.ini" --out "$t/adam" --progress none 2>/dev/null
aid=$(col "$t/adam/results.csv" id)
{ sed '/^save_states/d' "$t/adam.ini"; echo "init_state = $t/adam/states/$aid-150.npz"; } >"$t/adam-branch.ini"
"$EOS_SWEEP" run "$t/adam-branch.ini" --out "$t/adam-branch" --progress none 2>/dev/null
for c in loss_final sharpness_final bias_final psharpness_final; do
  [ "$(col "$t/adam/results.csv" "$c")" = "$(col "$t/adam-branch/results.csv" "$c")" ] ||
    fail "adam $c: parent $(col "$t/adam/results.csv" "$c"), branch $(col "$t/adam-branch/results.csv" "$c")"
done
say "sparse-relu, Adam: a branch at step 150 ends at the parent's loss, sharpness, bias and preconditioned sharpness"

# A long branch survives kill -9: its checkpoints hold the steps counted from its state's.
sed 's/^steps = .*/steps = 40000/; /^save_/d' "$t/branch.ini" >"$t/longbranch.ini"
echo "checkpoint_every = 1" >>"$t/longbranch.ini"
"$EOS_SWEEP" run "$t/longbranch.ini" --out "$t/lb-clean" --progress none 2>/dev/null
lid=$(col "$t/lb-clean/results.csv" id)
for _ in 1 2 3; do
  s0=$(date +%s.%N)
  "$EOS_SWEEP" run "$t/longbranch.ini" --out "$t/lb" --progress none 2>>"$t/lb.log" &
  job=$!
  wait_for_new_checkpoint "$t/lb/checkpoints/$lid.ckpt" "$s0" "$job"
  kill -9 "$job" 2>/dev/null || true
  wait "$job" 2>/dev/null || true
done
"$EOS_SWEEP" run "$t/longbranch.ini" --out "$t/lb" --progress none 2>>"$t/lb.log"
same_rows "$t/lb-clean/results.csv" "$t/lb/results.csv"
cmp -s "$t/lb-clean/traces/$lid.csv" "$t/lb/traces/$lid.csv" || fail "the long branch's trace differs after the kills"
[ "$(grep -c "continues from its checkpoint" "$t/lb.log")" -ge 3 ] || fail "the long branch did not continue: $(cat "$t/lb.log")"
say "a branch to step 40000 killed 3 times ($(grep -o 'at step [0-9]*' "$t/lb.log" | tr '\n' ' ')): the same row and trace"

# A grid of branches over η (and one that changes the method: it starts afresh from θ).
cat >"$t/grid.ini" <<JOB
model = mlp
dataset = digits
n = 200
n_test = 50
width = 32
depth = 2
method = polyak, nesterov
momentum = 0.5
eta = 0.1, 0.3, 0.6
steps = 800
sharpness_every = 20
init_state = $state
JOB
same_rows_on_ranks "$t/grid.ini" "$t/grid" 6
awk -F, -v p="$pid" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "parent_id") a = i; if ($i == "parent_step") b = i }; next }
  $a != p || $b != 200 { bad = 1 } END { exit bad }' "$t/grid/np2/results.csv" || fail "a branch does not name its parent"
say "6 branches over (method, η) from one state: the same rows on 1, 2 and 3 ranks, each naming $pid at step 200"

# kill -9 in the middle of the grid under mpirun, and resume.
sed 's/^steps = .*/steps = 3000/' "$t/grid.ini" >"$t/long.ini"
"$EOS_SWEEP" run "$t/long.ini" --out "$t/long-clean" --progress none 2>/dev/null
mpirun -np 2 "$EOS_SWEEP" run "$t/long.ini" --out "$t/long" --progress none >/dev/null 2>&1 &
job=$!
for _ in $(seq 600); do
  [ "$(row_count "$t/long/results.csv")" -ge 2 ] && break
  kill -0 "$job" 2>/dev/null || break
  sleep 0.05
done
done_rows=$(row_count "$t/long/results.csv")
kill -9 "$job" 2>/dev/null || true
pkill -9 -f "$t/long.ini" 2>/dev/null || true
wait "$job" 2>/dev/null || true
mpirun -np 2 "$EOS_SWEEP" run "$t/long.ini" --out "$t/long" --progress none >"$t/resume.out" 2>"$t/resume.err"
same_rows "$t/long-clean/results.csv" "$t/long/results.csv"
say "kill -9 with $done_rows of 6 branches done, resumed under mpirun -np 2: the same rows"
say "ok"
