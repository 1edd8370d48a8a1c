// The regime rule and the runner's result columns.
#include "eos/gd/stats.h"

namespace eos {

const char* regime_name(Regime r) {
  switch (r) {
    case Regime::Gf: return "gf";
    case Regime::Eos: return "eos";
    case Regime::Diverged: return "diverged";
    case Regime::Error: return "error";
  }
  return "?";
}

bool beyond_edge(const RunStats& s, const EdgeRule& rule) {
  return (rule.loss_rises && s.loss_rises > 0) ||
         (rule.sharpness && (s.step_edge_max > 1 || s.mid_edge_max > 1 || s.edge_max > 1)) ||
         (rule.batch && s.batch_edge_low_max > 1);
}

Regime classify(const RunStats& s, const EdgeRule& rule) {
  if (s.diverged_step) return Regime::Diverged;
  return beyond_edge(s, rule) ? Regime::Eos : Regime::Gf;
}

namespace {

constexpr double kNone = RunStats::kNaN;

template <class T>
Field maybe(const std::optional<T>& v) {
  if (!v) return {};
  if constexpr (std::is_same_v<T, bool>) return static_cast<long>(*v);
  else return *v;
}

}  // namespace

const std::vector<RunColumn>& run_columns() {
  static const std::vector<RunColumn> cols = {
      {"regime", "regime", kNone, [](const RunStats& s) -> Field { return std::string(regime_name(s.regime)); }},
      {"steps_run", "GD steps run", kNone, [](const RunStats& s) -> Field { return s.steps_run; }},
      {"diverged_step", "step of divergence", kNone, [](const RunStats& s) { return maybe(s.diverged_step); }},
      {"loss_final", "final training loss", kNone, [](const RunStats& s) -> Field { return s.loss_final; }},
      {"loss_max", "largest training loss", kNone, [](const RunStats& s) -> Field { return s.loss_max; }},
      {"loss_rises", "steps with a loss rise", kNone, [](const RunStats& s) -> Field { return s.loss_rises; }},
      {"last_rise_step", "last step with a loss rise", kNone,
       [](const RunStats& s) -> Field { return s.last_rise_step; }},
      {"grad_norm_final", "final gradient norm ‖∇L‖", kNone,
       [](const RunStats& s) -> Field { return s.grad_norm_final; }},
      {"converged", "converged", kNone, [](const RunStats& s) { return maybe(s.converged); }},
      {"sharpness_final", "final sharpness S", kNone, [](const RunStats& s) -> Field { return s.sharpness_final; }},
      {"sharpness_tail", "sharpness S (tail mean)", kNone, [](const RunStats& s) -> Field { return s.sharpness_tail; }},
      {"sharpness_max", "largest sharpness S_max", kNone, [](const RunStats& s) -> Field { return s.sharpness_max; }},
      {"psharpness_final", "final preconditioned sharpness λ₁(P⁻¹H)", kNone,
       [](const RunStats& s) -> Field { return s.psharpness_final; }, ColumnGroup::Method},
      {"psharpness_tail", "preconditioned sharpness λ₁(P⁻¹H) (tail mean)", kNone,
       [](const RunStats& s) -> Field { return s.psharpness_tail; }, ColumnGroup::Method},
      {"psharpness_max", "largest preconditioned sharpness λ₁(P⁻¹H)", kNone,
       [](const RunStats& s) -> Field { return s.psharpness_max; }, ColumnGroup::Method},
      {"edge_final", "η·S_final/2", 1.0, [](const RunStats& s) -> Field { return s.edge_final; }, ColumnGroup::Base,
       "S_final/edge level"},
      {"edge_tail", "η·S_tail/2", 1.0, [](const RunStats& s) -> Field { return s.edge_tail; }, ColumnGroup::Base,
       "S_tail/edge level"},
      {"edge_max", "η·S_max/2", 1.0, [](const RunStats& s) -> Field { return s.edge_max; }, ColumnGroup::Base,
       "S_max/edge level"},
      {"edge_level", "edge level (2/η for GD)", kNone, [](const RunStats& s) -> Field { return s.edge_level; },
       ColumnGroup::Method},
      {"first_edge_step", "first step with η·S/2 ≥ 1", kNone,
       [](const RunStats& s) -> Field { return s.first_edge_step; }, ColumnGroup::Base, "first step at the edge level"},
      {"edge_samples", "samples with η·S/2 ≥ 1", kNone, [](const RunStats& s) -> Field { return s.edge_samples; },
       ColumnGroup::Base, "samples at or above the edge level"},
      {"sharpness_samples", "sharpness samples", kNone, [](const RunStats& s) -> Field { return s.sharpness_samples; }},
      {"step_edge_max", "largest η·c/2 along a step", kNone, [](const RunStats& s) -> Field { return s.step_edge_max; },
       ColumnGroup::Base, "largest c/edge level along a step"},
      {"step_edge_tail", "η·c/2 along a step (tail mean)", kNone,
       [](const RunStats& s) -> Field { return s.step_edge_tail; }, ColumnGroup::Base,
       "c/edge level along a step (tail mean)"},
      {"mid_edge_max", "largest η·S/2 at an overshoot midpoint", kNone,
       [](const RunStats& s) -> Field { return s.mid_edge_max; }, ColumnGroup::Base,
       "largest S/edge level at an overshoot midpoint"},
      {"mid_checks", "midpoint checks", kNone, [](const RunStats& s) -> Field { return s.mid_checks; }},
      {"hvps_per_estimate", "HVPs per Lanczos estimate", kNone,
       [](const RunStats& s) { return maybe(s.hvps_per_estimate); }},
      {"solver_check_diff", "dense vs Lanczos relative difference", kNone,
       [](const RunStats& s) { return maybe(s.solver_check_diff); }},
      {"cf_loss_err", "central flow's loss error (largest window, relative)", kNone,
       [](const RunStats& s) -> Field { return s.cf_loss_err; }, ColumnGroup::Flows},
      {"cf_sharpness_err", "central flow's largest |η·S/2 − 1| at the edge", kNone,
       [](const RunStats& s) -> Field { return s.cf_sharpness_err; }, ColumnGroup::Flows},
      {"cf_dist_final", "final ‖θ_GD − w_CF‖", kNone, [](const RunStats& s) -> Field { return s.cf_dist_final; },
       ColumnGroup::Flows},
      {"gf_dist_final", "final ‖θ_GD − θ_GF‖", kNone, [](const RunStats& s) -> Field { return s.gf_dist_final; },
       ColumnGroup::Flows},
      {"cf_gf_ratio", "‖θ_GD − w_CF‖ / ‖θ_GD − θ_GF‖ at the end", kNone,
       [](const RunStats& s) -> Field { return s.cf_gf_ratio; }, ColumnGroup::Flows},
      {"cf_edge_step", "first step the central flow predicts an oscillation", kNone,
       [](const RunStats& s) -> Field { return s.cf_edge_step; }, ColumnGroup::Flows},
      {"cf_hvps_per_step", "central flow: HVPs per step", kNone,
       [](const RunStats& s) -> Field { return s.cf_hvps_per_step; }, ColumnGroup::Flows},
      {"cf_thirds_per_step", "central flow: third-derivative products per step", kNone,
       [](const RunStats& s) -> Field { return s.cf_thirds_per_step; }, ColumnGroup::Flows},
      {"batch_sharpness_final", "final batch sharpness S_B", kNone,
       [](const RunStats& s) -> Field { return s.batch_sharpness_final; }, ColumnGroup::Batch},
      {"batch_sharpness_tail", "batch sharpness S_B (tail mean)", kNone,
       [](const RunStats& s) -> Field { return s.batch_sharpness_tail; }, ColumnGroup::Batch},
      {"batch_sharpness_max", "largest batch sharpness S_B", kNone,
       [](const RunStats& s) -> Field { return s.batch_sharpness_max; }, ColumnGroup::Batch},
      {"batch_sharpness_err", "standard error of the last S_B estimate", kNone,
       [](const RunStats& s) -> Field { return s.batch_sharpness_err; }, ColumnGroup::Batch},
      {"batch_edge_low_max", "largest (S_B − 2·SE)/edge level at a sample", kNone,
       [](const RunStats& s) -> Field { return s.batch_edge_low_max; }, ColumnGroup::Batch},
      {"bs_batches_mean", "batches per S_B estimate (mean)", kNone,
       [](const RunStats& s) -> Field { return s.bs_batches_mean; }, ColumnGroup::Batch},
      {"full_loss_final", "final full-batch training loss", kNone,
       [](const RunStats& s) -> Field { return s.full_loss_final; }, ColumnGroup::Batch},
      {"full_loss_tail", "full-batch training loss (tail mean)", kNone,
       [](const RunStats& s) -> Field { return s.full_loss_tail; }, ColumnGroup::Batch},
      {"full_loss_max", "largest full-batch training loss", kNone,
       [](const RunStats& s) -> Field { return s.full_loss_max; }, ColumnGroup::Batch},
  };
  return cols;
}

const RunColumn* find_run_column(const std::string& name) {
  for (const auto& c : run_columns())
    if (name == c.name) return &c;
  return nullptr;
}

}  // namespace eos
