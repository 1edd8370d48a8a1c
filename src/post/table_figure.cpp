// Phase-table figures: the choice of heatmap or lines, titles and labels shared by both.
#include "eos/post/table_figure.h"

#include <algorithm>
#include <cmath>

#include "eos/io/schema.h"
#include "eos/model/registry.h"
#include "eos/post/value_spec.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"
#include "table_parts.h"

namespace eos {

double key_number(const AggregateTable& t, const Cell& c, std::size_t i) {
  double v = 0;
  if (!finite_number(c.key[i], v)) {
    const std::string flag = i == 0 ? "--x " : i == 1 && t.axes.size() == 2 ? "--y " : "";
    throw InputError(flag + t.keys()[i] + ": value '" + c.key[i] + "' is not a number; cannot draw it on an axis");
  }
  return v;
}

const ModelInfo* table_model(const AggregateTable& t) { return find_model(t.model); }

std::string param_label(const AggregateTable& t, const std::string& name) { return column_label(table_model(t), name); }

std::string value_label(const AggregateTable& t) { return t.value.label.empty() ? t.value.column : t.value.label; }

std::string level_legend(const AggregateTable& t, double level) { return value_label(t) + " = " + format_double(level); }

// "4" or "3-4": the runs behind each point.
std::string runs_per_point(const AggregateTable& t) {
  long lo = -1, hi = -1;
  for (const auto& c : t.cells) {
    lo = lo < 0 ? c.stats.count : std::min(lo, c.stats.count);
    hi = std::max(hi, c.stats.count);
  }
  return lo == hi ? std::to_string(lo) : std::to_string(lo) + "–" + std::to_string(hi);
}

// "4 seeds", "8 runs (d, seed)": what a point averages; "" for one run per point.
std::string runs_phrase(const AggregateTable& t) {
  if (t.over.empty()) return "";
  const std::string n = runs_per_point(t);
  return t.over.size() == 1 && t.over[0] == "seed" ? n + " seeds" : n + " runs (" + join(t.over, ", ") + ")";
}

std::string statistic(const AggregateTable& t) {
  const std::string runs = runs_phrase(t);
  return runs.empty() ? "" : (t.value.fraction ? "of " : "mean over ") + runs;
}

std::string value_axis_label(const AggregateTable& t, bool spread) {
  const std::string runs = runs_phrase(t);
  if (runs.empty()) return value_label(t);
  if (!spread) return value_label(t) + ", " + statistic(t);
  return value_label(t) + (t.value.fraction ? " (of " + runs + ", ± std)" : " (mean ± std over " + runs + ")");
}

std::string table_title(const AggregateTable& t) {
  std::string s = t.model + ": " + value_label(t);
  if (t.axes.size() == 2) return s + " over " + param_label(t, t.axes[0]) + " and " + param_label(t, t.axes[1]);
  return s + " against " + param_label(t, t.axes[0]);
}

namespace {

// Does a reader need the fixed model key k = v? Not a replicate (seed), nor a key that does not
// change the result (path), nor a setting at its default that is no sweep axis (n_test = 2000).
bool worth_naming(const AggregateTable& t, const std::string& k, const std::string& v) {
  if (v.empty() || is_replicate_key(k) || std::find(t.model_keys.begin(), t.model_keys.end(), k) == t.model_keys.end())
    return false;
  const ModelInfo* model = table_model(t);
  const KeySpec* spec = model ? find_key(model->keys, k) : nullptr;
  return !spec || (spec->in_id && (spec->axis || !same_value(v, spec->default_value)));
}

}  // namespace

std::string table_subtitle(const AggregateTable& t) {
  std::vector<std::string> fixed;
  for (const auto& [k, v] : t.constants)
    if (worth_naming(t, k, v) && fixed.size() < 6) fixed.push_back(param_label(t, k) + " = " + v);
  const std::string steps = t.param(t.cells.front(), "steps");
  if (std::any_of(t.constants.begin(), t.constants.end(), [](const auto& kv) { return kv.first == "steps"; }))
    fixed.push_back(param_label(t, "steps") + " = " + steps);
  else if (std::isfinite(t.horizon))
    fixed.push_back(param_label(t, "horizon") + " = " + format_double(t.horizon));
  return join(fixed, ", ");
}

Figure table_figure(const AggregateTable& t, const TableFigureOptions& o) {
  if (t.cells.empty()) throw InputError("nothing to draw: the table is empty");
  if (o.inset && t.axes.size() == 2) throw InputError("--inset: a zoom of a line plot; a heatmap (--y) has none");
  return t.axes.size() == 2 ? heatmap_figure(t, o) : lines_figure(t, o);
}

}  // namespace eos
