# Nothing lost, nothing twice: a sweep killed with SIGKILL at random moments, the master and
# separately a worker (and a run without mpirun), then resumed each time, ends with exactly the
# rows of an uninterrupted sweep: same ids, same values apart from timing, no duplicates.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch kill_resume)
cat >"$t/job.ini" <<'JOB'
model = sparse-relu
d = 100
n = 100
lambda = 3
seed = range(0, 8)
eta_rel = 0.5, 1, 2, 4, 6, 8
steps = 4000
sharpness_every = 100
n_test = 200
path = oracle
JOB
total=48
"$EOS_SWEEP" run "$t/job.ini" --out "$t/clean" --progress none 2>/dev/null
[ "$(row_count "$t/clean/results.csv")" = $total ] || fail "clean run incomplete"

RANDOM=20261123
kills=0 mid=0 cycles=0
for i in $(seq 1 12); do
  target=$((i % 3))  # 0: the master, 1: a worker, 2: a run without mpirun
  if [ $target = 2 ]; then
    "$EOS_SWEEP" run "$t/job.ini" --out "$t/killed" --progress none 2>/dev/null &
    victim=$!
    launcher=$victim
  else
    mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$t/killed" --progress none >/dev/null 2>&1 &
    launcher=$!
    victim=$(wait_rank_pid "$launcher" "$target")
  fi
  sleep "0.$((RANDOM % 10))"
  before=$(row_count "$t/killed/results.csv")
  if [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null; then
    kills=$((kills + 1))
    [ "$before" -gt 0 ] && [ "$before" -lt $total ] && mid=$((mid + 1))
  fi
  status=0
  wait_bounded "$launcher" 300 || status=$?
  [ -f "$t/killed/results.csv" ] || continue
  # Every line of the file is whole: a reader counts no damaged row.
  n=$(row_count "$t/killed/results.csv")
  [ "$(id_count "$t/killed/results.csv")" = "$n" ] || fail "iteration $i: duplicate ids after kill"
  echo "iteration $i: killed rank $target with $before rows written; $n rows after, exit $status"
  if [ "$n" = $total ]; then
    # A sweep completed through kills and resumes: it must equal the clean run. Start another.
    same_rows "$t/clean/results.csv" "$t/killed/results.csv"
    cycles=$((cycles + 1))
    rm -rf "$t/killed"
  fi
done
echo "kill_resume: $kills kills, $mid in the middle of a sweep, $cycles sweeps completed through kills"
[ $kills -ge 8 ] || fail "only $kills kills landed"
[ $mid -ge 3 ] || fail "only $mid kills landed mid-sweep"
mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$t/killed" --progress none 2>/dev/null
[ "$(row_count "$t/killed/results.csv")" = $total ] || fail "resumed sweep has $(row_count "$t/killed/results.csv") rows"
same_rows "$t/clean/results.csv" "$t/killed/results.csv"
# The damaged tail a kill may leave is gone after resuming: every line ends in a newline.
[ -z "$(tail -c 1 "$t/killed/results.csv")" ] || fail "results file does not end in a newline"
echo "kill_resume: ok"
