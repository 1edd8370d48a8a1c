// The update rules, in PyTorch's conventions (torch.optim.SGD with momentum and nesterov,
// RMSprop, Adam), and gradient flow by RK4 (Cohen et al.'s flow.py).
#include <algorithm>
#include <cmath>

#include "eos/gd/method.h"
#include "eos/gd/observer.h"

namespace eos {
namespace {

// θ ← θ − η·g.
class Gd final : public Method {
 public:
  using Method::Method;
  void advance(Vec& theta, const Vec& grad, Step&) override {
    theta.noalias() -= spec_.eta * grad;
    ++state_.updates;
  }
};

// Gradient flow dθ/dt = −∇L over time η per step, by RK4 with steps min(α/S, max_step), S the
// last sampled sharpness: whole steps while time remains, the last one cut to what remains.
class Flow final : public Method {
 public:
  Flow(const MethodSpec& spec, Model& model, const Vec& theta0, bool companion) : Method(spec), model_(model) {
    state_.flow_sharpness = std::nan("");
    if (companion) state_.gd = theta0;
  }
  void advance(Vec& theta, const Vec& grad, Step& step) override {
    if (step.sample) {
      const double s = step.sharpness();
      if (std::isfinite(s)) state_.flow_sharpness = s;
    }
    if (state_.gd.size() && state_.gd.allFinite()) {
      model_.evaluate(state_.gd, g_, nullptr);
      state_.gd.noalias() -= spec_.eta * g_;
    }
    ++state_.updates;
    const double s = state_.flow_sharpness;
    const double h = s > 0 ? std::min(spec_.flow_alpha / s, spec_.flow_max_step) : spec_.flow_max_step;
    double left = spec_.eta;
    bool first = true;
    while (left > 1e-15 * spec_.eta) {
      const double hh = std::min(h, left);
      rk4(theta, first ? &grad : nullptr, hh);
      first = false;
      left -= hh;
      if (!theta.allFinite()) return;
    }
  }
  const Vec* companion() const override { return state_.gd.size() ? &state_.gd : nullptr; }

 private:
  // One RK4 step of size h from θ (grad: ∇L(θ) when known).
  void rk4(Vec& theta, const Vec* grad, double h) {
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
  Model& model_;
  Vec k_[4], work_, g_;
};

// Heavy ball (torch.optim.SGD, momentum β, dampening 0): v ← βv + g; θ ← θ − ηv.
// Nesterov (nesterov=True): v ← βv + g; θ ← θ − η(g + βv).
class Momentum final : public Method {
 public:
  Momentum(const MethodSpec& spec, long dim) : Method(spec) { state_.velocity = Vec::Zero(dim); }
  void advance(Vec& theta, const Vec& grad, Step&) override {
    Vec& v = state_.velocity;
    const double b = spec_.momentum;
    v = b * v + grad;
    if (spec_.kind == MethodKind::Nesterov) state_.step = -spec_.eta * (grad + b * v);
    else state_.step = -spec_.eta * v;
    theta += state_.step;
    ++state_.updates;
  }
};

// RMSProp (torch.optim.RMSprop, alpha = β₂, no momentum, not centred): ν ← β₂ν + (1−β₂)g²;
// θ ← θ − η·g/(√ν + ε), P = √ν + ε.
// Adam (torch.optim.Adam): m ← β₁m + (1−β₁)g; ν ← β₂ν + (1−β₂)g²; with bias correction
// θ ← θ − (η/(1−β₁ᵗ))·m/(√ν/√(1−β₂ᵗ) + ε), P = (1−β₁ᵗ)(√ν̂ + ε) (Cohen et al. 2022's preconditioner:
// θ ← θ − ηP⁻¹m); without, θ ← θ − η·m/(√ν + ε), P = √ν + ε.
// Frozen from step k (> 0): from the k-th update on, P stays that of the update before and ν is no
// longer updated: RMSProp becomes preconditioned GD, Adam preconditioned momentum (θ ← θ − ηP⁻¹m).
class Adaptive final : public Method {
 public:
  Adaptive(const MethodSpec& spec, long dim) : Method(spec) {
    if (spec.kind == MethodKind::Adam) state_.velocity = Vec::Zero(dim);
    state_.second = Vec::Zero(dim);
  }
  void advance(Vec& theta, const Vec& grad, Step&) override {
    const bool frozen = spec_.frozen > 0 && state_.updates >= spec_.frozen;
    const long t = state_.updates + 1;
    const bool adam = spec_.kind == MethodKind::Adam;
    if (adam) state_.velocity = spec_.beta1 * state_.velocity + (1 - spec_.beta1) * grad;
    if (!frozen) update_precondition(grad, t);
    const Vec& m = adam ? state_.velocity : grad;
    if (frozen) theta.array() += -spec_.eta * (m.array() / state_.precondition.array());
    else theta.array() += -step_size_ * (m.array() / denom_.array());
    state_.updates = t;
  }
  const Vec* inverse_sqrt_precondition() const override {
    if (state_.updates == 0) return nullptr;
    if (d_at_ != state_.updates) {  // (a restored state has its own)
      d_ = state_.precondition.array().rsqrt();
      d_at_ = state_.updates;
    }
    return &d_;
  }

 private:
  // ν, the update's denominator and step size, and P, for update t (1-based).
  void update_precondition(const Vec& grad, long t) {
    Vec& nu = state_.second;
    nu.array() = spec_.beta2 * nu.array() + (1 - spec_.beta2) * grad.array().square();
    step_size_ = spec_.eta;
    double bc1 = 1;
    if (spec_.kind == MethodKind::Adam && spec_.bias_correction) {
      bc1 = 1 - std::pow(spec_.beta1, static_cast<double>(t));
      const double bc2 = 1 - std::pow(spec_.beta2, static_cast<double>(t));
      denom_.array() = nu.array().sqrt() / std::sqrt(bc2) + spec_.eps;
      step_size_ = spec_.eta / bc1;
    } else {
      denom_.array() = nu.array().sqrt() + spec_.eps;
    }
    state_.precondition = bc1 == 1 ? denom_ : Vec(bc1 * denom_);
  }
  Vec denom_;
  double step_size_ = 0;
  mutable Vec d_;
  mutable long d_at_ = -1;  // the update d_ is of
};

}  // namespace

std::unique_ptr<Method> make_method(const MethodSpec& spec, Model& model, const Vec& theta0, bool companion) {
  switch (spec.kind) {
    case MethodKind::Gd: return std::make_unique<Gd>(spec);
    case MethodKind::Flow: return std::make_unique<Flow>(spec, model, theta0, companion);
    case MethodKind::Polyak:
    case MethodKind::Nesterov: return std::make_unique<Momentum>(spec, theta0.size());
    case MethodKind::Rmsprop:
    case MethodKind::Adam: return std::make_unique<Adaptive>(spec, theta0.size());
  }
  return nullptr;
}

}  // namespace eos
