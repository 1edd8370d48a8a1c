// Phase boundaries from results: along one axis, every line of points (the rows that differ only
// in that axis) is sorted and wherever two neighbours are in different phases the bracket
// [lower, upper] is a boundary, its estimate the bracket's geometric mean on a positive axis.
// Boundaries are summarised over seeds per value of a --by axis, against the model's theory, and
// fitted by a power law estimate = C·by^(−p) with 95% intervals. Works on refined sweeps and on
// dense grids alike.
#pragma once
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "eos/grid/refine.h"
#include "eos/post/aggregate.h"
#include "eos/post/figure.h"
#include "eos/post/results_set.h"

namespace eos {

struct BoundaryOptions {
  std::string along;  // the axis ("": the job's refine_axis, else eta_rel when the job gave it, else eta)
  std::string by;     // the summary's axis ("": the first line axis that varies and is not a seed)
  std::string value;  // the phase: a column or "COLUMN OP NUMBER" ("": the job's refine, else regime)
  // The job of the results (from the manifest), to know which columns were given and which derived.
  std::map<std::string, std::string> job;
};

// One change of phase on one line.
struct Boundary {
  std::vector<std::string> line;  // values of BoundaryTable::line_axes
  double lower = 0, upper = 0, estimate = 0;
  std::string below, above;       // the phases at lower and at upper
  long points = 0;                // points on the line
  double theory = std::numeric_limits<double>::quiet_NaN();  // η* (or 1 along eta_rel); NaN: none
};

struct BoundaryTable {
  std::string model, along, by;
  RefineSpec phase;                    // what defines the phase
  bool geometric = true;               // the axis is positive: estimates are geometric means
  std::vector<std::string> line_axes;  // the columns that name a line (those that vary)
  std::vector<Boundary> rows;          // sorted by line, then lower
  std::size_t lines = 0, rows_used = 0;
  // The model's keys as on the first row, for evaluating the theory along the by axis.
  std::vector<std::pair<std::string, std::string>> base;
};

// The boundaries of a result set (throws InputError: an unknown axis or column, a predicate on a
// text column, an axis that is not a number on some row).
BoundaryTable find_boundaries(const ResultSet& set, const BoundaryOptions& o);

// The estimates of one change (phases below → above) at one value of the by axis, over the
// lines that differ in the other axes (seeds).
struct BoundarySummary {
  std::vector<std::string> group;  // by value, then the other line axes that are not seeds
  std::string below, above;
  double by = 0;
  Stats stats;
  double theory = std::numeric_limits<double>::quiet_NaN();
};
std::vector<BoundarySummary> summarize_boundaries(const BoundaryTable& t);
// The by axis and the other non-seed line axes, in BoundarySummary::group order.
std::vector<std::string> summary_axes(const BoundaryTable& t);

// estimate = C·by^(−p) by least squares on logs over every boundary of one change (and one value
// of the other non-seed axes), with 95% intervals from Student's t on n − 2 degrees of freedom.
struct PowerFit {
  std::vector<std::string> group;  // the other non-seed line axes' values
  std::string below, above;
  long n = 0;                      // boundaries fitted
  long by_values = 0;              // distinct by values among them
  double p = 0, p_lo = 0, p_hi = 0, c = 0, c_lo = 0, c_hi = 0, r2 = 0;
};
// Fits of every change with boundaries at 3 or more positive by values.
std::vector<PowerFit> fit_power_laws(const BoundaryTable& t);

// The tables as CSV.
std::string boundary_csv(const BoundaryTable& t);
std::string summary_csv(const BoundaryTable& t, const std::vector<BoundarySummary>& s);
std::string fit_csv(const BoundaryTable& t, const std::vector<PowerFit>& f);
// "regime gf → eos: estimate = 25.3·d^(−2.01); p = 2.01 [1.95, 2.07], C = 25.3 [21.0, 30.4] (95%, n = 9)"
std::string fit_line(const BoundaryTable& t, const PowerFit& f);

// A refined sweep's coarse grid: the rows refinement added (refine_depth > 0) left out, so that a
// phase table's cells sit on the grid. Returns how many rows were left out (0 for other sweeps).
std::size_t keep_coarse_grid(ResultSet& set);

// Every line's boundary estimate as a point over the heatmap of a phase table whose axes are the
// refine axis and another axis of the lines (a series added to the first panel). False, and
// nothing added, when the table's axes are not such a pair.
bool add_boundary_points(Figure& f, const AggregateTable& t, const BoundaryTable& b);

// The estimates against the by axis: mean ± std per value, every line's estimate as a small mark,
// the model's theory (η* along the by axis, or 1 along eta_rel) and the fitted power law.
Figure boundary_figure(const BoundaryTable& t, const std::vector<BoundarySummary>& s, const std::vector<PowerFit>& f,
                       const ModelInfo* model);

}  // namespace eos
