#!/usr/bin/env bash
# eos-sweep's mlp against PyTorch and against Cohen et al.'s gd.py, all in one run on this machine,
# one thread each, from the same initial parameters:
#   1. the machine's limit and the parts (build/bench/mlp_bench): a large single-core DGEMM and
#      SGEMM, the core's FMA peak, a gradient (its GFLOP/s) and a Hessian-vector product, float64
#      and float32; and the same parts with every product in OpenBLAS (EOS_MATMUL=openblas: what
#      eos-sweep's own tiled kernel gains);
#   2. fc-tanh 200-200 on the first 1500 digits, MSE, η = 0.2, 300 GD steps, the top-2 Hessian
#      eigenvalues every 50 steps: eos-sweep (float64, float32) against PyTorch 1.13 (double-
#      backward HVPs, scipy's eigsh which='LA' warm-started: bench/mlp_torch.py) in float64 and in
#      float32, each PyTorch run twice, with OpenBLAS's own CPU detection (OPENBLAS_CORETYPE unset)
#      and forced to eos-sweep's kernel, the faster one counting;
#   3. with a checkout of locuslab/edge-of-stability as second argument: their unmodified gd.py
#      as its README runs it (float32, eigsh's defaults, top 2 every 50 steps) on the CPU through
#      bench/cohen_gd.py, 1000 steps at η = 0.2 on the first 1000 digits (next 200 for testing),
#      beside eos-sweep on the same data from the same initialisation.
# Prints the CPU, each side's OpenBLAS kernel, every time and the ratios: of CPU seconds (user +
# system: the whole eos-sweep process; PyTorch's and gd.py's loop, their imports left out), which a
# shared machine disturbs little, and of wall seconds (eos-sweep: the point's time).
#
#   4. with EOS_BENCH_FASHION=N: the parts of 1 and the same comparison as 2 on the first N
#      Fashion-MNIST training images (η = 0.1, 300 steps, top 2 every 50), fc-tanh 784-200-200-10
#      from one initialisation;
#   5. on a CPU with AVX-512: eos-sweep run as a CPU with AVX2 only would run it (EOS_SIMD=avx2,
#      OpenBLAS's Haswell kernel), its AVX2 tiles against every product in OpenBLAS: the parts of
#      1, and the digits run of 2 in float64 and float32, three times each in turn (medians).
#
#   bench/mlp_speedup.sh [BUILD_DIR [EDGE_OF_STABILITY_CHECKOUT]]    (needs scripts/setup.sh --with-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cohen=${2:-}
py=${EOS_PYTHON:-/usr/bin/python3}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
unset OPENBLAS_CORETYPE  # each side's own choice unless forced below
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 OMPI_MCA_ess_singleton_isolated=1

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), family $(lscpu | sed -n 's/^CPU family: *//p'), $(nproc --all) cores"
parts=$("$build/bench/mlp_bench" 1500)
echo "$parts" > "$t/parts.json"
EOS_MATMUL=openblas "$build/bench/mlp_bench" 1500 > "$t/parts_openblas.json"
core=$(echo "$parts" | sed -n 's/.*"matmul": "[^"]*openblas \([^"]*\)".*/\1/p')

"$py" - "$t/init.npy" <<'PY'
import sys, numpy as np
rng, sizes = np.random.default_rng(0), [64, 200, 200, 10]
np.save(sys.argv[1], np.concatenate([rng.uniform(-1, 1, o * i + o) / np.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]))
PY
# eos-sweep on a job: NAME, then job lines.
eos_run() {  # NAME, then job lines (dataset and eta, when given, replace the digits' defaults)
  local name=$1 defaults=("dataset = digits" "eta = 0.2") line
  shift
  for line in "$@"; do
    case $line in dataset\ =*) defaults=("${defaults[@]/dataset =*/}") ;; eta\ =*) defaults=("${defaults[@]/eta =*/}") ;; esac
  done
  printf '%s\n' "model = mlp" "${defaults[@]}" "width = 200" "depth = 2" "eigs = 2" \
    "sharpness_every = 50" "trace_every = 50" "save_params = final" "$@" | grep -v '^$' > "$t/$name.ini"
  /usr/bin/time -f "%U %S" -o "$t/$name.time" "$build/eos-sweep" run "$t/$name.ini" --out "$t/$name" --progress none 2> /dev/null
}
eos_run eos64 "n = 1500" "n_test = 0" "steps = 300" "init_params = $t/init.npy"
eos_run eos32 "n = 1500" "n_test = 0" "steps = 300" "init_params = $t/init.npy" "precision = float32"
torch_run() {  # DTYPE [PREFIX EXTRA...]: own detection, then forced to eos-sweep's kernel
  local dtype=$1 pre=${2:-torch} init=$t/init.npy
  shift $(($# > 1 ? 2 : 1))
  [ "$pre" = torch ] || init=$t/${pre}_init.npy
  "$py" "$root/bench/mlp_torch.py" --init "$init" --dtype "$dtype" --save "$t/${pre}_$dtype.npy" "$@" > "$t/${pre}_${dtype}_own.json"
  OPENBLAS_CORETYPE=$core "$py" "$root/bench/mlp_torch.py" --init "$init" --dtype "$dtype" "$@" > "$t/${pre}_${dtype}_forced.json"
}
torch_run float64
torch_run float32
if [ -n "${EOS_BENCH_FASHION:-}" ]; then
  "$build/bench/mlp_bench" "$EOS_BENCH_FASHION" 200 2 fashion-mnist > "$t/fm_parts.json"
  EOS_MATMUL=openblas "$build/bench/mlp_bench" "$EOS_BENCH_FASHION" 200 2 fashion-mnist > "$t/fm_parts_openblas.json"
  "$py" - "$t/fm_init.npy" <<'PY'
import sys, numpy as np
rng, sizes = np.random.default_rng(1), [784, 200, 200, 10]
np.save(sys.argv[1], np.concatenate([rng.uniform(-1, 1, o * i + o) / np.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]))
PY
  for p in float64 float32; do
    eos_run "fm_$p" "dataset = fashion-mnist" "eta = 0.1" "n = $EOS_BENCH_FASHION" "n_test = 0" "steps = 300" \
      "init_params = $t/fm_init.npy" "precision = $p"
    torch_run "$p" fm --dataset fashion-mnist --n "$EOS_BENCH_FASHION" --eta 0.1
  done
fi
if EOS_SIMD=avx2 "$build/eos-sweep" keys mlp > /dev/null 2>&1 && [ "$(echo "$parts" | sed -n 's/.*"simd": "\([a-z0-9]*\)".*/\1/p')" = avx512 ]; then
  export OPENBLAS_CORETYPE=Haswell EOS_SIMD=avx2
  "$build/bench/mlp_bench" 1500 > "$t/avx2_parts.json"
  EOS_MATMUL=openblas "$build/bench/mlp_bench" 1500 > "$t/avx2_parts_openblas.json"
  for r in 1 2 3; do
    for p in float64 float32; do
      eos_run "avx2_tiles_${p}_$r" "n = 1500" "n_test = 0" "steps = 300" "init_params = $t/init.npy" "precision = $p"
      EOS_MATMUL=openblas eos_run "avx2_openblas_${p}_$r" "n = 1500" "n_test = 0" "steps = 300" \
        "init_params = $t/init.npy" "precision = $p"
    done
  done
  unset OPENBLAS_CORETYPE EOS_SIMD
fi
if [ -n "$cohen" ]; then
  "$py" "$root/bench/cohen_gd.py" "$cohen" --init "$t/cohen_init.npy" > "$t/cohen.json"
  for p in float64 float32; do
    eos_run "cohen_$p" "n = 1000" "n_test = 200" "steps = 1000" "init_params = $t/cohen_init.npy" "precision = $p"
  done
fi

"$py" - "$t" "$core" <<'PY'
import csv, json, os, sys, numpy as np
t, core = sys.argv[1], sys.argv[2]
parts = json.load(open(f"{t}/parts.json"))

def row(name):
    r = list(csv.DictReader(open(f"{t}/{name}/results.csv")))[0]
    r["cpu_s"] = sum(float(x) for x in open(f"{t}/{name}.time").read().split()[-2:])
    return r, list(csv.DictReader(open(f"{t}/{name}/traces/{r['id']}.csv")))

def best(dtype):
    own, forced = (json.load(open(f"{t}/torch_{dtype}_{k}.json")) for k in ("own", "forced"))
    return min(own, forced, key=lambda d: d["cpu_s"]), own, forced

def times(d):
    return f"{float(d['cpu_s']):.2f} s CPU ({float(d['wall_s']):.2f} s wall)"

def print_parts(p, ob):
    print(f"gradient ({p['dataset']}, n = {p['n']}, {p['params']} parameters, {p['grad_gflop']:.3f} GFLOP): float64 "
          f"{p['grad_ms']:.2f} ms = {p['grad_gflops']:.1f} GFLOP/s ({100 * p['grad_gflops'] / p['dgemm_gflops']:.0f}% of "
          f"DGEMM, {100 * p['grad_gflops'] / p['peak_gflops']:.0f}% of the FMA peak); float32 {p['grad32_ms']:.2f} ms = "
          f"{p['grad32_gflops']:.1f} GFLOP/s ({100 * p['grad32_gflops'] / p['sgemm_gflops']:.0f}% of SGEMM, "
          f"{100 * p['grad32_gflops'] / p['peak32_gflops']:.0f}% of the peak)")
    print(f"Hessian-vector product: float64 {p['hvp_ms']:.2f} ms ({p['hvp_ms'] / p['grad_ms']:.2f} gradients), "
          f"float32 {p['hvp32_ms']:.2f} ms ({p['hvp32_ms'] / p['grad32_ms']:.2f} gradients); the R-operator's "
          f"products alone: {p['hvp_flop_ratio']:.2f} gradients")
    print(f"every product in OpenBLAS ({ob['matmul']}): gradient float64 {ob['grad_ms']:.2f} ms "
          f"({100 * ob['grad_gflops'] / ob['dgemm_gflops']:.0f}% of its DGEMM), HVP {ob['hvp_ms']:.2f} ms; float32 "
          f"{ob['grad32_ms']:.2f} ms, HVP {ob['hvp32_ms']:.2f} ms -> the tiled kernel: gradient "
          f"{ob['grad_ms'] / p['grad_ms']:.2f}x, HVP {ob['hvp_ms'] / p['hvp_ms']:.2f}x (float32 "
          f"{ob['grad32_ms'] / p['grad32_ms']:.2f}x, {ob['hvp32_ms'] / p['hvp32_ms']:.2f}x)")

p = parts
print(f"eos-sweep: OpenBLAS kernel {core} ({p['matmul']}), vector path {p['simd']}")
print(f"machine limit (one core): 2000^3 DGEMM {p['dgemm_gflops']:.1f} GFLOP/s, SGEMM {p['sgemm_gflops']:.1f} GFLOP/s; "
      f"FMA peak {p['peak_gflops']:.1f} GFLOP/s in double, {p['peak32_gflops']:.1f} in float")
print_parts(p, json.load(open(f"{t}/parts_openblas.json")))
e64, tr64 = row("eos64")
e32, tr32 = row("eos32")
print(f"\nfc-tanh 200-200, 1500 digits, 300 steps, top-2 every 50 steps:")
print(f"  eos-sweep float64 {times(e64)}, {float(e64['hvps_per_estimate']):.1f} products per solve (the first cold); "
      f"float32 {times(e32)}, {float(e32['hvps_per_estimate']):.1f}: float32 {e64['cpu_s'] / e32['cpu_s']:.2f}x faster "
      f"(wall {float(e64['wall_s']) / float(e32['wall_s']):.2f}x)")
for dtype, e in (("float64", e64), ("float32", e32)):
    b, own, forced = best(dtype)
    print(f"  PyTorch {own['torch']} {dtype}: own detection ({own['blas']}) {times(own)}, forced ({forced['blas']}) "
          f"{times(forced)}, {own['hvps_per_solve']:.1f} products per solve -> eos-sweep {dtype} "
          f"{b['cpu_s'] / e['cpu_s']:.2f}x faster than the better (wall {b['wall_s'] / float(e['wall_s']):.2f}x)")
torch64 = json.load(open(f"{t}/torch_float64_own.json"))
sharp = max(abs(float(r["sharpness"]) - s[1]) / s[1] for r, s in zip(tr64, torch64["sharpness"]))
sharp32 = max(abs(float(a["sharpness"]) - float(b["sharpness"])) / float(a["sharpness"]) for a, b in zip(tr64, tr32))
final = np.load(f"{t}/eos64/params/{e64['id']}.npy")
tp = np.load(f"{t}/torch_float64.npy")
print(f"  agreement (relative): sharpness eos-sweep/PyTorch float64 {sharp:.1e}, final parameters "
      f"{np.linalg.norm(final - tp) / np.linalg.norm(tp):.1e}; eos-sweep float32/float64 sharpness {sharp32:.1e}")
if os.path.exists(f"{t}/fm_float64.time"):
    f64, ftr64 = row("fm_float64")
    f32, _ = row("fm_float32")
    print(f"\nFashion-MNIST, first {f64['n']} images, fc-tanh 784-200-200-10, MSE, eta 0.1, 300 steps, top-2 every 50:")
    fp = json.load(open(f"{t}/fm_parts.json"))
    print(f"  (the same run's 2000^3 DGEMM {fp['dgemm_gflops']:.1f} GFLOP/s, SGEMM {fp['sgemm_gflops']:.1f} GFLOP/s)")
    print_parts(fp, json.load(open(f"{t}/fm_parts_openblas.json")))
    print(f"  eos-sweep float64 {times(f64)}, {float(f64['hvps_per_estimate']):.1f} products per solve; float32 "
          f"{times(f32)}: float32 {f64['cpu_s'] / f32['cpu_s']:.2f}x faster")
    for dtype, e in (("float64", f64), ("float32", f32)):
        own, forced = (json.load(open(f"{t}/fm_{dtype}_{k}.json")) for k in ("own", "forced"))
        b = min(own, forced, key=lambda d: d["cpu_s"])
        print(f"  PyTorch {dtype}: own detection ({own['blas']}) {times(own)}, forced ({forced['blas']}) {times(forced)}, "
              f"{own['hvps_per_solve']:.1f} products per solve -> eos-sweep {dtype} {b['cpu_s'] / e['cpu_s']:.2f}x faster "
              f"than the better (wall {b['wall_s'] / float(e['wall_s']):.2f}x)")
    fown = json.load(open(f"{t}/fm_float64_own.json"))
    fsharp = max(abs(float(r["sharpness"]) - s[1]) / s[1] for r, s in zip(ftr64, fown["sharpness"]))
    print(f"  agreement (relative): sharpness eos-sweep/PyTorch float64 {fsharp:.1e}")
if os.path.exists(f"{t}/avx2_parts.json"):
    a2 = json.load(open(f"{t}/avx2_parts.json"))
    print(f"\nAs a CPU with AVX2 only would run it (EOS_SIMD=avx2, OpenBLAS {a2['matmul']}): its DGEMM "
          f"{a2['dgemm_gflops']:.1f} GFLOP/s")
    print_parts(a2, json.load(open(f"{t}/avx2_parts_openblas.json")))
    for p in ("float64", "float32"):
        tiles = sorted(row(f"avx2_tiles_{p}_{r}")[0]["cpu_s"] for r in (1, 2, 3))
        ob = sorted(row(f"avx2_openblas_{p}_{r}")[0]["cpu_s"] for r in (1, 2, 3))
        print(f"  digits run, {p}: AVX2 tiles {tiles[1]:.2f} s CPU (median of {', '.join(f'{x:.2f}' for x in tiles)}), "
              f"every product in OpenBLAS {ob[1]:.2f} s ({', '.join(f'{x:.2f}' for x in ob)}) -> the tiles "
              f"{ob[1] / tiles[1]:.2f}x")
if os.path.exists(f"{t}/cohen.json"):
    c = json.load(open(f"{t}/cohen.json"))
    print(f"\nCohen et al.'s gd.py (float32, eigsh defaults), 1000 steps at eta 0.2 on 1000 digits: {times(c)} "
          f"(final loss {c['final_train_loss']}, last eigenvalues {c['eigenvalues'][-1]})")
    for p in ("float64", "float32"):
        r, _ = row(f"cohen_{p}")
        print(f"  eos-sweep {p}: {times(r)} (final loss {float(r['loss_final']):.3f}, "
              f"{float(r['hvps_per_estimate']):.1f} products per solve) -> {c['cpu_s'] / r['cpu_s']:.2f}x faster "
              f"(wall {c['wall_s'] / float(r['wall_s']):.2f}x)")
PY
