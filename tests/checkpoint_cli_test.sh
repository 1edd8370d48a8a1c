# Long points survive (exec/checkpoint.h), through the real binary:
# - an mlp point of about ten seconds, kill -9 at 5 random moments (each up to 1 s after the
#   run's first new checkpoint, so that every rerun has one to continue from) with reruns in between, ends
#   with the row and trace of an uninterrupted run, bit for bit (wall_s aside); each rerun says
#   from which step it continues; the compute lost in all is at most kills × (checkpoint_every +
#   1 s) beyond what starting again costs; the folder never holds two checkpoints of the point,
#   and none once its row is written;
# - SIGTERM mid-point writes a checkpoint before the sweep exits (status 3), and the rerun goes on
#   from it, under mpirun too;
# - a checkpoint with a flipped byte is set aside with a one-line warning and the point starts
#   again from step 0, to the same row.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch checkpoint_cli)
say() { echo "checkpoint_cli_test: $*"; }
export OMPI_MCA_ess_singleton_isolated=1
cat >"$t/job.ini" <<'JOB'
model = mlp
dataset = digits
n = 600
n_test = 50
width = 100
depth = 2
method = polyak
momentum = 0.5
eta = 0.3
steps = 3000
sharpness_every = 50
trace_every = 10
checkpoint_every = 1
JOB
now() { date +%s.%N; }
# CPU seconds (user + system) of the shell's finished children so far, as `times` says, into
# $children (`times` must run in this shell: a subshell starts its count at zero); and of a live
# process.
children_cpu() {
  times >"$t/times"
  children=$(awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] }
    printf "%.3f", s }' "$t/times")
}
process_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# The CPU seconds of one command run in the foreground, printed.
cpu_of() {
  local a
  children_cpu
  a=$children
  "$@"
  children_cpu
  awk -v a="$a" -v b="$children" 'BEGIN { printf "%.3f", b - a }'
}
clean_s=$(cpu_of "$EOS_SWEEP" run "$t/job.ini" --out "$t/clean" --progress none 2>/dev/null)
id=$(awk -F, 'NR == 2 { print $1 }' "$t/clean/results.csv")
sed 's/^steps = .*/steps = 1/' "$t/job.ini" >"$t/start.ini"
start_s=$(cpu_of "$EOS_SWEEP" run "$t/start.ini" --out "$t/start" --progress none 2>/dev/null)
say "uninterrupted: ${clean_s} CPU s; a run of one step (start-up): ${start_s} CPU s"

# Five kills at random moments, a rerun after each.
RANDOM=20261206
total=0 kills=0
for i in 1 2 3 4 5; do
  s0=$(now)
  "$EOS_SWEEP" run "$t/job.ini" --out "$t/killed" --progress none 2>>"$t/killed.log" &
  pid=$!
  # A random moment after this run's first checkpoint (not a fixed clock: a loaded machine starts
  # slower, and a kill before any checkpoint would test nothing).
  wait_for_new_checkpoint "$t/killed/checkpoints/$id.ckpt" "$s0" "$pid"
  sleep "0.$((RANDOM % 10))"
  used=$(process_cpu "$pid" 2>/dev/null || echo 0)
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  total=$(awk -v a="$total" -v b="$used" 'BEGIN { print a + b }')
  n=$(ls "$t/killed/checkpoints" 2>/dev/null | grep -c "^$id.ckpt$" || true)
  [ "$n" -le 1 ] || fail "kill $i: $n checkpoints of the point"
  ls "$t/killed/checkpoints" 2>/dev/null | grep -v "^$id.ckpt\(.tmp\)\?$" | grep -q . &&
    fail "kill $i: other files among the checkpoints: $(ls "$t/killed/checkpoints")"
done
final=$(cpu_of "$EOS_SWEEP" run "$t/job.ini" --out "$t/killed" --progress none 2>>"$t/killed.log")
total=$(awk -v a="$total" -v b="$final" 'BEGIN { print a + b }')
same_rows "$t/clean/results.csv" "$t/killed/results.csv"
cmp -s "$t/clean/traces/$id.csv" "$t/killed/traces/$id.csv" || fail "the trace differs from the uninterrupted run's"
[ -z "$(ls "$t/killed/checkpoints" 2>/dev/null)" ] || fail "checkpoints left after the row: $(ls "$t/killed/checkpoints")"
continues=$(grep -c "continues from its checkpoint at step" "$t/killed.log" || true)
[ "$continues" -ge 5 ] || fail "only $continues reruns continued from a checkpoint: $(cat "$t/killed.log")"
lost=$(awk -v total="$total" -v clean="$clean_s" -v start="$start_s" -v k="$kills" \
  'BEGIN { printf "%.2f", (total - clean - k * start) / k }')
say "$kills kills, $continues reruns continued ($(grep -o 'at step [0-9]*' "$t/killed.log" | tr '\n' ' ')); \
${total} CPU s in all against ${clean_s}: ${lost} CPU s lost per kill beyond start-up"
awk -v l="$lost" 'BEGIN { exit !(l <= 1 + 1) }' || fail "lost ${lost} CPU s per kill, more than checkpoint_every + 1 s"

# The rest on a shorter point (1500 steps), against its own uninterrupted run.
sed 's/^steps = .*/steps = 1500/' "$t/job.ini" >"$t/short.ini"
"$EOS_SWEEP" run "$t/short.ini" --out "$t/short" --progress none 2>/dev/null
id=$(awk -F, 'NR == 2 { print $1 }' "$t/short/results.csv")

# SIGTERM: a checkpoint, status 3, and the rerun continues from it (without mpirun, then under it).
for launcher in "" "mpirun -np 2"; do
  rm -rf "$t/term"
  $launcher "$EOS_SWEEP" run "$t/short.ini" --set checkpoint_every=600 --out "$t/term" --progress lines \
    >"$t/term.out" 2>"$t/term.log" &
  pid=$!
  # The signal must arrive while the point runs: after the sweep has said it starts (under a
  # loaded mpirun that can take seconds), and about a quarter into the point's steps (half the
  # uninterrupted run's CPU seconds), however fast this machine is.
  for _ in $(seq 600); do
    grep -q "points to run" "$t/term.log" && break
    kill -0 "$pid" 2>/dev/null || fail "SIGTERM ($launcher): the sweep ended before it started: $(cat "$t/term.log")"
    sleep 0.1
  done
  sleep "$(awk -v c="$clean_s" 'BEGIN { s = c / 8; if (s < 0.3) s = 0.3; if (s > 1.5) s = 1.5; printf "%.2f", s }')"
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  [ -n "$launcher" ] || [ "$status" = 3 ] || fail "SIGTERM: exit $status, expected 3"
  [ -f "$t/term/checkpoints/$id.ckpt" ] || fail "SIGTERM ($launcher): no checkpoint written: $(cat "$t/term.log")"
  "$EOS_SWEEP" run "$t/short.ini" --set checkpoint_every=600 --out "$t/term" --progress none 2>"$t/term2.log"
  grep -q "continues from its checkpoint at step" "$t/term2.log" || fail "SIGTERM: the rerun did not continue"
  same_rows "$t/short/results.csv" "$t/term/results.csv"
  say "SIGTERM${launcher:+ under $launcher}: exit $status, $(grep -o 'at step [0-9]*' "$t/term2.log"), the same row"
done

# A damaged checkpoint is set aside, the point starts again and ends the same.
rm -rf "$t/bad"
s0=$(now)
"$EOS_SWEEP" run "$t/short.ini" --out "$t/bad" --progress none 2>/dev/null &
pid=$!
wait_for_new_checkpoint "$t/bad/checkpoints/$id.ckpt" "$s0" "$pid"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
ck=$t/bad/checkpoints/$id.ckpt
[ -f "$ck" ] || fail "no checkpoint to damage"
size=$(stat -c %s "$ck")
printf 'X' | dd of="$ck" bs=1 seek=$((size - 40)) conv=notrunc status=none
"$EOS_SWEEP" run "$t/short.ini" --out "$t/bad" --progress none 2>"$t/bad.log"
grep -q "warning: checkpoint .*: damaged.*set aside as .*\.bad-1, the point starts again from step 0" "$t/bad.log" ||
  fail "the damaged checkpoint was not set aside: $(cat "$t/bad.log")"
! grep -q "continues from" "$t/bad.log" || fail "a damaged checkpoint was continued"
same_rows "$t/short/results.csv" "$t/bad/results.csv"
say "a flipped byte: $(grep -o 'damaged[^;]*' "$t/bad.log"); the point ran again to the same row"
say "ok"
