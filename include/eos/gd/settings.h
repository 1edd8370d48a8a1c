// The GD runner's job keys (eta, eta_rel, horizon, steps, sharpness_every, tail, solver, ...) and
// the settings of one run read from a resolved point.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "eos/config/key.h"
#include "eos/config/params.h"
#include "eos/gd/method.h"
#include "eos/model/model.h"

namespace eos {

// The runner's job keys, in declaration order.
const std::vector<KeySpec>& runner_keys();

// The companions of a GD run (gd/companions.h): the central flow and the gradient flow from the
// same θ₀, compared with GD at the same times.
struct FlowsSpec {
  bool central = false, gradient = false;  // flows = central | gradient | central gradient
  int substeps = 4;                        // cf_substeps: Euler substeps of the central flow per step
  int max_tracked = 6;                     // cf_eigs: eigenpairs the central flow may track (k ≤ 6)
  long window = 10;                        // cf_window: steps averaged for cf_loss_err
  bool any() const { return central || gradient; }
};

// Minibatches (gd/minibatch.h, gd/batches.h): the batch size and the batch-sharpness estimate.
struct BatchSpec {
  long size = 0;           // batch_size B (0: not given, the full batch)
  long seed = 0;           // batch_seed: the batch order's and the estimate's streams
  double tol = 0.02;       // bs_tol: stop once the estimate's relative standard error is below
  long min_batches = 10;   // bs_min_batches
  long max_batches = 1000; // bs_max_batches
  bool enabled() const { return size > 0; }
};

struct RunConfig {
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
  MethodSpec method;             // the update rule and its step size η (method.eta)
  FlowsSpec flows;               // companions beside GD (none by default)
  BatchSpec batch;               // minibatches (batch_size given; B < n: minibatch steps)
  double stop_loss = 0;          // stop once the loss is below (0: never)
  double stop_acc = 0;           // stop once the tracked train_acc is at least (0: never)
  bool keep_params = false;      // keep the final θ (save_params = final)
  bool trace_samples = true;     // every trace row samples the sharpness (trace_sharpness = rows)
  double checkpoint_every = 600; // seconds between a point's checkpoints (0: none; exec/checkpoint.h)
  const std::atomic<bool>* stop = nullptr;  // checked every 256 steps
};

// The runner settings of a resolved point.
RunConfig run_config(const Params& p);

// The method of a point (keys it lacks at their defaults; eta when it has one).
MethodSpec method_spec(const Params& p);

// The companion keys every model offers (flows, cf_substeps, cf_eigs, cf_window): keys added
// since 0.1, in no id at their defaults.
const std::vector<KeySpec>& companion_keys();

// The method keys every model offers (method, momentum, beta1, beta2, eps, bias_correction,
// frozen, flow_alpha, flow_max_step): keys added since 0.1, in no id at their defaults.
const std::vector<KeySpec>& method_keys();

// The entries of a point's id that the runner's keys add (init_state's content digest): hashed when
// a point has them.
const std::vector<std::string>& runner_id_entries();
// The steps of save_states, sorted (throws InputError for one that is not a whole number).
std::vector<long> save_steps(const Params& p);
// Resolve the runner's keys of a point of model: init_state's digest (in the id), the point and
// step it was saved from (init_state_parent, init_state_step); throws InputError when the file is
// missing or not a saved state, or of another model or parameter count.
void resolve_run_keys(const ModelInfo& model, Params& p);
// The batch keys every model offers (batch_size, batch_seed, bs_tol, bs_min_batches,
// bs_max_batches): keys added since 0.1, in no id at their defaults (batch_size has none). A model
// without a finite training set refuses them when the point is resolved (grid/grid.cpp).
const std::vector<KeySpec>& batch_keys();

// Checks of a resolved point's runner keys across keys (throws InputError naming the key): a
// method key set for a method that does not use it (momentum with gd), frozen without an adaptive
// method; flows beside a method other than gd, or a cf_ key without flows = central.
void check_run_keys(const Params& p);

}  // namespace eos
