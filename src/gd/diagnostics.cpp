// The optional run diagnostics.
#include "eos/gd/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eos/gd/observers.h"

namespace eos {
namespace {

// eos_loss_peak: the largest training loss from the first step at the method's edge on (η·S/2 ≥ 1
// for GD), S the sharpness it is judged by at θ_t, computed at every step until the edge is
// reached (NaN if it never is): how far the loss climbs during the edge-of-stability phase.
class EosLossPeak final : public Diagnostic {
 public:
  explicit EosLossPeak(const RunConfig& cfg) : scale_(edge_scale(cfg.method)) {}
  bool on_step(Step& s) override {
    if (!at_edge_ && scale_ * s.judged() >= 1) at_edge_ = true;
    if (at_edge_ && !(peak_ >= s.loss)) peak_ = s.loss;
    return false;
  }
  double value() const override { return peak_; }
  void save(StateWriter& w) const override {
    w.put(at_edge_);
    w.put(peak_);
  }
  void load(StateReader& r) override {
    r.get(at_edge_);
    r.get(peak_);
  }

 private:
  double scale_;
  bool at_edge_ = false;
  double peak_ = RunStats::kNaN;
};

// The second Hessian eigenvalue λ₂ at the sampling steps (runs with eigs ≥ 2): its last value,
// its mean over the tail or its maximum.
class Lambda2 final : public Diagnostic {
 public:
  enum Kind { Final, Tail, Max };
  Lambda2(const RunConfig& cfg, Kind kind) : sched_(cfg), kind_(kind), eigs_(cfg.eigs) {}
  bool on_step(Step& s) override {
    if (!s.sample || eigs_ < 2) return false;
    const auto& ev = s.eigenvalues();
    if (ev.size() < 2 || !std::isfinite(ev[1])) return false;
    last_ = ev[1];
    max_ = std::isnan(max_) ? ev[1] : std::max(max_, ev[1]);
    if (sched_.in_tail(s.t)) tail_.add(ev[1]);
    return false;
  }
  double value() const override {
    if (kind_ == Final) return last_;
    if (kind_ == Max) return max_;
    return tail_.count ? tail_.value() : last_;
  }
  void save(StateWriter& w) const override {
    w.put(last_);
    w.put(max_);
    tail_.save(w);
  }
  void load(StateReader& r) override {
    r.get(last_);
    r.get(max_);
    tail_.load(r);
  }

 private:
  Schedule sched_;
  Kind kind_;
  long eigs_;
  double last_ = RunStats::kNaN, max_ = RunStats::kNaN;
  Mean tail_;
};

template <Lambda2::Kind K>
std::unique_ptr<Diagnostic> make_lambda2(const RunConfig& cfg) {
  return std::make_unique<Lambda2>(cfg, K);
}

}  // namespace

const std::vector<DiagnosticInfo>& diagnostics() {
  static const std::vector<DiagnosticInfo> all = {
      {"eos_loss_peak", "the largest loss from the first step with η·S/2 ≥ 1 on (S at every step; NaN if never)",
       [](const RunConfig& cfg) -> std::unique_ptr<Diagnostic> { return std::make_unique<EosLossPeak>(cfg); }},
      {"lambda2_final", "the second Hessian eigenvalue λ₂ at the last sample (eigs ≥ 2)", make_lambda2<Lambda2::Final>},
      {"lambda2_tail", "λ₂ averaged over the samples in the tail", make_lambda2<Lambda2::Tail>},
      {"lambda2_max", "the largest sampled λ₂", make_lambda2<Lambda2::Max>},
  };
  return all;
}

std::unique_ptr<Diagnostic> make_diagnostic(const std::string& name, const RunConfig& cfg) {
  for (const auto& d : diagnostics())
    if (d.name == name) return d.make(cfg);
  throw std::invalid_argument("unknown run diagnostic '" + name + "'");
}

}  // namespace eos
