// The overlay of several traces.
#include "eos/post/overlay_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "eos/model/model.h"
#include "eos/util/error.h"
#include "eos/util/number.h"

namespace eos {
namespace {

// "η = 0.1", with the method ("η = 0.2  polyak, β = 0.9"; "flow" for a flow trace of a version
// without methods, which has gd_distance).
std::string line_title(const TraceTable& t, const std::string& method) {
  const auto two = t.numbers("two_over_eta");
  char buf[64];
  std::snprintf(buf, sizeof buf, "η = %.4g", two.empty() ? NAN : 2 / two.front());
  if (!method.empty()) return std::string(buf) + "  " + method;
  return std::string(buf) + (t.column("gd_distance") >= 0 ? "  flow" : "");
}

// The sharpness a run is judged by (the preconditioned one for an adaptive method) and its level
// (the run's edge level when its trace has one, else 2/η).
std::string judged_column(const TraceTable& t) { return t.column("psharpness") >= 0 ? "psharpness" : "sharpness"; }
std::string level_column(const TraceTable& t) { return t.column("edge_level") >= 0 ? "edge_level" : "two_over_eta"; }

Panel panel(const std::string& label, bool log) {
  Panel p{.legend = Legend::Inside, .grid = true};
  p.x = {.label = "step"};
  p.y = {.label = label, .log = log, .pad_low = 0.05, .pad_high = 0.1};
  return p;
}

// The loss axis is logarithmic when its positive values span more than a factor of 20.
bool losses_span_decades(const std::vector<TraceTable>& traces) {
  std::vector<std::vector<double>> losses;
  for (const auto& t : traces) losses.push_back(t.numbers("loss"));
  return spans_decades(losses);
}

// The traces in order of η, GD before flow.
std::vector<std::size_t> order_of(const std::vector<TraceTable>& traces) {
  std::vector<std::size_t> idx(traces.size());
  for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
  auto key = [&](std::size_t k) {
    const auto two = traces[k].numbers("two_over_eta");
    return std::make_pair(two.empty() ? 0.0 : -two.front(), traces[k].column("gd_distance") >= 0);
  };
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  return idx;
}

}  // namespace

Figure overlay_figure(const std::vector<TraceTable>& traces, const std::vector<TraceSource>& sources) {
  if (traces.size() < 2) throw InputError("--overlay: needs at least two traces");
  const bool any_preconditioned =
      std::any_of(traces.begin(), traces.end(), [](const TraceTable& t) { return t.column("psharpness") >= 0; });
  const bool any_edge =
      std::any_of(traces.begin(), traces.end(), [](const TraceTable& t) { return t.column("edge_level") >= 0; });
  Panel sharp = panel(any_preconditioned ? "sharpness S (λ₁(P⁻¹H) for adaptive methods)" : "sharpness S", false),
        loss = panel("training loss", losses_span_decades(traces)), dist = panel("‖θ_flow − θ_GD‖", false);
  sharp.y.pad_high = std::max(0.3, 0.1 * static_cast<double>(traces.size() + 1));  // room for the legend's lines
  sharp.legend = dist.legend = Legend::InsideBoxed;  // opaque: a 2/η line may run through it
  const auto order = order_of(traces);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const TraceTable& t = traces[order[k]];
    const std::string method = order[k] < sources.size() ? sources[order[k]].method : "";
    const auto step = t.numbers("step");
    const Color c{Color::Role::Cycle, static_cast<int>(k)};
    Series s{.title = line_title(t, method), .color = c}, edge{.color = c, .dash = Dash::Dashed, .width = 1.0};
    add_points(s, step, t.numbers(judged_column(t)), kTracePoints);
    add_points(edge, step, t.numbers(level_column(t)), kTracePoints);
    sharp.series.push_back(std::move(s));
    sharp.series.push_back(std::move(edge));
    Series l{.color = c};
    add_points(l, step, t.numbers("loss"), kTracePoints);
    loss.series.push_back(std::move(l));
    if (t.column("gd_distance") >= 0) {
      Series d{.title = line_title(t, method), .color = c};
      add_points(d, step, t.numbers("gd_distance"), kTracePoints);
      dist.series.push_back(std::move(d));
    }
  }
  sharp.keys.push_back({.title = any_edge ? "each run's edge level: 2/η for GD, (2+2β)/η for heavy ball, … (dashed)"
                                          : "2/η (dashed, in the colour of its line)",
                        .color = {Color::Role::Muted}});
  Figure f{.about = "eos-sweep trace --overlay: the sharpness and the loss of several runs against the step",
           .title = "sharpness and training loss against the step",
           .subtitle = std::to_string(traces.size()) + " runs" +
                       (!sources.empty() && sources.front().model ? " of model " + sources.front().model->name : ""),
           .width = 900,
           .height = dist.series.empty() ? 750 : 950};
  f.panels = {std::move(sharp), std::move(loss)};
  if (!dist.series.empty()) f.panels.push_back(std::move(dist));
  return f;
}

}  // namespace eos
