// Phase tables: the rows of results grouped by chosen parameter columns, with mean, sample std,
// min, max and count over the remaining rows (seeds), and the tidy table as CSV. Rows are read
// as they stream past, in memory that grows with the cells, not with the rows.
#pragma once
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "eos/post/results_set.h"
#include "eos/post/value_spec.h"

namespace eos {

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

// How rows are grouped into cells, and which rows count.
struct Grouping {
  std::vector<std::string> axes;  // one or two parameter columns
  // Parameters averaged over besides the replicate keys (seed, *_seed).
  std::vector<std::string> over;
  // Keep only rows whose COLUMN is one of the values (COLUMN, "v1,v2").
  std::vector<std::pair<std::string, std::string>> where;
};

struct AggregateSpec : Grouping {
  ValueSpec value;
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
  std::vector<std::string> model_keys;  // the model's own keys among the parameters
  ValueSpec value;
  std::vector<Cell> cells;          // sorted by splits, then the axes (last axis slowest)
  std::size_t rows_used = 0;
  std::size_t error_rows = 0;       // excluded: regime = error
  std::size_t filtered_rows = 0;    // excluded by --where
  // The horizon h with steps = ⌈h/η⌉ on every row used (a job that gives a horizon), as the
  // shortest number that fits; NaN when there is none.
  double horizon = std::numeric_limits<double>::quiet_NaN();

  // axes then splits: the grouping columns, in the order of Cell::key.
  std::vector<std::string> keys() const;
  // The value of parameter name in a cell (a key or a constant), or "".
  std::string param(const Cell& c, const std::string& name) const;
};

// Group and summarize the rows of a set: aggregate_each over SetRows (throws InputError: unknown
// or non-parameter axis, non-numeric value, no rows left).
AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec);

// The tables of several values under one grouping, from rows read through source: a pass that
// sorts the parameters and sums each cell, a pass for the stds (two-pass, as summarize), and a
// pass before it that sums again in row order when cells were gathered from several groups of
// rows (--over) or an error row gave way to a later one, and one when only the replicates can tell
// whether a derived parameter is fixed by the grouping (eta by eta_rel, d and seed). each(table) is called in the order of
// values; a value's own InputError (not a numeric column, no value) is thrown in its turn, those
// of the grouping (axes, --where, no rows) before any.
void aggregate_each(RowSource& source, const Grouping& grouping, const std::vector<ValueSpec>& values,
                    const std::function<void(AggregateTable&&)>& each);

// The tidy table: keys..., value, mean, std, min, max, count, missing (missing numbers empty).
std::string table_csv(const AggregateTable& t);

// Order of parameter values: numbers by value, before text.
bool value_less(const std::string& a, const std::string& b);

}  // namespace eos
