// The line plot of a one-axis phase table: mean ± std per split value, with the theory the model
// declares on top.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "eos/post/table_figure.h"
#include "eos/post/theory.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"
#include "table_parts.h"

namespace eos {
namespace {

// One line: the cells of one value of the split parameters (the cells are sorted by splits, then x).
struct Line {
  std::vector<std::string> key;
  std::vector<const Cell*> cells;
};

std::vector<Line> lines_of(const AggregateTable& t) {
  std::vector<Line> lines;
  for (const auto& c : t.cells) {
    std::vector<std::string> k(c.key.begin() + 1, c.key.end());
    if (lines.empty() || lines.back().key != k) lines.push_back({k, {}});
    lines.back().cells.push_back(&c);
  }
  return lines;
}

// The line's points with a value, error bars of one sample std (none for a single run).
Series series_of(const AggregateTable& t, const Line& line, int index) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < t.splits.size(); ++i) parts.push_back(param_label(t, t.splits[i]) + " = " + line.key[i]);
  Series s{.title = parts.empty() ? value_label(t) : join(parts, ", "),
           .style = Series::Style::LinesPoints,
           .color = {Color::Role::Cycle, index}};
  for (const auto* c : line.cells) {
    if (!std::isfinite(c->stats.mean)) continue;
    s.x.push_back(key_number(t, *c, 0));
    s.y.push_back(c->stats.mean);
    s.err.push_back(std::isfinite(c->stats.std) ? c->stats.std : 0.0);
  }
  return s;
}

// The method's η* of a line when it is the same at all its cells (the η axis: a mark at η*), or
// with rel its factor (the η/η* axis).
double line_eta_star(const AggregateTable& t, const ModelInfo& model, const Line& line, bool rel = false) {
  auto at = [&](const Cell& c) {
    const Params p = cell_params(t, c);
    return rel ? method_factor_at(model, p) : method_eta_star_at(model, p);
  };
  const double star = at(*line.cells.front());
  for (const auto* c : line.cells)
    if (!(at(*c) == star)) return NAN;
  return star;
}

// The threshold an inset zooms on: the method's factor on an η/η* axis (1 for GD), the line's η*
// on an η axis; NaN otherwise (throws InputError for another axis).
double line_threshold(const AggregateTable& t, const Line& line) {
  const ModelInfo* model = table_model(t);
  if (t.axes[0] == "eta_rel") return model ? line_eta_star(t, *model, line, true) : 1;
  if (t.axes[0] != "eta") throw InputError("--inset: zooms on η* over η or η/η* (--x eta or --x eta_rel), not --x " + t.axes[0]);
  return model ? line_eta_star(t, *model, line) : NAN;
}

// Where η*(x) reaches the line's fixed η, searched over the data's range widened (×/÷ 10 on a
// log axis, by its width on a linear one).
std::vector<double> line_crossings(const AggregateTable& t, const ModelInfo& model, const Line& line, const Axis& x,
                                   const Extent& data) {
  double eta = 0;
  if (!finite_number(t.param(*line.cells.front(), "eta"), eta)) return {};
  const double w = data.hi > data.lo ? data.hi - data.lo : std::max(1.0, std::fabs(data.lo));
  const double lo = x.log ? data.lo / 10 : data.lo - w, hi = x.log ? data.hi * 10 : data.hi + w;
  const auto at = theory_samples(model, t.axes[0], lo, hi, x.log);
  return eta_star_crossings(eta_star_along(model, cell_params(t, *line.cells.front()), t.axes[0], at), eta, x.log);
}

// Dashed marks at each line's threshold, in the line's colour, with one legend entry.
void add_threshold_marks(Panel& p, const AggregateTable& t, const std::vector<Line>& lines, const Extent& data) {
  const ModelInfo* model = table_model(t);
  if (!model || !model->eta_star) return;
  const bool eta_axis = t.axes[0] == "eta";
  bool any = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<double> at;
    if (eta_axis) at = {line_eta_star(t, *model, lines[i])};
    else at = line_crossings(t, *model, lines[i], p.x, data);
    for (double a : at)
      if (std::isfinite(a)) {
        p.marks.push_back({.at = a, .color = {Color::Role::Cycle, static_cast<int>(i)}});
        any = true;
      }
  }
  if (any) p.keys.push_back({.title = eta_axis ? eta_star_legend(*model) : eta_reaches_legend(*model)});
}

// η/η* = the method's factor on an eta_rel axis (1 for GD): one mark when every line has the same,
// else one in each line's colour; the value's level (η·S/2 = 1) across.
void add_reference_marks(Panel& p, const AggregateTable& t, const std::vector<Line>& lines) {
  const ModelInfo* model = table_model(t);
  if (t.axes[0] == "eta_rel") {
    std::vector<double> at;
    for (const auto& line : lines) at.push_back(model ? line_eta_star(t, *model, line, true) : 1.0);
    const bool same = std::all_of(at.begin(), at.end(), [&](double a) { return a == at.front(); });
    if (same && std::isfinite(at.front()))
      p.marks.push_back({.at = at.front(),
                         .title = model ? method_factor_legend(*model, cell_params(t, *lines.front().cells.front()))
                                        : param_label(t, "eta_rel") + " = 1"});
    for (std::size_t i = 0; !same && i < at.size(); ++i)
      if (std::isfinite(at[i])) p.marks.push_back({.at = at[i], .color = {Color::Role::Cycle, static_cast<int>(i)}});
    if (!same) p.keys.push_back({.title = "the method's η*/η* (dashed)"});
  }
  const double level = value_level(t.value);
  if (!std::isnan(level))
    p.marks.push_back({.direction = Mark::Direction::Horizontal, .at = level, .title = level_legend(t, level),
                       .color = {Color::Role::Muted}, .dash = Dash::Dotted});
}

// The x range: the data and every vertical mark, padded by 4%; 1-2-5 tics on a short log axis.
void set_x_range(Axis& x, const std::vector<Mark>& marks, Extent data) {
  for (const auto& m : marks)
    if (m.direction == Mark::Direction::Vertical && (!x.log || m.at > 0)) data.add(m.at);
  std::tie(x.min, x.max) = padded_range(data.lo, data.hi, 0.04, x.log);
  if (x.log) x.tics = log_tics(x.min, x.max);
}

// The y range: [−0.03, 1.03] for a fraction, else mean ± std and the horizontal marks, padded by 5%.
void set_y_range(Axis& y, const AggregateTable& t, const std::vector<Series>& series, const std::vector<Mark>& marks) {
  if (t.value.fraction) {
    y.min = -0.03;
    y.max = 1.03;
    return;
  }
  Extent e;
  auto add = [&](double v) {
    if (std::isfinite(v) && (!y.log || v > 0)) e.add(v);
  };
  for (const auto& s : series)
    for (std::size_t k = 0; k < s.y.size(); ++k) {
      add(s.y[k] - s.err[k]);
      add(s.y[k] + s.err[k]);
    }
  for (const auto& m : marks)
    if (m.direction == Mark::Direction::Horizontal) add(m.at);
  if (e.empty()) return;  // automatic
  std::tie(y.min, y.max) = padded_range(e.lo, e.hi, 0.05, y.log);
}

}  // namespace

Figure lines_figure(const AggregateTable& t, const TableFigureOptions& o) {
  if (t.cells.empty()) throw InputError("nothing to draw: the table is empty");
  const std::vector<Line> lines = lines_of(t);
  Panel p{.legend = Legend::Outside, .grid = true};
  std::vector<std::vector<double>> xs;
  std::vector<double> means;
  Extent data;
  for (const auto& line : lines) {
    xs.emplace_back();
    for (const auto* c : line.cells) {
      xs.back().push_back(key_number(t, *c, 0));
      data.add(xs.back().back());
      if (std::isfinite(c->stats.mean)) means.push_back(c->stats.mean);
    }
  }
  p.x.log = choose_log(o.xscale, xs, "--xscale");
  p.y.log = o.yscale == ScaleChoice::Log && choose_log(o.yscale, {means}, "--yscale (the value axis)");
  std::vector<double> series_star;  // the threshold of each series, for an inset
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Series s = series_of(t, lines[i], static_cast<int>(i));
    if (s.x.empty()) continue;  // a line without a single value is left out
    p.series.push_back(std::move(s));
    if (o.inset) series_star.push_back(line_threshold(t, lines[i]));
  }
  add_threshold_marks(p, t, lines, data);
  add_reference_marks(p, t, lines);
  set_x_range(p.x, p.marks, data);
  set_y_range(p.y, t, p.series, p.marks);
  p.x.label = param_label(t, t.axes[0]);
  p.y.label = value_axis_label(t, true);
  Figure f{.about = "eos-sweep aggregate: " + value_label(t) + " against " + t.axes[0] + ", model " + t.model,
           .title = table_title(t), .subtitle = table_subtitle(t), .width = 950, .height = 600};
  f.panels.push_back(std::move(p));
  if (o.inset) add_threshold_inset(f, t, series_star);
  return f;
}

}  // namespace eos
