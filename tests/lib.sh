# Shared helpers of the shell tests: scratch folders, failing loudly, comparing results files.
set -euo pipefail
: "${EOS_SWEEP:?EOS_SWEEP must name the eos-sweep binary}"
: "${EOS_TEST_TMP:=/tmp/eos-test}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Skip this test (ctest's SKIP_RETURN_CODE) unless it runs as root, saying why in one line.
needs_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root ($*)"
    exit 77
  fi
}

# A fresh scratch folder for the test named $1.
scratch() {
  local d="$EOS_TEST_TMP/$1"
  rm -rf "$d"
  mkdir -p "$d"
  echo "$d"
}

# The rows of a results file without the wall_s column (timing), sorted: what must be equal
# between two runs of the same job.
rows_without_timing() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i; next }
           { out = ""; for (i = 1; i <= NF; i++) if (i != w) out = out (out == "" ? "" : ",") $i; print out }' "$1" | sort
}

# Run job $1 without mpirun into $2/single and with mpirun -np 1, 2, 3 into $2/npN; fail unless
# each holds $3 rows with distinct ids, the same apart from timing.
same_rows_on_ranks() {
  local job=$1 t=$2 want=$3 d np
  "$EOS_SWEEP" run "$job" --out "$t/single" --progress none
  for np in 1 2 3; do
    mpirun -np "$np" "$EOS_SWEEP" run "$job" --out "$t/np$np" --progress none
  done
  for d in single np1 np2 np3; do
    [ "$(row_count "$t/$d/results.csv")" = "$want" ] || fail "$d: $(row_count "$t/$d/results.csv") rows, expected $want"
    [ "$(id_count "$t/$d/results.csv")" = "$want" ] || fail "$d: duplicate ids"
    same_rows "$t/single/results.csv" "$t/$d/results.csv"
  done
}

# Fail unless results files $1 and $2 hold the same rows apart from timing.
same_rows() {
  if ! diff <(rows_without_timing "$1") <(rows_without_timing "$2") >/dev/null; then
    diff <(rows_without_timing "$1") <(rows_without_timing "$2") | head -5 >&2
    fail "$1 and $2 differ"
  fi
}

# Number of data rows and of distinct ids in a results file.
row_count() { if [ -f "$1" ]; then tail -n +2 "$1" | wc -l; else echo 0; fi; }
id_count() { if [ -f "$1" ]; then tail -n +2 "$1" | cut -d, -f1 | sort -u | wc -l; else echo 0; fi; }

# Wait (up to 20 s) until mpirun pid $1 has started rank $2, and print that rank's pid.
wait_rank_pid() {
  local p="" i
  for i in $(seq 1 200); do
    p=$(rank_pid "$1" "$2")
    [ -n "$p" ] && break
    sleep 0.1
  done
  echo "$p"
}

# `wait` for a background launcher (mpirun), at most $2 seconds. OpenMPI 4.1's mpirun can
# deadlock in PMIx_server_finalize after one of its ranks was killed with SIGKILL (seen here once
# under full load: both ranks gone, every row written, mpirun blocked on a mutex for ten minutes,
# deaf to SIGTERM). Past the limit the launcher and its children are killed with SIGKILL and 137
# returned; the callers check the results files, not mpirun's status.
wait_bounded() {
  local pid=$1 limit=$2 i
  for i in $(seq 1 $((limit * 10))); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      return
    fi
    sleep 0.1
  done
  echo "note: launcher $pid still running after ${limit} s (mpirun's finalize deadlock?): killed" >&2
  pkill -9 -P "$pid" 2>/dev/null || true
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 137
}

# The pid of MPI rank $2 among the children of mpirun pid $1 (empty if none).
rank_pid() {
  local p
  for p in $(pgrep -P "$1" 2>/dev/null); do
    if tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$p"
      return
    fi
  done
}

# Waits until FILE is newer than the moment START (seconds since the epoch), or PID has ended.
wait_for_new_checkpoint() {
  local file=$1 start=$2 pid=$3 i
  for i in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || return 0
    if [ -f "$file" ] && awk -v m="$(stat -c %.9Y "$file" 2>/dev/null || echo 0)" -v s="$start" \
      'BEGIN { exit !(m > s) }'; then return 0; fi
    sleep 0.1
  done
  fail "no checkpoint written within a minute"
}
