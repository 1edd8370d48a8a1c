// The block solver: a Krylov search space started from the warm block and grown by the residual
// of the wanted Ritz vector furthest from its tolerance (Davidson's method without a
// preconditioner: a Krylov space of the warm block in exact arithmetic; by default one column per
// iteration, which at the edge of stability, where the top eigenvalues crowd, needs 10% fewer
// products than adding every unconverged residual, the block Krylov space of opt.grow = 0), a
// Rayleigh–Ritz step on the whole space each iteration (its projection kept up to date, so each
// iteration costs one product per new column and O(dim·k) work besides), and a thick restart to
// the kept Ritz vectors when the space is full.
#include "eos/numerics/block_eigen.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "eos/numerics/blas.h"
#include "eos/util/rng.h"

namespace eos {
namespace {


// a·b through matmul (the tall products of the solver: OpenBLAS, not Eigen's baseline build).
Mat times(const Eigen::Ref<const Mat>& a, bool ta, const Eigen::Ref<const Mat>& b) {
  Mat out(ta ? a.cols() : a.rows(), b.cols());
  matmul(a, ta, b, false, out);
  return out;
}

// a ← a − q·(qᵀa): one pass of block classical Gram–Schmidt (c: work space, k × a.cols()).
void project_once(const Eigen::Ref<const Mat>& q, Mat& a, Mat& c) {
  if (q.cols() == 0 || a.cols() == 0) return;
  c.resize(q.cols(), a.cols());
  matmul(q, true, a, false, c);
  matmul(q, false, c, false, a, -1, 1);
}

// Coefficients C with a·C orthonormal (SVQB: the Gram matrix scaled to unit diagonal, its
// eigenvectors, directions below drop·the largest left out); C has fewer columns when a is
// (numerically) rank deficient, none when a is zero. amplification gets how much C can magnify a
// part of a's columns relative to their norms (1/√ of the smallest kept eigenvalue).
Mat orthonormalizer(const Mat& a, double drop, double* amplification = nullptr) {
  const Mat g = times(a, true, a);
  const Vec scale = g.diagonal().cwiseMax(0).cwiseSqrt();
  Vec inv(scale.size());
  for (long i = 0; i < scale.size(); ++i) inv[i] = scale[i] > 0 ? 1 / scale[i] : 0;
  const Mat gs = inv.asDiagonal() * g * inv.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Mat> es(gs);
  const Vec& d = es.eigenvalues();
  const double top = d.size() ? d.maxCoeff() : 0;
  std::vector<long> keep;
  for (long i = 0; i < d.size(); ++i)
    if (top > 0 && d[i] > drop * top) keep.push_back(i);
  Mat c(a.cols(), static_cast<long>(keep.size()));
  double amp = 1;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    const double dk = d[keep[k]];
    c.col(static_cast<long>(k)) = inv.asDiagonal() * es.eigenvectors().col(keep[k]) / std::sqrt(dk);
    amp = std::max(amp, 1 / std::sqrt(dk));
  }
  if (amplification) *amplification = amp;
  return c;
}

// a made orthonormal, twice for rounding; returns the first pass's amplification.
double orthonormalize(Mat& a, double drop) {
  double amp = 1;
  for (int pass = 0; pass < 2 && a.cols() > 0; ++pass) {
    const Mat c = orthonormalizer(a, pass == 0 ? drop : 1e-14, pass == 0 ? &amp : nullptr);
    a = times(a, false, c);
  }
  return amp;
}

// The first m columns of warm (finite ones), then deterministic random columns.
Mat start_block(const Mat& warm, long dim, long m) {
  Mat x(dim, m);
  long k = 0;
  if (warm.rows() == dim)
    for (long j = 0; j < warm.cols() && k < m; ++j)
      if (warm.col(j).allFinite() && warm.col(j).norm() > 0) x.col(k++) = warm.col(j);
  for (long j = k; j < m; ++j) {
    Rng rng("block-eigen-start", {static_cast<double>(dim), static_cast<double>(j)});
    for (long i = 0; i < dim; ++i) x(i, j) = rng.normal();
  }
  return x;
}

// Dense solve for small dimensions: the matrix from dim products on the unit vectors.
BlockEigenResult dense_solve(const BlockProduct& op, long dim, long nev, long m) {
  BlockEigenResult r;
  Mat h;
  op(Mat::Identity(dim, dim), h);
  r.hvps = dim;
  r.iterations = 1;
  if (!h.allFinite()) return r;
  h = 0.5 * (h + h.transpose()).eval();
  Eigen::SelfAdjointEigenSolver<Mat> es(h);
  r.vectors.resize(dim, m);
  for (long j = 0; j < m; ++j) r.vectors.col(j) = es.eigenvectors().col(dim - 1 - j);
  for (long j = 0; j < nev; ++j) r.values.push_back(es.eigenvalues()[dim - 1 - j]);
  r.errors.assign(static_cast<std::size_t>(nev), 0.0);
  r.converged = true;
  return r;
}

// The state of one solve: an orthonormal basis V of the search space (the warm block, then at each
// iteration the residuals of at most opt.grow unconverged wanted Ritz vectors), its images AV and
// the projection G = VᵀAV; when V reaches max_basis columns it is restarted thick, to the `keep`
// largest Ritz vectors. V, AV and the work space are allocated
// once, k columns in use: the loop allocates nothing of the operator's size (no page faults), and
// an iteration reads V five times (residuals, one Gram–Schmidt pass, the new block of G) and AV
// once, which in a large model is most of the solver's own time beside the products.
struct Search {
  const BlockProduct& op;
  const BlockEigenOptions& opt;
  long nev, m;
  Mat &v, &av;
  Mat g;
  long k = 0;
  Vec theta;  // the m largest Ritz values, largest first
  Mat y;      // their coefficients in V
  long hvps = 0;
  Mat aw, c, x, res, t;  // work space

  // w ← w − V·(Vᵀw). A residual is orthogonal to V but for rounding, so one pass is the rule; a
  // second where the first removed most of a column (the test of Daniel, Gragg, Kaufman and
  // Stewart).
  void project(Mat& w) {
    if (k == 0) return;
    const Eigen::ArrayXd before = w.colwise().norm().transpose();
    project_once(v.leftCols(k), w, c);
    if ((w.colwise().norm().transpose().array() < 0.5 * before).any()) project_once(v.leftCols(k), w, c);
  }

  // Appends the columns w (orthonormalised against V and among themselves); false when the
  // operator gave a non-finite value.
  bool extend(Mat& w) {
    project(w);
    // Orthonormalising the block within itself magnifies what rounding left of V in it: project
    // again when it could have magnified that noticeably.
    if (orthonormalize(w, 1e-12) > 2) {
      project(w);
      orthonormalize(w, 1e-12);
    }
    const long b = std::min(w.cols(), v.cols() - k);
    if (b == 0) return true;
    if (b < w.cols()) w.conservativeResize(Eigen::NoChange, b);
    op(w, aw);
    hvps += b;
    if (!aw.allFinite()) return false;
    Mat gn(k + b, k + b);
    gn.topLeftCorner(k, k) = g;
    if (k > 0) {
      c.resize(k, b);
      matmul(v.leftCols(k), true, aw, false, c);
      gn.topRightCorner(k, b) = c;
      gn.bottomLeftCorner(b, k) = c.transpose();
    }
    const Mat wtaw = times(w, true, aw);
    gn.bottomRightCorner(b, b) = 0.5 * (wtaw + wtaw.transpose());
    g = std::move(gn);
    v.middleCols(k, b) = w;
    av.middleCols(k, b) = aw;
    k += b;
    return true;
  }

  void ritz() {
    Eigen::SelfAdjointEigenSolver<Mat> es(g);
    const long take = std::min(m, k);
    theta.resize(take);
    y.resize(k, take);
    for (long j = 0; j < take; ++j) {
      theta[j] = es.eigenvalues()[k - 1 - j];
      y.col(j) = es.eigenvectors().col(k - 1 - j);
    }
  }

  // M's first k columns ← their combinations by z (keep columns), through the work space t.
  void combine(Mat& mat, const Mat& z) {
    t.resize(mat.rows(), z.cols());
    matmul(mat.leftCols(k), false, z, false, t);
    mat.leftCols(z.cols()) = t;
  }

  // Thick restart: V ← its `keep` largest Ritz vectors (half the basis, at least m), so that the
  // basis stays small and keeps most of what it has learnt of the top of the spectrum.
  void restart() {
    Eigen::SelfAdjointEigenSolver<Mat> es(g);
    const long keep = std::min(k, std::max(m, opt.max_basis / 2));
    const Mat z = es.eigenvectors().rightCols(keep).rowwise().reverse();
    combine(v, z);
    combine(av, z);
    g = es.eigenvalues().tail(keep).reverse().asDiagonal();
    k = keep;
    ritz();
  }

  // Into w, the residuals of the wanted Ritz vectors that are not yet accurate (no columns: done);
  // errors gets each wanted value's bound.
  void unconverged(std::vector<double>& errors, Mat& w) {
    x.resize(v.rows(), nev);
    res.resize(v.rows(), nev);
    matmul(v.leftCols(k), false, y.leftCols(nev), false, x);
    matmul(av.leftCols(k), false, y.leftCols(nev), false, res);
    res -= x * theta.head(nev).asDiagonal();
    const double scale = std::max(std::fabs(theta[0]), 1e-300);
    const double floor = 1e-13 * theta.cwiseAbs().maxCoeff();
    errors.assign(static_cast<std::size_t>(nev), 0.0);
    std::vector<std::pair<double, long>> behind;  // (error / its tolerance, j) of the unconverged
    for (long j = 0; j < nev; ++j) {
      const double rn = res.col(j).norm();
      const double gap = theta.size() > nev ? theta[j] - theta[nev] : 0.0;
      const double err = rn <= floor ? 0.0 : ritz_error_bound(rn, gap);
      errors[static_cast<std::size_t>(j)] = err;
      const double ratio = err / ((j == 0 ? opt.tol : opt.tol_others) * scale);
      if (ratio > 1) behind.emplace_back(ratio, j);
    }
    // The furthest behind first; at most opt.grow of them.
    std::stable_sort(behind.begin(), behind.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (opt.grow > 0 && static_cast<long>(behind.size()) > opt.grow) behind.resize(static_cast<std::size_t>(opt.grow));
    w.resize(res.rows(), static_cast<long>(behind.size()));
    for (std::size_t c = 0; c < behind.size(); ++c) w.col(static_cast<long>(c)) = res.col(behind[c].second);
  }
};

}  // namespace

double ritz_error_bound(double residual, double gap) {
  if (!(gap > 0)) return residual;
  return std::min(residual, residual * residual / gap);
}

BlockEigenResult block_top_eigen(const BlockProduct& op, long dim, const Mat& warm, const BlockEigenOptions& opt,
                                 BlockEigenWork* work) {
  const long nev = std::clamp<long>(opt.nev, 1, std::max(1L, dim));
  const long m = std::min<long>(nev + std::max(0, opt.guard), dim);
  if (dim < std::max(opt.dense_below, 4 * m)) return dense_solve(op, dim, nev, m);
  const long max_basis = std::max<long>(opt.max_basis, m + 2 * nev);
  BlockEigenWork own;
  BlockEigenWork& space = work ? *work : own;
  space.v.resize(dim, max_basis);  // no reallocation when kept from a solve of the same size
  space.av.resize(dim, max_basis);
  advise_huge_pages(space.v);
  advise_huge_pages(space.av);
  Search s{op, opt, nev, m, space.v, space.av};
  BlockEigenResult r;
  Mat start = start_block(warm, dim, m);
  orthonormalize(start, 1e-12);
  if (start.cols() < m) start = start_block(Mat(), dim, m), orthonormalize(start, 1e-12);
  if (start.cols() < m || !s.extend(start)) {
    r.hvps = s.hvps;
    return r;
  }
  Mat w;
  for (int it = 0; it <= opt.maxit; ++it) {
    r.iterations = it;
    s.ritz();
    s.unconverged(r.errors, w);
    if (w.cols() == 0) {
      r.converged = true;
      break;
    }
    if (it == opt.maxit) break;
    if (s.k + w.cols() > max_basis) s.restart();
    if (!s.extend(w)) break;
  }
  r.hvps = s.hvps;
  if (!r.converged) return r;
  for (long j = 0; j < nev; ++j) r.values.push_back(s.theta[j]);
  r.vectors = times(s.v.leftCols(s.k), false, s.y);
  return r;
}

BlockEigenResult block_top_eigen(const VectorProduct& op, long dim, const Mat& warm, const BlockEigenOptions& opt,
                                 BlockEigenWork* work) {
  // The column buffers live as long as the solve (no allocation per product).
  const BlockProduct block = [&op, in = Vec(), col = Vec()](const Mat& x, Mat& out) mutable {
    out.resize(x.rows(), x.cols());
    for (long j = 0; j < x.cols(); ++j) {
      in = x.col(j);
      op(in, col);
      out.col(j) = col;
    }
  };
  return block_top_eigen(block, dim, warm, opt, work);
}

}  // namespace eos
