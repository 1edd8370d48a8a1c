// The runner: full-batch GD with constant η on one model, with sharpness tracking, regime
// classification and tail statistics. Knows nothing of MPI, files or the grid.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "eos/model/model.h"

namespace eos {

// The runner's job keys (eta, eta_rel, horizon, steps, sharpness_every, tail, ...).
const std::vector<KeySpec>& runner_keys();

// Thrown out of run_gd when the stop flag is raised: the point is not finished.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

struct RunConfig {
  double eta = 0;
  long steps = 0;
  long sharpness_every = 100;
  double tail = 0.1;
  std::string solver = "auto";   // auto | dense | lanczos | check
  long lanczos_cutoff = 64;      // auto: dense up to this many parameters
  double diverge_loss = 1e12;    // a loss above this counts as diverged
  double rise_tol = 1e-9;        // a loss rise counts when L_{t+1} > L_t + rise_tol·max(L_t, 1e-300)
  double stop_grad_tol = 0;      // stop early once ‖∇L‖ falls below (0: never)
  long trace_every = 0;          // record a trace row every k steps (0: no trace)
  const std::atomic<bool>* stop = nullptr;  // checked every few hundred steps
};

// Read the runner settings of a resolved point.
RunConfig run_config(const Params& p);

// One row of a trace: step, loss, sharpness (NaN where not computed) and the tracked scalars.
using TraceSink = std::function<void(long step, double loss, double sharpness, const std::vector<double>& tracked)>;

// Column names and values of a finished run, in a fixed order (see result_columns()).
struct RunResult {
  std::vector<std::pair<std::string, std::string>> columns;
};

// Runner columns that every model reports, in order.
const std::vector<std::string>& runner_columns();

// Run GD; never throws for a diverging run (that is a result). Throws Interrupted on stop.
RunResult run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace = {});

}  // namespace eos
