// matmul through cblas_dgemm (the serial OpenBLAS) or Eigen.
#include "eos/numerics/blas.h"

#ifdef EOS_HAVE_CBLAS
#include <cblas.h>
#endif

namespace eos {

void matmul(MatView a, bool ta, MatView b, bool tb, MatOut out, double alpha, double beta) {
  const long m = out.rows(), n = out.cols(), k = ta ? a.rows() : a.cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    out *= beta;
    return;
  }
#ifdef EOS_HAVE_CBLAS
  cblas_dgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a.data(), static_cast<int>(a.outerStride()), b.data(),
              static_cast<int>(b.outerStride()), beta, out.data(), static_cast<int>(out.outerStride()));
#else
  if (beta == 0) out.setZero();
  else out *= beta;
  if (ta && tb) out.noalias() += alpha * a.transpose() * b.transpose();
  else if (ta) out.noalias() += alpha * a.transpose() * b;
  else if (tb) out.noalias() += alpha * a * b.transpose();
  else out.noalias() += alpha * a * b;
#endif
}

const char* matmul_backend() {
#ifdef EOS_HAVE_CBLAS
  return "openblas";
#else
  return "eigen";
#endif
}

}  // namespace eos
