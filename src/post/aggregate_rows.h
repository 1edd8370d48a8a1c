// The rows of a phase table as they stream past (src/post only): each parameter's texts numbered
// once, the rows gathered into fine cells (every parameter but the replicates: what the table's
// cells are made of, and what tells which derived parameters split the lines), and the passes
// that finish the cells in row order.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eos/post/aggregate.h"

namespace eos::agg {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The texts of one column numbered as they come (sid), and again up to value_less equality
// (cid: "30" and "30.0" are one cid, text is its own); numbers read once per text.
class ColumnValues {
 public:
  int sid(std::string_view text);
  int find(std::string_view text) const;  // −1 when not seen
  int cid(int sid) const { return cid_[static_cast<std::size_t>(sid)]; }
  const std::string& text(int sid) const { return text_[static_cast<std::size_t>(sid)]; }
  double number(int sid) const { return number_[static_cast<std::size_t>(sid)]; }  // NaN: not a number
  // The rank of every cid in value_less order (numbers by value, before text by bytes).
  std::vector<int> cid_ranks() const;

 private:
  std::size_t slot(std::size_t hash) const { return hash & (slots_.size() - 1); }
  void grow();
  std::vector<std::string> text_;
  std::vector<std::size_t> hash_;
  std::vector<int> cid_;
  std::vector<double> number_;
  std::vector<int> slots_;          // sid + 1, 0 empty
  std::vector<int> cid_sid_;                         // a sid of each cid
  std::unordered_map<std::uint64_t, int> by_value_;  // a number's bits (−0 as 0) → cid
  int last_ = -1;
};

// Fixed-width tuples of ints numbered as they come.
class TupleIndex {
 public:
  explicit TupleIndex(std::size_t width) : width_(width) {}
  int find_or_add(const int* t, bool& added);
  int find(const int* t) const;
  const int* at(int i) const { return keys_.data() + static_cast<std::size_t>(i) * width_; }
  std::size_t size() const { return count_; }

 private:
  std::size_t hash(const int* t) const;
  void grow();
  std::size_t width_, count_ = 0;
  std::vector<int> keys_;
  std::vector<int> slots_;  // index + 1, 0 empty
};

// One value's count, missing, sum (in row order), min, max and sum of squared deviations.
struct Acc {
  long count = 0, missing = 0;
  double sum = 0, min = kNaN, max = kNaN, ss = 0;
  void add(double x) {
    if (count++ == 0) min = max = x;
    min = std::min(min, x);
    max = std::max(max, x);
    sum += x;
  }
};

// Where a row lands: its fine cell, or none (left out by --where, an error row).
enum class Use { Filtered, Error, Used };

// A parameter column: its place, its kind, and its place among the fine cells' columns.
struct Param {
  std::string name;
  std::size_t col = 0;
  bool model_key = false, averaged = false;
  int f = -1;                    // index among the fine columns; −1: a replicate, not an axis
  std::string first;             // the first value (a replicate's; others by sid)
  int first_sid = -1;
  bool seen = false, varies = false;
};

// The first pass over the rows and the passes after it.
class Rows : public RowSink {
 public:
  Rows(const ResultsHead& head, const Grouping& g, const std::vector<ValueSpec>& values);
  void add(RowView row) override;
  void replace(RowView old, RowView row) override;

  std::vector<Param> params;
  std::size_t merged = 0, used = 0, filtered = 0, errors = 0;
  double horizon_lo = -INFINITY, horizon_hi = INFINITY;
  bool horizon_ok = true;
  // Per value: rows with a number, rows with text, the first text.
  std::vector<std::size_t> numeric, text;
  std::vector<std::string> example;
  bool dirty = false;  // an error row gave way to a later row: the first pass saw rows out of order

  // The text of a parameter that does not vary.
  const std::string& first_text(const Param& p) const;
  // Is parameter pf (a fine column) determined by the columns named in g, over the rows?
  bool determined_by(std::size_t pf, const std::vector<std::string>& g, RowSource& source);
  // The cells of the table grouped by the params at the indices group (all fine columns).
  struct Cells {
    std::vector<std::vector<std::string>> keys;
    std::vector<std::vector<int>> ranks;  // of the key's values, per cell
    std::vector<double> eta_star;
    std::vector<std::vector<Acc>> acc;    // per value, per cell
    std::vector<std::string> example;     // per value, the first text in row order
  };
  Cells cells(const std::vector<std::size_t>& group, RowSource& source);

 private:
  // A column read as a number: through its fine column (fine >= 0), else its field (col >= 0).
  struct Column {
    int fine = -1, col = -1;
  };
  // Fine cells gathered by some of their columns: each one's union, the first fine cell of each
  // union, and whether any union holds more than one.
  struct Unions {
    std::vector<int> of, first;
    bool gathered = false;
  };
  int param_index(const std::string& name) const;
  int fine_of(const std::string& name) const;
  Use use(RowView row) const;
  std::size_t& tally(Use u);  // the count of rows left out this way
  void take(RowView row, bool late);
  void see_params(RowView row);
  int fine_cell(RowView row);
  void widen_horizon(RowView row);
  double number(RowView row, Column c) const;
  // A value of a row: false when it is missing (not counted).
  bool value(RowView row, std::size_t v, double& x) const;
  // A value into a: true when it counts; else a missing one, and its text the first of texts.
  bool accumulate(RowView row, std::size_t v, Acc& a, std::size_t& texts, std::string& first) const;
  // The fine cell of a row seen before (for the passes after the first), −1 when it does not count.
  int locate(RowView row);
  Unions unite(const std::vector<std::size_t>& gf) const;
  int union_of(RowView row, const Unions& u);
  bool replicates_tell(std::size_t pf, const std::vector<std::size_t>& gr, const Unions& classes,
                       const std::vector<char>& conflict, RowSource& source);
  Cells first_rows(const std::vector<std::size_t>& gf, const Unions& finals) const;
  void sum_again(Cells& out, const std::vector<std::size_t>& gf, const Unions& finals, RowSource& source);
  void add_deviations(Cells& out, const Unions& finals, RowSource& source);

  std::size_t regime_ = 0;
  std::vector<std::pair<std::size_t, std::vector<SameValue>>> where_;
  struct Value {
    std::size_t col;
    std::optional<SameValue> equals;  // a fraction
  };
  std::vector<Value> values_;
  Column eta_star_, eta_, steps_;
  std::vector<ColumnValues> columns_;          // per fine column
  std::vector<std::size_t> fine_;              // param of each fine column
  TupleIndex fine_cells_;
  // Per fine cell: the first row's sids (a row of width fine_.size()), whether a column's text
  // varied, η* (NaN once rows disagree), each value's Acc.
  std::vector<int> first_sid_;
  std::vector<char> mixed_;
  std::vector<double> eta_star_at_;
  std::vector<std::vector<Acc>> acc_;
  std::vector<int> key_, sids_;  // of the row last seen
};

}  // namespace eos::agg
