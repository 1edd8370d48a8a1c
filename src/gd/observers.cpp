// The standard diagnostics of a GD run.
#include "eos/gd/observers.h"

#include <algorithm>
#include <cmath>

#include "eos/gd/companions.h"
#include "eos/gd/minibatch.h"

namespace eos {

namespace {

double or_nan(double v) { return v == -INFINITY ? RunStats::kNaN : v; }

// e = η·c/2 for the GD step from θ_{t−1} to θ_t; NaN at t = 0 or when g_{t−1} = 0.
double secant_edge(const Step& s) {
  if (!s.prev_grad) return RunStats::kNaN;
  const double g2 = s.prev_grad->squaredNorm();
  if (!(g2 > 0)) return RunStats::kNaN;
  return 0.5 * (1.0 - s.grad.dot(*s.prev_grad) / g2);
}

// c·scale for the step Δθ = θ_t − θ_{t−1} the method took, c = ⟨g_t − g_{t−1}, Δθ⟩/‖Δθ‖²; NaN at
// t = 0 or for a zero step.
double secant_edge_along(const Step& s, double scale) {
  if (!s.prev_grad || !s.prev_step) return RunStats::kNaN;
  const double d2 = s.prev_step->squaredNorm();
  if (!(d2 > 0)) return RunStats::kNaN;
  return scale * (s.grad.dot(*s.prev_step) - s.prev_grad->dot(*s.prev_step)) / d2;
}

}  // namespace

Schedule::Schedule(const RunConfig& cfg)
    : steps(cfg.steps),
      sharpness_every(cfg.sharpness_every),
      trace_every(cfg.trace_every),
      trace_samples(cfg.trace_samples) {
  const long tail_len = std::max(1L, std::lround(cfg.tail * static_cast<double>(steps)));
  tail_start = steps - tail_len + 1;  // steps tail_start..T: tail_len evaluations
}

bool LossWatch::on_step(Step& s) {
  last_ = s.loss;
  max_ = std::max(max_, s.loss);
  if (s.t > 0 && s.loss > prev_ + rise_tol_ * std::max(std::fabs(prev_), 1e-300)) {
    ++live_.loss_rises;
    live_.last_rise_step = s.t;
  }
  prev_ = s.loss;
  return false;
}

void LossWatch::finish(const RunEnd&, RunStats& out) {
  out.loss_final = last_;
  out.loss_max = or_nan(max_);
  out.loss_rises = live_.loss_rises;
  out.last_rise_step = live_.last_rise_step;
}

bool StepCurvature::on_step(Step& s) {
  if (geometry_ == StepGeometry::None) return false;
  const double e = geometry_ == StepGeometry::GdStep ? secant_edge(s) : secant_edge_along(s, scale_);
  if (std::isnan(e)) return false;
  max_ = std::max(max_, e);
  live_.step_edge_max = max_;
  if (sched_.in_tail(s.t)) tail_.add(e);
  return false;
}

void StepCurvature::finish(const RunEnd&, RunStats& out) {
  out.step_edge_max = or_nan(max_);
  out.step_edge_tail = tail_.value();
}

MidpointCheck::MidpointCheck(const RunConfig& cfg, Model& model, SharpnessEstimator& sharpness, RunStats& live)
    : geometry_(step_geometry(cfg.method)),
      eta_(cfg.method.eta),
      scale_(edge_scale(cfg.method)),
      rule_(edge_rule(cfg.method)),
      every_(cfg.sharpness_every),
      first_(sharpness.wants_dense() ? 64 : 8),  // a Lanczos estimate costs dozens of gradients
      model_(model),
      sharpness_(sharpness),
      live_(live) {}

// The step from θ_{t−1} overshot: the gradient at θ_t points back along it.
bool MidpointCheck::reversed(const Step& s) const {
  if (geometry_ == StepGeometry::GdStep) return secant_edge(s) > 0.5;
  return s.prev_step && s.grad.dot(*s.prev_step) > 0;
}

bool MidpointCheck::on_step(Step& s) {
  if (geometry_ == StepGeometry::None || !reversed(s) || beyond_edge(live_, rule_)) return false;
  if (!(++reversals_ <= first_ || s.t % every_ == 0)) return false;
  if (geometry_ == StepGeometry::GdStep) theta_ = s.theta + (0.5 * eta_) * *s.prev_grad;  // θ_t = θ_{t−1} − η·g_{t−1}
  else theta_ = s.theta - 0.5 * *s.prev_step;
  const bool dense = sharpness_.wants_dense();
  model_.evaluate(theta_, grad_, dense ? &hess_ : nullptr);
  const double sm = sharpness_.estimate(theta_, dense ? &hess_ : nullptr);
  if (std::isfinite(sm)) {
    max_ = std::max(max_, scale_ * sm);
    live_.mid_edge_max = max_;
  }
  ++checks_;
  return false;
}

void MidpointCheck::finish(const RunEnd&, RunStats& out) {
  out.mid_edge_max = or_nan(max_);
  out.mid_checks = checks_;
}

void SharpnessSampler::Series::add(double v, bool in_tail) {
  ++samples;
  final = v;
  max = std::max(max, v);
  if (in_tail) tail.add(v);
}

SharpnessSampler::SharpnessSampler(const RunConfig& cfg, const Schedule& sched, RunStats& live)
    : scale_(edge_scale(cfg.method)),
      level_(edge_level(cfg.method)),
      adaptive_(cfg.method.adaptive()),
      sched_(sched),
      live_(live) {}

// The sample of step s: S; for an adaptive method the preconditioned sharpness; and the sharpness
// it is judged by when that is not S (the preconditioned one, or in a minibatch run S_B).
void SharpnessSampler::add(Step& s, bool in_tail) {
  const double v = s.sharpness();
  if (std::isfinite(v)) raw_.add(v, in_tail);
  if (adaptive_) {
    const double p = s.psharpness();
    if (std::isfinite(p)) pre_.add(p, in_tail);
  }
  separate_ = adaptive_ || s.minibatch();
  const double j = separate_ ? s.judged() : v;
  if (!std::isfinite(j)) return;
  if (separate_) judged_.add(j, in_tail);
  live_.edge_max = scale_ * (separate_ ? judged_ : raw_).max;
}

bool SharpnessSampler::on_step(Step& s) {
  if (!s.sample) return false;
  add(s, sched_.in_tail(s.t));
  const double j = s.judged();
  if (std::isfinite(j) && scale_ * j >= 1) {
    ++edge_samples_;
    if (first_edge_ < 0) first_edge_ = s.t;
  }
  return false;
}

void SharpnessSampler::on_early_stop(Step& s) {
  if (s.sample) return;  // already sampled: the final state's sharpness is that sample
  add(s, false);
}

void SharpnessSampler::finish(const RunEnd&, RunStats& out) {
  const Series& j = separate_ ? judged_ : raw_;
  out.sharpness_final = raw_.final;
  out.sharpness_tail = raw_.tail_or_final();
  out.sharpness_max = raw_.samples ? raw_.max : RunStats::kNaN;
  if (adaptive_) {
    out.psharpness_final = pre_.final;
    out.psharpness_tail = pre_.tail_or_final();
    out.psharpness_max = pre_.samples ? pre_.max : RunStats::kNaN;
  }
  out.edge_level = level_;
  out.edge_final = scale_ * j.final;
  out.edge_tail = scale_ * j.tail_or_final();
  out.edge_max = j.samples ? scale_ * j.max : RunStats::kNaN;
  out.first_edge_step = first_edge_;
  out.edge_samples = edge_samples_;
  out.sharpness_samples = raw_.samples;
}

bool TrackedMeans::on_step(Step& s) {
  if (last_.empty() || (s.minibatch() && !s.sample)) return false;  // (a minibatch run: at samples)
  last_ = s.tracked();
  if (sched_.in_tail(s.t)) {
    for (std::size_t k = 0; k < last_.size(); ++k) sums_[k] += last_[k];
    ++count_;
  }
  return false;
}

std::vector<double> TrackedMeans::finals(const RunEnd& end) const {
  if (end.diverged) return std::vector<double>(last_.size(), RunStats::kNaN);
  return last_;
}

std::vector<double> TrackedMeans::tails(const RunEnd& end) const {
  std::vector<double> out(sums_.size(), RunStats::kNaN);
  if (end.diverged || count_ == 0) return out;
  for (std::size_t k = 0; k < sums_.size(); ++k) out[k] = sums_[k] / static_cast<double>(count_);
  return out;
}

TraceRecorder::TraceRecorder(const RunConfig& cfg, const Schedule& sched, TraceSink sink)
    : sched_(sched),
      sink_(std::move(sink)),
      eigs_(cfg.eigs),
      companion_(cfg.method.kind == MethodKind::Flow && static_cast<bool>(sink_)),
      edge_level_column_(cfg.method.kind != MethodKind::Gd),
      psharpness_(cfg.method.adaptive()),
      edge_level_(edge_level(cfg.method)) {}

bool TraceRecorder::on_step(Step& s) {
  if (!sink_ || !sched_.traced(s.t)) return false;
  const double sharpness = s.sample ? s.sharpness() : RunStats::kNaN;
  row_ = s.tracked();
  for (long k = 1; k < eigs_; ++k) {
    const auto i = static_cast<std::size_t>(k);
    row_.push_back(s.sample && i < s.eigenvalues().size() ? s.eigenvalues()[i] : RunStats::kNaN);
  }
  if (companion_) row_.push_back(s.companion ? (s.theta - *s.companion).norm() : RunStats::kNaN);
  if (edge_level_column_) row_.push_back(edge_level_);
  if (psharpness_) row_.push_back(s.sample ? s.psharpness() : RunStats::kNaN);
  if (flows_) flows_->append_trace(row_);
  if (batches_) batches_->append_trace(row_);
  sink_(s.t, s.loss, sharpness, row_);
  return false;
}

bool GoalStop::on_step(Step& s) {
  if (loss_ > 0) {
    // A minibatch run stops on the full-batch loss at samples (its own loss is a batch's).
    const double loss = !s.minibatch() ? s.loss : s.sample ? s.batch->full_loss(s) : RunStats::kNaN;
    if (loss < loss_) return true;
  }
  return acc_goal_ > 0 && acc_ >= 0 && s.tracked()[static_cast<std::size_t>(acc_)] >= acc_goal_;
}

bool GradientStop::on_step(Step& s) {
  last_ = s.grad_norm;
  return tol_ > 0 && s.grad_norm < tol_;
}

void GradientStop::finish(const RunEnd& end, RunStats& out) {
  if (tol_ > 0) out.converged = !end.diverged && last_ < tol_;  // (another stop may have ended the run)
}

}  // namespace eos

namespace eos {

// The observers' state between steps (checkpoints). The live statistics they share are saved
// with the run (save_stats); here each keeps its own.

void LossWatch::save(StateWriter& w) const {
  w.put(prev_);
  w.put(last_);
  w.put(max_);
}

void LossWatch::load(StateReader& r) {
  r.get(prev_);
  r.get(last_);
  r.get(max_);
}

void StepCurvature::save(StateWriter& w) const {
  w.put(max_);
  tail_.save(w);
}

void StepCurvature::load(StateReader& r) {
  r.get(max_);
  tail_.load(r);
}

void MidpointCheck::save(StateWriter& w) const {
  w.put(reversals_);
  w.put(checks_);
  w.put(max_);
}

void MidpointCheck::load(StateReader& r) {
  r.get(reversals_);
  r.get(checks_);
  r.get(max_);
}

void SharpnessSampler::Series::save(StateWriter& w) const {
  w.put(final);
  w.put(max);
  w.put(samples);
  tail.save(w);
}

void SharpnessSampler::Series::load(StateReader& r) {
  r.get(final);
  r.get(max);
  r.get(samples);
  tail.load(r);
}

void SharpnessSampler::save(StateWriter& w) const {
  raw_.save(w);
  pre_.save(w);
  judged_.save(w);
  w.put(separate_);
  w.put(edge_samples_);
  w.put(first_edge_);
}

void SharpnessSampler::load(StateReader& r) {
  raw_.load(r);
  pre_.load(r);
  judged_.load(r);
  r.get(separate_);
  r.get(edge_samples_);
  r.get(first_edge_);
}

void TrackedMeans::save(StateWriter& w) const {
  w.put(last_);
  w.put(sums_);
  w.put(count_);
}

void TrackedMeans::load(StateReader& r) {
  r.get(last_);
  r.get(sums_);
  r.get(count_);
}

void GradientStop::save(StateWriter& w) const { w.put(last_); }
void GradientStop::load(StateReader& r) { r.get(last_); }

}  // namespace eos
