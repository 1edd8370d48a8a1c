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
  std::string solver = "auto";   // auto | dense | lanczos | block | check
  long lanczos_cutoff = 64;      // auto: dense up to this many parameters
  double diverge_loss = 1e12;    // a loss above this counts as diverged
  double rise_tol = 1e-9;        // a loss rise counts when L_{t+1} > L_t + rise_tol·max(L_t, 1e-300)
  double stop_grad_tol = 0;      // stop early once ‖∇L‖ falls below (0: never)
  long trace_every = 0;          // record a trace row every k steps (0: no trace)
  // The optional runner keys (model/run_options.h), for the models that offer them.
  long eigs = 1;                 // top eigenvalues per sample (λ₂... go to lambda2_* and traces)
  bool flow = false;             // gradient flow by RK4 instead of GD (method = flow)
  double flow_alpha = 1, flow_max_step = 999;  // RK4 step min(α/S, max_step)
  double stop_loss = 0;          // stop once the loss is below (0: never)
  double stop_acc = 0;           // stop once the tracked train_acc is at least (0: never)
  bool keep_params = false;      // keep the final θ (save_params = final)
  bool trace_samples = true;     // every trace row samples the sharpness (trace_sharpness = rows)
  const std::atomic<bool>* stop = nullptr;  // checked every 256 steps
};

// The runner settings of a resolved point.
RunConfig run_config(const Params& p);

}  // namespace eos
