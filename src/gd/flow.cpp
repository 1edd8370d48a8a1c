// GD steps and RK4 gradient flow.
#include "eos/gd/flow.h"

#include <algorithm>
#include <cmath>

namespace eos {

Stepper::Stepper(Model& model, const RunConfig& cfg, const Vec& theta0, bool companion)
    : model_(model),
      eta_(cfg.eta),
      alpha_(cfg.flow_alpha),
      max_step_(cfg.flow_max_step),
      flow_(cfg.flow),
      keep_gd_(cfg.flow && companion),
      sharpness_(std::nan("")) {
  if (keep_gd_) gd_ = theta0;
}

// One RK4 step of size h from θ (grad: ∇L(θ) when known).
void Stepper::rk4(Vec& theta, const Vec* grad, double h) {
  if (grad) k_[0] = -*grad;
  else {
    model_.evaluate(theta, g_, nullptr);
    k_[0] = -g_;
  }
  const double frac[3] = {0.5, 0.5, 1.0};
  for (int s = 1; s < 4; ++s) {
    work_ = theta + (frac[s - 1] * h) * k_[s - 1];
    model_.evaluate(work_, g_, nullptr);
    k_[s] = -g_;
  }
  theta += (h / 6) * (k_[0] + 2 * k_[1] + 2 * k_[2] + k_[3]);
}

void Stepper::advance(Vec& theta, const Vec& grad, Step& step) {
  if (!flow_) {
    theta.noalias() -= eta_ * grad;
    return;
  }
  if (step.sample) {
    const double s = step.sharpness();
    if (std::isfinite(s)) sharpness_ = s;
  }
  if (keep_gd_ && gd_.allFinite()) {
    model_.evaluate(gd_, g_, nullptr);
    gd_.noalias() -= eta_ * g_;
  }
  const double h = sharpness_ > 0 ? std::min(alpha_ / sharpness_, max_step_) : max_step_;
  // Cohen et al.: whole steps of h while time remains, the last one cut to what remains.
  double left = eta_;
  bool first = true;
  while (left > 1e-15 * eta_) {
    const double hh = std::min(h, left);
    rk4(theta, first ? &grad : nullptr, hh);
    first = false;
    left -= hh;
    if (!theta.allFinite()) return;
  }
}

}  // namespace eos
