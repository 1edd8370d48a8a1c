# Real MPI ranks: the same job run without mpirun and with mpirun -np 1, 2 and 3 gives identical
# rows (apart from wall_s), one per grid point, whatever rank ran each point.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch mpi_sweep)
cat >"$t/job.ini" <<'JOB'
model = sparse-relu
d = 30, 60
n = 80
lambda = 1.5
seed = range(0, 3)
eta_rel = 0.5, 1.5, 3
steps = 1500
sharpness_every = 50
n_test = 300
JOB
points=$("$EOS_SWEEP" plan "$t/job.ini" | awk '/^points:/ {print $2}')
[ "$points" = 18 ] || fail "plan says $points points, expected 18"

same_rows_on_ranks "$t/job.ini" "$t" 18
grep -q '"ranks": 3' "$t/np3/manifest.jsonl" || fail "manifest does not record 3 ranks"
# A rerun finds everything done and runs nothing.
out=$(mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$t/np2" --progress lines 2>&1)
echo "$out" | grep -q "nothing to run: all 18 points already done" || fail "rerun did not skip: $out"
[ "$(row_count "$t/np2/results.csv")" = 18 ] || fail "rerun added rows"
echo "mpi_sweep: ok"
