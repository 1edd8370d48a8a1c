#!/usr/bin/env bash
# What checkpoints cost a point: an mlp point (digits, 64-256-256-256-10, ~150 000 parameters,
# heavy ball, sharpness by the block solver every 20 steps, traced) run in the same session with
# checkpoint_every = 0 (never), 600 (the default) and 1 (a checkpoint every second), REPEATS
# runs each, interleaved (0, 600, 1, 0, 600, 1, ...): best times, and the median of the ratios of
# neighbouring runs (a ratio of neighbours stays meaningful when a shared machine's speed drifts).
# Prints each time, the size of one checkpoint, the cost of one
# checkpoint ((t_1 − t_0) / checkpoints written at every = 1) and what that cost is at the default
# interval (cost / 600 s), and the overhead of the default against never.
# Usage: bench/checkpoint_cost.sh BUILD_DIR [REPEATS]
set -euo pipefail
build="${1:?usage: bench/checkpoint_cost.sh BUILD_DIR [REPEATS]}"
repeats=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_MCA_ess_singleton_isolated=1
cat >"$tmp/job.ini" <<'JOB'
model = mlp
dataset = digits
n = 1000
n_test = 100
width = 256
depth = 4
method = polyak
momentum = 0.9
eta = 0.05
steps = 200
sharpness_every = 20
trace_every = 10
JOB
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
run() { rm -rf "$tmp/out-$1"; "$build/eos-sweep" run "$tmp/job.ini" --set "checkpoint_every=$1" --out "$tmp/out-$1" --progress none; }
declare -A best
for every in 0 600 1; do best[$every]=999999999; done
ratios=()
for _ in $(seq "$repeats"); do
  declare -A now
  for every in 0 600 1; do
    t=$(ms run "$every")
    now[$every]=$t
    [ "$t" -lt "${best[$every]}" ] && best[$every]=$t
  done
  ratios+=("$(awk -v a="${now[600]}" -v b="${now[0]}" 'BEGIN { print a / b }')")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
# The size of one checkpoint: one written by stopping a run with SIGTERM midway.
rm -rf "$tmp/term"
"$build/eos-sweep" run "$tmp/job.ini" --out "$tmp/term" --progress none >/dev/null 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
size=$(stat -c %s "$tmp"/term/checkpoints/*.ckpt 2>/dev/null || echo 0)
written=$((best[0] / 1000))  # at every = 1: one per whole second of the run (after the first)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "never: ${best[0]} ms; every 600 s (default): ${best[600]} ms; every 1 s: ${best[1]} ms (best of $repeats)"
echo "one checkpoint: $((size / 1024)) KiB"
awk -v t0="${best[0]}" -v r="$median" -v t1="${best[1]}" -v n="$written" 'BEGIN {
  per = n > 0 ? (t1 - t0) / n : 0
  printf "per checkpoint: %.1f ms (%d written at every = 1); at the default 600 s: %.4f%% of a point'"'"'s time\n", per, n, 100 * per / 600000
  printf "the default against never (the clock read every 16 steps; median ratio of neighbours): %+.2f%%\n", 100 * (r - 1)
}'
