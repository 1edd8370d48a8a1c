# A full output file system: at the start it is a one-line error with status 2 and nothing
# damaged; mid-sweep the run stops with a one-line error (status 1), no row that a reader would
# count is damaged, and once space is free a rerun completes the sweep exactly.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
needs_root "it mounts a 64 KiB tmpfs to fill it"
t=$(scratch full_disk)
mnt="$t/mnt"
mkdir -p "$mnt"
mount -t tmpfs -o size=64k tmpfs "$mnt" || fail "cannot mount a small tmpfs (this test needs root)"
trap 'umount "$mnt" 2>/dev/null || true' EXIT
cat >"$t/job.ini" <<'JOB'
model = sparse-relu
d = 20
n = 40
lambda = 2
seed = range(0, 20)
eta_rel = 0.5, 2
steps = 200
n_test = 50
JOB
"$EOS_SWEEP" run "$t/job.ini" --out "$t/clean" --progress none 2>/dev/null

# Completely full: refused before anything is written.
mkdir "$mnt/out"
dd if=/dev/zero of="$mnt/filler" bs=1k count=100 2>/dev/null || true
status=0
"$EOS_SWEEP" run "$t/job.ini" --out "$mnt/out" --progress none 2>"$t/err1" || status=$?
[ $status = 2 ] || fail "full disk at start: exit $status"
[ "$(wc -l <"$t/err1")" = 1 ] || fail "full disk at start: message is not one line: $(cat "$t/err1")"
grep -q "No space left" "$t/err1" || fail "full disk at start: $(cat "$t/err1")"

# Room for the header and a few rows only: the sweep stops when the disk fills.
rm -f "$mnt/filler"
head -c $((64 * 1024 - 6 * 1024)) /dev/zero >"$mnt/filler"
status=0
"$EOS_SWEEP" run "$t/job.ini" --out "$mnt/out" --progress none 2>"$t/err2" || status=$?
[ $status = 1 ] || fail "disk filling mid-sweep: exit $status ($(cat "$t/err2"))"
grep -q "No space left" "$t/err2" || fail "disk filling mid-sweep: $(cat "$t/err2")"
kept=$(row_count "$mnt/out/results.csv")
[ "$kept" -lt 40 ] || fail "the disk never filled"
rm -f "$mnt/filler"
"$EOS_SWEEP" run "$t/job.ini" --out "$mnt/out" --progress none 2>/dev/null
same_rows "$t/clean/results.csv" "$mnt/out/results.csv"
echo "full_disk: ok ($kept rows fitted before the disk filled)"
