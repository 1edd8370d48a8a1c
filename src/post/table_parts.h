// Pieces shared by the heatmap and line-plot builders of phase tables (src/post only).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "eos/model/model.h"
#include "eos/post/aggregate.h"
#include "eos/post/figure.h"

namespace eos {

// The numeric value of key i of a cell (throws InputError naming the axis when it is not a number).
double key_number(const AggregateTable& t, const Cell& c, std::size_t i);

// The table's model, or null when this eos-sweep does not know it.
const ModelInfo* table_model(const AggregateTable& t);

// The label of a parameter or result column of the table's model.
std::string param_label(const AggregateTable& t, const std::string& name);

// The label of the value: its column's ("final bias b"), or "fraction of regime = eos" (ValueSpec::label).
std::string value_label(const AggregateTable& t);

// "mean over 4 seeds", "mean over 3–4 seeds", "mean over 8 runs (d, seed)", "of 40 seeds" (a
// fraction); "" for one run per point: what the value of a point is.
std::string statistic(const AggregateTable& t);
// The value's label with its statistic: "final bias b, mean over 4 seeds" (a colour bar) or, with
// spread, "final bias b (mean ± std over 4 seeds)" (the value axis of a line plot).
std::string value_axis_label(const AggregateTable& t, bool spread);

// "η·S_max/2 = 1": the legend of the value's reference level.
std::string level_legend(const AggregateTable& t, double level);

// The zoom of a one-axis figure f (its first panel) around its lines' thresholds, into f.insets:
// series_star holds the threshold of each of the panel's series (η* on an η axis, 1 on an η/η*
// axis). Throws InputError when a threshold is unknown or no line has points near it.
void add_threshold_inset(Figure& f, const AggregateTable& t, const std::vector<double>& series_star);

// The smallest and largest of the values added (infinite when none were).
struct Extent {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

}  // namespace eos
