// What a GD run reports: the run statistics as a typed record, the regime rule as a pure
// function of them, and the runner's result columns — the one place their names, labels and
// order are written.
#pragma once
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "eos/util/field.h"

namespace eos {

enum class Regime { Gf, Eos, Diverged, Error };

// "gf", "eos", "diverged", "error".
const char* regime_name(Regime r);

struct RunStats {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Regime regime = Regime::Gf;
  long steps_run = 0;
  std::optional<long> diverged_step;     // set when the run diverged
  double loss_final = kNaN;              // the last finite training loss
  double loss_max = kNaN;
  long loss_rises = 0;
  long last_rise_step = -1;
  double grad_norm_final = kNaN;
  std::optional<bool> converged;         // set when stop_grad_tol > 0
  double sharpness_final = kNaN, sharpness_tail = kNaN, sharpness_max = kNaN;
  double edge_final = kNaN, edge_tail = kNaN, edge_max = kNaN;  // η·S/2 of the three
  long first_edge_step = -1, edge_samples = 0, sharpness_samples = 0;
  double step_edge_max = kNaN, step_edge_tail = kNaN;  // η·c/2, c the secant curvature along a step
  double mid_edge_max = kNaN;                          // η·S/2 at overshoot midpoints
  long mid_checks = 0;
  std::optional<double> hvps_per_estimate;             // set when Lanczos ran
  std::optional<double> solver_check_diff;             // set with solver = check
};

// The run went beyond the edge of stability: the loss rose between steps, the secant curvature
// along a step exceeded 2/η, a sampled sharpness did, or the sharpness at an overshoot's
// midpoint did. Holds for statistics still being gathered (unset maxima are NaN or −∞).
bool beyond_edge(const RunStats& s);
// The regime rule: diverged, else eos when beyond_edge, else gf.
Regime classify(const RunStats& s);

// One of the runner's result columns.
struct RunColumn {
  const char* name;
  const char* label;  // for figures and help texts
  double level;       // a reference value worth drawing (1 for η·S/2: the edge); NaN for none
  Field (*value)(const RunStats&);
};

// The runner's result columns, in the order of the results file.
const std::vector<RunColumn>& run_columns();
// The column called name, or null.
const RunColumn* find_run_column(const std::string& name);

}  // namespace eos
