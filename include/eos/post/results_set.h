// The results files of a sweep read together: found from files and folders, merged so that each
// id counts once, checked to hold one model with one set of columns.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace eos {

// The results files that inputs name: a file as given, a folder by every results*.csv in it
// (SLURM shards write results.shard-I-of-N.csv), sorted. Throws InputError.
std::vector<std::string> find_results_files(const std::vector<std::string>& inputs);

// The rows of one or more results files of one model, each id once.
struct ResultSet {
  std::string model;
  std::vector<std::string> files;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // error rows included
  std::size_t duplicates = 0;                  // rows dropped because their id came earlier
  std::vector<std::string> warnings;           // damaged rows, duplicates that differ

  int column(const std::string& name) const;
  // The parameter columns: the model's keys, then eta, eta_rel, eta_star, steps (the columns
  // between "model" and the runner's).
  std::vector<std::string> parameters() const;
  // The model's own keys (the parameters before "eta").
  std::vector<std::string> model_keys() const;
  // Is this row an error row (regime = error)?
  bool is_error(const std::vector<std::string>& row) const;
};

// Read and merge results files (throws InputError: unreadable, different models or columns).
// A row whose id came before counts once: an error row gives way to a finished one; otherwise
// the first is kept, with a warning when the two differ in more than wall_s.
ResultSet load_results(const std::vector<std::string>& files);

}  // namespace eos
