// Dense matrix products for the large models: out = α·op(a)·op(b) + β·out on column-major
// matrices, in double (DGEMM) or single precision (SGEMM), by the serial OpenBLAS when the build
// found it (one thread, kernels for the CPU, loaded at first use), else by Eigen.
#pragma once
#include <string>

#include "eos/numerics/linalg.h"
#include "eos/numerics/simd.h"

namespace eos {

using MatView = Eigen::Ref<const Mat>;
using MatOut = Eigen::Ref<Mat>;

// op(x) is x or xᵀ (ta, tb); out must already have the product's shape.
void matmul(MatView a, bool ta, MatView b, bool tb, MatOut out, double alpha = 1, double beta = 0);

// As matmul (α = 1, β = 0), but a product of fewer than 2¹⁵ multiply-adds stays in Eigen's own
// product, as the models that moved their large products to BLAS (relu-net, leaky-softplus-net)
// computed every product before: their small problems (every golden job) keep their rows to the
// bit, and a BLAS call gains nothing there (a few microseconds; measured equal on relu-net at
// d = 12, m = 8, n = 60).
void matmul_large(MatView a, bool ta, MatView b, bool tb, MatOut out);

using MatViewF = Eigen::Ref<const MatF>;
using MatOutF = Eigen::Ref<MatF>;
void matmul(MatViewF a, bool ta, MatViewF b, bool tb, MatOutF out, float alpha = 1, float beta = 0);

// out = a·op(b), or out += a·op(b) when add is set, with a not transposed: eos-sweep's own
// register-tiled kernel (src/numerics/tiled_gemm.h) on a CPU with AVX-512, or AVX2 and FMA, when a
// has at most 1024 columns, else matmul. It packs nothing and zeroes nothing, and takes a's rows in
// chunks that stay in the core's L2 cache: on the mlp passes' products it runs at about the core's
// peak rate, where OpenBLAS reaches three quarters of it. Each element is the sum over k in order
// by fused multiply-adds, the same bits on both instruction sets (OpenBLAS's order differs: a
// 300-step digits run's float64 rows moved by up to 5e-14). EOS_MATMUL=openblas (or eigen) turns
// it off.
void matmul_tiled(MatView a, MatView b, bool tb, MatOut out, bool add);
void matmul_tiled(MatViewF a, MatViewF b, bool tb, MatOutF out, bool add);

// The instruction set of matmul_tiled's own kernel on this CPU (the shapes permitting): EOS_SIMD's
// path (simd.h) when it is avx2 or avx512, the widest this CPU has under EOS_SIMD=baseline, and
// baseline when there is no kernel (no AVX2 with FMA, or EOS_MATMUL set): then every product is
// matmul's.
SimdPath matmul_tiled_path();

// EOS_MATMUL checked: "" when it is unset, empty, openblas (every product in OpenBLAS) or eigen
// (every product in Eigen); otherwise a one-line reason. The commands call it first and exit with
// status 2 on a reason, before anything is written.
std::string matmul_env_problem();

// Which implementations the products use: "openblas KERNEL" or "eigen" (EOS_MATMUL=eigen forces
// Eigen), after "tiled avx512 + " or "tiled avx2 + " when matmul_tiled has its own kernel.
std::string matmul_backend();

}  // namespace eos
