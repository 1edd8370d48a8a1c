# Resume semantics: a job that gains grid values runs only the new points; a results file of a
# different model is refused untouched; error rows are kept, and rerun with --retry-errors
# replacing (not duplicating) them; provenance lands in the manifest.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch resume)
job() {
  cat <<JOB
model = sparse-relu
d = 40
n = 60
lambda = 2
seed = 0, 1
eta_rel = $1
steps = 800
n_test = 100
JOB
}
job "0.5, 2" >"$t/small.ini"
job "0.5, 2, 4, 8" >"$t/large.ini"
"$EOS_SWEEP" run "$t/small.ini" --out "$t/grow" --progress lines 2>/dev/null
log=$("$EOS_SWEEP" run "$t/large.ini" --out "$t/grow" --progress lines 2>&1)
echo "$log" | grep -q "4 points to run, 4 already done (skipped)" || fail "extension: $log"
"$EOS_SWEEP" run "$t/large.ini" --out "$t/clean" --progress none 2>/dev/null
same_rows "$t/clean/results.csv" "$t/grow/results.csv"
[ "$(grep -c '"event": "start"' "$t/grow/manifest.jsonl")" = 2 ] || fail "manifest lacks one record per run"
grep -q '"eta_rel": "0.5, 2, 4, 8"' "$t/grow/manifest.jsonl" || fail "manifest lacks the resolved job"
grep -q '"git_commit": ' "$t/grow/manifest.jsonl" || fail "manifest lacks the commit"

# A results file from another model (other columns) is refused and left byte-identical.
mkdir -p "$t/other"
printf 'id,model,x\nabc,other-model,1\n' >"$t/other/results.csv"
cp "$t/other/results.csv" "$t/other.orig"
status=0
"$EOS_SWEEP" run "$t/small.ini" --out "$t/other" 2>"$t/other.err" || status=$?
[ $status = 2 ] || fail "foreign results file: exit $status"
grep -q "different model or with other columns" "$t/other.err" || fail "foreign results: $(cat "$t/other.err")"
cmp -s "$t/other/results.csv" "$t/other.orig" || fail "foreign results file was modified"
[ ! -e "$t/other/manifest.jsonl" ] || fail "manifest written on refused input"

# A point that fails inside the model (a data set of 10^15 numbers cannot be allocated) is an
# error row with its message; the sweep goes on; --retry-errors reruns it in place.
cat >"$t/err.ini" <<'JOB'
model = sparse-relu
d = 20, 1000000000000
n = 1000
eta = 0.01
steps = 10
JOB
"$EOS_SWEEP" run "$t/err.ini" --out "$t/err" --progress none 2>"$t/err.log"
[ "$(row_count "$t/err/results.csv")" = 2 ] || fail "error sweep: $(row_count "$t/err/results.csv") rows"
grep -q ',error,' "$t/err/results.csv" || fail "no error row"
grep -q 'bad_alloc\|cannot allocate\|length' "$t/err/results.csv" || fail "error row without message"
grep -q "1 points ended in an error row" "$t/err.log" || fail "no error summary: $(cat "$t/err.log")"
log=$("$EOS_SWEEP" run "$t/err.ini" --out "$t/err" --progress lines 2>&1)
echo "$log" | grep -q "nothing to run: all 2 points already done" || fail "error rows rerun without --retry-errors"
log=$("$EOS_SWEEP" run "$t/err.ini" --out "$t/err" --progress lines --retry-errors 2>&1)
echo "$log" | grep -q "1 points to run, 1 already done" || fail "--retry-errors: $log"
[ "$(row_count "$t/err/results.csv")" = 2 ] || fail "--retry-errors duplicated a row"
[ "$(id_count "$t/err/results.csv")" = 2 ] || fail "--retry-errors: duplicate ids"

# A truncated last row (a crash mid-write) is dropped on resume and its point rerun.
cp -r "$t/clean" "$t/cut"
size=$(stat -c %s "$t/cut/results.csv")
truncate -s $((size - 20)) "$t/cut/results.csv"
"$EOS_SWEEP" run "$t/large.ini" --out "$t/cut" --progress none 2>/dev/null
same_rows "$t/clean/results.csv" "$t/cut/results.csv"
echo "resume: ok"
