// The registry: one line per model. Adding a model changes nothing else.
#include "eos/model/registry.h"

#include "eos/models/sparse_relu.h"
#include "eos/models/deep_linear.h"
#include "eos/models/minimalist_2d.h"
#include "eos/models/leaky_softplus_net.h"
#include "eos/models/mean_model.h"
#include "eos/models/single_neuron.h"
#include "eos/models/relu_net.h"
#include "eos/models/mlp.h"
// registry-includes (keep this line: new model headers go above it)

namespace eos {

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> models = {
      sparse_relu_info(),
      deep_linear_info(),
      minimalist_2d_info(),
      leaky_softplus_net_info(),
      mean_model_info(),
      single_neuron_info(),
      relu_net_info(),
      mlp_info(),
      // registry-entries (keep this line: new models go above it)
  };
  return models;
}

const ModelInfo* find_model(const std::string& name) {
  for (const auto& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

std::string model_names() {
  std::string s;
  for (const auto& m : model_registry()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

}  // namespace eos
