// The grid of a job as a point source: its points in order (the last axis fastest), each built on
// demand from its index — resolved (η from eta_rel, steps from horizon, the model's own checks),
// with its stable id and estimated cost. Nothing is stored per point: a walker visits them one
// at a time, setting only the keys that change.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eos/grid/job.h"

namespace eos {

// One grid point, ready to run.
struct Point {
  std::string id;         // stable hash of the result-relevant parameters
  std::size_t index = 0;  // position in the job's grid order
  Params params;          // every key resolved, including eta and steps
  double cost = 0;        // estimated relative work (steps × per-step cost)
};

// The point at position index of the grid (throws std::out_of_range past the grid, InputError
// when it cannot be resolved).
Point point_at(const Job& job, std::size_t index);

// The points of a grid in order, from position start.
class GridWalker {
 public:
  explicit GridWalker(const Job& job, std::size_t start = 0);
  // The next point into p (its params are updated in place); false past the end. Throws
  // InputError naming the grid point when one cannot be resolved.
  bool next(Point& p);
  std::size_t position() const { return position_; }

 private:
  const Job& job_;
  bool derive_eta_, derive_steps_;
  std::size_t position_, size_;
  std::vector<std::size_t> digits_;
  bool started_ = false;
};

// Visit every point in grid order (the Point is reused between calls).
void for_each_point(const Job& job, const std::function<void(const Point&)>& fn);
// Every point of a small grid, for tests and tools (a sweep never holds its grid).
std::vector<Point> expand(const Job& job);

// The stable id of a point: FNV-1a 64 over "model" and the sorted key=value pairs of every key
// marked in_id, as 16 hex digits. A change of code never changes the id of a point that computes
// the same thing: the id depends on the canonical values alone.
std::string point_id(const ModelInfo& model, const Params& params);

// The points of shard i of n (0 ≤ i < n): the ones whose id hash is i modulo n.
bool in_shard(const std::string& id, long i, long n);

}  // namespace eos
