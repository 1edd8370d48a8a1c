# Graceful stop: SIGTERM or SIGINT during a sweep (SLURM sends one before the time limit) makes
# eos-sweep stop handing out work, keep every finished row and exit promptly with status 3 (under
# mpirun, mpirun's own status); the manifest says "interrupted"; a rerun completes the rest and
# the result equals an uninterrupted sweep.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch signal)
cat >"$t/job.ini" <<'JOB'
model = sparse-relu
d = 150
n = 150
lambda = 3
seed = range(0, 4)
eta_rel = 0.5, 1, 2, 4
steps = 6000
sharpness_every = 100
n_test = 200
path = oracle
JOB
total=16
"$EOS_SWEEP" run "$t/job.ini" --out "$t/clean" --progress none 2>/dev/null

# Wait until $1 has at least $2 rows (up to 60 s).
wait_rows() {
  local i
  for i in $(seq 1 600); do
    [ "$(row_count "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 never reached $2 rows"
}

# Send signal $2 to pid $1 and wait for it: sets status (its exit status) and secs.
stop_and_time() {
  local start end
  start=$(date +%s%3N)
  kill -"$2" "$1"
  status=0
  wait "$1" || status=$?
  end=$(date +%s%3N)
  secs=$(((end - start) / 1000))
}

for sig in TERM INT; do
  out="$t/single-$sig"
  "$EOS_SWEEP" run "$t/job.ini" --out "$out" --progress none 2>"$out.log" &
  pid=$!
  wait_rows "$out/results.csv" 2
  stop_and_time $pid $sig
  echo "SIG$sig without mpirun: exit $status after ${secs}s"
  [ "$status" = 3 ] || fail "SIG$sig: exit status $status, expected 3"
  [ "$secs" -lt 10 ] || fail "SIG$sig: took ${secs}s to stop"
  kept=$(row_count "$out/results.csv")
  [ "$kept" -ge 2 ] && [ "$kept" -lt $total ] || fail "SIG$sig: $kept rows kept"
  tail -n 1 "$out/manifest.jsonl" | grep -q '"status": "interrupted"' || fail "manifest does not say interrupted"
  grep -q "run the same command again to resume" "$out.log" || fail "no resume hint on stderr"
  "$EOS_SWEEP" run "$t/job.ini" --out "$out" --progress lines 2>"$out.resume.log"
  grep -q "already done (skipped)" "$out.resume.log" || fail "resume did not report skipped points"
  same_rows "$t/clean/results.csv" "$out/results.csv"
done

# Under mpirun: the signal reaches mpirun, which forwards it to every rank.
out="$t/mpi"
mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$out" --progress none >"$out.log" 2>&1 &
pid=$!
wait_rows "$out/results.csv" 2
stop_and_time $pid TERM
echo "SIGTERM to mpirun: exit $status after ${secs}s"
[ "$status" != 0 ] || fail "mpirun exited 0 after SIGTERM"
[ "$secs" -lt 15 ] || fail "mpirun took ${secs}s to stop"
kept=$(row_count "$out/results.csv")
[ "$kept" -lt $total ] || fail "all rows present: the signal came too late to test anything"
mpirun -np 2 "$EOS_SWEEP" run "$t/job.ini" --out "$out" --progress none 2>/dev/null
same_rows "$t/clean/results.csv" "$out/results.csv"
echo "signal: ok"
