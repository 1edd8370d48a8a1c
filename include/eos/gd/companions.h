// The companions of a GD run (flows = central, gradient or both): the central flow (Cohen, Damian
// et al.; gd/central_flow.h) and gradient flow (RK4 at steps min(α/S, max_step), as method = flow)
// from the same θ₀, each advanced one GD step's worth of time per step and compared with GD at the
// same time t = η·step: their losses, sharpnesses and distances from GD in traces, and in the row
// how well the central flow predicted the run over its edge part (docs/central-flows.md).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eos/gd/central_flow.h"
#include "eos/gd/method.h"
#include "eos/gd/observers.h"

namespace eos {

// The trace columns of the companions of cfg, in the order of FlowCompanions::append_trace.
std::vector<std::string> companion_trace_columns(const FlowsSpec& flows);

class FlowCompanions final : public Observer {
 public:
  // Throws std::invalid_argument when the model cannot run a flow asked for (no third derivatives).
  FlowCompanions(Model& model, const Vec& theta0, const RunConfig& cfg, const Schedule& sched);
  ~FlowCompanions() override;
  // Compares GD's θ_t with the flows at time t, then moves them to t + 1 (not past the last step).
  bool on_step(Step& s) override;
  void finish(const RunEnd& end, RunStats& out) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  // The values of companion_trace_columns at the last step seen.
  void append_trace(std::vector<double>& row) const;

 private:
  struct Gradient;
  void compare_central(const Step& s);
  void advance(const Step& s);
  Model& model_;
  FlowsSpec spec_;
  const Schedule& sched_;
  double eta_;
  std::optional<CentralFlow> central_;
  std::unique_ptr<Gradient> gradient_;
  bool central_failed_ = false;
  // The last step's values for the trace.
  double cf_loss_ = RunStats::kNaN, cf_sharpness_ = RunStats::kNaN, cf_sigma2_ = RunStats::kNaN;
  double cf_offset2_ = RunStats::kNaN, dist_cf_ = RunStats::kNaN;
  double gf_loss_ = RunStats::kNaN, gf_sharpness_ = RunStats::kNaN, dist_gf_ = RunStats::kNaN;
  // The edge part: its first step and GD's loss there, the current window's sums, the largest
  // errors; the central flow's costs.
  long edge_step_ = -1, window_n_ = 0, cf_steps_ = 0, hvps_ = 0, thirds_ = 0;
  double edge_loss_ = RunStats::kNaN, window_gd_ = 0, window_cf_ = 0, loss_err_ = -1, sharpness_err_ = -1;
};

}  // namespace eos
