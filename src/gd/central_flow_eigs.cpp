// Top eigenpairs for the central flow: the dense path, and LOBPCG (locally optimal block
// preconditioned conjugate gradient, without a preconditioner) over HVPs with a warm block. Each
// iteration: Rayleigh–Ritz on [X, W, P] — the block, the residuals of its unconverged requested
// columns (their HVPs computed), the previous search directions (their images carried along) —
// made orthonormal by Gram–Schmidt twice, leaving out directions already spanned.
#include "eos/gd/central_flow_eigs.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "eos/util/rng.h"

namespace eos {
namespace {

// A block with the images of its columns under H.
struct Block {
  Mat V, HV;
  long cols() const { return V.cols(); }
};

// The columns of C made orthonormal to the orthonormal columns of Q and to each other: block
// Gram–Schmidt against Q twice, then column by column twice; a column whose norm falls below
// drop·(its norm before) is left out. When images is true, C.HV holds C's images and follows the
// same combinations (Q.HV must be set).
void orthonormalize(const Block& Q, Block& C, double drop, bool images) {
  const long m = C.cols();
  const Vec before = C.V.colwise().norm();
  for (int pass = 0; pass < 2 && Q.cols() > 0; ++pass) {
    const Mat coef = Q.V.transpose() * C.V;
    C.V.noalias() -= Q.V * coef;
    if (images) C.HV.noalias() -= Q.HV * coef;
  }
  long kept = 0;
  for (long c = 0; c < m; ++c) {
    Vec x = C.V.col(c), hx = images ? Vec(C.HV.col(c)) : Vec();
    for (int pass = 0; pass < 2 && kept > 0; ++pass) {
      const Vec coef = C.V.leftCols(kept).transpose() * x;
      x.noalias() -= C.V.leftCols(kept) * coef;
      if (images) hx.noalias() -= C.HV.leftCols(kept) * coef;
    }
    const double after = x.norm();
    if (!(after > drop * before[c]) || !(after > 0)) continue;
    C.V.col(kept) = x / after;
    if (images) C.HV.col(kept) = hx / after;
    ++kept;
  }
  C.V.conservativeResize(Eigen::NoChange, kept);
  if (images) C.HV.conservativeResize(Eigen::NoChange, kept);
}

// Images of the columns of V by the counted HVP.
Mat images_of(Model& model, const Vec& w, const Mat& V, long& hvps) {
  Mat HV(V.rows(), V.cols());
  Vec out;
  for (long c = 0; c < V.cols(); ++c) {
    model.hvp(w, V.col(c), out);
    HV.col(c) = out;
    ++hvps;
  }
  return HV;
}

TopEigen dense_pairs(Model& model, const Vec& w, long count, long block) {
  Vec g;
  Mat H;
  model.evaluate(w, g, &H);
  Eigen::SelfAdjointEigenSolver<Mat> es(0.5 * (H + H.transpose()));
  const long n = H.rows();
  TopEigen r;
  r.dense = 1;
  r.values.resize(count);
  r.block.resize(n, block);
  for (long i = 0; i < block; ++i) {
    r.block.col(i) = es.eigenvectors().col(n - 1 - i);
    if (i < count) r.values[i] = es.eigenvalues()[n - 1 - i];
  }
  r.vectors = r.block.leftCols(count);
  return r;
}

// The starting block: the warm columns, then deterministic random ones, orthonormalised.
Mat start_block(const Mat& warm, long dim, long p) {
  Mat V(dim, 0);
  Rng rng("central-flow-eigs", {static_cast<double>(dim)});
  for (int round = 0; round < 4 && V.cols() < p; ++round) {
    Block C{Mat(dim, 0), Mat()};
    const long from_warm = round == 0 && warm.rows() == dim ? std::min(warm.cols(), p) : 0;
    C.V.resize(dim, p - V.cols());
    for (long c = 0; c < C.V.cols(); ++c) {
      if (c < from_warm) C.V.col(c) = warm.col(c);
      else
        for (long k = 0; k < dim; ++k) C.V(k, c) = rng.normal();
    }
    Block Q{V, Mat()};
    orthonormalize(Q, C, 1e-8, false);
    V.conservativeResize(Eigen::NoChange, V.cols() + C.cols());
    V.rightCols(C.cols()) = C.V;
  }
  return V;
}

// Rayleigh–Ritz on the orthonormal basis S: the p largest Ritz pairs as coefficients Y and values.
void rayleigh_ritz(const Block& S, long p, Mat& Y, Vec& values) {
  const Mat M = S.V.transpose() * S.HV;
  Eigen::SelfAdjointEigenSolver<Mat> es(0.5 * (M + M.transpose()));
  const long n = M.rows();
  Y.resize(n, p);
  values.resize(p);
  for (long i = 0; i < p; ++i) {
    Y.col(i) = es.eigenvectors().col(n - 1 - i);
    values[i] = es.eigenvalues()[n - 1 - i];
  }
}

}  // namespace

TopEigen top_eigenpairs(Model& model, const Vec& w, long count, const Mat& warm, const TopEigenOptions& opt) {
  const long dim = w.size();
  count = std::clamp(count, 1L, dim);
  const long p = std::min(dim, count + std::max(0, opt.guard));
  if (dim <= opt.dense_below || 3 * p >= dim) return dense_pairs(model, w, count, p);
  TopEigen r;
  Block X{start_block(warm, dim, p), Mat()};
  X.HV = images_of(model, w, X.V, r.hvps);
  Mat Y;
  Vec lam;
  rayleigh_ritz(X, X.cols(), Y, lam);
  X = {X.V * Y, X.HV * Y};
  Block P{Mat(dim, 0), Mat(dim, 0)};
  r.converged = false;
  for (;; ++r.iterations) {
    const Mat R = X.HV - X.V * lam.asDiagonal();
    const double scale = std::max(std::fabs(lam[0]), 1e-300);
    Block W{Mat(dim, 0), Mat()};
    for (long i = 0; i < count; ++i)
      if (!(R.col(i).norm() <= opt.tol * scale)) {
        W.V.conservativeResize(Eigen::NoChange, W.cols() + 1);
        W.V.col(W.cols() - 1) = R.col(i);
      }
    if (W.cols() == 0) {
      r.converged = true;
      break;
    }
    if (r.iterations >= opt.max_iterations) break;
    orthonormalize(X, W, 1e-10, false);
    W.HV = images_of(model, w, W.V, r.hvps);
    const Block XW{(Mat(dim, X.cols() + W.cols()) << X.V, W.V).finished(),
                   (Mat(dim, X.cols() + W.cols()) << X.HV, W.HV).finished()};
    orthonormalize(XW, P, 1e-6, true);
    // The basis [X, W, P] and the p largest Ritz pairs in it; the new P is the part of the new
    // block outside X.
    const long nx = X.cols(), nw = W.cols(), np = P.cols();
    Block S{Mat(dim, nx + nw + np), Mat(dim, nx + nw + np)};
    S.V << X.V, W.V, P.V;
    S.HV << X.HV, W.HV, P.HV;
    rayleigh_ritz(S, p, Y, lam);
    const Mat Yrest = Y.bottomRows(nw + np);
    P = {S.V.rightCols(nw + np) * Yrest, S.HV.rightCols(nw + np) * Yrest};
    X = {S.V * Y, S.HV * Y};
  }
  r.values = lam.head(count);
  r.vectors = X.V.leftCols(count);
  r.block = X.V;
  return r;
}

}  // namespace eos
