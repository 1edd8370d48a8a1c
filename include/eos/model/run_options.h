// Optional runner keys: GD settings that a model may offer in its own keys (the GD core reads
// each one when the point has it, gd/settings.cpp). Declared here, once, so that adding them to a
// model leaves every other model's keys, columns and ids as they are.
#pragma once
#include <vector>

#include "eos/config/key.h"

namespace eos {

// eigs, method, flow_alpha, flow_max_step, stop_loss, stop_acc, trace_sharpness, save_params.
const std::vector<KeySpec>& run_option_keys();

}  // namespace eos
