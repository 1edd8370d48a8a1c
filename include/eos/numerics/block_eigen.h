// The top eigenvalues of a symmetric operator given by its products (a Hessian by Hessian-vector
// products) by a block method, block Krylov with thick restart (Davidson without preconditioner),
// warm-started from a whole block of Ritz vectors (the previous solve's) and stopped at an
// eigenvalue accuracy rather than a residual size. Along a GD run the top eigenvectors move slowly between samples, so a warm
// block needs few products. Knows nothing of models: the operator is a function y = H·x.
#pragma once
#include <functional>
#include <vector>

#include "eos/numerics/linalg.h"

namespace eos {

// The operator on one vector (out is resized by the callee), and on a block of columns.
using VectorProduct = std::function<void(const Vec& x, Vec& out)>;
using BlockProduct = std::function<void(const Mat& x, Mat& out)>;

struct BlockEigenOptions {
  int nev = 2;         // wanted: the nev largest algebraic eigenvalues
  int guard = 2;       // Ritz vectors kept beside them (warm start, restarts, the gap estimate)
  double tol = 1e-7;   // stop when the top Ritz value's error bound is ≤ tol·|θ₁|
  double tol_others = 1e-5;  // and each other wanted one's ≤ tol_others·|θ₁|
  int maxit = 300;     // iterations (each costs one product per column it adds)
  // Columns added per iteration: the residuals of the unconverged wanted Ritz vectors furthest
  // from their tolerance, at most grow of them (0: all of them, a block Krylov space).
  int grow = 1;
  long max_basis = 24;  // search space columns before a thick restart to the nev + guard Ritz vectors
  long dense_below = 0;  // dim below this (and below 4·(nev + guard)): dense from dim products
};

struct BlockEigenResult {
  std::vector<double> values;  // the nev largest, largest first (empty when not converged)
  Mat vectors;                 // dim × (nev + guard) Ritz vectors: the next warm start
  std::vector<double> errors;  // the error bound of each wanted value at the end
  long hvps = 0;               // products used (columns)
  int iterations = 0;
  bool converged = false;
};

// The bound used for a wanted Ritz value θ with residual norm r, where gap is the distance from θ
// to the unwanted part of the spectrum (estimated by the first unwanted Ritz value):
// min(r, r²/gap). Exposed for the tests.
double ritz_error_bound(double residual, double gap);

// Space for the basis and its images (dim × max_basis each), kept by a caller that solves again
// and again (a sharpness estimator along a run) so that each solve does not allocate and first
// touch tens of megabytes anew. Its contents are not an input.
struct BlockEigenWork {
  Mat v, av;
};

// warm: dim × k, any k (empty: a deterministic random start); columns past nev + guard are
// ignored, missing ones filled at random. Never throws for a finite operator: a start the
// operator maps to NaN or a solve that does not converge in maxit gives converged = false.
// work: optional kept space (nullptr: the solve's own).
BlockEigenResult block_top_eigen(const BlockProduct& op, long dim, const Mat& warm, const BlockEigenOptions& opt = {},
                                 BlockEigenWork* work = nullptr);
BlockEigenResult block_top_eigen(const VectorProduct& op, long dim, const Mat& warm, const BlockEigenOptions& opt = {},
                                 BlockEigenWork* work = nullptr);

}  // namespace eos
