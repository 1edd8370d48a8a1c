// The layout of a results folder.
#include "eos/io/results_store.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace eos {

ResultsStore::ResultsStore(std::string dir) : dir_(std::move(dir)) {}

std::string ResultsStore::results(long shard_i, long shard_n) const {
  if (shard_n <= 1) return dir_ + "/results.csv";
  return dir_ + "/results.shard-" + std::to_string(shard_i) + "-of-" + std::to_string(shard_n) + ".csv";
}

bool ResultsStore::is_results_name(const std::string& name) {
  return name.rfind("results", 0) == 0 && name.size() >= 4 && name.compare(name.size() - 4, 4, ".csv") == 0;
}

std::vector<std::string> ResultsStore::results_files() const {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.is_regular_file(ec) && is_results_name(e.path().filename().string())) found.push_back(e.path().string());
  std::sort(found.begin(), found.end());
  return found;
}

std::string ResultsStore::manifest() const { return dir_ + "/manifest.jsonl"; }
std::string ResultsStore::traces() const { return dir_ + "/traces"; }
std::string ResultsStore::trace(const std::string& id) const { return traces() + "/" + id + ".csv"; }
std::string ResultsStore::params() const { return dir_ + "/params"; }
std::string ResultsStore::params_file(const std::string& id) const { return params() + "/" + id + ".npy"; }
std::string ResultsStore::states() const { return dir_ + "/states"; }
std::string ResultsStore::state(const std::string& id, long step) const {
  return states() + "/" + id + "-" + std::to_string(step) + ".npz";
}
std::string ResultsStore::checkpoints() const { return dir_ + "/checkpoints"; }
std::string ResultsStore::checkpoint(const std::string& id) const { return checkpoints() + "/" + id + ".ckpt"; }

std::string ResultsStore::set_aside(const std::string& id) const {
  std::error_code ec;
  for (int n = 1;; ++n) {
    const std::string p = checkpoint(id) + ".bad-" + std::to_string(n);
    if (!fs::exists(p, ec)) return p;
  }
}

std::optional<std::string> ResultsStore::sweep_of_trace(const std::string& trace_path) {
  const fs::path trace(trace_path);
  if (trace.parent_path().filename() != "traces") return std::nullopt;
  const fs::path sweep = trace.parent_path().parent_path();
  return sweep.empty() ? std::string(".") : sweep.string();
}

}  // namespace eos
