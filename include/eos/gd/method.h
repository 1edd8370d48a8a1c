// The update rule of a run, after ensmallen's update policies: a method owns its state, moves θ
// from one step to the next, and knows its edge — the level its stability threshold puts on the
// sharpness it is judged by (2/η for GD), and whether that sharpness is the Hessian's or the
// preconditioned Hessian's P^{−½}HP^{−½}. GD, gradient flow, heavy-ball and Nesterov momentum,
// RMSProp and Adam are implementations, in PyTorch's conventions (docs/methods.md).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eos/gd/state_io.h"
#include "eos/gd/stats.h"
#include "eos/model/model.h"

namespace eos {

class Step;

enum class MethodKind { Gd, Flow, Polyak, Nesterov, Rmsprop, Adam };

// The method named by the key `method` (throws std::invalid_argument for an unknown name).
MethodKind method_kind(const std::string& name);
const char* method_name(MethodKind kind);

// A method's settings, from the point's keys (gd/settings.h).
struct MethodSpec {
  MethodKind kind = MethodKind::Gd;
  double eta = 0;
  double momentum = 0;                       // β of polyak and nesterov
  double beta1 = 0.9, beta2 = 0.999;         // adam's β₁; rmsprop's and adam's β₂ (PyTorch: alpha)
  double eps = 1e-8;                         // rmsprop, adam: θ ← θ − η·m/(√ν + ε)
  bool bias_correction = true;               // adam: m̂ = m/(1−β₁ᵗ), ν̂ = ν/(1−β₂ᵗ)
  long frozen = 0;                           // rmsprop, adam: P fixed from this step on (0: never)
  double flow_alpha = 1, flow_max_step = 999;  // flow: RK4 steps of min(α/S, max_step)
  bool adaptive() const { return kind == MethodKind::Rmsprop || kind == MethodKind::Adam; }
  bool momentum_method() const { return kind == MethodKind::Polyak || kind == MethodKind::Nesterov; }
};

// The edge level: the largest curvature S (of H, or of P^{−½}HP^{−½} for an adaptive method) at
// which the method's update, linearised on a quadratic, is stable — 2/η for gd and flow (where it
// is GD's edge at the same η, a reference: a flow has none), (2+2β)/η for polyak,
// (2+2β)/((1+2β)η) for nesterov, 2/η for rmsprop, (2+2β₁)/((1−β₁)η) for adam.
double edge_level(const MethodSpec& m);
// Its reciprocal, the factor that turns a sharpness into S/level, computed so that GD's is η/2
// exactly (η·S/2 rounds as it always has).
double edge_scale(const MethodSpec& m);
// The factor by which the method moves a threshold of linear stability on η: a minimum of
// curvature S is stable for η below factor·2/S. 1 for gd, 1+β for polyak, (1+β)/(1+2β) for
// nesterov; NaN for flow and the adaptive methods (their threshold is on P^{−½}HP^{−½}, not η).
double eta_star_factor(const MethodSpec& m);

// How the diagnostics that read a step's geometry (the secant curvature along a step, the
// sharpness at an overshoot's midpoint) apply: to GD's step θ_t − θ_{t−1} = −η·g_{t−1} with their
// formula of 0.1 (bit for bit), to the step the method actually took (momentum), or not at all
// (flow: no edge; adaptive methods: their edge is on P^{−½}HP^{−½}, which a step does not show).
enum class StepGeometry { GdStep, ActualStep, None };
StepGeometry step_geometry(const MethodSpec& m);

// What certifies that a run of the method went beyond its edge (the regime rule per method): a
// loss rise for GD only (below the edge a GD step cannot raise the loss; momentum and adaptive
// methods raise it while stable); the sharpness it is judged by over its edge level for every
// method but flow, which has no edge (its rows are gf unless they diverge).
EdgeRule edge_rule(const MethodSpec& m);

// A method's state between steps, one typed object: what a checkpoint saves and restores whole.
struct MethodState {
  long updates = 0;      // updates taken (Adam's t)
  Vec velocity;          // polyak, nesterov: v; adam: the first moment m
  Vec second;            // rmsprop, adam: the second moment ν
  Vec precondition;      // rmsprop, adam: the diagonal P of the last update (frozen: kept)
  Vec step;              // θ_t − θ_{t−1}, the last step taken (momentum methods)
  Vec gd;                // flow: the GD iterate from the same θ₀, when kept
  double flow_sharpness = 0;  // flow: the last sampled sharpness (NaN: none yet)
  // Every array by name, for writing and reading back.
  std::vector<std::pair<std::string, Vec*>> arrays();
  std::vector<std::pair<std::string, const Vec*>> arrays() const;
  bool operator==(const MethodState& o) const;
};
// The state as records of a run's state (gd/state_io.h) and back (throws StateError when the
// records are not one).
void save_state(StateWriter& out, const MethodState& s);
MethodState load_state(StateReader& in);

class Method {
 public:
  explicit Method(const MethodSpec& spec) : spec_(spec) {}
  virtual ~Method() = default;
  const MethodSpec& spec() const { return spec_; }
  // θ_t → θ_{t+1}; grad is ∇L(θ_t), step the observers' view of step t.
  virtual void advance(Vec& theta, const Vec& grad, Step& step) = 0;
  // The diagonal of P^{−½} for the preconditioned sharpness of the last update (adaptive methods
  // once they have taken one); null otherwise.
  virtual const Vec* inverse_sqrt_precondition() const { return nullptr; }
  // θ_t − θ_{t−1}, when the method keeps it (StepGeometry::ActualStep); null before the first step.
  const Vec* last_step() const { return state_.updates > 0 && state_.step.size() ? &state_.step : nullptr; }
  // The trajectory kept beside this one at the same time, if any (GD beside a flow).
  virtual const Vec* companion() const { return nullptr; }
  const MethodState& state() const { return state_; }
  void restore(const MethodState& s) { state_ = s; }

 protected:
  MethodSpec spec_;
  MethodState state_;
};

// The method of spec for a run from theta0 on model. companion: a flow also runs GD from θ₀ (one
// gradient more per step), for the distance between the two.
std::unique_ptr<Method> make_method(const MethodSpec& spec, Model& model, const Vec& theta0, bool companion);

}  // namespace eos
