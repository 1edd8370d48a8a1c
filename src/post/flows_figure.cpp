// The central-flow figure of one trace.
#include "eos/post/flows_figure.h"

#include <algorithm>
#include <cmath>

#include "eos/util/error.h"
#include "eos/util/number.h"

namespace eos {
namespace {

Panel panel(const std::string& label, bool log) {
  Panel p{.legend = Legend::InsideBoxed, .grid = true};
  p.x = {.label = "step (time η·step)"};
  p.y = {.label = label, .log = log, .pad_low = 0.05, .pad_high = 0.25};
  return p;
}

// A series of column c, when the trace has it.
void add(Panel& p, const TraceTable& t, const std::vector<double>& step, const std::string& c, const std::string& title,
         Color color, Dash dash = Dash::Solid, double width = 1.5) {
  if (t.column(c) < 0) return;
  Series s{.title = title, .color = color, .dash = dash, .width = width};
  add_points(s, step, t.numbers(c), kTracePoints);
  if (!s.x.empty()) p.series.push_back(std::move(s));
}

// Do the positive values of these columns span more than a factor of 20?
bool wide(const TraceTable& t, const std::vector<std::string>& cols) {
  std::vector<std::vector<double>> series;
  for (const auto& c : cols) series.push_back(t.numbers(c));
  return spans_decades(series);
}

}  // namespace

bool has_flows(const TraceTable& t) {
  return std::any_of(t.columns.begin(), t.columns.end(),
                     [](const std::string& c) { return c.rfind("cf_", 0) == 0 || c.rfind("gf_", 0) == 0; });
}

Figure flows_figure(const TraceTable& t, const TraceSource& source) {
  if (!has_flows(t)) throw InputError("a trace without flows (run with flows = central or gradient)");
  const auto step = t.numbers("step");
  const Color gd{Color::Role::Cycle, 0}, cf{Color::Role::Cycle, 1}, gf{Color::Role::Cycle, 2};
  Panel loss = panel("training loss", wide(t, {"loss", "cf_loss", "gf_loss"}));
  // (the predictions first and wide, GD's thin line over them)
  add(loss, t, step, "cf_loss", "central flow: predicted time-averaged loss", cf, Dash::Solid, 2.5);
  add(loss, t, step, "gf_loss", "gradient flow", gf, Dash::Dashed, 2.0);
  add(loss, t, step, "loss", "GD", gd, Dash::Solid, 1.0);
  Panel sharp = panel("sharpness S", false);
  add(sharp, t, step, "cf_sharpness", "central flow", cf, Dash::Solid, 2.5);
  add(sharp, t, step, "gf_sharpness", "gradient flow", gf, Dash::Dashed, 2.0);
  add(sharp, t, step, "sharpness", "GD", gd, Dash::Solid, 1.0);
  add(sharp, t, step, "two_over_eta", "2/η", {Color::Role::Ink}, Dash::Dotted, 1.5);
  Panel var = panel("oscillation variance", wide(t, {"cf_sigma2", "cf_offset2"}));
  add(var, t, step, "cf_sigma2", "central flow: predicted variance σ²", cf, Dash::Solid, 2.5);
  add(var, t, step, "cf_offset2", "GD: squared offset from the central flow along its top direction", gd, Dash::Solid,
      1.0);
  Panel dist = panel("distance from GD", false);
  add(dist, t, step, "dist_gd_cf", "GD to the central flow", cf, Dash::Solid, 2.0);
  add(dist, t, step, "dist_gd_gf", "GD to the gradient flow", gf, Dash::Dashed, 2.0);
  Figure f{.about = "eos-sweep trace: GD beside its central and gradient flows, " + source.id,
           .title = source.title + " — GD, central flow and gradient flow",
           .subtitle = source.subtitle,
           .width = 900};
  for (Panel* p : {&loss, &sharp, &var, &dist})
    if (!p->series.empty()) f.panels.push_back(std::move(*p));
  f.height = 160 + 230 * static_cast<int>(f.panels.size());
  return f;
}

}  // namespace eos
