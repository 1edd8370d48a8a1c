// The optional run diagnostics.
#include "eos/gd/diagnostics.h"

#include <stdexcept>

namespace eos {
namespace {

// eos_loss_peak: the largest training loss from the first step with η·S/2 ≥ 1 on, S the
// sharpness at θ_t computed at every step until the edge is reached (NaN if it never is): how far
// the loss climbs during the edge-of-stability phase.
class EosLossPeak final : public Diagnostic {
 public:
  explicit EosLossPeak(const RunConfig& cfg) : eta_(cfg.eta) {}
  bool on_step(Step& s) override {
    if (!at_edge_ && eta_ * s.sharpness() / 2 >= 1) at_edge_ = true;
    if (at_edge_ && !(peak_ >= s.loss)) peak_ = s.loss;
    return false;
  }
  double value() const override { return peak_; }

 private:
  double eta_;
  bool at_edge_ = false;
  double peak_ = RunStats::kNaN;
};

}  // namespace

const std::vector<DiagnosticInfo>& diagnostics() {
  static const std::vector<DiagnosticInfo> all = {
      {"eos_loss_peak", "the largest loss from the first step with η·S/2 ≥ 1 on (S at every step; NaN if never)",
       [](const RunConfig& cfg) -> std::unique_ptr<Diagnostic> { return std::make_unique<EosLossPeak>(cfg); }},
  };
  return all;
}

std::unique_ptr<Diagnostic> make_diagnostic(const std::string& name, const RunConfig& cfg) {
  for (const auto& d : diagnostics())
    if (d.name == name) return d.make(cfg);
  throw std::invalid_argument("unknown run diagnostic '" + name + "'");
}

}  // namespace eos
