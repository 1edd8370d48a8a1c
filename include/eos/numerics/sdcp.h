// The small semidefinite complementarity problem (SDCP) of the central flow: given A ∈ Sym(k) and a
// positive semidefinite linear map B on Sym(k), find X with
//     X ⪰ 0,   S = A + B[X] ⪰ 0,   ⟨X, S⟩ = 0,
// for k ≤ 6 (at most 21 unknowns). With B self-adjoint and ⪰ 0 these are the optimality conditions
// of the convex problem min_{X ⪰ 0} ½⟨X, B[X]⟩ + ⟨A, X⟩, solved here by a primal log-barrier
// Newton method (interior point); X = 0 when A ⪰ 0, and the closed form max(0, −A/B) at k = 1.
// Knows nothing of models or flows.
#pragma once
#include "eos/numerics/linalg.h"

namespace eos {

// Sym(k) as ℝ^{k(k+1)/2}, isometrically: svec(X) lists X_ii and √2·X_ij (i < j) row by row over
// the upper triangle, so ⟨X, Y⟩ = svec(X)·svec(Y). B is given by its symmetric matrix Q in these
// coordinates: svec(B[X]) = Q·svec(X).
long svec_size(long k);
long svec_index(long k, long i, long j);  // position of the pair (min(i,j), max(i,j))
Vec svec(const Mat& X);
Mat smat(const Vec& x, long k);

struct SdcpResult {
  Mat X;
  // The three conditions, each relative to the problem's scale (‖A‖_F + ‖B[X]‖_F for S; for X
  // the larger of ‖X‖_F and ‖A‖_F/λ_max(Q), X's natural size; their product for the gap):
  // max(0, −λ_min(X)), max(0, −λ_min(S)), |⟨X, S⟩|.
  double x_violation = 0, s_violation = 0, gap = 0;
  double residual() const;  // the largest of the three
  int newton_steps = 0;     // 0 for the shortcuts (A ⪰ 0, k = 1)
  bool converged = true;    // false: no solution found within the budget (e.g. B too singular)
};

struct SdcpOptions {
  double tol = 1e-12;       // the barrier parameter at which to stop, relative to the scale
  int max_newton = 400;     // Newton steps in all
  bool shortcuts = true;    // X = 0 when A ⪰ 0, the closed form at k = 1 (off: tests)
};

// Q must be symmetric positive semidefinite of size svec_size(A.rows()). Never throws for finite
// input: a problem without a solution (B singular along a direction A pushes into) comes back
// with converged = false and the last iterate.
SdcpResult solve_sdcp(const Mat& A, const Mat& Q, const SdcpOptions& opt = {});

// The closed form for one direction: the X ≥ 0 with a + q·X ≥ 0 and X·(a + q·X) = 0, max(0, −a/q)
// (for the central flow, σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² at the edge).
double sdcp_closed_form(double a, double q);

// The three violations of X for (A, Q) as in SdcpResult.
SdcpResult sdcp_check(const Mat& A, const Mat& Q, const Mat& X);

}  // namespace eos
