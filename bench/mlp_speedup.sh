#!/usr/bin/env bash
# eos-sweep's mlp against PyTorch, side by side in one run: fc-tanh 200-200 on the 1797 digits,
# MSE, float64, η = 0.2, 300 GD steps, the top-2 Hessian eigenvalues every 50 steps (PyTorch:
# double-backward HVPs and scipy's eigsh, which='LA', tol 1e-8, warm start), one thread each,
# from the same initial parameters. PyTorch runs twice: with OpenBLAS as installed (its own CPU
# detection) and with the kernel eos-sweep chose (OPENBLAS_CORETYPE), so the ratio is not a
# kernel choice. Also prints the parts (build/bench/mlp_bench: gradient, HVP, HVPs per solve)
# and how far the two runs' losses, sharpness and final parameters are apart.
#
#   bench/mlp_speedup.sh [BUILD_DIR]      (needs scripts/setup.sh --with-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
py=${EOS_PYTHON:-/usr/bin/python3}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 OMPI_MCA_ess_singleton_isolated=1
"$py" - "$t/init.npy" <<'PY'
import sys, numpy as np
rng, sizes = np.random.default_rng(0), [64, 200, 200, 10]
np.save(sys.argv[1], np.concatenate([rng.uniform(-1, 1, o * i + o) / np.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]))
PY
cat > "$t/job.ini" <<JOB
model = mlp
dataset = digits
n = 1797
n_test = 0
width = 200
depth = 2
eta = 0.2
steps = 300
sharpness_every = 50
trace_every = 50
eigs = 2
solver = lanczos
init_params = $t/init.npy
save_params = final
JOB
"$build/eos-sweep" run "$t/job.ini" --out "$t/eos" --progress none 2> /dev/null
parts=$("$build/bench/mlp_bench")
core=$(echo "$parts" | sed -n 's/.*"matmul": "openblas \([^"]*\)".*/\1/p')
"$py" "$root/bench/mlp_torch.py" --init "$t/init.npy" --save "$t/torch.npy" > "$t/torch.json"
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core} "$py" "$root/bench/mlp_torch.py" --init "$t/init.npy" > "$t/torch_same.json"
"$py" - "$t" "$parts" "${OPENBLAS_CORETYPE:-$core}" <<'PY'
import csv, json, sys, numpy as np
t, parts, core = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
row = list(csv.DictReader(open(f"{t}/eos/results.csv")))[0]
trace = list(csv.DictReader(open(f"{t}/eos/traces/{row['id']}.csv")))
torch, same = json.load(open(f"{t}/torch.json")), json.load(open(f"{t}/torch_same.json"))
eos_s = float(row["wall_s"])
loss = max(abs(float(r["loss"]) - torch["loss"][int(r["step"])]) / torch["loss"][int(r["step"])] for r in trace)
sharp = max(abs(float(r["sharpness"]) - s[1]) / s[1] for r, s in zip(trace, torch["sharpness"]))
final = np.load(f"{t}/eos/params/{row['id']}.npy")
tp = np.load(f"{t}/torch.npy")
print(f"eos-sweep mlp: {eos_s:.2f} s ({parts['matmul']}), {float(row['hvps_per_estimate']):.1f} HVPs per solve")
print(f"  parts: gradient {parts['grad_ms']:.2f} ms, HVP {parts['hvp_ms']:.2f} ms (n = {parts['n']}, {parts['params']} parameters)")
print(f"PyTorch {torch['torch']}, OpenBLAS as detected: {torch['wall_s']:.2f} s, {torch['hvps_per_solve']:.1f} HVPs per solve"
      f"  -> eos-sweep {torch['wall_s'] / eos_s:.1f}x faster")
print(f"PyTorch, OPENBLAS_CORETYPE={core}: {same['wall_s']:.2f} s  -> eos-sweep {same['wall_s'] / eos_s:.1f}x faster")
print(f"agreement (relative): loss every 50 steps {loss:.1e}, sharpness {sharp:.1e}, "
      f"final parameters {np.linalg.norm(final - tp) / np.linalg.norm(tp):.1e}")
PY
