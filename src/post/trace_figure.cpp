// Trace figures: the point a trace belongs to, its default panels, and stacked panels against
// the step.
#include "eos/post/trace_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "eos/io/results_file.h"
#include "eos/io/results_store.h"
#include "eos/io/schema.h"
#include "eos/model/registry.h"
#include "eos/post/aggregate.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

// A number with 4 significant digits, for titles; text as it is.
std::string short_number(const std::string& v) {
  double x = 0;
  if (!finite_number(v, x)) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// The title "sparse-relu: per-step trace, regime gf" and the subtitle "d = 30, η = 0.008378
// (id ...)": the parameters that vary in the results file, and η.
void name_point(TraceSource& s, const ResultsTable& t, const std::vector<std::string>& row) {
  std::vector<std::string> params;
  for (const auto& k : parameter_columns(t.header)) {
    const auto c = static_cast<std::size_t>(t.column(k));
    bool varies = k == "eta";
    for (const auto& r : t.rows) varies = varies || r[c] != row[c];
    if (varies && k != "steps" && k != "eta_star") params.push_back(column_label(s.model, k) + " = " + short_number(row[c]));
  }
  const int regime = t.column("regime");
  Params p;
  for (const auto& k : parameter_columns(t.header)) p.set(k, row[static_cast<std::size_t>(t.column(k))]);
  s.method = method_label(s.model, p);
  double x = 0;
  if (p.has("batch_size") && finite_number(p.text("batch_size"), x)) s.batch_size = x;
  if (p.has("momentum") && p.has("method") && (p.text("method") == "polyak" || p.text("method") == "nesterov") &&
      finite_number(p.text("momentum"), x))
    s.momentum = x;
  s.title = row[1] + ": per-step trace" + (s.method.empty() ? "" : " (" + s.method + ")") +
            (regime >= 0 ? ", regime " + row[static_cast<std::size_t>(regime)] : "");
  s.subtitle = join(params, ", ") + "   (id " + row[0] + ")";
}

// A level against the step (2/η, an edge level): two points when it is constant, as it is within a
// run.
Series level_series(const std::vector<double>& step, const std::vector<double>& v, const std::string& title) {
  Series s{.title = title, .color = {Color::Role::Ink}, .dash = Dash::Dashed};
  const bool constant = std::adjacent_find(v.begin(), v.end(), std::not_equal_to<>()) == v.end();
  if (constant && v.size() >= 2 && std::isfinite(v.front())) {
    s.x = {step.front(), step.back()};
    s.y = {v.front(), v.back()};
  } else {
    add_points(s, step, v, kTracePoints);
  }
  return s;
}

// The panel of one column.
Panel trace_panel(const TraceTable& t, const std::string& name, std::size_t index, const std::vector<double>& step,
                  const TraceSource& source, bool log_loss) {
  Panel p{.legend = Legend::Inside, .grid = true};
  p.x = {.label = trace_column_label(source.model, "step")};
  p.y = {.label = trace_column_label(source.model, name), .log = name == "loss" && log_loss, .pad_low = 0.08,
         .pad_high = 0.08};
  const std::vector<double> v = t.numbers(name);
  if (name == "sharpness" || name == "psharpness") {
    p.y.pad_high = 0.35;  // room for the legend above the curves
    Series s{.title = trace_column_label(source.model, name), .color = {Color::Role::Cycle, 1}};
    add_points(s, step, v, kTracePoints);
    p.series.push_back(std::move(s));
    // The level this sharpness is judged against: the method's edge level (psharpness, or the
    // sharpness of a momentum method), else 2/η.
    const bool edge = t.column("edge_level") >= 0 && (name == "psharpness" || t.column("psharpness") < 0);
    const std::string title = edge ? "edge level of " + source.method : trace_column_label(source.model, "two_over_eta");
    p.series.push_back(level_series(step, t.numbers(edge ? "edge_level" : "two_over_eta"), title));
    return p;
  }
  Series s{.color = {Color::Role::Cycle, static_cast<int>(index)}};
  add_points(s, step, v, kTracePoints);
  p.series.push_back(std::move(s));
  return p;
}

}  // namespace

TraceSource trace_source(const std::string& path) {
  const fs::path trace(path);
  TraceSource s{.id = trace.stem().string()};
  s.title = s.id;
  const auto sweep = ResultsStore::sweep_of_trace(path);
  if (!sweep) return s;
  try {
    for (const auto& f : find_results_files({*sweep})) {
      const ResultsTable t = read_results(f);
      for (const auto& row : t.rows)
        if (row.size() >= 2 && row[0] == s.id) {
          s.model = find_model(row[1]);
          name_point(s, t, row);
          return s;
        }
    }
  } catch (const std::exception&) {
    // No readable results: the id alone.
  }
  return s;
}

std::string method_label(const ModelInfo* model, const Params& p) {
  if (!p.has("method") || p.text("method") == "gd") return "";
  const std::string m = p.text("method");
  auto key = [&](const char* k) { return p.has(k) ? column_label(model, k) + " = " + p.text(k) : std::string(); };
  if (m == "polyak" || m == "nesterov") return m + ", " + key("momentum");
  if (m == "adam") return m + ", " + key("beta1") + (p.has("bias_correction") && p.text("bias_correction") == "off"
                                                         ? ", no bias correction" : "");
  return m;
}

std::vector<std::string> default_trace_panels(const ModelInfo* model, const std::vector<std::string>& columns) {
  auto has = [&](const std::string& c) { return std::find(columns.begin(), columns.end(), c) != columns.end(); };
  std::vector<std::string> p;
  if (model && !model->trace_panels.empty() && std::all_of(model->trace_panels.begin(), model->trace_panels.end(), has)) {
    p = model->trace_panels;
    const auto s = std::find(p.begin(), p.end(), "sharpness");
    if (has("psharpness")) p.insert(s == p.end() ? s : s + 1, "psharpness");
    return p;
  }
  for (const char* c : {"loss", "sharpness"})
    if (has(c)) p.push_back(c);
  const auto& fixed = trace_fixed_columns();
  for (const auto& c : columns)
    if (std::find(fixed.begin(), fixed.end(), c) == fixed.end() && c != "edge_level") p.push_back(c);
  return p;
}

bool spans_decades(const std::vector<std::vector<double>>& series) {
  double lo = INFINITY, hi = 0;
  for (const auto& v : series)
    for (double x : v)
      if (x > 0 && std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  return hi > 20 * lo;
}

void add_points(Series& s, const std::vector<double>& x, const std::vector<double>& y, std::size_t max_points) {
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < y.size() && i < x.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) keep.push_back(i);
  const std::size_t n = keep.size(), stretches = max_points > 4 ? (max_points - 2) / 2 : 1;
  auto add = [&](std::size_t i) {
    if (!s.x.empty() && s.x.back() == x[i] && s.y.back() == y[i]) return;
    s.x.push_back(x[i]);
    s.y.push_back(y[i]);
  };
  if (n <= max_points) {
    for (std::size_t i : keep) add(i);
    return;
  }
  add(keep.front());
  for (std::size_t b = 0; b < stretches; ++b) {
    const auto first = keep.begin() + static_cast<long>(b * n / stretches);
    const auto last = keep.begin() + static_cast<long>((b + 1) * n / stretches);
    const auto [lo, hi] = std::minmax_element(first, last, [&](std::size_t i, std::size_t j) { return y[i] < y[j]; });
    add(std::min(*lo, *hi));
    if (*lo != *hi) add(std::max(*lo, *hi));
  }
  add(keep.back());
}

Figure trace_figure(const TraceTable& t, const std::vector<std::string>& panels, const TraceSource& source,
                    const std::string& what) {
  if (panels.empty()) throw InputError(what + ": no panels to draw");
  for (const auto& p : panels)
    if (t.column(p) < 0 || p == "step") throw InputError("--panels: no column '" + p + "' in " + what);
  const std::vector<double> step = t.numbers("step");
  const bool log_loss = t.column("loss") >= 0 && spans_decades({t.numbers("loss")});
  const int n = static_cast<int>(panels.size());
  Figure f{.about = "eos-sweep trace: per-step trace " + source.id + " as stacked panels against the step",
           .title = source.title, .subtitle = source.subtitle, .width = 900, .height = 160 + 190 * n};
  for (std::size_t i = 0; i < panels.size(); ++i) f.panels.push_back(trace_panel(t, panels[i], i, step, source, log_loss));
  return f;
}

}  // namespace eos
