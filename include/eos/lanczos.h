// Top (largest algebraic) eigenvalue of a model's Hessian by Lanczos over Hessian-vector
// products (Spectra's SymEigsSolver), warm-started from a previous eigenvector.
#pragma once
#include "eos/model.h"

namespace eos {

struct LanczosResult {
  double value = 0;   // largest algebraic eigenvalue
  Vec vector;         // its unit eigenvector (the next warm start)
  long hvps = 0;      // Hessian-vector products used
};

// warm may be empty (no warm start) or a vector of length dim.
LanczosResult lanczos_top_eigenvalue(Model& model, const Vec& theta, long dim, const Vec& warm);

}  // namespace eos
