// The GD loop and the observers it runs.
#include "eos/gd/run.h"

#include <cmath>
#include <memory>
#include <optional>

#include "eos/gd/companions.h"
#include "eos/gd/diagnostics.h"
#include "eos/gd/method.h"

namespace eos {
namespace {

// The observers of one run, in the order they see each step (the midpoint check reads the live
// statistics of those before it; the sampler's Lanczos warm start follows the midpoint's).
struct Watch {
  Watch(const RunConfig& cfg, const Schedule& sched, Model& model, SharpnessEstimator& sharpness, const ModelInfo& info,
        const TraceSink& trace, const Vec& theta0)
      : loss(cfg, live),
        curvature(cfg.method, sched, live),
        midpoint(cfg, model, sharpness, live),
        sampler(cfg, sched, live),
        tracked(sched, info.tracked.size()),
        tracer(cfg, sched, trace),
        stop(cfg),
        goal(cfg, index_of_tracked(info, "train_acc")) {
    for (const auto& name : info.diagnostics) diagnostics.push_back(make_diagnostic(name, cfg));
    if (cfg.flows.any()) {
      flows = std::make_unique<FlowCompanions>(model, theta0, cfg, sched);
      tracer.companions(flows.get());
    }
    all = {&loss, &curvature, &midpoint, &sampler, &tracked};
    if (flows) all.push_back(flows.get());  // before the trace, which shows their values
    all.push_back(&tracer);
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
  std::unique_ptr<FlowCompanions> flows;
  std::vector<Observer*> all;
};

bool diverging(double loss, const Vec& grad, const RunConfig& cfg) {
  return !std::isfinite(loss) || loss > cfg.diverge_loss || !grad.allFinite();
}

// The sharpness estimators of a run: the Hessian's, and for an adaptive method the
// preconditioned Hessian's (each with its own warm start).
struct Estimators {
  Estimators(Model& model, long dim, const RunConfig& cfg, const ModelInfo& info)
      : raw(model, dim, solver_of(cfg, info), cfg.lanczos_cutoff, cfg.eigs) {
    if (cfg.method.adaptive()) preconditioned.emplace(model, dim, solver_of(cfg, info), cfg.lanczos_cutoff, 1);
  }
  // The solver: auto means the block solver for a model that asks for it (mlp).
  static std::string solver_of(const RunConfig& cfg, const ModelInfo& info) {
    return cfg.solver == "auto" && info.auto_block_solver ? "auto-block" : cfg.solver;
  }
  SharpnessEstimator raw;
  std::optional<SharpnessEstimator> preconditioned;
  long total_hvps() const { return raw.total_hvps() + (preconditioned ? preconditioned->total_hvps() : 0); }
  long lanczos_estimates() const {
    return raw.lanczos_estimates() + (preconditioned ? preconditioned->lanczos_estimates() : 0);
  }
};

// θ_t → θ_{t+1} by the method from θ₀ = theta until the last step, an early stop or a divergence.
RunEnd descend(Model& model, Vec& theta, const RunConfig& cfg, const Schedule& sched, Estimators& est,
               const std::vector<Observer*>& observers, std::size_t ntracked, Method& method, RunStats& stats) {
  const long dim = theta.size();
  Vec grad(dim), prev_grad(dim);
  Mat hess;
  RunEnd end;
  for (long t = 0;; ++t) {
    if (cfg.stop && (t & 255) == 0 && cfg.stop->load(std::memory_order_relaxed)) throw Interrupted();
    const bool sample = sched.samples(t);
    const bool with_hess = sample && est.raw.wants_dense();
    const double loss = model.evaluate(theta, grad, with_hess ? &hess : nullptr);
    stats.steps_run = t;
    if (diverging(loss, grad, cfg)) {
      stats.diverged_step = t;
      break;
    }
    stats.grad_norm_final = grad.norm();
    Step step(t, theta, loss, grad, t > 0 ? &prev_grad : nullptr, stats.grad_norm_final, sample, model, est.raw,
              with_hess ? &hess : nullptr, ntracked);
    step.companion = method.companion();
    step.prev_step = method.last_step();
    if (est.preconditioned) step.precondition(&*est.preconditioned, method.inverse_sqrt_precondition());
    bool stop = false;
    for (Observer* o : observers) stop = o->on_step(step) || stop;
    if (t == sched.steps) break;
    if (stop) {
      for (Observer* o : observers) o->on_early_stop(step);
      end.early_stop = true;
      break;
    }
    method.advance(theta, grad, step);
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
  if (cfg.method.kind == MethodKind::Flow) cols.push_back("gd_distance");
  if (cfg.method.kind != MethodKind::Gd) cols.push_back("edge_level");
  if (cfg.method.adaptive()) cols.push_back("psharpness");
  for (const auto& c : companion_trace_columns(cfg.flows)) cols.push_back(c);
  return cols;
}

RunOutcome run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace) {
  Vec theta = model.initial();
  Estimators est(model, theta.size(), cfg, info);
  const Schedule sched(cfg);
  Watch w(cfg, sched, model, est.raw, info, trace, theta);
  const auto method = make_method(cfg.method, model, theta, static_cast<bool>(trace));
  RunOutcome out;
  const RunEnd end = descend(model, theta, cfg, sched, est, w.all, info.tracked.size(), *method, out.stats);
  if (cfg.keep_params && end.finite_params) out.final_params = theta;
  for (Observer* o : w.all) o->finish(end, out.stats);
  if (est.lanczos_estimates())
    out.stats.hvps_per_estimate = static_cast<double>(est.total_hvps()) / static_cast<double>(est.lanczos_estimates());
  if (cfg.solver == "check") out.stats.solver_check_diff = est.raw.check_diff();
  out.stats.regime = classify(out.stats, edge_rule(cfg.method));
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
