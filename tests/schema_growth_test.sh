# A schema that grows (docs/methods.md, "Ids, columns and old folders"): results folders written by
# eos-sweep 0.1 at commit c66dbd8, the last before methods, kept as fixtures in tests/fixtures/v0.1
# (each with the job that wrote it), must
# - resume untouched with their own job: nothing runs, results and traces stay byte for byte;
# - take new rows of a job that adds methods (method = gd, nesterov): the gd points keep their ids
#   and do not rerun, the file is widened (old rows: their values, method = gd and the other keys'
#   defaults, empty edge_level), new rows carry every column, and a rerun has nothing to do;
# - take a refinement added later (old rows at refine_depth 0);
# - survive a widening that cannot be written (the old file stays as it was);
# and aggregate must read the widened files.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch schema_growth)
fix="$EOS_SOURCE_DIR/tests/fixtures/v0.1"
PY=${EOS_PYTHON:-/usr/bin/python3}
say() { echo "schema_growth_test: $*"; }
run() { "$EOS_SWEEP" run "$@" --progress lines 2>&1; }

# 1. Untouched by their own job.
for name in sparse-relu mlp; do
  cp -r "$fix/$name" "$t/$name"
  out=$(run "$t/$name/job.ini" --out "$t/$name")
  echo "$out" | grep -q "nothing to run" || fail "$name: the old folder's own job ran points: $out"
  cmp -s "$fix/$name/results.csv" "$t/$name/results.csv" || fail "$name: resuming the old folder changed its rows"
  if [ -d "$fix/$name/traces" ]; then diff -r "$fix/$name/traces" "$t/$name/traces" >/dev/null || fail "$name: traces changed"; fi
done
say "both fixtures resume untouched"

# 2. Methods added: widened, nothing rerun, new rows whole.
for name in sparse-relu mlp; do
  old=$(row_count "$fix/$name/results.csv")
  out=$(run "$t/$name/job.ini" --out "$t/$name" --set "method=gd,nesterov")
  echo "$out" | grep -q "$old already done" || fail "$name: the gd points did not count as done: $out"
  [ "$(row_count "$t/$name/results.csv")" = $((2 * old)) ] || fail "$name: not $((2 * old)) rows"
  [ ! -e "$t/$name/results.csv.tmp" ] || fail "$name: the widening left its temporary file"
  "$PY" - "$fix/$name/results.csv" "$t/$name/results.csv" <<'PY' || fail "$name: the widened file"
import csv, sys
old = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
header = next(csv.reader(open(sys.argv[2])))
for c in ("method", "momentum", "edge_level", "psharpness_max"):
    assert c in header, c
for r in rows:
    if r["id"] in old:
        o = old[r["id"]]
        assert all(r[c] == o[c] for c in o), [c for c in o if r[c] != o[c]]
        assert (r["method"], r["momentum"], r["beta1"], r["edge_level"]) == ("gd", "0", "0.9", ""), r
    else:
        assert r["method"] == "nesterov" and float(r["edge_level"]) > 0, r
print(f"  {sys.argv[2]}: {len(old)} old rows kept with their values, {len(rows) - len(old)} new")
PY
  out=$(run "$t/$name/job.ini" --out "$t/$name" --set "method=gd,nesterov")
  echo "$out" | grep -q "nothing to run" || fail "$name: the widened folder reran points: $out"
done
agg=$("$EOS_SWEEP" aggregate "$t/sparse-relu" --x eta_rel --y method --value bias_final --no-plot --out "$t/agg" 2>&1) ||
  fail "aggregate of the widened folder: $agg"
echo "$agg" | grep -q "read    16 rows" || fail "aggregate did not read 16 rows: $agg"
say "methods added: widened, nothing rerun; aggregate reads it"

# 3. A refinement added to a folder without one.
cp -r "$fix/sparse-relu" "$t/refine"
out=$(run "$t/refine/job.ini" --out "$t/refine" --set refine=regime --set refine_max=2)
[ "$(head -1 "$t/refine/results.csv" | tr ',' '\n' | tail -1)" = refine_depth ] || fail "refine: no refine_depth column"
old=$(row_count "$fix/sparse-relu/results.csv")
[ "$(awk -F, 'NR > 1 && $NF == "0"' "$t/refine/results.csv" | wc -l)" -ge "$old" ] || fail "refine: old rows not at depth 0"
say "a refinement added later: old rows at refine_depth 0"

# 4. A widening that cannot be written leaves the old file as it was.
cp -r "$fix/sparse-relu" "$t/blocked"
mkdir "$t/blocked/results.csv.tmp"  # the temporary name is taken by a folder: the write fails
set +e
out=$("$EOS_SWEEP" run "$t/blocked/job.ini" --out "$t/blocked" --set "method=gd,nesterov" --progress none 2>&1)
rc=$?
set -e
[ $rc = 3 ] || [ $rc = 2 ] || [ $rc = 1 ] || fail "blocked widening: exit $rc"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "blocked widening: more than one line: $out"
echo "$out" | grep -q "results.csv.tmp" || fail "blocked widening: the message does not name the file: $out"
cmp -s "$fix/sparse-relu/results.csv" "$t/blocked/results.csv" || fail "blocked widening changed the old file"
rmdir "$t/blocked/results.csv.tmp"
run "$t/blocked/job.ini" --out "$t/blocked" --set "method=gd,nesterov" >/dev/null
[ "$(row_count "$t/blocked/results.csv")" = $((2 * old)) ] || fail "blocked widening: the rerun did not finish"
say "a widening that cannot be written: exit $rc before any point ran ($out), old file intact, the rerun widens it"
say "ok"
