// Phase tables: grouping rows by parameters, statistics over seeds, the tidy table.
#include "eos/post/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "aggregate_rows.h"
#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// value_less as a three-way comparison (−1, 0, 1).
int value_compare(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  double x = 0, y = 0;
  const bool na = parse_number(a, x) && !std::isnan(x), nb = parse_number(b, y) && !std::isnan(y);
  if (na && nb) return x < y ? -1 : y < x ? 1 : 0;
  if (na != nb) return na ? -1 : 1;
  return a < b ? -1 : 1;
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// The axes and --over parameters must be parameters; the --where columns must exist.
void check_spec(const ResultsHead& head, const Grouping& spec) {
  const auto params = head.parameters();
  const std::string known = " (parameters: " + join(params, ", ") + ")";
  if (spec.axes.empty() || spec.axes.size() > 2) throw InputError("give one axis (--x) or two (--x and --y)");
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const std::string flag = i == 0 ? "--x " : "--y ";
    if (contains(params, spec.axes[i])) continue;
    if (head.column(spec.axes[i]) >= 0) throw InputError(flag + spec.axes[i] + ": a result column, not a parameter" + known);
    throw InputError(flag + spec.axes[i] + ": no such parameter" + known);
  }
  if (spec.axes.size() == 2 && spec.axes[0] == spec.axes[1]) throw InputError("--x and --y are both " + spec.axes[0]);
  for (const auto& o : spec.over)
    if (!contains(params, o)) throw InputError("--over " + o + ": no such parameter" + known);
  for (const auto& [col, vals] : spec.where) {
    if (head.column(col) < 0) throw InputError("--where " + col + ": no such column");
    if (split_list(vals).empty()) throw InputError("--where " + col + "=: no value");
  }
}

// The rows that count: those --where keeps, without error rows (both counted in t).
void check_rows(const agg::Rows& rows, AggregateTable& t) {
  t.rows_used = rows.used;
  t.error_rows = rows.errors;
  t.filtered_rows = rows.filtered;
  if (rows.used > 0) return;
  if (rows.merged == 0) throw InputError("the results files hold no rows");
  if (rows.filtered == rows.merged) throw InputError("no row matches the --where conditions");
  throw InputError("every row is an error row (see their message column)");
}

// Sort the other parameters into constants, averaged (over) and splits: model keys that vary
// split (unless averaged over), then eta, eta_rel, eta_star, steps when they vary and are not
// fixed by the grouping columns and those averaged over (eta by eta_rel and d, say). Returns the
// grouping columns (as indices of rows.params): the axes, then the splits.
std::vector<std::size_t> sort_parameters(agg::Rows& rows, const Grouping& spec, AggregateTable& t, RowSource& source) {
  std::vector<std::string> group = spec.axes;
  auto averaged = [&](const std::string& n) { return is_replicate_key(n) || contains(spec.over, n); };
  for (const auto& p : rows.params) {
    if (contains(group, p.name)) continue;
    if (!p.varies) t.constants.emplace_back(p.name, rows.first_text(p));
    else if (averaged(p.name)) t.over.push_back(p.name);
    else if (p.model_key) group.push_back(p.name);
  }
  for (const auto& p : rows.params) {
    if (p.model_key || contains(group, p.name) || !p.varies || averaged(p.name)) continue;
    std::vector<std::string> with_over = group;
    with_over.insert(with_over.end(), t.over.begin(), t.over.end());
    if (!rows.determined_by(static_cast<std::size_t>(p.f), with_over, source)) group.push_back(p.name);
  }
  t.splits.assign(group.begin() + static_cast<std::ptrdiff_t>(spec.axes.size()), group.end());
  std::vector<std::size_t> cols;
  for (const auto& g : group)
    for (std::size_t i = 0; i < rows.params.size(); ++i)
      if (rows.params[i].name == g) cols.push_back(i);
  return cols;
}

// The order of the cells: by splits, then the axes (last axis slowest).
std::vector<std::size_t> cell_order(const agg::Rows::Cells& c, std::size_t axes, std::size_t splits) {
  std::vector<std::size_t> by;
  for (std::size_t i = 0; i < splits; ++i) by.push_back(axes + i);
  for (std::size_t i = axes; i-- > 0;) by.push_back(i);
  std::vector<std::size_t> order(c.keys.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (auto i : by)
      if (c.ranks[a][i] != c.ranks[b][i]) return c.ranks[a][i] < c.ranks[b][i];
    return false;
  });
  return order;
}

// The horizon h with steps = ⌈h/η⌉ on every row (the runner's rule when a job gives a horizon):
// the shortest number in the range of those that fit; NaN when none does.
double common_horizon(const ResultsHead& head, const agg::Rows& rows) {
  if (head.column("eta") < 0 || head.column("steps") < 0 || !rows.horizon_ok) return kNaN;
  const double lo = rows.horizon_lo, hi = rows.horizon_hi;
  for (int digits = 1; digits <= 17 && lo < hi; ++digits) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", digits, hi);
    const double h = std::strtod(buf, nullptr);
    if (h > lo && h <= hi * (1 + 1e-12)) return h;
  }
  return kNaN;
}

// A value's cells: statistics as summarize gives them.
Stats stats_of(const agg::Acc& a) {
  Stats s;
  s.count = a.count;
  s.missing = a.missing;
  if (a.count == 0) return s;
  s.min = a.min;
  s.max = a.max;
  s.mean = a.sum / static_cast<double>(a.count);
  if (a.count > 1) s.std = std::sqrt(a.ss / static_cast<double>(a.count - 1));
  return s;
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

void aggregate_each(RowSource& source, const Grouping& grouping, const std::vector<ValueSpec>& values,
                    const std::function<void(AggregateTable&&)>& each) {
  const ResultsHead& head = source.head();
  check_spec(head, grouping);
  agg::Rows rows(head, grouping, values);
  source.scan(rows);
  AggregateTable base;
  base.model = head.model;
  base.axes = grouping.axes;
  base.model_keys = head.model_keys();
  check_rows(rows, base);
  const std::vector<std::size_t> group = sort_parameters(rows, grouping, base, source);
  base.horizon = common_horizon(head, rows);
  // A value without numbers fails in its turn (the first without reading the rows again, unless
  // its example text must be found in row order).
  auto check_value = [&](std::size_t v, const std::vector<std::string>& example) {
    const ValueSpec& value = values[v];
    if (value.fraction || rows.numeric[v] > 0) return;
    if (rows.text[v] > 0)
      throw InputError("--value " + value.column + ": not a numeric column (holds e.g. '" + example[v] + "'); use " +
                       value.column + "=" + example[v] + " for the fraction of rows with that value");
    throw InputError("--value " + value.column + ": no row has a value (every field is empty or nan)");
  };
  if (!values.empty() && !rows.dirty) check_value(0, rows.example);
  const agg::Rows::Cells cells = rows.cells(group, source);
  const std::vector<std::size_t> order = cell_order(cells, grouping.axes.size(), base.splits.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    const ValueSpec& value = values[v];
    check_value(v, cells.example);
    AggregateTable t = base;
    t.value = value;
    t.cells.reserve(order.size());
    for (auto k : order) {
      const double e = cells.eta_star[k];
      t.cells.push_back({cells.keys[k], stats_of(cells.acc[v][k]), std::isfinite(e) ? e : kNaN});
    }
    each(std::move(t));
  }
}

AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec) {
  SetRows rows(set);
  AggregateTable table;
  aggregate_each(rows, spec, {spec.value}, [&](AggregateTable&& t) { table = std::move(t); });
  return table;
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
