// The GD observers' shared view of a step: its lazily computed sharpness and tracked scalars.
#include "eos/gd/observer.h"

namespace eos {

Step::Step(long t_, const Vec& theta_, double loss_, const Vec& grad_, const Vec* prev, double norm, bool sample_,
           Model& model, SharpnessEstimator& sharpness, const Mat* hess, std::size_t tracked)
    : t(t_),
      theta(theta_),
      loss(loss_),
      grad(grad_),
      prev_grad(prev),
      grad_norm(norm),
      sample(sample_),
      model_(model),
      estimator_(sharpness),
      hess_(hess),
      ntracked_(tracked) {}

// The dense Hessian at θ_t when the estimators want it: the loop's, or one of our own.
const Mat* Step::dense_hessian() {
  if (!estimator_.wants_dense()) return nullptr;
  if (hess_) return hess_;
  Vec g;
  model_.evaluate(theta, g, &own_hess_);
  hess_ = &own_hess_;
  return hess_;
}

double Step::sharpness() {
  if (have_sharpness_) return sharpness_;
  sharpness_ = estimator_.estimate(theta, dense_hessian());
  have_sharpness_ = true;
  eigenvalues_ = estimator_.last_values();
  return sharpness_;
}

double Step::psharpness() {
  if (have_psharpness_) return psharpness_;
  psharpness_ = pestimator_ && d_ ? pestimator_->estimate(theta, dense_hessian(), d_) : RunStats::kNaN;
  have_psharpness_ = true;
  return psharpness_;
}

const std::vector<double>& Step::eigenvalues() {
  sharpness();
  return eigenvalues_;
}

const std::vector<double>& Step::tracked() {
  if (!have_tracked_) {
    tracked_.assign(ntracked_, 0.0);
    if (ntracked_) model_.track(theta, tracked_.data());
    have_tracked_ = true;
  }
  return tracked_;
}

}  // namespace eos
