// A job: a model and the values of every key, read from an INI job file plus --set overrides,
// checked before anything runs, and expanded into grid points with stable ids.
#pragma once
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "eos/config/job_text.h"
#include "eos/model/model.h"

namespace eos {

// Jobs may not name more points than this (a grid of 10¹² points is an input error).
constexpr double kMaxPoints = 1e6;

struct Job {
  const ModelInfo* model = nullptr;
  // Every key of the model and the runner, in declaration order, with its canonical values
  // (one value, or several for an axis). Keys given neither in the file nor by default are absent.
  std::vector<std::pair<const KeySpec*, std::vector<std::string>>> values;
  // The keys that hold more than one value.
  std::vector<std::string> axes;
  // Number of grid points (the product of the axis lengths).
  double point_count() const;
  const std::vector<std::string>* find(const std::string& key) const;
};

// One grid point, ready to run.
struct Point {
  std::string id;      // stable hash of the result-relevant parameters
  std::size_t index;   // position in the job's grid order
  Params params;       // every key resolved, including eta and steps
  double cost;         // estimated relative work (steps × per-step cost)
};

// The job-file keys that are not model keys: model, and the runner's (see runner.h).
const std::vector<KeySpec>& job_keys();

// Read, check and resolve a job file with KEY=VALUE overrides (throws InputError). A --set of
// eta or eta_rel replaces the other one given in the file (likewise steps and horizon). The
// grid's size is checked before any axis is expanded; every point is then resolved once, so a
// job that loads is one whose points all run. Cost linear in the file and the point count.
Job load_job(const std::string& path, const std::vector<std::string>& sets);
Job parse_job(std::istream& in, const std::string& name, const std::vector<std::string>& sets);
Job parse_job_text(const std::string& text, const std::string& name, const std::vector<std::string>& sets);

// Every point of the job's grid, in grid order (last axis fastest).
std::vector<Point> expand(const Job& job);
// The same, one point at a time (no storage).
void for_each_point(const Job& job, const std::function<void(Point&&)>& fn);
// The point at position index of the grid order (index < point_count()), built on demand.
Point point_at(const Job& job, std::size_t index);

// The stable id of a point: FNV-1a 64 over "model" and the sorted key=value pairs of every key
// marked in_id, as 16 hex digits.
std::string point_id(const ModelInfo& model, const Params& params);

// The points of shard i of n (0 ≤ i < n): the ones whose id hash is i modulo n.
bool in_shard(const std::string& id, long i, long n);

}  // namespace eos
