// The top eigenpairs of a model's Hessian for the central flow, warm-started from the previous
// block: the dense Hessian for small models, a block iteration (LOBPCG) over Hessian-vector products
// otherwise. The one place the central flow asks for eigenpairs: a faster block solver goes here.
#pragma once
#include "eos/model/model.h"

namespace eos {

struct TopEigenOptions {
  // Converged when ‖Hu − λu‖ ≤ tol·|λ₁| for every requested pair: eigenvalues then err by about
  // tol²·λ₁²/gap, eigenvectors by tol·λ₁/gap (on the mlp test the flow agrees with tol = 1e-7 to
  // six digits at two thirds of the HVPs).
  double tol = 1e-5;
  int max_iterations = 300;  // block iterations before giving up (the pairs are then returned as they are)
  int guard = 2;             // extra block columns beyond the requested ones (faster, safer convergence)
  long dense_below = 16;     // dim ≤ this: eigen-decompose the model's dense Hessian instead
};

struct TopEigen {
  Vec values;          // the requested eigenvalues, largest first
  Mat vectors;         // dim × count, orthonormal, column i for values[i]
  Mat block;           // the whole block (with the guard columns): the next warm start
  long hvps = 0;       // Hessian-vector products used
  long dense = 0;      // dense Hessians used (0 or 1)
  int iterations = 0;  // block iterations after the first Rayleigh–Ritz
  bool converged = true;
};

// The count largest eigenpairs of H(w). warm: the previous block (any number of columns, may be
// empty; columns missing are filled with deterministic random vectors).
TopEigen top_eigenpairs(Model& model, const Vec& w, long count, const Mat& warm, const TopEigenOptions& opt = {});

}  // namespace eos
