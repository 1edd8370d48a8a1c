// The GD runner's job keys (eta, eta_rel, horizon, steps, sharpness_every, tail, solver, ...) and
// the settings of one run read from a resolved point.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "eos/config/key.h"
#include "eos/config/params.h"

namespace eos {

// The runner's job keys, in declaration order.
const std::vector<KeySpec>& runner_keys();

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
  const std::atomic<bool>* stop = nullptr;  // checked every 256 steps
};

// The runner settings of a resolved point.
RunConfig run_config(const Params& p);

}  // namespace eos
