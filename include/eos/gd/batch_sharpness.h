// The batch sharpness of Andreyev & Beneventano ("Edge of stochastic stability", arXiv
// 2412.20553): S_B = E_B[g_Bᵀ H_B g_B / ‖g_B‖²], over batches B of B samples drawn uniformly
// without replacement, g_B and H_B the gradient and Hessian of the mean loss on the batch — the
// expectation of the ratio, as their code reports it (calculate_averaged_grad_H_grad with
// expectation_inside = False). For an adaptive method, the curvature along its preconditioned step
// u = P⁻¹g_B: E_B[uᵀH_B u / g_Bᵀu] (P of the method's last update).
// Estimated by Monte Carlo, one batch gradient and one batch HVP per batch (never the full set),
// from the named stream Rng("batch-sharpness", {batch_seed, n, B, t}) — not the training order, so
// estimating does not move the trajectory: at least bs_min_batches batches, then until the
// standard error of the mean of the ratios is at most bs_tol·|mean|, or bs_max_batches.
// With B = n there is one batch, the full set: S_B = gᵀHg/‖g‖² exactly (error 0).
#pragma once
#include <span>

#include "eos/gd/settings.h"
#include "eos/model/model.h"

namespace eos {

struct BatchSharpnessEstimate {
  double value = RunStats::kNaN;  // the mean of the ratios
  double error = RunStats::kNaN;  // its standard error, sd/√k (0 when exact)
  long batches = 0;               // k: batches whose ratio was defined (a zero gradient has none)
};

class BatchSharpness {
 public:
  // model with n samples; spec.size is B (1 ≤ B ≤ n).
  BatchSharpness(Model& model, long n, const BatchSpec& spec);
  // The estimate at θ of step t. d: the diagonal of P^{−½} of an adaptive method, else null;
  // grad: the full gradient at θ when known (used with B = n).
  BatchSharpnessEstimate estimate(const Vec& theta, long t, const Vec* d = nullptr, const Vec* grad = nullptr);
  // The ratio of one batch (rows; empty: the full set), NaN for a zero gradient.
  double ratio(const Vec& theta, std::span<const long> rows, const Vec* d = nullptr);

 private:
  // The ratio with the batch's gradient g known.
  double ratio_of(const Vec& theta, std::span<const long> rows, const Vec& g, const Vec* d);
  Model& model_;
  long n_;
  BatchSpec spec_;
  Vec g_, u_, hu_;
};

}  // namespace eos
