// The edge-of-stochastic-stability figure of several minibatch traces.
#include "eos/post/minibatch_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "eos/util/error.h"

namespace eos {
namespace {

double first_finite(const std::vector<double>& v) {
  for (double x : v)
    if (std::isfinite(x)) return x;
  return NAN;
}

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

// "B = 8" ("full batch" when unknown), with η when the runs differ in it.
std::string run_title(const TraceSource& s, double eta, bool etas_differ) {
  std::string t = std::isfinite(s.batch_size) ? fmt("B = %.0f", s.batch_size) : "full batch";
  if (etas_differ) t += fmt(", η = %.4g", eta);
  if (!s.method.empty()) t += "  " + s.method;
  return t;
}

// A horizontal line at y across [x0, x1].
Series level(double x0, double x1, double y, const std::string& title, Color c, Dash d) {
  return Series{.title = title, .x = {x0, x1}, .y = {y, y}, .color = c, .dash = d, .width = 1.2};
}

}  // namespace

bool minibatch_traces(const std::vector<TraceTable>& traces) {
  return !traces.empty() &&
         std::all_of(traces.begin(), traces.end(), [](const TraceTable& t) { return t.column("batch_sharpness") >= 0; });
}

Figure minibatch_figure(const std::vector<TraceTable>& traces, const std::vector<TraceSource>& sources) {
  if (traces.size() < 2) throw InputError("--overlay: needs at least two traces");
  std::vector<std::size_t> order(traces.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto batch = [&](std::size_t k) {
    const double b = k < sources.size() ? sources[k].batch_size : NAN;
    return std::isfinite(b) ? b : INFINITY;
  };
  auto eta = [&](std::size_t k) { return 2 / first_finite(traces[k].numbers("two_over_eta")); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::make_pair(eta(a), batch(a)) < std::make_pair(eta(b), batch(b));
  });
  std::set<double> etas, betas;
  double x0 = INFINITY, x1 = -INFINITY;
  for (std::size_t k = 0; k < traces.size(); ++k) {
    etas.insert(eta(k));
    if (k < sources.size() && std::isfinite(sources[k].momentum) && sources[k].momentum > 0)
      betas.insert(sources[k].momentum);
    for (double s : traces[k].numbers("step"))
      if (std::isfinite(s)) x0 = std::min(x0, s), x1 = std::max(x1, s);
  }
  // The upper panel's legend names only the line styles and levels (short, so it hides little of
  // the curves near 2/η); the runs are named in the loss panel, whose upper right is empty.
  Panel sharp{.legend = Legend::InsideBoxed, .grid = true}, loss{.legend = Legend::InsideBoxed, .grid = true};
  sharp.x = loss.x = {.label = "step"};
  sharp.y = {.label = "sharpness", .pad_low = 0.05, .pad_high = 0.3};
  loss.y = {.label = "full-batch training loss", .log = true, .pad_low = 0.05, .pad_high = 0.1};
  std::map<double, Color> eta_color;  // runs at several η: each 2/η in the colour of its first run
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    eta_color.emplace(eta(i), Color{Color::Role::Cycle, static_cast<int>(k)});
    const TraceTable& t = traces[i];
    const TraceSource src = i < sources.size() ? sources[i] : TraceSource{};
    const auto step = t.numbers("step");
    const Color c{Color::Role::Cycle, static_cast<int>(k)};
    const std::string title = run_title(src, eta(i), etas.size() > 1);
    Series lam{.color = c, .width = 1.8};
    add_points(lam, step, t.numbers("sharpness"), kTracePoints);
    // S_B with its standard error, where both are known.
    Series sb{.style = Series::Style::LinesPoints, .color = c, .dash = Dash::Dashed, .width = 1.2, .point_size = 0.4};
    const auto v = t.numbers("batch_sharpness"), e = t.numbers("batch_sharpness_err");
    for (std::size_t r = 0; r < v.size() && r < step.size(); ++r)
      if (std::isfinite(step[r]) && std::isfinite(v[r])) {
        sb.x.push_back(step[r]);
        sb.y.push_back(v[r]);
        sb.err.push_back(std::isfinite(e[r]) ? e[r] : 0.0);
      }
    const std::size_t lam_at = sharp.series.size();
    sharp.series.push_back(std::move(lam));
    if (!sb.x.empty()) sharp.series.push_back(std::move(sb));
    Series l{.title = title, .color = c};
    add_points(l, step, t.numbers("full_loss"), kTracePoints);
    if (!l.x.empty()) loss.series.push_back(std::move(l));
    else sharp.series[lam_at].title = title;  // no loss panel: the runs are named above
  }
  for (double h : etas) {
    const std::string at = etas.size() > 1 ? fmt(" (η = %.4g)", h) : "";
    const Color ink = etas.size() > 1 ? eta_color.at(h) : Color{Color::Role::Ink};
    const Color muted = etas.size() > 1 ? ink : Color{Color::Role::Muted};
    sharp.series.push_back(level(x0, x1, 2 / h, "2/η" + at, ink, Dash::Dashed));
    for (double b : betas) {
      sharp.series.push_back(level(x0, x1, 2 * (1 + b) / h, fmt("2(1+β)/η, β = %.3g", b) + at, muted, Dash::Dotted));
      sharp.series.push_back(level(x0, x1, 2 * (1 - b) / h, fmt("2(1−β)/η, β = %.3g", b) + at, muted, Dash::Dashed));
    }
  }
  sharp.keys.push_back({.title = "λ_max, full-batch Hessian", .color = {Color::Role::Muted}, .dash = Dash::Solid});
  sharp.keys.push_back({.title = "batch sharpness E_B[g·Hg/‖g‖²] ± SE", .color = {Color::Role::Muted}});
  Figure f{.about = "eos-sweep trace --overlay of minibatch runs: λ_max and the batch sharpness against the step",
           .title = "edge of stochastic stability: λ_max and batch sharpness against the step",
           .subtitle = std::to_string(traces.size()) + " runs" +
                       (!sources.empty() && sources.front().model ? " of model " + sources.front().model->name : "") +
                       (etas.size() == 1 ? fmt(", η = %.4g", *etas.begin()) : ""),
           .width = 900,
           .height = 800};
  f.panels = {std::move(sharp)};
  if (!loss.series.empty()) f.panels.push_back(std::move(loss));
  return f;
}

}  // namespace eos
