// The GD loop and the observers it runs.
#include "eos/gd/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include "eos/gd/companions.h"
#include "eos/gd/diagnostics.h"
#include "eos/gd/method.h"
#include "eos/gd/minibatch.h"

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
    if (cfg.batch.enabled()) {
      probe = std::make_unique<BatchProbe>(model, cfg.batch, cfg.method.adaptive());
      batches = std::make_unique<MinibatchWatch>(cfg, sched, *probe);
      tracer.minibatches(batches.get());
    }
    // (a minibatch step's geometry is its batch's: the secant and midpoint checks do not apply)
    if (probe && probe->minibatch()) all = {&loss, &sampler, &tracked};
    else all = {&loss, &curvature, &midpoint, &sampler, &tracked};
    if (batches) all.push_back(batches.get());
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
  std::unique_ptr<BatchProbe> probe;
  std::unique_ptr<MinibatchWatch> batches;
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

// One run's descent: θ_t → θ_{t+1} by the method from θ₀ until the last step, an early stop or a
// divergence, with its whole state between steps (for checkpoints) in one place.
class Descent {
 public:
  Descent(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace, const RunStates* ckpt)
      : model_(model),
        cfg_(cfg),
        ckpt_(ckpt),
        sched_(cfg),
        theta_(ckpt && ckpt->start ? ckpt->start->theta : model.initial()),
        est_(model, theta_.size(), cfg, info),
        watch_(cfg, sched_, model, est_.raw, info, trace, theta_),
        method_(make_method(cfg.method, model, theta_, static_cast<bool>(trace))),
        ntracked_(info.tracked.size()) {
    grad_.resize(theta_.size());
    prev_grad_.resize(theta_.size());
    if (ckpt_ && ckpt_->start) start_from(*ckpt_->start);
    start_ = first_ = t_;
    if (ckpt_ && !ckpt_->resume.empty()) restore(ckpt_->resume);
  }
  RunEnd run(RunStats& stats);
  const Vec& theta() const { return theta_; }
  Watch& watch() { return watch_; }
  Estimators& estimators() { return est_; }

 private:
  bool step(RunStats& stats, RunEnd& end);
  void checkpoint_if_due();
  void start_from(const SavedState& s);
  void save_if_asked();
  std::string state() const;
  void restore(const std::string& bytes);
  Model& model_;
  const RunConfig& cfg_;
  const RunStates* ckpt_;
  const Schedule sched_;
  Vec theta_, grad_, prev_grad_;
  Mat hess_;
  Estimators est_;
  Watch watch_;
  std::unique_ptr<Method> method_;
  std::size_t ntracked_;
  // The next step; the step the run began at (0, or a branch's state's); and the step it started
  // or was restored at in this process.
  long t_ = 0, first_ = 0, start_ = 0;
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
};

RunEnd Descent::run(RunStats& stats) {
  RunEnd end;
  for (; step(stats, end); ++t_) {
  }
  end.diverged = stats.diverged_step.has_value();
  end.finite_params = theta_.allFinite();
  return end;
}

// Step t_: false when the run ends there.
bool Descent::step(RunStats& stats, RunEnd& end) {
  const long t = t_;
  checkpoint_if_due();
  save_if_asked();
  const bool sample = sched_.samples(t);
  BatchProbe* probe = watch_.probe.get();
  const bool mini = probe && probe->minibatch();  // the step's loss and gradient are its batch's
  if (probe) probe->at(t, method_->inverse_sqrt_precondition());
  const bool with_hess = sample && !mini && est_.raw.wants_dense();
  const double loss = mini ? model_.evaluate_batch(theta_, probe->batch(t), grad_, nullptr)
                           : model_.evaluate(theta_, grad_, with_hess ? &hess_ : nullptr);
  stats.steps_run = t;
  if (diverging(loss, grad_, cfg_)) {
    stats.diverged_step = t;
    return false;
  }
  stats.grad_norm_final = grad_.norm();
  Step step(t, theta_, loss, grad_, t > first_ ? &prev_grad_ : nullptr, stats.grad_norm_final, sample, model_, est_.raw,
            with_hess ? &hess_ : nullptr, ntracked_);
  step.companion = method_->companion();
  step.prev_step = method_->last_step();
  step.batch = probe;
  if (est_.preconditioned) step.precondition(&*est_.preconditioned, method_->inverse_sqrt_precondition());
  bool stop = false;
  for (Observer* o : watch_.all) stop = o->on_step(step) || stop;
  if (t == sched_.steps) return false;
  if (stop) {
    for (Observer* o : watch_.all) o->on_early_stop(step);
    end.early_stop = true;
    return false;
  }
  method_->advance(theta_, grad_, step);
  prev_grad_.swap(grad_);
  if (theta_.allFinite()) return true;
  stats.diverged_step = t + 1;
  stats.steps_run = t + 1;
  return false;
}

// At the top of a step: on a stop, the state (when checkpoints are on) and Interrupted; every
// every_s seconds, the state. Not at the step the run started from: nothing to keep yet.
void Descent::checkpoint_if_due() {
  if ((t_ & 15) != 0) return;  // (the clock and the flag every 16 steps: a fast step is a microsecond)
  const bool stopping = cfg_.stop && cfg_.stop->load(std::memory_order_relaxed);
  const bool on = ckpt_ && ckpt_->write && t_ > start_;
  const auto now = std::chrono::steady_clock::now();
  if (on && (stopping || (ckpt_->every_s > 0 && std::chrono::duration<double>(now - last_checkpoint_).count() >=
                                                      ckpt_->every_s))) {
    ckpt_->write(state(), t_);
    last_checkpoint_ = now;
  }
  if (stopping) throw Interrupted();
}

// A branch: its steps counted on from the state's, and the method's state and the warm starts of
// its parent when it runs the parent's method (another method starts afresh from the parent's θ).
void Descent::start_from(const SavedState& s) {
  t_ = s.step;
  if (s.method != method_name(cfg_.method.kind)) return;
  method_->restore(s.method_state);
  est_.raw.set_warm(s.warm, s.warm_block);
}

// At the steps of save_at, the run's SavedState to save.
void Descent::save_if_asked() {
  if (!ckpt_ || !ckpt_->save || !std::binary_search(ckpt_->save_at.begin(), ckpt_->save_at.end(), t_)) return;
  SavedState s{.step = t_, .theta = theta_, .method = method_name(cfg_.method.kind), .method_state = method_->state(),
               .warm = est_.raw.warm(), .warm_block = est_.raw.warm_block()};
  ckpt_->save(s);
}

// The run between steps, as records: the next step, θ, the last gradient, the method's state, the
// estimators' warm starts, the live statistics and every observer's state, in their order.
std::string Descent::state() const {
  StateWriter w;
  w.put(std::string("run state 1"));
  w.put(t_);
  w.put(theta_);
  w.put(prev_grad_);
  save_state(w, method_->state());
  est_.raw.save(w);
  if (est_.preconditioned) est_.preconditioned->save(w);
  save_stats(w, watch_.live);
  for (const Observer* o : watch_.all) o->save(w);
  return w.bytes();
}

void Descent::restore(const std::string& bytes) {
  StateReader r(bytes);
  if (r.value<std::string>() != "run state 1") throw StateError("not a run state");
  r.get(t_);
  r.get(theta_);
  r.get(prev_grad_);
  method_->restore(load_state(r));
  est_.raw.load(r);
  if (est_.preconditioned) est_.preconditioned->load(r);
  load_stats(r, watch_.live);
  for (Observer* o : watch_.all) o->load(r);
  if (!r.at_end()) throw StateError("run state longer than this run's");
  if (theta_.size() != grad_.size() || prev_grad_.size() != grad_.size()) throw StateError("run state of another size");
  start_ = t_;
}

}  // namespace

std::vector<std::string> trace_columns(const ModelInfo& info, const RunConfig& cfg) {
  std::vector<std::string> cols = info.tracked;
  for (long k = 2; k <= cfg.eigs; ++k) cols.push_back("lambda" + std::to_string(k));
  if (cfg.method.kind == MethodKind::Flow) cols.push_back("gd_distance");
  if (cfg.method.kind != MethodKind::Gd) cols.push_back("edge_level");
  if (cfg.method.adaptive()) cols.push_back("psharpness");
  for (const auto& c : companion_trace_columns(cfg.flows)) cols.push_back(c);
  if (cfg.batch.enabled())
    for (const auto& c : minibatch_trace_columns()) cols.push_back(c);
  return cols;
}

RunOutcome run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace,
                  const RunStates* checkpoints) {
  Descent d(model, info, cfg, trace, checkpoints);
  RunOutcome out;
  const RunEnd end = d.run(out.stats);
  Watch& w = d.watch();
  Estimators& est = d.estimators();
  if (cfg.keep_params && end.finite_params) out.final_params = d.theta();
  for (Observer* o : w.all) o->finish(end, out.stats);
  if (est.lanczos_estimates())
    out.stats.hvps_per_estimate = static_cast<double>(est.total_hvps()) / static_cast<double>(est.lanczos_estimates());
  if (cfg.solver == "check") out.stats.solver_check_diff = est.raw.check_diff();
  const bool mini = w.probe && w.probe->minibatch();
  out.stats.regime = classify(out.stats, mini ? minibatch_edge_rule() : edge_rule(cfg.method));
  out.tracked_final = w.tracked.finals(end);
  out.tracked_tail = w.tracked.tails(end);
  out.finite_params = end.finite_params;
  out.reports.assign(info.reports.size(), RunStats::kNaN);
  out.diagnostics.assign(info.diagnostics.size(), RunStats::kNaN);
  if (!end.finite_params) return out;
  if (!out.reports.empty()) model.report(d.theta(), out.reports.data());
  for (std::size_t k = 0; k < w.diagnostics.size(); ++k) out.diagnostics[k] = w.diagnostics[k]->value();
  return out;
}

}  // namespace eos
