// Phase-table figures: the choice of heatmap or lines, titles and labels shared by both.
#include "eos/post/table_figure.h"

#include <algorithm>

#include "eos/io/schema.h"
#include "eos/model/registry.h"
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

std::string table_title(const AggregateTable& t) {
  long lo = -1, hi = -1;
  for (const auto& c : t.cells) {
    lo = lo < 0 ? c.stats.count : std::min(lo, c.stats.count);
    hi = std::max(hi, c.stats.count);
  }
  const std::string runs = lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  std::string s = value_label(t);
  if (!t.over.empty()) s = (t.value.fraction ? "" : "mean of ") + s + " over " + join(t.over, ", ");
  return s + " (" + runs + (hi == 1 ? " run" : " runs") + " per point)";
}

std::string table_subtitle(const AggregateTable& t) {
  std::vector<std::string> fixed;
  for (const auto& [k, v] : t.constants) {
    const bool model_key = std::find(t.model_keys.begin(), t.model_keys.end(), k) != t.model_keys.end();
    if (model_key && !v.empty() && fixed.size() < 6) fixed.push_back(param_label(t, k) + " = " + v);
  }
  return t.model + (fixed.empty() ? "" : ": " + join(fixed, ", "));
}

Figure table_figure(const AggregateTable& t, const TableFigureOptions& o) {
  if (t.cells.empty()) throw InputError("nothing to draw: the table is empty");
  return t.axes.size() == 2 ? heatmap_figure(t, o) : lines_figure(t, o);
}

}  // namespace eos
