// The registry: every model eos-sweep knows, one line each in src/model/registry.cpp.
#pragma once
#include <string>
#include <vector>

#include "eos/model/model.h"

namespace eos {

// Every model eos-sweep knows, in registry order.
const std::vector<ModelInfo>& model_registry();
// The model called name, or null.
const ModelInfo* find_model(const std::string& name);
// "sparse-relu, deep-linear, ...": the names, for messages.
std::string model_names();

}  // namespace eos
