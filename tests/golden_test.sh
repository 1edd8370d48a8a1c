# Golden rows: small versions of every job in jobs/ (tests/golden/jobs/) were run by the
# eos-sweep of commit 18fdfe3 (before the restructuring of issue 11) and their rows and traces
# committed under tests/golden/results/. This binary must give the same ids, the same header
# and the same values (numbers to 1e-12 relative, wall_s aside); must resume those old folders
# without rerunning a point; and aggregate must read them.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
: "${EOS_GOLDEN_DIFF:?EOS_GOLDEN_DIFF must name the golden_diff program}"
golden="$EOS_SOURCE_DIR/tests/golden"
t=$(scratch golden)

for job in "$golden"/jobs/*.ini; do
  name=$(basename "$job" .ini)
  want="$golden/results/$name"
  [ -f "$want/results.csv" ] || fail "$name: no golden rows in $want"

  # 1. The same rows and traces from a fresh run.
  "$EOS_SWEEP" run "$job" --out "$t/$name" --progress none 2>/dev/null
  "$EOS_GOLDEN_DIFF" "$want/results.csv" "$t/$name/results.csv" --ignore wall_s >"$t/$name.diff" 2>&1 ||
    { cat "$t/$name.diff" >&2; fail "$name: rows differ from the golden rows"; }
  echo "$name: $(cat "$t/$name.diff")"
  if [ -d "$want/traces" ]; then
    for tr in "$want"/traces/*.csv; do
      got="$t/$name/traces/$(basename "$tr")"
      [ -f "$got" ] || fail "$name: trace $(basename "$tr") was not written"
      "$EOS_GOLDEN_DIFF" "$tr" "$got" --key step >/dev/null || fail "$name: trace $(basename "$tr") differs"
    done
    [ "$(ls "$t/$name/traces" | wc -l)" = "$(ls "$want/traces" | wc -l)" ] || fail "$name: other traces written"
  fi

  # 2. An old results folder resumes with nothing to run and is left as it was.
  mkdir -p "$t/resume/$name"
  cp "$want/results.csv" "$t/resume/$name/"
  out=$("$EOS_SWEEP" run "$job" --out "$t/resume/$name" --progress lines 2>&1)
  rows=$(row_count "$want/results.csv")
  echo "$out" | grep -q "already done" || fail "$name: resume of the old folder did not skip: $out"
  echo "$out" | grep -Eq " 0 points to run|nothing to run" || fail "$name: resume of the old folder ran points: $out"
  cmp -s "$want/results.csv" "$t/resume/$name/results.csv" || fail "$name: resume changed the old results file"

  # 3. aggregate reads the old rows.
  agg=$("$EOS_SWEEP" aggregate "$want" --x eta --value loss_final --no-plot --out "$t/agg/$name" 2>&1) ||
    fail "$name: aggregate failed on the golden rows: $agg"
  echo "$agg" | grep -q "read    $rows rows" || fail "$name: aggregate did not read $rows rows: $agg"
done
echo "golden: ok"
