// The runner's keys and settings.
#include "eos/gd/settings.h"

namespace eos {

const std::vector<KeySpec>& runner_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "eta", .doc = "step size η (give eta or eta_rel)", .axis = true, .min = 0, .min_exclusive = true,
       .label = "η"},
      {.name = "eta_rel", .doc = "step size relative to the model's η* (8π/d² for sparse-relu)", .axis = true, .min = 0,
       .min_exclusive = true, .max = 1e12, .in_id = false, .label = "η/η*"},
      {.name = "horizon", .default_value = "10", .doc = "steps = ⌈horizon/η⌉ unless steps is given", .axis = true,
       .min = 0, .min_exclusive = true, .in_id = false, .label = "horizon η·T"},
      {.name = "steps", .type = KeyType::Integer, .doc = "fixed number of GD steps (instead of horizon)", .axis = true,
       .min = 1, .label = "GD steps T"},
      {.name = "sharpness_every", .type = KeyType::Integer, .default_value = "100",
       .doc = "compute the sharpness every k steps (and at the end)", .min = 1},
      {.name = "tail", .default_value = "0.1", .doc = "fraction of the run averaged into the *_tail columns", .min = 0,
       .min_exclusive = true, .max = 1},
      {.name = "solver", .type = KeyType::Text, .default_value = "auto",
       .doc = "sharpness: auto, dense, lanczos, block (block Krylov warm-started from the last solve's Ritz vectors; "
              "mlp's auto), or check (dense and lanczos, compared)",
       .min = 0, .choices = {"auto", "dense", "lanczos", "block", "check"}, .in_id = false},
      {.name = "precision", .type = KeyType::Text, .default_value = "float64",
       .doc = "float64, or float32: single-precision matrices and products, double-precision reductions "
              "(models with a float32 path: mlp)",
       .axis = true, .min = 0, .choices = {"float64", "float32"}, .in_id_at_default = false},
      {.name = "lanczos_cutoff", .type = KeyType::Integer, .default_value = "64",
       .doc = "auto solver: dense up to this many parameters", .min = 1, .in_id = false},
      {.name = "diverge_loss", .default_value = "1e12", .doc = "a loss above this counts as diverged", .min = 0,
       .min_exclusive = true},
      {.name = "rise_tol", .default_value = "1e-9", .doc = "relative size of a loss increase that counts as a rise",
       .min = 0},
      {.name = "stop_grad_tol", .default_value = "0", .doc = "stop once the gradient norm is below this (0: never)",
       .min = 0},
      {.name = "trace_every", .type = KeyType::Integer, .default_value = "0",
       .doc = "write a per-step trace every k steps (0: none)", .min = 0, .in_id = false},
      {.name = "trace_points", .type = KeyType::Text, .default_value = "all",
       .doc = "points to trace: all, or a list of ids or grid indices", .min = 0, .in_id = false},
  };
  return keys;
}

RunConfig run_config(const Params& p) {
  RunConfig c;
  c.eta = p.real("eta");
  c.steps = p.integer("steps");
  c.sharpness_every = p.integer("sharpness_every");
  c.tail = p.real("tail");
  c.solver = p.text("solver");
  c.lanczos_cutoff = p.integer("lanczos_cutoff");
  c.diverge_loss = p.real("diverge_loss");
  c.rise_tol = p.real("rise_tol");
  c.stop_grad_tol = p.real("stop_grad_tol");
  c.trace_every = p.integer("trace_every");
  if (p.has("eigs")) c.eigs = p.integer("eigs");
  if (p.has("method")) c.flow = p.text("method") == "flow";
  if (p.has("flow_alpha")) c.flow_alpha = p.real("flow_alpha");
  if (p.has("flow_max_step")) c.flow_max_step = p.real("flow_max_step");
  if (p.has("stop_loss")) c.stop_loss = p.real("stop_loss");
  if (p.has("stop_acc")) c.stop_acc = p.real("stop_acc");
  if (p.has("save_params")) c.keep_params = p.text("save_params") == "final";
  if (p.has("trace_sharpness")) c.trace_samples = p.text("trace_sharpness") == "rows";
  return c;
}

}  // namespace eos
