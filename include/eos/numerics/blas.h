// Dense matrix products for the large models: out = α·op(a)·op(b) + β·out on column-major
// matrices, in double (DGEMM) or single precision (SGEMM), by the serial OpenBLAS when the build
// found it (one thread, kernels for the CPU, loaded at first use), else by Eigen.
#pragma once
#include <string>

#include "eos/numerics/linalg.h"

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

// Which implementation matmul uses: "openblas KERNEL" or "eigen" (EOS_MATMUL=eigen forces Eigen).
std::string matmul_backend();

}  // namespace eos
