// Lanczos with Spectra 1.0.1: a matrix-free operator over Hessian-vector products,
// largest-algebraic selection, warm start and HVP counting.
#include "eos/numerics/lanczos.h"

#include <Eigen/Eigenvalues>
#include <Spectra/SymEigsSolver.h>
#include <algorithm>
#include <cmath>
#include <limits>

namespace eos {

Mat hessian_from_products(const HessianProduct& hvp, long dim) {
  Mat H(dim, dim);
  Vec e = Vec::Zero(dim), col;
  for (long k = 0; k < dim; ++k) {
    e[k] = 1;
    hvp(e, col);
    H.col(k) = col;
    e[k] = 0;
  }
  return 0.5 * (H + H.transpose());
}

namespace {

// Spectra's operator concept: Scalar, rows(), cols(), perform_op(x, y) computing y = H·x.
class HessianOp {
 public:
  using Scalar = double;
  HessianOp(const HessianProduct& hvp, long dim) : hvp_(hvp), dim_(dim), in_(dim) {}
  Eigen::Index rows() const { return dim_; }
  Eigen::Index cols() const { return dim_; }
  void perform_op(const double* x, double* y) const {
    in_ = Eigen::Map<const Vec>(x, dim_);
    hvp_(in_, out_);
    Eigen::Map<Vec>(y, dim_) = out_;
    ++count_;
  }
  long count() const { return count_; }

 private:
  const HessianProduct& hvp_;
  long dim_;
  mutable Vec in_, out_;
  mutable long count_ = 0;
};

// SymEigsSolver that can tell whether its top Ritz pair converged even when not every requested
// pair did (m_ritz_val is protected; eigenvalues() lists only the converged ones, in order).
class TopSolver : public Spectra::SymEigsSolver<HessianOp> {
 public:
  using Spectra::SymEigsSolver<HessianOp>::SymEigsSolver;
  // After compute(): whether the largest algebraic Ritz value converged.
  bool top_converged() const {
    const Vec conv = eigenvalues();
    return conv.size() > 0 && m_ritz_val.size() > 0 && conv[0] == m_ritz_val[0] && std::isfinite(conv[0]);
  }
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Dense fallback for tiny dimensions: the Hessian from dim HVPs on unit vectors.
LanczosResult dense_by_hvps(const HessianProduct& hvp, long dim) {
  const Mat H = hessian_from_products(hvp, dim);
  LanczosResult r;
  r.hvps = dim;
  r.attempts = 1;
  if (!H.allFinite()) {
    r.converged = false;
    r.value = kNaN;
    return r;
  }
  Eigen::SelfAdjointEigenSolver<Mat> es(H);
  r.value = es.eigenvalues()[dim - 1];
  r.vector = es.eigenvectors().col(dim - 1);
  for (long i = dim - 1; i >= 0; --i) r.values.push_back(es.eigenvalues()[i]);
  r.start = r.vector;
  return r;
}

}  // namespace

LanczosResult lanczos_top_eigenvalue(const HessianProduct& hvp, long dim, const Vec& warm,
                                     const LanczosOptions& opt) {
  if (dim < std::max(opt.dense_below, 4L)) return dense_by_hvps(hvp, dim);
  LanczosResult r;
  HessianOp op(hvp, dim);
  const bool use_warm = warm.size() == dim && warm.allFinite() && warm.norm() > 0;
  const long nev = std::clamp<long>(opt.nev, 2, dim - 1);
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A cold retry with a larger subspace and more restarts when the first attempt fails.
    const long want = attempt == 0 ? opt.ncv : 2L * opt.ncv;
    const long ncv = std::min(dim, std::max(want, 2 * nev + 1));
    r.attempts = attempt + 1;
    TopSolver solver(op, nev, ncv);
    if (attempt == 0 && use_warm) solver.init(warm.data());
    else solver.init();
    try {
      solver.compute(Spectra::SortRule::LargestAlge, attempt == 0 ? opt.maxit : 4 * opt.maxit, opt.tol);
    } catch (const std::exception&) {
      continue;  // e.g. a Hessian that maps the start to zero: try again cold
    }
    if (solver.top_converged()) {
      r.value = solver.eigenvalues()[0];
      const Vec conv = solver.eigenvalues();
      r.values.assign(conv.data(), conv.data() + conv.size());
      const Mat vecs = solver.eigenvectors(nev);
      r.vector = vecs.col(0).normalized();
      r.start = vecs.rowwise().sum();
      r.start /= r.start.norm();
      r.converged = true;
      r.hvps = op.count();
      return r;
    }
  }
  r.value = kNaN;
  r.converged = false;
  r.hvps = op.count();
  return r;
}

}  // namespace eos
