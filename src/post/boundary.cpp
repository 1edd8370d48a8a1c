// Boundaries of phases along an axis: lines, brackets, summaries over seeds, power-law fits.
#include "eos/post/boundary.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <set>

#include "eos/model/registry.h"
#include "eos/post/theory.h"
#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string job_value(const BoundaryOptions& o, const std::string& key) {
  const auto it = o.job.find(key);
  return it == o.job.end() ? "" : it->second;
}

// The axis refined along: as asked, else the job's refine_axis, else eta_rel if the job gave it,
// else eta.
std::string along_axis(const BoundaryOptions& o) {
  if (!o.along.empty()) return o.along;
  if (const std::string a = job_value(o, "refine_axis"); !a.empty()) return a;
  return o.job.count("eta_rel") ? "eta_rel" : "eta";
}

// The columns that name a line: the parameters the job gave (not those derived from them, which
// change along the line: eta from eta_rel, steps from horizon, eta_star), less the axis. Without
// the job (no manifest): the model's keys, and eta or steps unless the axis is eta or eta_rel.
std::vector<std::string> line_candidates(const ResultSet& set, const BoundaryOptions& o, const std::string& along) {
  std::vector<std::string> c;
  const bool eta_axis = along == "eta" || along == "eta_rel";
  for (const auto& p : set.parameters()) {
    if (p == along || p == "eta_star") continue;
    const bool given = o.job.empty() ? has(set.model_keys(), p) || (!eta_axis && (p == "eta" || p == "steps"))
                                     : o.job.count(p) > 0;
    if (given) c.push_back(p);
  }
  return c;
}

// What defines the phase, checked against the columns.
RefineSpec phase_of(const ResultSet& set, const BoundaryOptions& o) {
  std::string text = o.value.empty() ? job_value(o, "refine") : o.value;
  if (text.empty()) text = "regime";
  RefineSpec r = phase_spec(text, "--value");
  const int col = set.column(r.column);
  if (col < 0 || has(set.parameters(), r.column) || r.column == "id" || r.column == "model")
    throw InputError("--value: " + quote_input(r.column) + " is not a result column of these results");
  if (r.op == RefineSpec::Op::Value) return r;
  for (const auto& row : set.rows) {
    double x = 0;
    const std::string& v = row[static_cast<std::size_t>(col)];
    if (!v.empty() && !parse_number(v, x) && v != "nan" && !set.is_error(row))
      throw InputError("--value: " + r.column + " holds text ('" + v + "'); a threshold needs a numeric column");
  }
  return r;
}

struct LinePoint {
  double x;
  std::string phase;
};

// Parameter values in order: numbers by value, before text (aggregate's value_less), entry by entry.
struct ValuesLess {
  bool operator()(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), value_less);
  }
};
using Lines = std::map<std::vector<std::string>, std::vector<LinePoint>, ValuesLess>;

// The rows grouped into lines by the candidates' values (sorted), each line's points by x.
Lines group_lines(const ResultSet& set, const std::vector<std::string>& cands, const std::string& along,
                  const RefineSpec& phase) {
  Lines lines;
  const auto ax = static_cast<std::size_t>(set.column(along));
  const auto regime = static_cast<std::size_t>(set.column("regime"));
  const auto value = static_cast<std::size_t>(set.column(phase.column));
  for (const auto& row : set.rows) {
    std::vector<std::string> key;
    for (const auto& c : cands) key.push_back(row[static_cast<std::size_t>(set.column(c))]);
    double x = 0;
    if (!finite_number(row[ax], x))
      throw InputError(along + ": '" + row[ax] + "' is not a number (row " + row[0] + ")");
    lines[key].push_back({x, phase.phase(row[regime], row[value])});
  }
  for (auto& [key, pts] : lines) {
    std::stable_sort(pts.begin(), pts.end(), [](const LinePoint& a, const LinePoint& b) { return a.x < b.x; });
    for (std::size_t i = 0; i + 1 < pts.size(); ++i)
      if (pts[i].x == pts[i + 1].x)
        throw InputError("two rows at " + along + " = " + format_double(pts[i].x) +
                         " on one line: they differ in a column that is not a parameter, or --along is not the axis");
  }
  return lines;
}

// The line's theory of the boundary (when the model has an η*): the method's η* along eta, its
// factor along eta_rel (1 for GD, 1+β for heavy ball: gd/method.h).
double line_theory(const ResultSet& set, const std::vector<std::string>& cands, const std::vector<std::string>& key,
                   const std::string& along) {
  const int star = set.column("eta_star");
  if (star < 0 || (along != "eta" && along != "eta_rel")) return kNaN;
  const ModelInfo* model = find_model(set.model);
  for (const auto& row : set.rows) {
    bool same = true;
    for (std::size_t i = 0; i < cands.size() && same; ++i) same = row[static_cast<std::size_t>(set.column(cands[i]))] == key[i];
    double s = 0;
    if (!same || !finite_number(row[static_cast<std::size_t>(star)], s)) continue;
    Params p;
    for (const auto& c : set.parameters()) p.set(c, row[static_cast<std::size_t>(set.column(c))]);
    const double f = model ? method_factor_at(*model, p) : 1.0;
    return along == "eta" ? s * f : f;
  }
  return kNaN;
}

// The candidates that take more than one value.
std::vector<std::size_t> varying(const ResultSet& set, const std::vector<std::string>& cands) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    std::set<std::string> seen;
    for (const auto& row : set.rows) seen.insert(row[static_cast<std::size_t>(set.column(cands[i]))]);
    if (seen.size() > 1) v.push_back(i);
  }
  return v;
}

// Does every row hold a number in column c?
bool numeric_column(const ResultSet& set, const std::string& c) {
  const auto k = static_cast<std::size_t>(set.column(c));
  double v = 0;
  return std::all_of(set.rows.begin(), set.rows.end(), [&](const auto& row) { return finite_number(row[k], v); });
}

// The axis to summarise and fit against: --by, else the first numeric axis besides seeds that
// varies between lines (a text axis such as method splits the summaries instead).
std::string by_axis(const ResultSet& set, const BoundaryOptions& o, const std::vector<std::string>& line_axes) {
  if (!o.by.empty()) {
    if (!has(line_axes, o.by))
      throw InputError("--by: " + quote_input(o.by) + " is not an axis that varies between lines (" +
                       (line_axes.empty() ? std::string("none does") : join(line_axes, ", ")) + ")");
    if (!numeric_column(set, o.by)) throw InputError("--by: " + quote_input(o.by) + " holds text; fit against a numeric axis");
    return o.by;
  }
  for (const auto& a : line_axes)
    if (!is_replicate_key(a) && numeric_column(set, a)) return a;
  return "";
}

}  // namespace

BoundaryTable find_boundaries(const ResultSet& set, const BoundaryOptions& o) {
  BoundaryTable t;
  t.model = set.model;
  t.along = along_axis(o);
  if (!has(set.parameters(), t.along))
    throw InputError("--along: " + quote_input(t.along) + " is not a parameter column (" + join(set.parameters(), ", ") + ")");
  t.phase = phase_of(set, o);
  const auto cands = line_candidates(set, o, t.along);
  const auto vary = varying(set, cands);
  for (auto i : vary) t.line_axes.push_back(cands[i]);
  t.by = by_axis(set, o, t.line_axes);
  const auto lines = group_lines(set, cands, t.along, t.phase);
  t.lines = lines.size();
  for (const auto& k : set.model_keys())
    t.base.emplace_back(k, set.rows.empty() ? "" : set.rows[0][static_cast<std::size_t>(set.column(k))]);
  t.rows_used = set.rows.size();
  for (const auto& [key, pts] : lines)
    for (const auto& p : pts) t.geometric = t.geometric && p.x > 0;
  for (const auto& [key, pts] : lines) {
    std::vector<std::string> shown;
    for (auto i : vary) shown.push_back(key[i]);
    const double theory = line_theory(set, cands, key, t.along);
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      if (pts[i].phase == pts[i + 1].phase) continue;
      const double lo = pts[i].x, hi = pts[i + 1].x;
      t.rows.push_back({shown, lo, hi, t.geometric ? std::sqrt(lo * hi) : 0.5 * (lo + hi), pts[i].phase,
                        pts[i + 1].phase, static_cast<long>(pts.size()), theory});
    }
  }
  return t;
}

std::vector<std::string> summary_axes(const BoundaryTable& t) {
  std::vector<std::string> a;
  if (t.by.empty()) return a;
  a.push_back(t.by);
  for (const auto& x : t.line_axes)
    if (x != t.by && !is_replicate_key(x)) a.push_back(x);
  return a;
}

namespace {

// The values of names (line axes) of a boundary.
std::vector<std::string> values_of(const BoundaryTable& t, const Boundary& b, const std::vector<std::string>& names) {
  std::vector<std::string> v;
  for (const auto& n : names)
    v.push_back(b.line[static_cast<std::size_t>(std::find(t.line_axes.begin(), t.line_axes.end(), n) - t.line_axes.begin())]);
  return v;
}

// The boundaries of one change (phases below → above) at one set of values of some line axes.
struct Change {
  std::vector<std::string> group;  // the values of the axes
  std::string below, above;
  std::vector<const Boundary*> rows;
};

// Boundaries grouped by (values of names, below, above), in order of first appearance.
std::vector<Change> by_change(const BoundaryTable& t, const std::vector<std::string>& names) {
  std::vector<Change> groups;
  for (const auto& b : t.rows) {
    const auto group = values_of(t, b, names);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Change& c) { return c.group == group && c.below == b.below && c.above == b.above; });
    if (it == groups.end()) it = groups.insert(groups.end(), {group, b.below, b.above, {}});
    it->rows.push_back(&b);
  }
  return groups;
}

}  // namespace

std::vector<BoundarySummary> summarize_boundaries(const BoundaryTable& t) {
  std::vector<BoundarySummary> out;
  const auto axes = summary_axes(t);
  if (axes.empty()) return out;
  for (const auto& [group, below, above, bs] : by_change(t, axes)) {
    BoundarySummary s{.group = group, .below = below, .above = above};
    s.by = parse_double(t.by, s.group[0]);
    std::vector<double> est, th;
    for (const auto* b : bs) {
      est.push_back(b->estimate);
      if (std::isfinite(b->theory)) th.push_back(b->theory);
    }
    s.stats = summarize(est, 0);
    s.theory = th.empty() ? kNaN : summarize(th, 0).mean;
    out.push_back(std::move(s));
  }
  // By change, then the other axes, then the by value.
  auto order = [](const BoundarySummary& s) {
    std::vector<std::string> k = {s.below, s.above};
    k.insert(k.end(), s.group.begin() + 1, s.group.end());
    k.push_back(s.group[0]);
    return k;
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const BoundarySummary& a, const BoundarySummary& b) { return ValuesLess()(order(a), order(b)); });
  return out;
}

namespace {

// Least squares of y on x with 95% intervals of slope and intercept (n ≥ 3).
struct LineFit {
  double slope, intercept, slope_half, intercept_half, r2;
};

LineFit least_squares(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  LineFit f{};
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  const double sse = std::max(0.0, syy - f.slope * sxy), s2 = sse / (n - 2);
  const double t = boost::math::quantile(boost::math::students_t(n - 2), 0.975);
  f.slope_half = t * std::sqrt(s2 / sxx);
  f.intercept_half = t * std::sqrt(s2 * (1 / n + mx * mx / sxx));
  f.r2 = syy > 0 ? 1 - sse / syy : 1;
  return f;
}

}  // namespace

std::vector<PowerFit> fit_power_laws(const BoundaryTable& t) {
  std::vector<PowerFit> out;
  const auto axes = summary_axes(t);
  if (axes.empty()) return out;
  const std::vector<std::string> others(axes.begin() + 1, axes.end());
  for (const auto& [group, below, above, bs] : by_change(t, others)) {
    std::vector<double> x, y;
    std::set<double> distinct;
    for (const auto* b : bs) {
      const double by = parse_double(t.by, values_of(t, *b, {t.by})[0]);
      if (!(by > 0) || !(b->estimate > 0)) continue;
      x.push_back(std::log(by));
      y.push_back(std::log(b->estimate));
      distinct.insert(by);
    }
    if (x.size() < 3 || distinct.size() < 2) continue;
    const LineFit f = least_squares(x, y);
    PowerFit p{.group = group, .below = below, .above = above};
    p.n = static_cast<long>(x.size());
    p.by_values = static_cast<long>(distinct.size());
    p.p = -f.slope;
    p.p_lo = -f.slope - f.slope_half;
    p.p_hi = -f.slope + f.slope_half;
    p.c = std::exp(f.intercept);
    p.c_lo = std::exp(f.intercept - f.intercept_half);
    p.c_hi = std::exp(f.intercept + f.intercept_half);
    p.r2 = f.r2;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const PowerFit& a, const PowerFit& b) { return a.n > b.n; });
  return out;
}

namespace {

std::string num(double v) { return std::isfinite(v) ? format_double(v) : ""; }

// "3.14" with n significant digits.
std::string sig(double v, int n = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", n, v);
  return buf;
}

}  // namespace

std::string boundary_csv(const BoundaryTable& t) {
  std::vector<std::string> head = t.line_axes;
  for (const char* c : {"lower", "upper", "estimate", "width", "below", "above", "points", "theory"}) head.push_back(c);
  std::string out = csv_line(head);
  for (const auto& b : t.rows) {
    std::vector<std::string> f = b.line;
    const double width = t.geometric ? b.upper / b.lower - 1 : b.upper - b.lower;
    for (double v : {b.lower, b.upper, b.estimate, width}) f.push_back(num(v));
    f.push_back(b.below);
    f.push_back(b.above);
    f.push_back(std::to_string(b.points));
    f.push_back(num(b.theory));
    out += csv_line(f);
  }
  return out;
}

std::string summary_csv(const BoundaryTable& t, const std::vector<BoundarySummary>& s) {
  std::vector<std::string> head = summary_axes(t);
  for (const char* c : {"below", "above", "mean", "std", "min", "max", "count", "theory", "mean_over_theory"})
    head.push_back(c);
  std::string out = csv_line(head);
  for (const auto& r : s) {
    std::vector<std::string> f = r.group;
    f.push_back(r.below);
    f.push_back(r.above);
    for (double v : {r.stats.mean, r.stats.std, r.stats.min, r.stats.max}) f.push_back(num(v));
    f.push_back(std::to_string(r.stats.count));
    f.push_back(num(r.theory));
    f.push_back(num(r.stats.mean / r.theory));
    out += csv_line(f);
  }
  return out;
}

std::string fit_csv(const BoundaryTable& t, const std::vector<PowerFit>& fits) {
  const auto axes = summary_axes(t);
  std::vector<std::string> head(axes.empty() ? axes.begin() : axes.begin() + 1, axes.end());
  for (const char* c : {"below", "above", "by", "n", "by_values", "p", "p_lo", "p_hi", "C", "C_lo", "C_hi", "r2"})
    head.push_back(c);
  std::string out = csv_line(head);
  for (const auto& p : fits) {
    std::vector<std::string> f = p.group;
    f.push_back(p.below);
    f.push_back(p.above);
    f.push_back(t.by);
    f.push_back(std::to_string(p.n));
    f.push_back(std::to_string(p.by_values));
    for (double v : {p.p, p.p_lo, p.p_hi, p.c, p.c_lo, p.c_hi, p.r2}) f.push_back(num(v));
    out += csv_line(f);
  }
  return out;
}

std::string fit_line(const BoundaryTable& t, const PowerFit& f) {
  std::string where;
  const auto axes = summary_axes(t);
  for (std::size_t i = 0; i < f.group.size(); ++i) where += ", " + axes[i + 1] + " = " + f.group[i];
  const std::string power = f.p >= 0 ? "^(−" + sig(f.p) + ")" : "^" + sig(-f.p);
  return t.phase.column + " " + f.below + " → " + f.above + where + ": " + t.along + " = " + sig(f.c) + "·" + t.by +
         power + "; p = " + sig(f.p) + " [" + sig(f.p_lo) + ", " + sig(f.p_hi) + "], C = " + sig(f.c) + " [" +
         sig(f.c_lo) + ", " + sig(f.c_hi) + "] (95%, n = " + std::to_string(f.n) + ", R² = " + sig(f.r2, 4) + ")";
}

}  // namespace eos
