// The wide kernels of the sparse-relu fast path (statistics and loss), one table per vector path
// (numerics/simd.h), compiled from one source (sparse_relu_kernels.h) for each instruction set.
// Every table gives bit-identical results: eight logical lanes, the same operations in each.
#pragma once
#include <cstdint>

#include "eos/numerics/simd.h"

namespace eos {

// The loss kernel's partial sums, lane k holding the samples i ≡ k (mod 8); reduced by the
// caller in one fixed order (lanes::tree_sum).
struct SparseReluLaneSums {
  static constexpr int kLanes = 8;
  double hinge[kLanes];  // Σ max(−mᵢ, 0)
  double g[3][kLanes];   // Σ ℓ'(mᵢ)·yᵢ·∇fᵢ
  double h[6][kLanes];   // Hessian entries 00, 01, 02, 11, 12, 22 (when asked for)
  double logs;           // Σ log1p(e^{−|mᵢ|}) over all samples, complete
};

// What FastStats keeps per sample for P and N (sparse_relu_fast.h): c and v₁ + … + v_c, d − m
// and v_{m+1} + … + v_d, the sums as double-double.
struct SparseReluPositions {
  const double *kc, *pre_hi, *pre_lo, *kp, *suf_hi, *suf_lo;
};

struct SparseReluKernels {
  // Lane sums of samples [0, n) of the logistic loss of mᵢ = yᵢ·(a₋Nᵢ + a₊Pᵢ) with
  // ∇fᵢ = (Nᵢ, Pᵢ, a₋cNᵢ + a₊cPᵢ); out.h only when hess.
  void (*loss)(long n, const double* y, const double* P, const double* N, const double* cP, const double* cN,
               double am, double ap, bool hess, SparseReluLaneSums& out);
  // The samples whose positions no longer hold at b, !(lo[i] < b ≤ hi[i]), ascending into idx;
  // returns how many.
  long (*stale)(long n, double b, const double* lo, const double* hi, std::int32_t* idx);
  // P, N, cP, cN of samples [0, n) at a finite b from their positions.
  void (*stats)(long n, double b, const SparseReluPositions& pos, double* P, double* N, double* cP, double* cN);
};

// The table of a supported path (throws std::invalid_argument otherwise), and simd_path()'s.
const SparseReluKernels& sparse_relu_kernels(SimdPath path);
const SparseReluKernels& sparse_relu_kernels();

}  // namespace eos
