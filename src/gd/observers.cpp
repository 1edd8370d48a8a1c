// The standard diagnostics of a GD run.
#include "eos/gd/observers.h"

#include <algorithm>
#include <cmath>

namespace eos {

namespace {

double or_nan(double v) { return v == -INFINITY ? RunStats::kNaN : v; }

// e = η·c/2 for the step from θ_{t−1} to θ_t; NaN at t = 0 or when g_{t−1} = 0.
double secant_edge(const Step& s) {
  if (!s.prev_grad) return RunStats::kNaN;
  const double g2 = s.prev_grad->squaredNorm();
  if (!(g2 > 0)) return RunStats::kNaN;
  return 0.5 * (1.0 - s.grad.dot(*s.prev_grad) / g2);
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
  const double e = secant_edge(s);
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
    : eta_(cfg.eta),
      every_(cfg.sharpness_every),
      first_(sharpness.wants_dense() ? 64 : 8),  // a Lanczos estimate costs dozens of gradients
      model_(model),
      sharpness_(sharpness),
      live_(live) {}

bool MidpointCheck::on_step(Step& s) {
  const double e = secant_edge(s);
  if (!(e > 0.5) || beyond_edge(live_)) return false;
  if (!(++reversals_ <= first_ || s.t % every_ == 0)) return false;
  theta_ = s.theta + (0.5 * eta_) * *s.prev_grad;  // θ_t = θ_{t−1} − η·g_{t−1}
  const bool dense = sharpness_.wants_dense();
  model_.evaluate(theta_, grad_, dense ? &hess_ : nullptr);
  const double sm = sharpness_.estimate(theta_, dense ? &hess_ : nullptr);
  if (std::isfinite(sm)) {
    max_ = std::max(max_, eta_ * sm / 2);
    live_.mid_edge_max = max_;
  }
  ++checks_;
  return false;
}

void MidpointCheck::finish(const RunEnd&, RunStats& out) {
  out.mid_edge_max = or_nan(max_);
  out.mid_checks = checks_;
}

void SharpnessSampler::add(double s) {
  ++samples_;
  final_ = s;
  max_ = std::max(max_, s);
  live_.edge_max = eta_ * max_ / 2;
}

bool SharpnessSampler::on_step(Step& s) {
  if (!s.sample) return false;
  const double v = s.sharpness();
  if (!std::isfinite(v)) return false;
  add(v);
  if (sched_.in_tail(s.t)) tail_.add(v);
  if (eta_ * v / 2 >= 1) {
    ++edge_samples_;
    if (first_edge_ < 0) first_edge_ = s.t;
  }
  return false;
}

void SharpnessSampler::on_early_stop(Step& s) {
  if (s.sample) return;  // already sampled: the final state's sharpness is that sample
  const double v = s.sharpness();
  if (std::isfinite(v)) add(v);
}

void SharpnessSampler::finish(const RunEnd&, RunStats& out) {
  const double tail = tail_.count ? tail_.value() : final_;
  out.sharpness_final = final_;
  out.sharpness_tail = tail;
  out.sharpness_max = samples_ ? max_ : RunStats::kNaN;
  out.edge_final = eta_ * final_ / 2;
  out.edge_tail = eta_ * tail / 2;
  out.edge_max = samples_ ? eta_ * max_ / 2 : RunStats::kNaN;
  out.first_edge_step = first_edge_;
  out.edge_samples = edge_samples_;
  out.sharpness_samples = samples_;
}

bool TrackedMeans::on_step(Step& s) {
  if (last_.empty()) return false;
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

bool TraceRecorder::on_step(Step& s) {
  if (!sink_ || !sched_.traced(s.t)) return false;
  const double sharpness = s.sample ? s.sharpness() : RunStats::kNaN;
  row_ = s.tracked();
  for (long k = 1; k < eigs_; ++k) {
    const auto i = static_cast<std::size_t>(k);
    row_.push_back(s.sample && i < s.eigenvalues().size() ? s.eigenvalues()[i] : RunStats::kNaN);
  }
  if (companion_) row_.push_back(s.companion ? (s.theta - *s.companion).norm() : RunStats::kNaN);
  sink_(s.t, s.loss, sharpness, row_);
  return false;
}

bool GoalStop::on_step(Step& s) {
  if (loss_ > 0 && s.loss < loss_) return true;
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
