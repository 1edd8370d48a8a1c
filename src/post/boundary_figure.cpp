// The figure of phase boundaries: estimate against the by axis, with theory and the fitted law.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "eos/io/schema.h"
#include "eos/post/boundary.h"
#include "eos/post/scale.h"
#include "eos/post/theory.h"
#include "eos/util/number.h"
#include "eos/util/text.h"
#include "table_parts.h"

namespace eos {
namespace {

std::string sig(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Tics at the values themselves when there are few; else 1-2-5 tics on a short log axis.
std::vector<double> tics_for(std::vector<double> v, bool log, const Extent& e) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.size() <= 8) return v;
  return log ? log_tics(e.lo, e.hi) : std::vector<double>{};
}

std::string change_title(const BoundaryTable& t, const std::string& below, const std::string& above,
                         const std::vector<std::string>& group) {
  std::string s = below + " → " + above;
  const auto axes = summary_axes(t);
  for (std::size_t i = 1; i < group.size(); ++i) s += ", " + axes[i] + " = " + group[i];
  return s;
}

// Every line's estimate, as small grey marks.
Series every_line(const BoundaryTable& t) {
  Series s{.title = "each line (" + std::to_string(t.rows.size()) + " boundaries)",
           .style = Series::Style::Points,
           .color = {Color::Role::Muted},
           .width = 1};
  const auto idx = std::find(t.line_axes.begin(), t.line_axes.end(), t.by) - t.line_axes.begin();
  for (const auto& b : t.rows) {
    s.x.push_back(parse_double(t.by, b.line[static_cast<std::size_t>(idx)]));
    s.y.push_back(b.estimate);
  }
  return s;
}

// The changes, most boundaries first: each one's colour is its place.
std::vector<std::string> change_order(const BoundaryTable& t, const std::vector<BoundarySummary>& sums) {
  std::vector<std::pair<std::string, long>> n;
  for (const auto& s : sums) {
    const std::string title = change_title(t, s.below, s.above, s.group);
    auto it = std::find_if(n.begin(), n.end(), [&](const auto& e) { return e.first == title; });
    if (it == n.end()) it = n.insert(n.end(), {title, 0});
    it->second += s.stats.count;
  }
  std::stable_sort(n.begin(), n.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> order;
  for (const auto& e : n) order.push_back(e.first);
  return order;
}

int color_of(const std::vector<std::string>& order, const std::string& title) {
  return static_cast<int>(std::find(order.begin(), order.end(), title) - order.begin());
}

// Mean ± std per by value, one series per change (scale: divide by the theory).
std::vector<Series> means(const BoundaryTable& t, const std::vector<BoundarySummary>& sums, bool over_theory) {
  const auto order = change_order(t, sums);
  std::vector<Series> out(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    out[i] = Series{.title = order[i] + " (mean ± std)", .style = Series::Style::LinesPoints,
                    .color = {Color::Role::Cycle, static_cast<int>(i)}};
  for (const auto& s : sums) {
    const double scale = over_theory ? s.theory : 1.0;
    if (!std::isfinite(scale) || !(scale > 0)) continue;
    Series& line = out[static_cast<std::size_t>(color_of(order, change_title(t, s.below, s.above, s.group)))];
    line.x.push_back(s.by);
    line.y.push_back(s.stats.mean / scale);
    line.err.push_back(std::isfinite(s.stats.std) ? s.stats.std / scale : 0.0);
  }
  std::erase_if(out, [](const Series& s) { return s.x.empty(); });
  return out;
}

// The theory of the boundaries along η/η*, from the summaries (the method's factor: 1 for GD, 1+β
// for heavy ball): for each value of the other axes, a line at it, or a curve when it varies with
// the by axis (β).
void add_relative_theory(Panel& p, const BoundaryTable& t, const std::vector<BoundarySummary>& sums) {
  const auto axes = summary_axes(t);
  std::map<std::vector<std::string>, std::map<double, double>> groups;  // other axes → by → theory
  for (const auto& s : sums)
    if (std::isfinite(s.theory)) groups[{s.group.begin() + 1, s.group.end()}][s.by] = s.theory;
  for (const auto& [other, points] : groups) {
    std::string where;
    for (std::size_t i = 0; i < other.size(); ++i) where += (where.empty() ? "" : ", ") + axes[i + 1] + " = " + other[i];
    const double first = points.begin()->second;
    const bool flat = std::all_of(points.begin(), points.end(), [&](const auto& e) { return e.second == first; });
    const std::string title = (first == 1 && flat && groups.size() == 1 ? "η = η* (theory)"
                                                                        : "theory: the method's η*/η*") +
                              (where.empty() ? "" : " (" + where + ")");
    if (flat) {
      p.marks.push_back(Mark{.direction = Mark::Direction::Horizontal, .at = first, .title = title,
                             .color = {Color::Role::Theory}});
      continue;
    }
    Curve c{.title = title, .color = {Color::Role::Theory}};
    for (const auto& [by, v] : points) c.x.push_back(by), c.y.push_back(v);
    p.curves.push_back(std::move(c));
  }
}

// The model's η* along the by axis (a boundary along η), over the range of the data; along η/η*
// the summaries' theory.
void add_theory(Panel& p, const BoundaryTable& t, const std::vector<BoundarySummary>& sums, const ModelInfo* model,
                const Extent& x) {
  if (!model || !model->eta_star || x.empty()) return;
  if (t.along == "eta_rel") return add_relative_theory(p, t, sums);
  if (t.along != "eta") return;
  Params base;
  for (const auto& [k, v] : t.base) base.set(k, v);
  const auto at = theory_samples(*model, t.by, x.lo, x.hi, p.x.log);
  const ThresholdCurve c = eta_star_along(*model, base, t.by, at);
  if (c.at.empty()) return;
  p.curves.push_back(Curve{.title = eta_star_legend(*model) + " (theory)", .x = c.at, .y = c.eta_star});
}

// "^(−2.01)", "^0.08": the exponent −p.
std::string exponent(double p) { return p >= 0 ? "^(−" + sig(p) + ")" : "^" + sig(-p); }

// The fit of the change with most boundaries (fits come sorted so), in its change's colour.
void add_fit(Panel& p, const BoundaryTable& t, const std::vector<BoundarySummary>& sums,
             const std::vector<PowerFit>& fits, const Extent& x) {
  if (fits.empty()) return;
  const auto& f = fits.front();
  std::vector<std::string> group = {""};  // change_title reads the other axes after the by value
  group.insert(group.end(), f.group.begin(), f.group.end());
  Curve c{.title = "fit " + sig(f.c) + "·" + t.by + exponent(f.p),
          .color = {Color::Role::Cycle, color_of(change_order(t, sums), change_title(t, f.below, f.above, group))},
          .dash = Dash::Dotted,
          .width = 2};
  for (int k = 0; k <= 40; ++k) {
    const double u = x.lo * std::pow(x.hi / x.lo, k / 40.0);
    c.x.push_back(u);
    c.y.push_back(f.c * std::pow(u, -f.p));
  }
  p.curves.push_back(std::move(c));
}

// The estimates over the theory, mean ± std per by value, with the line 1: how far from theory
// (a boundary along η; along η/η* the upper panel shows that already).
std::optional<Panel> ratio_panel(const BoundaryTable& t, const std::vector<BoundarySummary>& sums, const Axis& x) {
  if (t.along != "eta") return std::nullopt;
  Panel p;
  p.series = means(t, sums, true);
  if (p.series.empty()) return std::nullopt;
  for (auto& s : p.series) s.title.clear();  // the upper panel's legend names them
  p.x = x;
  p.y = Axis{.label = "estimate / theory", .pad_low = 0.15, .pad_high = 0.15};
  p.marks.push_back(Mark{.direction = Mark::Direction::Horizontal, .at = 1, .color = {Color::Role::Theory}});
  p.grid = true;
  return p;
}

}  // namespace

std::size_t keep_coarse_grid(ResultSet& set) {
  const int depth = set.column("refine_depth");
  if (depth < 0) return 0;
  const std::size_t before = set.rows.size();
  std::erase_if(set.rows, [&](const std::vector<std::string>& r) {
    const std::string& v = r[static_cast<std::size_t>(depth)];
    return !v.empty() && v != "0";
  });
  return before - set.rows.size();
}

bool add_boundary_points(Figure& f, const AggregateTable& t, const BoundaryTable& b) {
  if (t.axes.size() != 2 || f.panels.empty() || b.rows.empty()) return false;
  const bool along_x = t.axes[0] == b.along, along_y = t.axes[1] == b.along;
  const std::string other = along_x ? t.axes[1] : t.axes[0];
  const auto at = std::find(b.line_axes.begin(), b.line_axes.end(), other);
  if (!(along_x || along_y) || at == b.line_axes.end()) return false;
  Series s{.title = "boundary of " + b.phase.text + " (refined, each line)", .style = Series::Style::Points,
           .color = {Color::Role::Ink}, .width = 1.5, .point_size = 1.1, .outlined = true};
  for (const auto& r : b.rows) {
    const double v = parse_double(other, r.line[static_cast<std::size_t>(at - b.line_axes.begin())]);
    s.x.push_back(along_x ? r.estimate : v);
    s.y.push_back(along_x ? v : r.estimate);
  }
  f.panels[0].series.push_back(std::move(s));
  return true;
}

Figure boundary_figure(const BoundaryTable& t, const std::vector<BoundarySummary>& sums,
                       const std::vector<PowerFit>& fits, const ModelInfo* model) {
  Figure f;
  f.about = "phase boundaries of " + t.model + " along " + t.along + " against " + t.by;
  f.title = t.model + ": where " + t.phase.text + " changes along " + column_label(model, t.along);
  if (!fits.empty()) {
    const PowerFit& fit = fits.front();
    f.subtitle = fit.below + " → " + fit.above + ": p = " + sig(fit.p) + " [" + sig(fit.p_lo) + ", " + sig(fit.p_hi) +
                 "], C = " + sig(fit.c) + " [" + sig(fit.c_lo) + ", " + sig(fit.c_hi) + "] (95%, " +
                 std::to_string(fit.n) + " boundaries" + (fits.size() > 1 ? "; other fits in boundary-fit.csv)" : ")");
  }
  Panel p;
  p.series.push_back(every_line(t));
  for (auto& s : means(t, sums, false)) p.series.push_back(std::move(s));
  Extent x, y;
  for (const auto& s : p.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) x.add(s.x[i]), y.add(s.y[i]);
  const std::vector<double>& xs = p.series[0].x;
  p.x = Axis{.label = column_label(model, t.by), .log = x.lo > 0 && looks_log_spaced(xs), .pad_low = 0.05, .pad_high = 0.05};
  p.x.tics = tics_for(xs, p.x.log, x);
  p.y = Axis{.label = "boundary in " + column_label(model, t.along) + " (bracket estimate)",
             .log = t.geometric && y.lo > 0 && y.hi / y.lo > 3, .pad_low = 0.08, .pad_high = 0.08};
  if (p.y.log) p.y.tics = log_tics(y.lo, y.hi);
  add_theory(p, t, sums, model, x);
  if (x.lo > 0) add_fit(p, t, sums, fits, x);
  p.legend = p.series.size() + p.curves.size() + p.marks.size() > 5 ? Legend::Below : Legend::InsideBoxed;
  p.grid = true;
  auto ratio = ratio_panel(t, sums, p.x);
  f.panels.push_back(std::move(p));
  if (ratio) {
    f.panels.push_back(std::move(*ratio));
    f.height = 900;
  }
  return f;
}

}  // namespace eos
