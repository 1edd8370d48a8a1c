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
  // The sharpness the method is judged by over its edge level (η·S/2 for GD), of the three.
  double edge_final = kNaN, edge_tail = kNaN, edge_max = kNaN;
  double edge_level = kNaN;  // the method's edge level (2/η for GD; gd/method.h)
  double psharpness_final = kNaN, psharpness_tail = kNaN, psharpness_max = kNaN;  // adaptive methods: λ₁(P^{−½}HP^{−½})
  long first_edge_step = -1, edge_samples = 0, sharpness_samples = 0;
  double step_edge_max = kNaN, step_edge_tail = kNaN;  // η·c/2, c the secant curvature along a step
  double mid_edge_max = kNaN;                          // η·S/2 at overshoot midpoints
  long mid_checks = 0;
  std::optional<double> hvps_per_estimate;             // set when Lanczos ran
  std::optional<double> solver_check_diff;             // set with solver = check
  // Companions (flows): how well the central flow predicted the run over its edge part (from the
  // first step at which it predicts an oscillation, σ² > 0, on), and where the flows ended (NaN
  // when not run).
  double cf_loss_err = kNaN;       // largest |⟨cf_loss⟩ − ⟨L_GD⟩| over windows of cf_window steps,
                                   // over ⟨L_GD⟩ in the first window (the edge part's start)
  double cf_sharpness_err = kNaN;  // largest |η·S_CF/2 − 1| over the edge part
  double cf_dist_final = kNaN, gf_dist_final = kNaN;  // ‖θ_GD − w_CF‖, ‖θ_GD − θ_GF‖ at the end
  double cf_gf_ratio = kNaN;       // cf_dist_final / gf_dist_final
  long cf_edge_step = -1;          // the edge part's first step (−1: none)
  double cf_hvps_per_step = kNaN, cf_thirds_per_step = kNaN;  // the central flow's cost
  // Minibatches (gd/minibatch.h), at samples: the batch sharpness S_B (its last estimate's standard
  // error), the full-batch loss, the largest (S_B − 2·SE)/edge level (the minibatch regime rule)
  // and the Monte Carlo batches an estimate took on average.
  double batch_sharpness_final = kNaN, batch_sharpness_tail = kNaN, batch_sharpness_max = kNaN;
  double batch_sharpness_err = kNaN;
  double full_loss_final = kNaN, full_loss_tail = kNaN, full_loss_max = kNaN;
  double batch_edge_low_max = kNaN, bs_batches_mean = kNaN;
};

// Every field of the statistics, in one order, for what writes and reads them all (the MPI wire,
// checkpoints): f(field) for each. A field added to RunStats is added here, and nowhere else.
template <class Stats, class F>
void for_each_field(Stats& s, F&& f) {
  f(s.regime), f(s.steps_run), f(s.diverged_step), f(s.loss_final), f(s.loss_max), f(s.loss_rises);
  f(s.last_rise_step), f(s.grad_norm_final), f(s.converged), f(s.sharpness_final), f(s.sharpness_tail);
  f(s.sharpness_max), f(s.edge_final), f(s.edge_tail), f(s.edge_max), f(s.edge_level), f(s.psharpness_final);
  f(s.psharpness_tail), f(s.psharpness_max), f(s.first_edge_step), f(s.edge_samples), f(s.sharpness_samples);
  f(s.step_edge_max), f(s.step_edge_tail), f(s.mid_edge_max), f(s.mid_checks), f(s.hvps_per_estimate);
  f(s.solver_check_diff), f(s.cf_loss_err), f(s.cf_sharpness_err), f(s.cf_dist_final), f(s.gf_dist_final);
  f(s.cf_gf_ratio), f(s.cf_edge_step), f(s.cf_hvps_per_step), f(s.cf_thirds_per_step);
  f(s.batch_sharpness_final), f(s.batch_sharpness_tail), f(s.batch_sharpness_max), f(s.batch_sharpness_err);
  f(s.full_loss_final), f(s.full_loss_tail), f(s.full_loss_max), f(s.batch_edge_low_max), f(s.bs_batches_mean);
}

// What certifies, for a run's method, that it went beyond its edge (gd/method.h): a loss rise
// does for GD alone (below the edge a GD step cannot raise the loss; a momentum or adaptive step
// can); nothing does for gradient flow, which has no edge.
struct EdgeRule {
  bool loss_rises = true;  // a rise of the loss counts
  bool sharpness = true;   // the sharpness, at samples, along steps and at midpoints, counts
  bool batch = false;      // a minibatch run: its batch sharpness above the edge level by more
                           // than two standard errors at a sample counts (and nothing else)
};

// The run went beyond the edge of stability: the loss rose between steps (where the rule counts
// it), or the sharpness it is judged by exceeded its edge level — at a sample, along a step (the
// secant curvature) or at an overshoot's midpoint. Holds for statistics still being gathered
// (unset maxima are NaN or −∞).
bool beyond_edge(const RunStats& s, const EdgeRule& rule = {});
// The regime rule: diverged, else eos when beyond_edge, else gf.
Regime classify(const RunStats& s, const EdgeRule& rule = {});

// Columns added since 0.1 belong to a group that a results file holds only when its job uses it,
// so that the rows of a job that does not are what they always were.
enum class ColumnGroup {
  Base,    // every results file
  Method,  // a job that gives a method key (method, momentum, …): edge_level, psharpness_*
  Flows,   // a job that gives a companion key (flows, cf_…): cf_loss_err, cf_dist_final, …
  Batch,   // a job that gives a batch key (batch_size, …): batch_sharpness_*, full_loss_*, …
};

// One of the runner's result columns.
struct RunColumn {
  const char* name;
  const char* label;  // for figures and help texts
  double level;       // a reference value worth drawing (1 for S/edge level: the edge); NaN for none
  Field (*value)(const RunStats&);
  ColumnGroup group = ColumnGroup::Base;
  const char* method_label = nullptr;  // the label in a results file with methods, when it differs
};

// The runner's result columns, in the order of the results file.
const std::vector<RunColumn>& run_columns();
// The column called name, or null.
const RunColumn* find_run_column(const std::string& name);

}  // namespace eos
