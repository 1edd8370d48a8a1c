// The grid of a job as a point source: its points in order (the last axis fastest), each built on
// demand from its index — resolved (η from eta_rel, steps from horizon, the model's own checks),
// with its stable id and estimated cost. Nothing is stored per point: a walker visits them one
// at a time, setting only the keys that change and checking again only when a key that the
// checks read has changed.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eos/grid/job.h"

namespace eos {

// One grid point, ready to run.
struct Point {
  std::string id;          // stable hash of the result-relevant parameters, 16 hex digits
  std::uint64_t hash = 0;  // the same id as a number
  std::size_t index = 0;   // position in the job's grid order
  Params params;           // every key resolved, including eta and steps
  double cost = 0;         // estimated relative work (steps × per-step cost)
  long depth = 0;          // 0: a grid point; k ≥ 1: added by refinement, k bisections below the grid
};

// The stable ids of a model's points: FNV-1a 64 over "model=NAME" and ";key=value" for every key
// marked in_id, sorted by name, values in canonical form; a key added since 0.1
// (KeySpec::in_id_at_default false) only when its value is not its default. A change of code never
// changes the id of a point that computes the same thing: the id depends on the canonical values
// alone, and a new key at its default computes what the point computed before it existed.
class PointIds {
 public:
  explicit PointIds(const ModelInfo& model);
  std::uint64_t hash(const Params& params) const;
  // An in_id key of a point: where it is in params.all(), and for a key that leaves the id at its
  // default, that default's canonical text (else null).
  struct Slot {
    std::size_t position;
    const std::string* quiet;
  };
  // The same in two steps, for many points with the same keys: where the in_id keys are in
  // params.all(), then the hash of the values there.
  std::vector<Slot> slots(const Params& params) const;
  std::uint64_t hash_at(const Params& params, const std::vector<Slot>& slots) const;
  // The running hash: its start ("model=NAME") and one in_id entry more (";key=value"; nothing
  // when the entry's text is quiet, its key's default).
  std::uint64_t start() const;
  std::uint64_t extend(std::uint64_t h, const Params::Entry& e, const std::string* quiet = nullptr) const;

 private:
  struct IdKey {
    std::string name;
    bool has_quiet = false;
    std::string quiet;  // the canonical default of a key that leaves the id at it
  };
  std::string model_;
  std::vector<IdKey> keys_;  // the in_id keys, sorted by name, each once (the model's spec first)
};

// The point at position index of the grid (throws std::out_of_range past the grid, InputError
// when it cannot be resolved).
Point point_at(const Job& job, std::size_t index);

// The grid point at index with the value of one key replaced (an added point of a refinement:
// the key is a real or integer axis, value its new number), resolved like any point; its index
// stays that of the grid point it derives from.
Point point_with(const Job& job, std::size_t index, const std::string& key, double value);

// Where a key's values sit in the grid order: the point at index has value number
// (index / stride) % count; stepping along the key moves the index by stride.
struct AxisLayout {
  std::size_t stride = 1, count = 1;
  std::size_t position(std::size_t index) const { return index / stride % count; }
  // The index of the point with the same other values and this key's first value.
  std::size_t line_start(std::size_t index) const { return index - position(index) * stride; }
};
AxisLayout axis_layout(const Job& job, const std::string& key);

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
  PointIds ids_;
  bool derive_eta_, derive_steps_;
  bool rehash_all_;  // id entries may change with any key (a model's resolve step, init_state)
  std::size_t advance(Params& params);
  void derive(Params& params);
  void set_derived(Params& params, std::size_t position, const std::string& text, double number);
  void value_changed(std::size_t position);
  void check(Params& params);
  void learn_positions(const Params& params);
  std::uint64_t hash(const Params& params, std::size_t changed);
  std::size_t position_, size_;
  std::vector<std::size_t> digits_;           // the odometer: each key's value index
  std::vector<std::size_t> turning_;          // the keys of more than one value, in job order
  std::vector<std::vector<double>> numbers_;  // each key's values as numbers (NaN for text)
  // Where the job's keys, the in_id keys and the derived keys sit in the point's params.
  std::vector<std::size_t> slots_;
  std::vector<PointIds::Slot> id_slots_;
  std::size_t rel_slot_ = 0, eta_slot_ = 0, horizon_slot_ = 0, steps_slot_ = 0;
  std::vector<std::uint64_t> prefix_;  // the running id hash before each in_id key
  // The point checks read and write keys by name, and the same values give the same outcome: they
  // run again only when an entry their last run touched (checked_[position]) has changed since.
  std::vector<char> checked_;
  bool checks_stale_ = true;
  bool started_ = false, hashed_ = false;
};

// Visit every point in grid order (the Point is reused between calls).
void for_each_point(const Job& job, const std::function<void(const Point&)>& fn);
// The same in `threads` contiguous blocks of the grid at once: fn(block, point) runs on the
// block's thread (points of one block in order). The first exception in grid order is rethrown.
void for_each_point_parallel(const Job& job, unsigned threads,
                             const std::function<void(unsigned block, const Point&)>& fn);
// Every point of a small grid, for tests and tools (a sweep never holds its grid).
std::vector<Point> expand(const Job& job);

// The stable id of a point as 16 hex digits (PointIds, for one point).
std::string point_id(const ModelInfo& model, const Params& params);

// The points of shard i of n (0 ≤ i < n): the ones whose id hash is i modulo n.
bool in_shard(const std::string& id, long i, long n);

}  // namespace eos
