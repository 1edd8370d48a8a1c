// Phase tables: grouping the rows of a result set by parameters, statistics over seeds.
#include "eos/post/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Row = std::vector<std::string>;

// value_less as a three-way comparison (−1, 0, 1): each text parsed once, equal texts not at all
// (grouping 10⁵ rows compares keys millions of times).
int value_compare(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  double x = 0, y = 0;
  const bool na = parse_number(a, x) && !std::isnan(x), nb = parse_number(b, y) && !std::isnan(y);
  if (na && nb) return x < y ? -1 : y < x ? 1 : 0;
  if (na != nb) return na ? -1 : 1;
  return a < b ? -1 : 1;
}

struct KeyLess {
  bool operator()(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (const int c = value_compare(a[i], b[i])) return c < 0;
    return a.size() < b.size();
  }
};

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A --where condition: the column's index and the values it may hold.
struct Where {
  std::size_t column;
  std::vector<std::string> values;
};

// The axes and --over parameters must be parameters; the --where columns must exist.
std::vector<Where> check_spec(const ResultSet& set, const AggregateSpec& spec) {
  const auto params = set.parameters();
  const std::string known = " (parameters: " + join(params, ", ") + ")";
  if (spec.axes.empty() || spec.axes.size() > 2) throw InputError("give one axis (--x) or two (--x and --y)");
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const std::string flag = i == 0 ? "--x " : "--y ";
    if (contains(params, spec.axes[i])) continue;
    if (set.column(spec.axes[i]) >= 0) throw InputError(flag + spec.axes[i] + ": a result column, not a parameter" + known);
    throw InputError(flag + spec.axes[i] + ": no such parameter" + known);
  }
  if (spec.axes.size() == 2 && spec.axes[0] == spec.axes[1]) throw InputError("--x and --y are both " + spec.axes[0]);
  for (const auto& o : spec.over)
    if (!contains(params, o)) throw InputError("--over " + o + ": no such parameter" + known);
  std::vector<Where> where;
  for (const auto& [col, vals] : spec.where) {
    const int c = set.column(col);
    if (c < 0) throw InputError("--where " + col + ": no such column");
    where.push_back({static_cast<std::size_t>(c), split_list(vals)});
    if (where.back().values.empty()) throw InputError("--where " + col + "=: no value");
  }
  return where;
}

bool matches(const Row& r, const std::vector<Where>& where) {
  for (const auto& w : where) {
    bool any = false;
    for (const auto& v : w.values) any = any || same_value(r[w.column], v);
    if (!any) return false;
  }
  return true;
}

// The rows that count: those --where keeps, without error rows (both counted in t).
std::vector<const Row*> select_rows(const ResultSet& set, const std::vector<Where>& where, AggregateTable& t) {
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

// The selected rows, read by column name.
struct Rows {
  const ResultSet& set;
  std::vector<const Row*> rows;

  std::size_t col(const std::string& n) const { return static_cast<std::size_t>(set.column(n)); }
  std::vector<std::string> key(const Row& r, const std::vector<std::string>& cols) const {
    std::vector<std::string> k;
    for (const auto& c : cols) k.push_back(r[col(c)]);
    return k;
  }
  std::size_t distinct(const std::string& n) const {
    std::set<std::string> s;
    for (const auto* r : rows) s.insert((*r)[col(n)]);
    return s.size();
  }
  // Is column n a function of the columns g over the rows?
  bool determined_by(const std::string& n, const std::vector<std::string>& g) const {
    std::map<std::vector<std::string>, std::string, KeyLess> seen;
    for (const auto* r : rows) {
      auto [it, fresh] = seen.emplace(key(*r, g), (*r)[col(n)]);
      if (!fresh && it->second != (*r)[col(n)]) return false;
    }
    return true;
  }
};

// Sort the other parameters into constants, averaged (over) and splits: model keys that vary
// split (unless averaged over), then eta, eta_rel, eta_star, steps when they vary and are not
// fixed by the grouping columns and those averaged over (eta by eta_rel and d, say). Returns the
// grouping columns: the axes, then the splits.
std::vector<std::string> sort_parameters(const Rows& rows, const AggregateSpec& spec, AggregateTable& t) {
  std::vector<std::string> group = spec.axes;
  auto averaged = [&](const std::string& n) { return is_replicate_key(n) || contains(spec.over, n); };
  const auto params = rows.set.parameters();
  for (const auto& p : params) {
    if (contains(group, p)) continue;
    if (rows.distinct(p) < 2) t.constants.emplace_back(p, (*rows.rows[0])[rows.col(p)]);
    else if (averaged(p)) t.over.push_back(p);
    else if (contains(t.model_keys, p)) group.push_back(p);
  }
  for (const auto& p : params) {
    if (contains(t.model_keys, p) || contains(group, p) || rows.distinct(p) < 2 || averaged(p)) continue;
    std::vector<std::string> with_over = group;
    with_over.insert(with_over.end(), t.over.begin(), t.over.end());
    if (!rows.determined_by(p, with_over)) group.push_back(p);
  }
  t.splits.assign(group.begin() + static_cast<std::ptrdiff_t>(spec.axes.size()), group.end());
  return group;
}

// The values of one group, and its η* (NaN when absent, +inf once two rows disagree).
struct Group {
  std::vector<double> values;
  long missing = 0;
  double eta_star = kNaN;
  bool seen = false;
};
using Groups = std::map<std::vector<std::string>, Group, KeyLess>;

void add_eta_star(Group& g, const Rows& rows, const Row& r) {
  const int sc = rows.set.column("eta_star");
  if (sc < 0) return;
  double e = kNaN;
  if (!finite_number(r[static_cast<std::size_t>(sc)], e)) e = kNaN;
  if (g.seen && !(g.eta_star == e)) e = INFINITY;
  g.eta_star = e;
  g.seen = true;
}

// Each row's value into its group; throws InputError when the value column holds no number.
Groups collect(const Rows& rows, const std::vector<std::string>& group, const ValueSpec& value) {
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

// The cells of the groups, sorted by splits then axes (last axis slowest).
std::vector<Cell> make_cells(const Groups& groups, std::size_t axes, std::size_t splits) {
  std::vector<Cell> cells;
  for (const auto& [k, g] : groups)
    cells.push_back({k, summarize(g.values, g.missing), std::isfinite(g.eta_star) ? g.eta_star : kNaN});
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

// The horizon h with steps = ⌈h/η⌉ on every row (the runner's rule when a job gives a horizon):
// the shortest number in the range of those that fit; NaN when none does.
double common_horizon(const Rows& rows) {
  const int ec = rows.set.column("eta"), sc = rows.set.column("steps");
  if (ec < 0 || sc < 0) return kNaN;
  double lo = -INFINITY, hi = INFINITY;
  for (const auto* r : rows.rows) {
    double eta = 0, steps = 0;
    if (!finite_number((*r)[static_cast<std::size_t>(ec)], eta) || !finite_number((*r)[static_cast<std::size_t>(sc)], steps))
      return kNaN;
    lo = std::max(lo, (steps - 1) * eta);
    hi = std::min(hi, steps * eta);
  }
  for (int digits = 1; digits <= 17 && lo < hi; ++digits) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", digits, hi);
    const double h = std::strtod(buf, nullptr);
    if (h > lo && h <= hi * (1 + 1e-12)) return h;
  }
  return kNaN;
}

}  // namespace

bool value_less(const std::string& a, const std::string& b) { return value_compare(a, b) < 0; }

bool is_replicate_key(const std::string& name) {
  const std::string n = lower(name);
  return n == "seed" || n.rfind("seed_", 0) == 0 || (n.size() > 5 && n.compare(n.size() - 5, 5, "_seed") == 0);
}

Stats summarize(const std::vector<double>& values, long missing) {
  Stats s;
  s.missing = missing;
  s.count = static_cast<long>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / static_cast<double>(values.size());
  if (values.size() > 1) {
    double ss = 0;  // two passes: no cancellation
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / static_cast<double>(values.size() - 1));
  }
  return s;
}

std::vector<std::string> AggregateTable::keys() const {
  std::vector<std::string> k = axes;
  k.insert(k.end(), splits.begin(), splits.end());
  return k;
}

std::string AggregateTable::param(const Cell& c, const std::string& name) const {
  const auto k = keys();
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i] == name) return c.key[i];
  for (const auto& [n, v] : constants)
    if (n == name) return v;
  return "";
}

AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec) {
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

std::string table_csv(const AggregateTable& t) {
  auto num = [](double v) { return std::isfinite(v) ? format_double(v) : std::string(); };
  std::vector<std::string> head = t.keys();
  for (const char* c : {"value", "mean", "std", "min", "max", "count", "missing"}) head.push_back(c);
  std::string out = csv_line(head);
  const std::string name = t.value.fraction ? t.value.column + "=" + t.value.equals : t.value.column;
  for (const auto& c : t.cells) {
    std::vector<std::string> row = c.key;
    row.push_back(name);
    for (double v : {c.stats.mean, c.stats.std, c.stats.min, c.stats.max}) row.push_back(num(v));
    row.push_back(std::to_string(c.stats.count));
    row.push_back(std::to_string(c.stats.missing));
    out += csv_line(row);
  }
  return out;
}

}  // namespace eos
