// The runner: full-batch GD with constant η on one model — θ ← θ − η∇L, watched by the observers
// of gd/observers.h and the model's diagnostics — and its typed result. Knows nothing of MPI,
// files or the grid.
#pragma once
#include <stdexcept>
#include <vector>

#include "eos/gd/observers.h"
#include "eos/gd/settings.h"
#include "eos/gd/stats.h"
#include "eos/model/model.h"

namespace eos {

// Thrown out of run_gd when the stop flag is raised: the point is not finished.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// The typed result of one run.
struct RunOutcome {
  RunStats stats;
  std::vector<double> tracked_final, tracked_tail;  // per ModelInfo::tracked (NaN after a divergence)
  std::vector<double> reports;                      // Model::report at the final θ (ModelInfo::reports)
  std::vector<double> diagnostics;                  // per ModelInfo::diagnostics
  Vec final_params;                                 // the final θ, when RunConfig::keep_params (not sent between ranks)
  // The final θ is finite. When it is not, the end-of-run values (reports, diagnostics and the
  // model's theory columns) are NaN.
  bool finite_params = true;
};

// The trace columns after the fixed ones: the model's tracked scalars, then lambda2..lambdaK with
// eigs = K, then gd_distance (‖θ_flow − θ_GD‖ at the same step) for a flow run, edge_level for a
// method other than gd, psharpness for an adaptive one, then the flows' (gd/companions.h).
std::vector<std::string> trace_columns(const ModelInfo& info, const RunConfig& cfg);

// Run GD; never throws for a diverging run (that is a result). Throws Interrupted on stop.
RunOutcome run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace = {});

}  // namespace eos
