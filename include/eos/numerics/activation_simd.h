// The activation sweeps of a dense layer, vectorised: a = σ(z + b) and d = σ'(z + b) for every
// column of a features × samples matrix in one pass (bias add and activation fused, no
// temporary), for tanh and relu, in double and in single precision (tanh in float, within 2 ulp;
// relu exact); backpropagation's product with σ' fused with the bias gradient's row sums; and the
// R-operator's tangent and R{δ} sweeps. One table per vector path (numerics/simd.h), compiled from
// one source (activation_kernels.h) per instruction set; every table gives bit-identical results.
#pragma once
#include <type_traits>

#include "eos/numerics/simd.h"

namespace eos {

struct ActivationKernels {
  // rows × cols column-major matrices with leading dimension rows; b has rows entries. z may be
  // the same memory as a.
  void (*tanh_f64)(long rows, long cols, const double* z, const double* b, double* a, double* d);
  void (*relu_f64)(long rows, long cols, const double* z, const double* b, double* a, double* d);
  void (*tanh_f32)(long rows, long cols, const float* z, const float* b, float* a, float* d);
  void (*relu_f32)(long rows, long cols, const float* z, const float* b, float* a, float* d);
  // The backward sweep of a layer: d ← d∘s (skipped when s is null) and sums[i] += Σ_j d(i, j) in
  // double, j in order (the bias gradient, accumulated over blocks of columns: the caller zeroes
  // sums first), in one pass; d∘s is rounded to T as T's own product is.
  void (*scale_rowsum_f64)(long rows, long cols, double* d, const double* s, double* sums);
  void (*scale_rowsum_f32)(long rows, long cols, float* d, const float* s, double* sums);
  // The R-operator's sweeps, in T's own arithmetic: a layer's tangent, zd ← zd + c (c per row)
  // and ad = s1∘zd (skipped when ad is null); and tanh's R{δ} over count values,
  // r ← s1∘r − 2·a∘δ∘ż (σ''∘u = −2·a∘δ for tanh).
  void (*tangent_f64)(long rows, long cols, double* zd, const double* c, const double* s1, double* ad);
  void (*tangent_f32)(long rows, long cols, float* zd, const float* c, const float* s1, float* ad);
  void (*rop_tanh_f64)(long count, double* r, const double* s1, const double* a, const double* dl, const double* zd);
  void (*rop_tanh_f32)(long count, float* r, const float* s1, const float* a, const float* dl, const float* zd);
};

// Of a float64/float32 pair of a table's kernels, the one for T: for_type<T>(k.tanh_f64, k.tanh_f32).
template <class T, class D, class F>
constexpr auto for_type(D f64, F f32) {
  if constexpr (std::is_same_v<T, double>) return f64;
  else return f32;
}

// The table of a supported path (throws std::invalid_argument otherwise), and simd_path()'s.
const ActivationKernels& activation_kernels(SimdPath path);
const ActivationKernels& activation_kernels();

}  // namespace eos
