// The typed result of one grid point: what crosses MPI from the rank that ran it to the master,
// and what a RowWriter writes. An error row (the model failed) has regime Error and a message;
// every other value of it is empty.
#pragma once
#include <string>
#include <vector>

#include "eos/gd/run.h"

namespace eos {

struct PointResult {
  RunOutcome run;              // run.stats.regime == Regime::Error for an error row
  std::vector<double> theory;  // per ModelInfo::theory (NaN when the final θ is not finite)
  double wall_s = 0;           // seconds the point took (over every run of it, with checkpoints)
  std::string message;         // why the point failed (error rows)
  bool checkpointed = false;   // a checkpoint of the point was written: remove it once the row is

  bool error() const { return run.stats.regime == Regime::Error; }
  // An error row.
  static PointResult failure(std::string message, double wall_s);
};

}  // namespace eos
