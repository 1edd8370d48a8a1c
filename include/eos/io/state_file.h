// Saved states, DIR/states/ID-STEP.npz (save_states), and what a branch starts from (init_state):
// a point's state at a step as named NumPy arrays — theta (for mlp in the PyTorch layout of
// init_params), the method's state (velocity, second, precondition, last_step, gd, updates,
// flow_sharpness), the sharpness estimator's warm starts (warm, warm_block), and where it came
// from (model, method and point_id as strings, step). np.load reads it; eos-sweep reads it back.
#pragma once
#include <string>

#include "eos/gd/run.h"

namespace eos {

// A saved state with what it is of.
struct StateFile {
  SavedState state;
  std::string model;      // the model's name
  std::string point_id;   // the point it was saved from
};

// Write one (creating its folder; throws std::runtime_error).
void write_state_file(const std::string& path, const StateFile& f);
// Read one (throws InputError naming the file and what is wrong with it).
StateFile read_state_file(const std::string& path);

}  // namespace eos
