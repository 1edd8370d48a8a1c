// The runner: full-batch GD with constant η on one model — θ ← θ − η∇L, watched by the observers
// of gd/observers.h and the model's diagnostics — and its typed result. Knows nothing of MPI,
// files or the grid.
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "eos/gd/method.h"
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
// method other than gd, psharpness for an adaptive one, then the flows' (gd/companions.h), then with
// batch keys full_loss, batch_sharpness, batch_sharpness_err (gd/minibatch.h).
std::vector<std::string> trace_columns(const ModelInfo& info, const RunConfig& cfg);

// A run's state at the top of a step as arrays (save_states writes it, a branch starts from it):
// θ, the method's state and the sharpness estimator's warm starts.
struct SavedState {
  long step = 0;
  Vec theta;
  std::string method;    // the method's name (its state is restored only into the same method)
  MethodState method_state;
  Vec warm;              // the Hessian sharpness estimator's warm start (Lanczos), when it has one
  Mat warm_block;        // and the block solver's
};

// What a run keeps of its states and where it starts:
// - checkpoints: its whole state at the top of a step (gd/state_io.h records), handed to write
//   every every_s seconds and when the stop flag is raised (then Interrupted is thrown), and a
//   state written so to continue from (resume): what a run continued from a state computes is bit
//   for bit what it would have computed without the interruption;
// - saved states: at each step of save_at, its SavedState handed to save;
// - a start: θ₀ and, for the same method, its state and warm starts from a SavedState (a branch),
//   the run's steps counted on from the state's (a branch of a run at step t with steps = T ends
//   at the run's step T).
struct RunStates {
  double every_s = 0;                                                 // 0: not on time
  std::function<void(const std::string& state, long step)> write;     // empty: no checkpoints
  std::string resume;                                                 // empty: from θ₀
  std::vector<long> save_at;                                          // sorted steps
  std::function<void(const SavedState&)> save;
  const SavedState* start = nullptr;                                  // null: the model's θ₀
};

// Run GD; never throws for a diverging run (that is a result). Throws Interrupted on stop, and
// StateError when checkpoints->resume is not a state of this run.
RunOutcome run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace = {},
                  const RunStates* checkpoints = nullptr);

}  // namespace eos
