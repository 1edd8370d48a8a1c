// The heatmap of a two-axis phase table, with the theory the model declares on top.
#include <algorithm>
#include <cmath>
#include <set>

#include "eos/post/contour.h"
#include "eos/post/table_figure.h"
#include "eos/post/theory.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"
#include "table_parts.h"

namespace eos {
namespace {

constexpr std::size_t kMaxListedTics = 12;  // more grid values than this: the backend's tics

// The cells as a grid: one row per y value (the cells are sorted by y, then x), cells in x order.
struct Grid {
  std::vector<double> ys;
  std::vector<std::vector<const Cell*>> rows;
  std::vector<std::vector<double>> xs;  // the x values of each row
};

Grid grid_of(const AggregateTable& t) {
  Grid g;
  for (const auto& c : t.cells) {
    const double y = key_number(t, c, 1);
    if (g.ys.empty() || g.ys.back() != y) {
      g.ys.push_back(y);
      g.rows.emplace_back();
      g.xs.emplace_back();
    }
    g.rows.back().push_back(&c);
    g.xs.back().push_back(key_number(t, c, 0));
  }
  return g;
}

// The boxes of every cell into h; returns the x extent of the boxes.
Extent add_boxes(Heatmap& h, const Grid& g, bool xlog, const std::vector<std::pair<double, double>>& yedges) {
  Extent x;
  for (std::size_t i = 0; i < g.rows.size(); ++i) {
    const auto xedges = cell_edges(g.xs[i], xlog);
    for (std::size_t j = 0; j < g.rows[i].size(); ++j) {
      const Stats& s = g.rows[i][j]->stats;
      Box b{g.xs[i][j], g.ys[i], xedges[j].first, xedges[j].second, yedges[i].first, yedges[i].second, s.mean, s.count};
      x.add(b.x0);
      x.add(b.x1);
      (std::isfinite(s.mean) ? h.cells : h.missing).push_back(b);
    }
  }
  return x;
}

// The cells as a lattice (Heatmap::raster) when every row has the same x values and both are
// evenly spaced on the drawn scales.
void add_raster(Heatmap& h, const Grid& g, bool xlog, bool ylog) {
  for (const auto& r : g.xs)
    if (r != g.xs.front()) return;
  if (!evenly_spaced(g.xs.front(), xlog) || !evenly_spaced(g.ys, ylog)) return;
  Raster& r = h.raster;
  r = {.nx = g.xs.front().size(), .ny = g.ys.size(), .x0 = g.xs.front().front(), .x1 = g.xs.front().back(),
       .y0 = g.ys.front(), .y1 = g.ys.back()};
  for (const auto& row : g.rows)
    for (const auto* c : row) r.values.push_back(c->stats.mean);
}

// A legend for the panel's area without cells, when the rows cover different x ranges (a grid
// sheared by eta_rel drawn over η): it is not a value.
void mark_outside(Heatmap& h, const Grid& g, bool xlog) {
  std::pair<double, double> first;
  for (std::size_t i = 0; i < g.xs.size(); ++i) {
    const auto e = cell_edges(g.xs[i], xlog);
    const std::pair<double, double> span{e.front().first, e.back().second};
    if (i == 0) first = span;
    else if (span != first) h.outside_title = "not in the grid";
  }
}

// The colours: a fraction on [0, 1]; a value with a reference level (η·S/2 = 1) on a diverging
// map neutral at the level, its range the data's and the level; others sequential.
void set_palette(Heatmap& h, const AggregateTable& t) {
  if (t.value.fraction) {
    h.min = 0;
    h.max = 1;
    return;
  }
  const double level = value_level(t.value);
  if (std::isnan(level)) return;
  Extent e;
  e.add(level);
  for (const auto& b : h.cells) e.add(b.value);
  h.palette = Palette::Diverging;
  h.center = level;
  h.min = e.lo;
  h.max = e.hi;
}

// The grid values as tics, those closer than 1/14 of the axis to the one kept before left out
// (their labels would run together).
std::vector<double> spaced_tics(const std::set<double>& values, const Axis& a) {
  const double span = to_scale(a.max, a.log) - to_scale(a.min, a.log);
  std::vector<double> tics;
  for (double v : values)
    if (tics.empty() || to_scale(v, a.log) - to_scale(tics.back(), a.log) >= span / 14) tics.push_back(v);
  return tics;
}

void set_axes(Panel& p, const AggregateTable& t, const Grid& g, const Extent& x, const Extent& y) {
  p.x = {.label = param_label(t, t.axes[0]), .log = p.x.log, .min = x.lo, .max = x.hi};
  p.y = {.label = param_label(t, t.axes[1]), .log = p.y.log, .min = y.lo, .max = y.hi};
  if (g.ys.size() <= kMaxListedTics) p.y.tics = spaced_tics({g.ys.begin(), g.ys.end()}, p.y);
  std::set<double> distinct;
  for (const auto& r : g.xs) distinct.insert(r.begin(), r.end());
  // A few columns shared by every row are labelled themselves (a 1-2-5 tic would sit inside a
  // cell: "0.5" on the column of 0.4); a log axis of many columns, or sheared rows, gets 1-2-5 tics.
  const bool aligned = std::all_of(g.xs.begin(), g.xs.end(), [&](const auto& r) { return r == g.xs.front(); });
  if (distinct.size() <= kMaxListedTics && (aligned || !p.x.log))
    p.x.tics = spaced_tics(distinct, p.x);
  else if (p.x.log)
    p.x.tics = log_tics(x.lo, x.hi);
}

// The curve η = η*(other axis), where the model declares η* and it depends on the other axis
// alone: sampled along the whole other axis.
void add_eta_star_curve(Panel& p, const AggregateTable& t) {
  const ModelInfo* model = table_model(t);
  const bool eta_x = t.axes[0] == "eta";
  if (!model || (!eta_x && t.axes[1] != "eta")) return;
  const std::size_t other = eta_x ? 1 : 0;
  if (!eta_star_follows(t, *model, other)) return;
  const Axis& along = eta_x ? p.y : p.x;
  const auto at = theory_samples(*model, t.axes[other], along.min, along.max, along.log);
  const ThresholdCurve c = eta_star_along(*model, cell_params(t, t.cells.front()), t.axes[other], at);
  if (c.at.size() < 2) return;
  Curve curve{.title = eta_reaches_legend(*model),
              .points = c.at.size() <= kMaxListedTics,
              .color = {Color::Role::Ink},
              .outlined = true};
  curve.x = eta_x ? c.eta_star : c.at;
  curve.y = eta_x ? c.at : c.eta_star;
  p.curves.push_back(std::move(curve));
}

// η/η* = the method's factor across an eta_rel axis (1 for GD, 1+β for heavy ball: gd/method.h):
// a line where every cell has the same factor, a curve where it follows the other axis (β).
void add_eta_rel_marks(Panel& p, const AggregateTable& t) {
  const ModelInfo* model = table_model(t);
  for (std::size_t i = 0; i < 2; ++i) {
    if (t.axes[i] != "eta_rel") continue;
    auto factor = [&](const Params& q) { return model ? method_factor_at(*model, q) : 1.0; };
    const Params first = cell_params(t, t.cells.front());
    const double f = factor(first);
    bool uniform = std::isfinite(f);
    for (const auto& c : t.cells) uniform = uniform && factor(cell_params(t, c)) == f;
    if (uniform) {
      p.marks.push_back({.direction = i == 0 ? Mark::Direction::Vertical : Mark::Direction::Horizontal,
                         .at = f,
                         .title = model ? method_factor_legend(*model, first) : param_label(t, "eta_rel") + " = 1",
                         .width = 2.5,
                         .outlined = true});
      continue;
    }
    const std::size_t other = 1 - i;
    if (!model || !eta_star_follows(t, *model, other)) continue;
    // A staircase: at each value of the other axis, across its cells, the factor there.
    std::vector<double> values;
    for (const auto& c : t.cells) values.push_back(key_number(t, c, other));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    const bool log = (i == 0 ? p.y : p.x).log;
    const auto edges = cell_edges(values, log);
    Curve curve{.title = param_label(t, "eta_rel") + " = the method's η*/η* (theory)", .color = {Color::Role::Ink},
                .outlined = true};
    Params q = first;
    for (std::size_t k = 0; k < values.size(); ++k) {
      q.set(t.axes[other], format_double(values[k]));
      const double fa = factor(q);
      if (!std::isfinite(fa)) continue;
      for (double a : {edges[k].first, edges[k].second}) {
        (i == 0 ? curve.x : curve.y).push_back(fa);
        (i == 0 ? curve.y : curve.x).push_back(a);
      }
    }
    if (curve.x.size() >= 2) p.curves.push_back(std::move(curve));
  }
}

// Do the sorted values a and b agree, to rounding?
bool same_values(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(std::fabs(a[k] - b[k]) <= 1e-9 * std::fabs(a[k]))) return false;
  return true;
}

// η* of each row when it shears the grid over η: the rows' η values differ but their η/η* agree
// (a job given in eta_rel); the contour then matches rows at the same η/η*. Empty otherwise.
std::vector<double> row_shear(const AggregateTable& t, const Grid& g) {
  const ModelInfo* model = table_model(t);
  if (t.axes[0] != "eta" || !model || g.rows.size() < 2) return {};
  std::vector<double> star(g.rows.size());
  std::vector<std::vector<double>> rel(g.rows.size());
  for (std::size_t i = 0; i < g.rows.size(); ++i) {
    star[i] = eta_star_at(*model, cell_params(t, *g.rows[i].front()));
    for (std::size_t j = 0; j < g.rows[i].size(); ++j) {
      if (!(eta_star_at(*model, cell_params(t, *g.rows[i][j])) == star[i])) return {};
      rel[i].push_back(g.xs[i][j] / star[i]);
    }
  }
  bool sheared = false;
  for (std::size_t i = 1; i < g.rows.size(); ++i) {
    if (!same_values(rel[i], rel[0])) return {};
    sheared = sheared || !same_values(g.xs[i], g.xs[0]);
  }
  return sheared ? star : std::vector<double>{};
}

// The contour where the means reach the value's level (η·S/2 = 1), drawn kLevelTolerance below it.
void add_level_contour(Panel& p, const AggregateTable& t, const Grid& g) {
  const double level = value_level(t.value);
  if (std::isnan(level)) return;
  const double drawn = level - kLevelTolerance * std::fabs(level);
  const std::vector<double> shear = row_shear(t, g);
  std::vector<FieldRow> rows(g.rows.size());
  for (std::size_t i = 0; i < g.rows.size(); ++i) {
    rows[i] = {.y = g.ys[i], .x = g.xs[i], .align = shear.empty() ? 1.0 : shear[i]};
    for (const auto* c : g.rows[i]) rows[i].v.push_back(c->stats.mean);
  }
  auto lines = contour_lines(rows, drawn, {.xlog = p.x.log, .ylog = p.y.log});
  const std::string title = value_label(t) + " = " + format_double(drawn) + " (" + format_double(level) + " − " +
                            format_double(100 * kLevelTolerance) + "%)";
  if (!lines.empty()) p.contours.push_back({title, drawn, std::move(lines)});
}

}  // namespace

Figure heatmap_figure(const AggregateTable& t, const TableFigureOptions& o) {
  if (t.cells.empty()) throw InputError("nothing to draw: the table is empty");
  if (!t.splits.empty())
    throw InputError("parameter " + join(t.splits, ", ") + " varies too: fix it with --where " + t.splits[0] +
                     "=VALUE or average over it with --over " + t.splits[0]);
  const Grid g = grid_of(t);
  Panel p{.legend = Legend::Below};
  p.x.log = choose_log(o.xscale, g.xs, "--xscale");
  p.y.log = choose_log(o.yscale, {g.ys}, "--yscale");
  const auto yedges = cell_edges(g.ys, p.y.log);
  const Extent x = add_boxes(p.heatmap, g, p.x.log, yedges);
  add_raster(p.heatmap, g, p.x.log, p.y.log);
  mark_outside(p.heatmap, g, p.x.log);
  set_axes(p, t, g, x, Extent{yedges.front().first, yedges.back().second});
  p.heatmap.label = value_axis_label(t, false);
  set_palette(p.heatmap, t);
  add_eta_star_curve(p, t);
  add_eta_rel_marks(p, t);
  add_level_contour(p, t, g);
  Figure f{.about = "eos-sweep aggregate: heatmap of " + value_label(t) + " over (" + t.axes[0] + ", " + t.axes[1] +
                    "), model " + t.model,
           .title = table_title(t), .subtitle = table_subtitle(t), .width = 900, .height = 700};
  f.panels.push_back(std::move(p));
  return f;
}

}  // namespace eos
