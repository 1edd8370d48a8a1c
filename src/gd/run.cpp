// The GD loop and the observers it runs.
#include "eos/gd/run.h"

#include <cmath>
#include <memory>

#include "eos/gd/diagnostics.h"
#include "eos/gd/flow.h"

namespace eos {
namespace {

// The observers of one run, in the order they see each step (the midpoint check reads the live
// statistics of those before it; the sampler's Lanczos warm start follows the midpoint's).
struct Watch {
  Watch(const RunConfig& cfg, const Schedule& sched, Model& model, SharpnessEstimator& sharpness, const ModelInfo& info,
        const TraceSink& trace)
      : loss(cfg, live),
        curvature(sched, live),
        midpoint(cfg, model, sharpness, live),
        sampler(cfg, sched, live),
        tracked(sched, info.tracked.size()),
        tracer(sched, trace, cfg.eigs, cfg.flow && static_cast<bool>(trace)),
        stop(cfg),
        goal(cfg, index_of_tracked(info, "train_acc")) {
    for (const auto& name : info.diagnostics) diagnostics.push_back(make_diagnostic(name, cfg));
    all = {&loss, &curvature, &midpoint, &sampler, &tracked, &tracer};
    for (auto& d : diagnostics) all.push_back(d.get());
    all.push_back(&stop);
    all.push_back(&goal);
  }
  static int index_of_tracked(const ModelInfo& info, const std::string& name) {
    for (std::size_t k = 0; k < info.tracked.size(); ++k)
      if (info.tracked[k] == name) return static_cast<int>(k);
    return -1;
  }
  RunStats live;
  LossWatch loss;
  StepCurvature curvature;
  MidpointCheck midpoint;
  SharpnessSampler sampler;
  TrackedMeans tracked;
  TraceRecorder tracer;
  GradientStop stop;
  GoalStop goal;
  std::vector<std::unique_ptr<Diagnostic>> diagnostics;
  std::vector<Observer*> all;
};

bool diverging(double loss, const Vec& grad, const RunConfig& cfg) {
  return !std::isfinite(loss) || loss > cfg.diverge_loss || !grad.allFinite();
}

// θ ← θ − η∇L from θ₀ = theta until the last step, an early stop or a divergence.
RunEnd descend(Model& model, Vec& theta, const RunConfig& cfg, const Schedule& sched, SharpnessEstimator& sharpness,
               const std::vector<Observer*>& observers, std::size_t ntracked, Stepper& stepper, RunStats& stats) {
  const long dim = theta.size();
  Vec grad(dim), prev_grad(dim);
  Mat hess;
  RunEnd end;
  for (long t = 0;; ++t) {
    if (cfg.stop && (t & 255) == 0 && cfg.stop->load(std::memory_order_relaxed)) throw Interrupted();
    const bool sample = sched.samples(t);
    const bool with_hess = sample && sharpness.wants_dense();
    const double loss = model.evaluate(theta, grad, with_hess ? &hess : nullptr);
    stats.steps_run = t;
    if (diverging(loss, grad, cfg)) {
      stats.diverged_step = t;
      break;
    }
    stats.grad_norm_final = grad.norm();
    Step step(t, theta, loss, grad, t > 0 ? &prev_grad : nullptr, stats.grad_norm_final, sample, model, sharpness,
              with_hess ? &hess : nullptr, ntracked);
    step.companion = stepper.companion();
    bool stop = false;
    for (Observer* o : observers) stop = o->on_step(step) || stop;
    if (t == sched.steps) break;
    if (stop) {
      for (Observer* o : observers) o->on_early_stop(step);
      end.early_stop = true;
      break;
    }
    stepper.advance(theta, grad, step);
    prev_grad.swap(grad);
    if (!theta.allFinite()) {
      stats.diverged_step = t + 1;
      stats.steps_run = t + 1;
      break;
    }
  }
  end.diverged = stats.diverged_step.has_value();
  end.finite_params = theta.allFinite();
  return end;
}

}  // namespace

std::vector<std::string> trace_columns(const ModelInfo& info, const RunConfig& cfg) {
  std::vector<std::string> cols = info.tracked;
  for (long k = 2; k <= cfg.eigs; ++k) cols.push_back("lambda" + std::to_string(k));
  if (cfg.flow) cols.push_back("gd_distance");
  return cols;
}

RunOutcome run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace) {
  Vec theta = model.initial();
  const bool auto_block = cfg.solver == "auto" && info.auto_block_solver;
  SharpnessEstimator sharpness(model, theta.size(), auto_block ? "auto-block" : cfg.solver, cfg.lanczos_cutoff, cfg.eigs);
  const Schedule sched(cfg);
  Watch w(cfg, sched, model, sharpness, info, trace);
  Stepper stepper(model, cfg, theta, static_cast<bool>(trace));
  RunOutcome out;
  const RunEnd end = descend(model, theta, cfg, sched, sharpness, w.all, info.tracked.size(), stepper, out.stats);
  if (cfg.keep_params && end.finite_params) out.final_params = theta;
  for (Observer* o : w.all) o->finish(end, out.stats);
  if (sharpness.lanczos_estimates())
    out.stats.hvps_per_estimate =
        static_cast<double>(sharpness.total_hvps()) / static_cast<double>(sharpness.lanczos_estimates());
  if (cfg.solver == "check") out.stats.solver_check_diff = sharpness.check_diff();
  out.stats.regime = classify(out.stats);
  out.tracked_final = w.tracked.finals(end);
  out.tracked_tail = w.tracked.tails(end);
  out.finite_params = end.finite_params;
  out.reports.assign(info.reports.size(), RunStats::kNaN);
  out.diagnostics.assign(info.diagnostics.size(), RunStats::kNaN);
  if (!end.finite_params) return out;
  if (!out.reports.empty()) model.report(theta, out.reports.data());
  for (std::size_t k = 0; k < w.diagnostics.size(); ++k) out.diagnostics[k] = w.diagnostics[k]->value();
  return out;
}

}  // namespace eos
