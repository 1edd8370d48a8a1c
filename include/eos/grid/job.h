// A job: a model and the values of every key, read from an INI job file plus --set overrides and
// checked before anything runs. Its grid of points is in grid.h.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "eos/model/model.h"

namespace eos {

// Jobs may not name more points than this (a grid of 10¹² points is an input error).
constexpr double kMaxPoints = 1e8;

// What checking a job's grid found besides its errors.
struct GridSummary {
  std::size_t points = 0;
  double steps = 0;         // GD steps of every point together
  bool ids_checked = false;  // the ids were checked for repeats (ParseOptions::check_ids)
  std::string id_clash;     // when two points share an id: the one-line message naming them
};

// How to read a job: whether to look for repeated ids (every id, sorted in bounded memory:
// temporary files for more than a few million points), and with how many threads to walk the grid.
struct ParseOptions {
  bool check_ids = false;
  unsigned threads = 1;
};

struct Job {
  const ModelInfo* model = nullptr;
  // Every key of the model and the runner, in declaration order, with its canonical values
  // (one value, or several for an axis). Keys given neither in the file nor by default are absent.
  std::vector<std::pair<const KeySpec*, std::vector<std::string>>> values;
  // The keys that hold more than one value.
  std::vector<std::string> axes;
  // The keys given in the job file or by --set (the others take their defaults).
  std::vector<std::string> given;
  // What the check of every point found.
  GridSummary summary;
  // Number of grid points (the product of the axis lengths).
  double point_count() const;
  const std::vector<std::string>* find(const std::string& key) const;
};

// The message for points of the job whose id is one of ids (sorted; at least two such points):
// the first two, named by their axes.
std::string describe_id_clash(const Job& job, const std::vector<std::uint64_t>& ids);

// The job-file keys that are not model keys: model, the runner's (gd/settings.h) and the
// refinement's (grid/refine.h).
const std::vector<KeySpec>& job_keys();

// Read, check and resolve a job file with KEY=VALUE overrides (throws InputError). A --set of
// eta or eta_rel replaces the other one given in the file (likewise steps and horizon). The
// grid's size is checked before any axis is expanded; every point is then resolved once, so a
// job that loads is one whose points all run (Job::summary says what that pass found). Cost
// linear in the file and the point count.
Job load_job(const std::string& path, const std::vector<std::string>& sets, const ParseOptions& opt = {});
Job parse_job(std::istream& in, const std::string& name, const std::vector<std::string>& sets,
              const ParseOptions& opt = {});
Job parse_job_text(const std::string& text, const std::string& name, const std::vector<std::string>& sets,
                   const ParseOptions& opt = {});

}  // namespace eos
