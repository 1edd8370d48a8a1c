// The optional runner keys.
#include "eos/model/run_options.h"

namespace eos {

const std::vector<KeySpec>& run_option_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "eigs", .type = KeyType::Integer, .default_value = "2",
       .doc = "top Hessian eigenvalues computed at each sample (sharpness = λ₁; lambda2_* the second)", .min = 1,
       .max = 10},
      {.name = "method", .type = KeyType::Text, .default_value = "gd",
       .doc = "the update rule: gd, flow (gradient flow dθ/dt = −∇L by RK4, Cohen et al., reported at times η·step), "
              "polyak (heavy ball), nesterov, rmsprop or adam, in PyTorch's conventions (docs/methods.md)",
       .axis = true, .min = 0, .choices = {"gd", "flow", "polyak", "nesterov", "rmsprop", "adam"}},
      {.name = "flow_alpha", .default_value = "1",
       .doc = "flow: RK4 step min(flow_alpha/S, flow_max_step), S the last sampled sharpness", .min = 0,
       .min_exclusive = true, .label = "α"},
      {.name = "flow_max_step", .default_value = "999", .doc = "flow: the largest RK4 step", .min = 0,
       .min_exclusive = true},
      {.name = "stop_loss", .default_value = "0", .doc = "stop once the training loss is below this (0: never)",
       .min = 0},
      {.name = "stop_acc", .default_value = "0",
       .doc = "stop once the training accuracy is at least this (0: never)", .min = 0, .max = 1},
      {.name = "trace_sharpness", .type = KeyType::Text, .default_value = "samples",
       .doc = "samples: a trace row shows the sharpness only at the sharpness_every samples (nan between: tracing "
              "costs no eigen-solve), or rows: every trace row samples it (as the other models do)",
       .min = 0, .choices = {"samples", "rows"}},
      {.name = "save_params", .type = KeyType::Text, .default_value = "none",
       .doc = "none, or final: write the final parameters to DIR/params/ID.npy (float64)", .min = 0,
       .choices = {"none", "final"}, .in_id = false},
  };
  return keys;
}

}  // namespace eos
