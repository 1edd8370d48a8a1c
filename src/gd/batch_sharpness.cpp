// The batch sharpness by Monte Carlo over random batches, with its stopping rule.
#include "eos/gd/batch_sharpness.h"

#include <cmath>

#include "eos/gd/batches.h"

namespace eos {

BatchSharpness::BatchSharpness(Model& model, long n, const BatchSpec& spec) : model_(model), n_(n), spec_(spec) {}

// uᵀH_B u / g_Bᵀu with u = g_B, or u = P⁻¹g_B = d²∘g_B for an adaptive method.
double BatchSharpness::ratio_of(const Vec& theta, std::span<const long> rows, const Vec& g, const Vec* d) {
  const bool full = rows.empty();
  if (d) u_ = d->array().square() * g.array();
  const Vec& u = d ? u_ : g;
  const double den = g.dot(u);
  if (!(den > 0)) return RunStats::kNaN;
  if (full) model_.hvp(theta, u, hu_);
  else model_.hvp_batch(theta, rows, u, hu_);
  return u.dot(hu_) / den;
}

double BatchSharpness::ratio(const Vec& theta, std::span<const long> rows, const Vec* d) {
  if (rows.empty()) model_.evaluate(theta, g_, nullptr);
  else model_.evaluate_batch(theta, rows, g_, nullptr);
  return ratio_of(theta, rows, g_, d);
}

BatchSharpnessEstimate BatchSharpness::estimate(const Vec& theta, long t, const Vec* d, const Vec* grad) {
  BatchSharpnessEstimate e;
  if (spec_.size >= n_) {  // one batch: the full set
    e.value = grad ? ratio_of(theta, {}, *grad, d) : ratio(theta, {}, d);
    e.error = 0;
    e.batches = std::isfinite(e.value) ? 1 : 0;
    return e;
  }
  RandomBatches batches(n_, spec_.size,
                        Rng("batch-sharpness", {static_cast<double>(spec_.seed), static_cast<double>(n_),
                                                static_cast<double>(spec_.size), static_cast<double>(t)}));
  double mean = 0, m2 = 0;  // Welford
  long k = 0;
  for (long drawn = 0; drawn < spec_.max_batches; ++drawn) {
    const double r = ratio(theta, batches.next(), d);
    if (std::isnan(r)) continue;  // a batch with a zero gradient has no curvature along it
    if (!std::isfinite(r)) return e;
    ++k;
    const double delta = r - mean;
    mean += delta / static_cast<double>(k);
    m2 += delta * (r - mean);
    if (k < spec_.min_batches) continue;
    const double se = std::sqrt(m2 / static_cast<double>(k - 1) / static_cast<double>(k));
    if (se <= spec_.tol * std::fabs(mean)) break;
  }
  if (k == 0) return e;
  e.value = mean;
  e.error = k > 1 ? std::sqrt(m2 / static_cast<double>(k - 1) / static_cast<double>(k)) : RunStats::kNaN;
  e.batches = k;
  return e;
}

}  // namespace eos
