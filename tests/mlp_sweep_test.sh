# model = mlp through the real binary like every other model: mpirun -np 1, 2 and 3 give the
# rows of a run without mpirun; a rerun resumes (nothing to run), two shards hold every point once;
# save_params writes DIR/params/ID.npy; a data file moved keeps its ids, one changed gets new
# ones; trace --overlay draws the traces on one figure; aggregate draws a phase diagram.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch mlp_sweep)
export OMPI_MCA_ess_singleton_isolated=1
# A small data set of our own: 3 classes, 6 features, 120 rows, with a header.
awk 'BEGIN { srand(3); print "a,b,c,d,e,f,label"; for (i = 0; i < 120; i++) { y = i % 3; s = "";
       for (j = 0; j < 6; j++) s = s sprintf("%.3f,", rand() + (j == y) * 1.5); print s y } }' > "$t/three.csv"
gzip -c "$t/three.csv" > "$t/three.csv.gz"
cat >"$t/job.ini" <<JOB
model = mlp
dataset = $t/three.csv.gz
n = 90
n_test = 30
width = 8, 16
depth = 1, 2
activation = tanh, relu
loss = mse, ce
eta = 0.5, 2
steps = 60
sharpness_every = 20
trace_every = 20
save_params = final
JOB
points=$("$EOS_SWEEP" plan "$t/job.ini" | awk '/^points:/ {print $2}')
[ "$points" = 32 ] || fail "plan says $points points, expected 32"
same_rows_on_ranks "$t/job.ini" "$t" 32
[ "$(ls "$t/np2/params" | wc -l)" = 32 ] || fail "save_params: $(ls "$t/np2/params" | wc -l) files, expected 32"
cmp -s "$t/single/params/$(ls "$t/single/params" | head -1)" "$t/np3/params/$(ls "$t/single/params" | head -1)" ||
  fail "final parameters differ between ranks"
grep -q ',error,' "$t/single/results.csv" && fail "error rows: $(grep ',error,' "$t/single/results.csv" | head -1)"
out=$(mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$t/np2" --progress lines 2>&1)
echo "$out" | grep -q "nothing to run: all 32 points already done" || fail "rerun did not skip: $out"
for i in 0 1; do "$EOS_SWEEP" run "$t/job.ini" --out "$t/shards" --shard "$i/2" --progress none; done
cat "$t/shards/results.shard-0-of-2.csv" <(tail -n +2 "$t/shards/results.shard-1-of-2.csv") > "$t/shards/all.csv"
same_rows "$t/single/results.csv" "$t/shards/all.csv"
# The id follows the data's content: the same bytes elsewhere keep it, other bytes change it.
ids() { "$EOS_SWEEP" plan "$1" | awk '$1 ~ /^[0-9]+$/ && NF >= 3 { print $2 }' | sort; }
before=$(ids "$t/job.ini")
[ "$(echo "$before" | wc -l)" = 32 ] || fail "plan listed $(echo "$before" | wc -l) ids, expected 32"
mkdir -p "$t/moved"
mv "$t/three.csv.gz" "$t/moved/renamed.csv.gz"
sed "s|$t/three.csv.gz|$t/moved/renamed.csv.gz|" "$t/job.ini" > "$t/moved.ini"
moved=$(ids "$t/moved.ini")
[ "$moved" = "$before" ] || fail "moving the data file changed the ids"
{ cat "$t/three.csv"; echo "0.5,0.5,0.5,0.5,0.5,0.5,1"; } | gzip -c > "$t/moved/renamed.csv.gz"
changed=$(ids "$t/moved.ini")
[ "$(echo "$changed" | wc -l)" = 32 ] || fail "plan of the changed data listed $(echo "$changed" | wc -l) ids"
[ -z "$(comm -12 <(echo "$changed") <(echo "$before"))" ] || fail "other data bytes kept an id"
"$EOS_SWEEP" trace --overlay "$t/single/traces" --out "$t/fig" > /dev/null
[ -s "$t/fig/overlay.gp" ] || fail "trace --overlay wrote no script"
grep -q 'η = 0.5' "$t/fig/overlay.gp" || fail "overlay lacks the η legend"
rc=0
"$EOS_SWEEP" trace --overlay "$t/single/traces/$(ls "$t/single/traces" | head -1)" --out "$t/fig1" 2> "$t/one.err" || rc=$?
[ "$rc" = 2 ] && grep -q "needs at least two traces" "$t/one.err" || fail "overlay of one trace: status $rc, $(cat "$t/one.err")"
"$EOS_SWEEP" aggregate "$t/single" --x eta --y width --value edge_tail --where depth=1 --where activation=tanh \
  --where loss=mse --out "$t/agg" > /dev/null
ls "$t/agg"/*.csv > /dev/null || fail "aggregate wrote no table"
echo "mlp_sweep: ok"
