// One home for the layout of a results folder (eos-sweep run --out DIR): the name and place of
// every artefact — the results file and its shards, the manifest, per-point traces, final
// parameters, saved states and checkpoints — and which files of a folder are results files.
// Nothing else spells these names: the sweep writes through it, aggregate, boundary and trace
// read through it, and the SLURM scripts ask it (eos-sweep files DIR).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace eos {

class ResultsStore {
 public:
  explicit ResultsStore(std::string dir);
  const std::string& dir() const { return dir_; }

  // DIR/results.csv, or for shard i of n (n > 1) DIR/results.shard-I-of-N.csv.
  std::string results(long shard_i = 0, long shard_n = 1) const;
  // Is name (a file name, without folder) a results file: results.csv or a shard (results*.csv)?
  static bool is_results_name(const std::string& name);
  // The results files in the folder, sorted (none: empty).
  std::vector<std::string> results_files() const;
  std::string manifest() const;
  std::string traces() const;                                   // DIR/traces
  std::string trace(const std::string& id) const;               // DIR/traces/ID.csv
  std::string params() const;                                   // DIR/params
  std::string params_file(const std::string& id) const;        // DIR/params/ID.npy
  std::string states() const;                                   // DIR/states
  std::string state(const std::string& id, long step) const;    // DIR/states/ID-STEP.npz
  std::string checkpoints() const;                              // DIR/checkpoints
  std::string checkpoint(const std::string& id) const;          // DIR/checkpoints/ID.ckpt
  // Where a checkpoint that does not match is set aside: DIR/checkpoints/ID.ckpt.bad-N, the first
  // N with no such file.
  std::string set_aside(const std::string& id) const;

  // The sweep folder of a trace file DIR/traces/ID.csv (DIR); nullopt for a file elsewhere.
  static std::optional<std::string> sweep_of_trace(const std::string& trace_path);

 private:
  std::string dir_;
};

}  // namespace eos
