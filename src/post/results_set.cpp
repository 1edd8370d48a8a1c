// Result sets: finding results files and merging them, each id once.
#include "eos/post/results_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "eos/io/results_file.h"
#include "eos/io/schema.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/text.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr std::size_t kMaxDifferWarnings = 5;

// Every results*.csv in folder dir, sorted (throws InputError when there is none).
// results.csv and the shards results.shard-I-of-N.csv: every results*.csv.
bool is_results_file(const std::string& name) {
  return name.rfind("results", 0) == 0 && name.size() >= 4 && name.compare(name.size() - 4, 4, ".csv") == 0;
}

// The files without repeats (a folder and one of its files name it twice).
std::vector<std::string> unique_files(const std::vector<std::string>& files) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : files) {
    std::error_code ec;
    const std::string canon = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : canon).second) unique.push_back(f);
  }
  return unique;
}

[[noreturn]] void different_models(const ResultSet& set, const std::string& path, const std::string& other) {
  throw InputError("results of different models: " + set.files[0] + " holds " + set.model + ", " + path + " holds " +
                   other);
}

// The header of one more file: the first sets it, the others must repeat it.
void check_header(ResultSet& set, const ResultsTable& t, const std::string& path) {
  if (t.header.size() < 3 || t.header[1] != "model" || t.column("regime") < 0)
    throw InputError(path + ": not an eos-sweep results file (no model and regime columns)");
  if (set.header.empty()) {
    set.header = t.header;
    return;
  }
  if (t.header == set.header) return;
  const std::string other = t.rows.empty() ? "" : t.rows[0][1];
  if (!set.model.empty() && !other.empty() && other != set.model) different_models(set, path, other);
  throw InputError(path + ": different columns from " + set.files[0] + " (another model, or another eos-sweep version)");
}

// Merging state: where each id's kept row is, and how many ids differed.
struct Merge {
  std::map<std::string, std::pair<std::size_t, std::string>> by_id;  // id → (row, file)
  std::size_t differing = 0;
};

// One row of file path into the set: new ids are added; a repeated id replaces an error row, and
// is warned about when it differs in more than wall_s.
void merge_row(ResultSet& set, Merge& m, std::vector<std::string>&& row, const std::string& path, int wall) {
  if (set.model.empty()) set.model = row[1];
  if (row[1] != set.model) different_models(set, path, row[1]);
  auto it = m.by_id.find(row[0]);
  if (it == m.by_id.end()) {
    m.by_id.emplace(row[0], std::make_pair(set.rows.size(), path));
    set.rows.push_back(std::move(row));
    return;
  }
  ++set.duplicates;
  auto& kept = set.rows[it->second.first];
  if (set.is_error(kept) && !set.is_error(row)) {
    kept = std::move(row);  // a finished run replaces an error row
    it->second.second = path;
    return;
  }
  bool differ = false;
  for (std::size_t i = 0; i < row.size(); ++i) differ = differ || (static_cast<int>(i) != wall && row[i] != kept[i]);
  if (differ && !set.is_error(row) && ++m.differing <= kMaxDifferWarnings)
    set.warnings.push_back("id " + kept[0] + " appears in " + it->second.second + " and " + path +
                           " with different values; kept the first");
}

}  // namespace

std::vector<std::string> find_results_files(const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw InputError("no results file or folder given");
  return unique_files(input_files(inputs, is_results_file, "no results*.csv file in this folder"));
}

int ResultSet::column(const std::string& name) const { return index_of(header, name); }

std::vector<std::string> ResultSet::parameters() const { return parameter_columns(header); }

std::vector<std::string> ResultSet::model_keys() const { return model_key_columns(header); }

bool ResultSet::is_error(const std::vector<std::string>& row) const {
  const int r = column("regime");
  return r >= 0 && row[static_cast<std::size_t>(r)] == "error";
}

ResultSet load_results(const std::vector<std::string>& files) {
  ResultSet set;
  Merge m;
  for (const auto& path : files) {
    ResultsTable t = read_results(path);
    set.files.push_back(path);
    for (auto& w : t.warnings) set.warnings.push_back(w);
    check_header(set, t, path);
    const int wall = t.column("wall_s");
    for (auto& row : t.rows) merge_row(set, m, std::move(row), path, wall);
  }
  if (m.differing > kMaxDifferWarnings)
    set.warnings.push_back(std::to_string(m.differing - kMaxDifferWarnings) +
                           " more ids appear twice with different values");
  return set;
}

}  // namespace eos
