// Top (largest algebraic) eigenvalue of a symmetric operator — a Hessian given by its
// Hessian-vector products — by Lanczos (Spectra's SymEigsSolver), warm-started from a previous
// eigenvector. Knows nothing of models: the operator is a function y = H·x.
#pragma once
#include <functional>

#include "eos/numerics/linalg.h"

namespace eos {

struct LanczosResult {
  double value = 0;        // largest algebraic eigenvalue (NaN when not converged)
  Vec vector;              // its unit eigenvector (empty when not converged)
  std::vector<double> values;  // the converged ones of the nev largest, largest first
  Vec start;               // the next warm start: the top eigenvector plus the other requested ones
                           // (equal weights; measured to save a few more HVPs than the top alone)
  long hvps = 0;           // Hessian-vector products used, retries included
  bool converged = true;   // false: no attempt converged (value is NaN)
  int attempts = 0;        // solver runs used (1 unless the first did not converge)
};

// Settings of the Krylov solve. The defaults guarantee a relative accuracy of 1e-9 (in practice
// the error is about the squared residual, near machine precision).
struct LanczosOptions {
  int nev = 2;           // eigenvalues requested (≥ 2: at the edge the top ones crowd near 2/η)
  int ncv = 12;          // Krylov subspace size (capped at dim)
  int maxit = 300;       // restarts per attempt
  double tol = 1e-9;     // Spectra's relative residual tolerance: |λ − θ| ≤ ‖r‖ ≤ tol·|θ|
  long dense_below = 4;  // dim < this: dense eigensolve of the Hessian built from dim HVPs
};

// The operator: out = H·x for x of length dim (out is resized by the callee).
using HessianProduct = std::function<void(const Vec& x, Vec& out)>;

// The dense Hessian built from dim products on the unit vectors, symmetrised.
Mat hessian_from_products(const HessianProduct& hvp, long dim);

// warm may be empty (no warm start) or a vector of length dim. Non-convergence: a second,
// cold attempt with a doubled subspace and maxit; if that fails too, value is NaN and
// converged is false (the caller skips the sample). Never throws for a finite Hessian.
LanczosResult lanczos_top_eigenvalue(const HessianProduct& hvp, long dim, const Vec& warm,
                                     const LanczosOptions& opt = {});

}  // namespace eos
