// Final parameters of a point, DIR/params/ID.npy: one flat float64 vector in the model's layout
// (for mlp: per layer W out×in row-major, then b), written whole or not at all.
#pragma once
#include <string>

#include "eos/numerics/linalg.h"

namespace eos {

// Write the parameters to path (creating its folder); throws std::runtime_error.
void save_params(const std::string& path, const Vec& theta);

}  // namespace eos
