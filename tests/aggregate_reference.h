// The whole-file aggregate as it was before it streamed (commit d3d3998), kept as the tests'
// slow, independent reference: its own line reader (getline), CSV splitting, strtod numbers,
// merge by id (a map of every row) and grouping (a map of every group's values), sharing with
// eos-sweep only the data types, the schema's columns and summarize.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eos/post/aggregate.h"
#include "eos/post/results_set.h"
#include "eos/util/error.h"
#include "eos/util/text.h"

namespace eos::ref {

using Row = std::vector<std::string>;

inline std::optional<Row> csv_split(const std::string& line) {
  Row out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') cur += c;
      else if (i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else quoted = false;
    } else if (c == '"') {
      if (!cur.empty() || was_quoted) return std::nullopt;
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 == line.size()) {
      break;
    } else {
      if (was_quoted) return std::nullopt;
      cur += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back(cur);
  return out;
}

inline bool parse_number(const std::string& field, double& out) {
  if (field.empty()) return false;
  char* end = nullptr;
  out = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size() && !std::isspace(static_cast<unsigned char>(field[0]));
}

inline bool finite_number(const std::string& field, double& out) { return parse_number(field, out) && std::isfinite(out); }

inline bool same_value(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  if (parse_number(a, x) && parse_number(b, y)) return x == y || (std::isnan(x) && std::isnan(y));
  return a == b;
}

// One file read whole: header, good rows, warnings.
struct Table {
  Row header;
  std::vector<Row> rows;
  std::vector<std::string> warnings;
};

inline Table read_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read results file");
  std::string line;
  if (!std::getline(in, line)) throw InputError(path + ": empty results file (no header)");
  auto head = csv_split(line);
  if (in.eof() || !head || head->empty() || (*head)[0] != "id")
    throw InputError(path + ": not an eos-sweep results file (no header)");
  Table t{*head, {}, {}};
  for (std::size_t lineno = 2; std::getline(in, line); ++lineno) {
    const std::string where = path + ":" + std::to_string(lineno);
    if (in.eof()) {
      t.warnings.push_back(where + ": skipped a truncated last row (no end of line)");
      break;
    }
    auto f = csv_split(line);
    if (!f || f->size() != t.header.size()) t.warnings.push_back(where + ": skipped a damaged row");
    else t.rows.push_back(std::move(*f));
  }
  return t;
}

[[noreturn]] inline void different_models(const ResultSet& set, const std::string& path, const std::string& other) {
  throw InputError("results of different models: " + set.files[0] + " holds " + set.model + ", " + path + " holds " +
                   other);
}

inline void check_header(ResultSet& set, const Table& t, const std::string& path) {
  const int regime = static_cast<int>(std::find(t.header.begin(), t.header.end(), "regime") - t.header.begin());
  if (t.header.size() < 3 || t.header[1] != "model" || regime == static_cast<int>(t.header.size()))
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

struct Merge {
  std::map<std::string, std::pair<std::size_t, std::string>> by_id;  // id → (row, file)
  std::size_t differing = 0;
};

inline void merge_row(ResultSet& set, Merge& m, Row&& row, const std::string& path, int wall) {
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
    kept = std::move(row);
    it->second.second = path;
    return;
  }
  bool differ = false;
  for (std::size_t i = 0; i < row.size(); ++i) differ = differ || (static_cast<int>(i) != wall && row[i] != kept[i]);
  if (differ && !set.is_error(row) && ++m.differing <= 5)
    set.warnings.push_back("id " + kept[0] + " appears in " + it->second.second + " and " + path +
                           " with different values; kept the first");
}

inline ResultSet load_results(const std::vector<std::string>& files) {
  ResultSet set;
  Merge m;
  for (const auto& path : files) {
    Table t = read_table(path);
    set.files.push_back(path);
    for (auto& w : t.warnings) set.warnings.push_back(w);
    check_header(set, t, path);
    const int wall = set.column("wall_s");
    for (auto& row : t.rows) merge_row(set, m, std::move(row), path, wall);
  }
  if (m.differing > 5)
    set.warnings.push_back(std::to_string(m.differing - 5) + " more ids appear twice with different values");
  return set;
}

inline int value_compare(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  double x = 0, y = 0;
  const bool na = parse_number(a, x) && !std::isnan(x), nb = parse_number(b, y) && !std::isnan(y);
  if (na && nb) return x < y ? -1 : y < x ? 1 : 0;
  if (na != nb) return na ? -1 : 1;
  return a < b ? -1 : 1;
}

struct KeyLess {
  bool operator()(const Row& a, const Row& b) const {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (const int c = value_compare(a[i], b[i])) return c < 0;
    return a.size() < b.size();
  }
};

inline bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

struct Where {
  std::size_t column;
  std::vector<std::string> values;
};

inline std::vector<Where> check_spec(const ResultSet& set, const AggregateSpec& spec) {
  const auto params = set.parameters();
  const std::string known = " (parameters: " + join(params, ", ") + ")";
  if (spec.axes.empty() || spec.axes.size() > 2) throw InputError("give one axis (--x) or two (--x and --y)");
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const std::string flag = i == 0 ? "--x " : "--y ";
    if (has(params, spec.axes[i])) continue;
    if (set.column(spec.axes[i]) >= 0) throw InputError(flag + spec.axes[i] + ": a result column, not a parameter" + known);
    throw InputError(flag + spec.axes[i] + ": no such parameter" + known);
  }
  if (spec.axes.size() == 2 && spec.axes[0] == spec.axes[1]) throw InputError("--x and --y are both " + spec.axes[0]);
  for (const auto& o : spec.over)
    if (!has(params, o)) throw InputError("--over " + o + ": no such parameter" + known);
  std::vector<Where> where;
  for (const auto& [col, vals] : spec.where) {
    const int c = set.column(col);
    if (c < 0) throw InputError("--where " + col + ": no such column");
    where.push_back({static_cast<std::size_t>(c), split_list(vals)});
    if (where.back().values.empty()) throw InputError("--where " + col + "=: no value");
  }
  return where;
}

inline bool matches(const Row& r, const std::vector<Where>& where) {
  for (const auto& w : where) {
    bool any = false;
    for (const auto& v : w.values) any = any || same_value(r[w.column], v);
    if (!any) return false;
  }
  return true;
}

inline std::vector<const Row*> select_rows(const ResultSet& set, const std::vector<Where>& where, AggregateTable& t) {
  std::vector<const Row*> rows;
  for (const auto& r : set.rows) {
    if (!matches(r, where)) ++t.filtered_rows;
    else if (set.is_error(r)) ++t.error_rows;
    else rows.push_back(&r);
  }
  if (rows.empty()) {
    if (set.rows.empty()) throw InputError("the results files hold no rows");
    if (t.filtered_rows == set.rows.size()) throw InputError("no row matches the --where conditions");
    throw InputError("every row is an error row (see their message column)");
  }
  t.rows_used = rows.size();
  return rows;
}

struct Rows {
  const ResultSet& set;
  std::vector<const Row*> rows;

  std::size_t col(const std::string& n) const { return static_cast<std::size_t>(set.column(n)); }
  Row key(const Row& r, const std::vector<std::string>& cols) const {
    Row k;
    for (const auto& c : cols) k.push_back(r[col(c)]);
    return k;
  }
  std::size_t distinct(const std::string& n) const {
    std::set<std::string> s;
    for (const auto* r : rows) s.insert((*r)[col(n)]);
    return s.size();
  }
  bool determined_by(const std::string& n, const std::vector<std::string>& g) const {
    std::map<Row, std::string, KeyLess> seen;
    for (const auto* r : rows) {
      auto [it, fresh] = seen.emplace(key(*r, g), (*r)[col(n)]);
      if (!fresh && it->second != (*r)[col(n)]) return false;
    }
    return true;
  }
};

inline std::vector<std::string> sort_parameters(const Rows& rows, const AggregateSpec& spec, AggregateTable& t) {
  std::vector<std::string> group = spec.axes;
  auto averaged = [&](const std::string& n) { return is_replicate_key(n) || has(spec.over, n); };
  const auto params = rows.set.parameters();
  for (const auto& p : params) {
    if (has(group, p)) continue;
    if (rows.distinct(p) < 2) t.constants.emplace_back(p, (*rows.rows[0])[rows.col(p)]);
    else if (averaged(p)) t.over.push_back(p);
    else if (has(t.model_keys, p)) group.push_back(p);
  }
  for (const auto& p : params) {
    if (has(t.model_keys, p) || has(group, p) || rows.distinct(p) < 2 || averaged(p)) continue;
    std::vector<std::string> with_over = group;
    with_over.insert(with_over.end(), t.over.begin(), t.over.end());
    if (!rows.determined_by(p, with_over)) group.push_back(p);
  }
  t.splits.assign(group.begin() + static_cast<std::ptrdiff_t>(spec.axes.size()), group.end());
  return group;
}

struct Group {
  std::vector<double> values;
  long missing = 0;
  double eta_star = NAN;
  bool seen = false;
};
using Groups = std::map<Row, Group, KeyLess>;

inline void add_eta_star(Group& g, const Rows& rows, const Row& r) {
  const int sc = rows.set.column("eta_star");
  if (sc < 0) return;
  double e = NAN;
  if (!finite_number(r[static_cast<std::size_t>(sc)], e)) e = NAN;
  if (g.seen && !(g.eta_star == e)) e = INFINITY;
  g.eta_star = e;
  g.seen = true;
}

inline Groups collect(const Rows& rows, const std::vector<std::string>& group, const ValueSpec& value) {
  Groups groups;
  const std::size_t vc = rows.col(value.column);
  std::size_t numeric = 0, text = 0;
  std::string example;
  for (const auto* r : rows.rows) {
    Group& g = groups[rows.key(*r, group)];
    add_eta_star(g, rows, *r);
    const std::string& f = (*r)[vc];
    double x = 0;
    if (value.fraction) {
      g.values.push_back(same_value(f, value.equals) ? 1.0 : 0.0);
    } else if (finite_number(f, x)) {
      g.values.push_back(x);
      ++numeric;
    } else {
      ++g.missing;
      if (!f.empty() && !parse_number(f, x) && text++ == 0) example = f;
    }
  }
  if (!value.fraction && numeric == 0 && text > 0)
    throw InputError("--value " + value.column + ": not a numeric column (holds e.g. '" + example + "'); use " +
                     value.column + "=" + example + " for the fraction of rows with that value");
  if (!value.fraction && numeric == 0)
    throw InputError("--value " + value.column + ": no row has a value (every field is empty or nan)");
  return groups;
}

inline std::vector<Cell> make_cells(const Groups& groups, std::size_t axes, std::size_t splits) {
  std::vector<Cell> cells;
  for (const auto& [k, g] : groups) cells.push_back({k, summarize(g.values, g.missing), std::isfinite(g.eta_star) ? g.eta_star : NAN});
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < splits; ++i) order.push_back(axes + i);
  for (std::size_t i = axes; i-- > 0;) order.push_back(i);
  std::stable_sort(cells.begin(), cells.end(), [&](const Cell& a, const Cell& b) {
    for (auto i : order)
      if (const int c = value_compare(a.key[i], b.key[i])) return c < 0;
    return false;
  });
  return cells;
}

inline double common_horizon(const Rows& rows) {
  const int ec = rows.set.column("eta"), sc = rows.set.column("steps");
  if (ec < 0 || sc < 0) return NAN;
  double lo = -INFINITY, hi = INFINITY;
  for (const auto* r : rows.rows) {
    double eta = 0, steps = 0;
    if (!finite_number((*r)[static_cast<std::size_t>(ec)], eta) || !finite_number((*r)[static_cast<std::size_t>(sc)], steps))
      return NAN;
    lo = std::max(lo, (steps - 1) * eta);
    hi = std::min(hi, steps * eta);
  }
  for (int digits = 1; digits <= 17 && lo < hi; ++digits) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", digits, hi);
    const double h = std::strtod(buf, nullptr);
    if (h > lo && h <= hi * (1 + 1e-12)) return h;
  }
  return NAN;
}

inline AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec) {
  const std::vector<Where> where = check_spec(set, spec);
  AggregateTable t;
  t.model = set.model;
  t.axes = spec.axes;
  t.value = spec.value;
  t.model_keys = set.model_keys();
  const Rows rows{set, select_rows(set, where, t)};
  const std::vector<std::string> group = sort_parameters(rows, spec, t);
  t.cells = make_cells(collect(rows, group, spec.value), spec.axes.size(), t.splits.size());
  t.horizon = common_horizon(rows);
  return t;
}

}  // namespace eos::ref
