// The mlp model's parts, timed beside the machine's limit in the same process: a large
// single-core DGEMM and SGEMM (2000³, through the same matmul and OpenBLAS kernel), the core's
// peak of fused multiply-adds in double and float (independent FMAs on registers, the widest
// vectors the CPU has: no product can run faster), then for
// float64 and float32 one gradient (forward and backward) with its rate in GFLOP/s (the products'
// flop count), and one Hessian-vector product at the same θ, on Cohen et al.'s fc-tanh 200-200
// with digits (n = 1500 by default, one thread) or another data set, best of a few repetitions.
// Beside each time, the products' own arithmetic: the gradient's GFLOP and the exact R-operator's
// flops in gradients (its floor: two products per layer forward and four back, one and one on the
// first layer, whose input has no tangent). Prints one JSON line (bench/mlp_speedup.sh reads it).
//
//   build/bench/mlp_bench [n] [width] [depth] [dataset]
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "eos/data/prepare.h"
#include "eos/models/mlp.h"
#include "eos/numerics/blas.h"
#include "eos/numerics/simd.h"

using namespace eos;

namespace {

template <class F>
double best_seconds(int reps, F&& fn) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// GFLOP/s of a k × k by k × k product.
template <class M>
double gemm_rate(long k) {
  const M a = M::Random(k, k), b = M::Random(k, k);
  M c(k, k);
  const double s = best_seconds(3, [&] { matmul(a, false, b, false, c); });
  return 2.0 * static_cast<double>(k * k * k) / s * 1e-9;
}

// GFLOP/s of 24 independent chains of fused multiply-adds on registers (2 flops per lane), in a
// function compiled for the ISA whose intrinsics it names (target attributes: the rest of the
// benchmark is built for baseline x86-64).
#define EOS_FMA_RATE(NAME, ISA, V, S, LANES, FMA, SET)                                        \
  __attribute__((target(ISA))) double NAME() {                                               \
    constexpr int kChains = 24;                                                              \
    constexpr long kIters = 20000000;                                                        \
    V acc[kChains];                                                                          \
    for (int i = 0; i < kChains; ++i) acc[i] = SET(static_cast<S>(1 + i * 1e-6));            \
    const V m = SET(static_cast<S>(0.9999999)), c = SET(static_cast<S>(1e-7));               \
    const auto t0 = std::chrono::steady_clock::now();                                        \
    for (long it = 0; it < kIters; ++it) {                                                   \
      _Pragma("GCC unroll 24") for (int i = 0; i < kChains; ++i) acc[i] = FMA(acc[i], m, c); \
    }                                                                                        \
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); \
    volatile S sink = 0;                                                                     \
    for (int i = 0; i < kChains; ++i) sink = sink + reinterpret_cast<const S*>(&acc[i])[0];  \
    return 2.0 * LANES * kChains * static_cast<double>(kIters) / s * 1e-9;                   \
  }
EOS_FMA_RATE(peak_avx512_f64, "avx512f", __m512d, double, 8, _mm512_fmadd_pd, _mm512_set1_pd)
EOS_FMA_RATE(peak_avx512_f32, "avx512f", __m512, float, 16, _mm512_fmadd_ps, _mm512_set1_ps)
EOS_FMA_RATE(peak_avx2_f64, "avx2,fma", __m256d, double, 4, _mm256_fmadd_pd, _mm256_set1_pd)
EOS_FMA_RATE(peak_avx2_f32, "avx2,fma", __m256, float, 8, _mm256_fmadd_ps, _mm256_set1_ps)
#undef EOS_FMA_RATE

// The core's peak in GFLOP/s (best of three), or 0 on a CPU without FMA.
double fma_peak(bool f32) {
  __builtin_cpu_init();
  double best = 0;
  for (int r = 0; r < 3; ++r) {
    if (__builtin_cpu_supports("avx512f")) best = std::max(best, f32 ? peak_avx512_f32() : peak_avx512_f64());
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      best = std::max(best, f32 ? peak_avx2_f32() : peak_avx2_f64());
  }
  return best;
}

// Flops of the products of one gradient: forward W·a per layer, backward a·δᵀ per layer and Wᵀδ
// for every layer but the first.
double gradient_flops(const MlpShape& s, long n) {
  double f = 0;
  for (long l = 0; l < s.layers(); ++l) f += 2.0 * static_cast<double>(n * s.in(l) * s.out(l)) * (l > 0 ? 3 : 2);
  return f;
}

// Flops of the products of one Hessian-vector product by the R-operator (the passes at θ kept):
// forward V·a + W·ȧ, backward R{δ}·aᵀ + δ·ȧᵀ and Vᵀδ + Wᵀ·R{δ}; on the first layer V·x and R{δ}·xᵀ.
double hvp_flops(const MlpShape& s, long n) {
  double f = 0;
  for (long l = 0; l < s.layers(); ++l) f += 2.0 * static_cast<double>(n * s.in(l) * s.out(l)) * (l > 0 ? 6 : 2);
  return f;
}

struct Parts {
  double grad_s, hvp_s;
};

Parts time_parts(const MlpShape& shape, const PreparedData& d, Precision precision) {
  Mlp model(MlpNet(shape, Activation::Tanh, LossKind::Mse, d.x_train, d.y_train, precision), mlp_default_init(shape, 0),
            d);
  const Vec theta = model.initial();
  Vec g, hv, v = Vec::Ones(theta.size()) / std::sqrt(static_cast<double>(theta.size()));
  Parts p{};
  p.grad_s = best_seconds(10, [&] { model.evaluate(theta, g, nullptr); });
  model.evaluate(theta, g, nullptr);
  p.hvp_s = best_seconds(10, [&] { model.hvp(theta, v, hv); });
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1500, width = argc > 2 ? std::atol(argv[2]) : 200,
             depth = argc > 3 ? std::atol(argv[3]) : 2;
  const std::string dataset = argc > 4 ? argv[4] : "digits";
  PreparedData d = prepare_data(load_data(dataset), n, 0, 10);
  const MlpShape shape = mlp_shape(d.x_train.rows(), width, depth, 10);
  const double dgemm = gemm_rate<Mat>(2000), sgemm = gemm_rate<MatF>(2000), peak = fma_peak(false),
               peak32 = fma_peak(true);
  const Parts f64 = time_parts(shape, d, Precision::Float64), f32 = time_parts(shape, d, Precision::Float32);
  const double flops = gradient_flops(shape, n);
  std::printf("{\"dataset\": \"%s\", \"n\": %ld, \"width\": %ld, \"depth\": %ld, \"params\": %ld, \"matmul\": \"%s\", \"simd\": \"%s\", "
              "\"dgemm_gflops\": %.1f, \"sgemm_gflops\": %.1f, \"peak_gflops\": %.1f, \"peak32_gflops\": %.1f, \"grad_gflop\": %.4f, \"hvp_flop_ratio\": %.3f, "
              "\"grad_ms\": %.3f, \"hvp_ms\": %.3f, \"grad_gflops\": %.1f, "
              "\"grad32_ms\": %.3f, \"hvp32_ms\": %.3f, \"grad32_gflops\": %.1f}\n",
              dataset.c_str(), n, width, depth, shape.dim(), matmul_backend().c_str(), simd_name(simd_path()), dgemm, sgemm, peak, peak32,
              flops * 1e-9, hvp_flops(shape, n) / flops,
              f64.grad_s * 1e3, f64.hvp_s * 1e3, flops / f64.grad_s * 1e-9, f32.grad_s * 1e3, f32.hvp_s * 1e3,
              flops / f32.grad_s * 1e-9);
}
