#!/usr/bin/env bash
# The fast sparse-relu GD step (d = 200, n = 300, eta = 2*eta*, default vector path) against the
# same model in plain NumPy (bench/numpy_reference.py), measured in the same run: three rounds,
# each the C++ step (best CPU time of 5 repetitions) then NumPy (best of 3 x 1000 steps); the
# best of each over the rounds, and their ratio against the bar of 500x.
#
# Usage: bench/numpy_speedup.sh [BUILD_DIR]     (needs Debian's python3-numpy for /usr/bin/python3:
#        apt-get install -y --no-install-recommends python3-numpy)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
bench="$build/bench/sparse_relu_bench"
python=/usr/bin/python3
[ -x "$bench" ] || { echo "numpy_speedup: no $bench (build the project first)" >&2; exit 2; }
"$python" -c 'import numpy' 2>/dev/null ||
  { echo "numpy_speedup: $python has no numpy (apt-get install python3-numpy)" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1  # one core each, like the C++ step

cpp_best="" np_best=""
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
for round in 1 2 3; do
  out=$("$bench" --benchmark_filter='^Step/fast/200/' 2>/dev/null)
  path=$(echo "$out" | sed -n 's/.*default path \([a-z0-9]*\):.*/\1/p')
  cpp=$(echo "$out" | awk '$1 == "200" { print $2 }')
  np=$("$python" "$here/numpy_reference.py" --d 200 --n 300 --steps 1000 --repeats 3 | awk '{ for (i = 1; i <= NF; i++) if ($i == "ns/step") print $(i - 1) }')
  echo "round $round: eos-sweep fast step ($path) $cpp ns, numpy $np ns"
  cpp_best=$(min "$cpp_best" "$cpp")
  np_best=$(min "$np_best" "$np")
done
awk -v c="$cpp_best" -v n="$np_best" -v p="$path" 'BEGIN {
  r = n / c
  printf "best: eos-sweep %.0f ns/step (%s path), numpy %.0f ns/step: %.0fx (bar 500x: %s)\n", c, p, n, r,
         (r >= 500 ? "met" : "NOT met")
}'
