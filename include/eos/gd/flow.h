// How θ moves from one step to the next: a GD step θ − η∇L, or gradient flow dθ/dt = −∇L over
// time η integrated by RK4 with steps min(α/S, max_step), S the last sampled sharpness (Cohen et
// al.'s flow.py), so that step t of a flow run is time η·t. A flow run may keep the GD iterate
// from the same θ₀ beside it, for the distance between the two trajectories.
#pragma once
#include "eos/gd/observer.h"
#include "eos/gd/settings.h"

namespace eos {

class Stepper {
 public:
  // companion: with flow, also run GD from theta0 (one gradient more per step).
  Stepper(Model& model, const RunConfig& cfg, const Vec& theta0, bool companion);
  // θ_t → θ_{t+1}; grad is ∇L(θ_t), step the observers' view of step t (its sharpness when sampled).
  void advance(Vec& theta, const Vec& grad, Step& step);
  // The GD iterate at the current step, when kept.
  const Vec* companion() const { return keep_gd_ ? &gd_ : nullptr; }

 private:
  void rk4(Vec& theta, const Vec* grad, double h);
  Model& model_;
  double eta_, alpha_, max_step_;
  bool flow_, keep_gd_;
  double sharpness_;  // the last sampled sharpness (NaN: none yet)
  Vec gd_, k_[4], work_, g_;
};

}  // namespace eos
