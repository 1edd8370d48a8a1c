// Phase tables: the results files of a sweep read together (each id once), grouped by chosen
// parameter columns, with mean, sample std, min, max and count over the remaining rows (seeds).
#pragma once
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
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
  // between "model" and "regime").
  std::vector<std::string> parameters() const;
  // The model's own keys (the parameters before "eta").
  std::vector<std::string> model_keys() const;
};

// Read and merge results files (throws InputError: unreadable, different models or columns).
// A row whose id came before counts once: an error row gives way to a finished one; otherwise
// the first is kept, with a warning when the two differ in more than wall_s.
ResultSet load_results(const std::vector<std::string>& files);

// What is averaged per row: a numeric column, or the indicator of COLUMN=VALUE (whose mean is
// the fraction of rows where COLUMN equals VALUE; numbers compare as numbers).
struct ValueSpec {
  std::string text;    // as given on the command line
  std::string column;  // the column it reads (aliases resolved)
  bool fraction = false;
  std::string equals;  // the compared value, for a fraction
  // "bias_final", "η·S_max/2", "fraction of regime = eos".
  std::string label() const;
  // A file-name-safe name: "bias_final", "edge_max", "frac-regime-eos".
  std::string stem() const;
  // Does the value measure η·S/2 (an edge_* column)?
  bool is_edge() const;
};

// Friendly names of derived values and the columns that hold them, for help texts:
// {"eta*S_max/2", "edge_max"}, ...
const std::vector<std::pair<std::string, std::string>>& value_aliases();

// Resolve --value text against the columns (throws InputError naming the column).
ValueSpec parse_value(const std::string& text, const ResultSet& set);

// mean, sample standard deviation (n−1; NaN for n < 2), min, max of the values present.
struct Stats {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std = std::numeric_limits<double>::quiet_NaN();
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  long count = 0;    // values present
  long missing = 0;  // rows whose value is empty, nan or not finite
};
Stats summarize(const std::vector<double>& values, long missing);

struct AggregateSpec {
  std::vector<std::string> axes;  // one or two parameter columns
  ValueSpec value;
  // Parameters averaged over besides the replicate keys (seed, *_seed).
  std::vector<std::string> over;
  // Keep only rows whose COLUMN is one of the values (COLUMN, "v1,v2").
  std::vector<std::pair<std::string, std::string>> where;
};

// Parameters that count as replicates (averaged over by default): seed, *_seed, seed_*.
bool is_replicate_key(const std::string& name);

struct Cell {
  std::vector<std::string> key;  // values of AggregateTable::keys()
  Stats stats;
  // The eta_star column when all rows of the cell agree on it (the model's η*), else NaN.
  double eta_star = std::numeric_limits<double>::quiet_NaN();
};

struct AggregateTable {
  std::string model;
  std::vector<std::string> axes;    // as chosen (x, then y)
  std::vector<std::string> splits;  // other parameters that vary: one line (or panel) each
  std::vector<std::string> over;    // parameters that vary and were averaged over (seed, ...)
  std::vector<std::pair<std::string, std::string>> constants;  // parameters with one value
  ValueSpec value;
  std::vector<Cell> cells;          // sorted by splits, then the axes (last axis slowest)
  std::size_t rows_used = 0;
  std::size_t error_rows = 0;       // excluded: regime = error
  std::size_t filtered_rows = 0;    // excluded by --where

  // axes then splits: the grouping columns, in the order of Cell::key.
  std::vector<std::string> keys() const;
  // The value of parameter name in a cell (a key or a constant), or "".
  std::string param(const Cell& c, const std::string& name) const;
};

// Group and summarize (throws InputError: unknown or non-parameter axis, non-numeric value,
// no rows left).
AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec);

// The tidy table: keys..., value, mean, std, min, max, count, missing (missing numbers empty).
std::string table_csv(const AggregateTable& t);

// Order of parameter values: numbers by value, before text.
bool value_less(const std::string& a, const std::string& b);

}  // namespace eos
