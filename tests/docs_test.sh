# The documentation stays true: docs/keys.md is exactly what `eos-sweep keys` prints from the key
# specs, every model in the registry has a job file in jobs/ that `plan` accepts (after the
# scripts its comment names have run), and the README's quick-start scripts exist.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
if ! diff <("$EOS_SWEEP" keys) "$EOS_SOURCE_DIR/docs/keys.md" >/dev/null; then
  diff <("$EOS_SWEEP" keys) "$EOS_SOURCE_DIR/docs/keys.md" | head -20 >&2
  fail "docs/keys.md is stale: regenerate it with 'eos-sweep keys > docs/keys.md'"
fi
# The jobs are planned from a scratch folder holding what their comments say to write first:
# jobs/eoss-fashion.ini's out/eoss-init.npy (scripts/eoss_init.py, with PyTorch).
t=$(scratch docs)
mkdir -p "$t/out"
(cd "$t" && "${EOS_PYTHON:-/usr/bin/python3}" "$EOS_SOURCE_DIR/scripts/eoss_init.py" out/eoss-init.npy >/dev/null) ||
  fail "scripts/eoss_init.py could not write out/eoss-init.npy"
for job in "$EOS_SOURCE_DIR"/jobs/*.ini; do
  (cd "$t" && "$EOS_SWEEP" plan "$job" >/dev/null) || fail "plan rejects $job"
done
for model in $("$EOS_SWEEP" keys | sed -n 's/^### model = //p'); do
  grep -lq "^model *= *$model *$" "$EOS_SOURCE_DIR"/jobs/*.ini || fail "no job file in jobs/ for model $model"
done
for script in scripts/quickstart.sh scripts/test.sh; do
  grep -q "^    $script" "$EOS_SOURCE_DIR/README.md" || fail "README quick start does not name $script"
  [ -x "$EOS_SOURCE_DIR/$script" ] || fail "$script is not executable"
done
grep -q "scripts/test.sh" "$EOS_SOURCE_DIR/.ci/run" || fail ".ci/run does not call the README's test command"
# The README carries docs/aggregate.md whole (its "Phase diagrams and traces" part).
if ! awk '/^# Phase diagrams and traces/ {p = 1} /^## Models/ {p = 0} p' "$EOS_SOURCE_DIR/README.md" |
  diff - <(sed -e '$a\' "$EOS_SOURCE_DIR/docs/aggregate.md" | awk '1; END {print ""}') >/dev/null; then
  fail "README's copy of docs/aggregate.md is stale: paste docs/aggregate.md over it"
fi
# The README's Layout and docs/architecture.md name every layer folder there is.
for dir in "$EOS_SOURCE_DIR"/src/*/; do
  layer=$(basename "$dir")
  [ "$layer" = models ] && layer=model  # models/ is the model layer's
  grep -qE "^      $layer/" "$EOS_SOURCE_DIR/README.md" || fail "README's Layout does not list src/$layer/"
  grep -qE "(^  | )$layer +[A-Za-z]" "$EOS_SOURCE_DIR/docs/architecture.md" || fail "docs/architecture.md does not draw the layer $layer"
done
echo "docs: ok"
