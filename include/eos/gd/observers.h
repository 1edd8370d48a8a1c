// The diagnostics of a GD run, one observer each: the loss (rises and extremes), the secant
// curvature along each step, the sharpness at overshoot midpoints, the sampled sharpness, the
// model's tracked scalars over the tail, the per-step trace, and the early stop on a small
// gradient. Each writes its own fields of the run statistics.
#pragma once
#include <functional>

#include "eos/gd/method.h"
#include "eos/gd/observer.h"
#include "eos/gd/settings.h"

namespace eos {

class FlowCompanions;
class MinibatchWatch;

// When a run of cfg samples and averages: T steps, the tail is the last ⌈tail·T⌉ evaluations.
struct Schedule {
  explicit Schedule(const RunConfig& cfg);
  long steps;       // T
  long tail_start;  // first step of the tail
  long sharpness_every, trace_every;
  bool trace_samples;  // a trace row samples the sharpness (else: NaN between samples)
  bool traced(long t) const { return trace_every > 0 && t % trace_every == 0; }
  bool samples(long t) const { return t % sharpness_every == 0 || t == steps || (trace_samples && traced(t)); }
  bool in_tail(long t) const { return t >= tail_start; }
};

// A running mean.
struct Mean {
  double sum = 0;
  long count = 0;
  void add(double v) {
    sum += v;
    ++count;
  }
  double value() const { return count ? sum / static_cast<double>(count) : RunStats::kNaN; }
  void save(StateWriter& w) const {
    w.put(sum);
    w.put(count);
  }
  void load(StateReader& r) {
    r.get(sum);
    r.get(count);
  }
};

// loss_final, loss_max, loss_rises and last_rise_step (live: loss_rises).
class LossWatch final : public Observer {
 public:
  explicit LossWatch(const RunConfig& cfg, RunStats& live) : rise_tol_(cfg.rise_tol), live_(live) {}
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  void finish(const RunEnd&, RunStats& out) override;

 private:
  double rise_tol_;
  RunStats& live_;
  double prev_ = RunStats::kNaN, last_ = RunStats::kNaN, max_ = -INFINITY;
};

// The secant curvature c of the loss along each step over the method's edge level, e = c/level:
// step_edge_max (live) and step_edge_tail. e > 1 certifies a sharpness above the edge level
// somewhere on the segment. For GD, e = η·c/2 = (1 − ⟨g_t, g_{t−1}⟩/‖g_{t−1}‖²)/2 (a period-two
// oscillation has e = 1); for momentum, c = ⟨g_t − g_{t−1}, Δθ⟩/‖Δθ‖² along the step Δθ it took;
// not run for flow and adaptive methods (StepGeometry::None).
class StepCurvature final : public Observer {
 public:
  StepCurvature(const MethodSpec& method, const Schedule& sched, RunStats& live)
      : geometry_(step_geometry(method)), scale_(edge_scale(method)), sched_(sched), live_(live) {}
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  void finish(const RunEnd&, RunStats& out) override;

 private:
  StepGeometry geometry_;
  double scale_;
  const Schedule& sched_;
  RunStats& live_;
  double max_ = -INFINITY;
  Mean tail_;
};

// Where the gradient reversed (the step overshot: ⟨g_t, Δθ⟩ > 0, for GD e > 1/2) and the run is
// not yet certified beyond the edge, the sharpness at the step's midpoint over the edge level: the
// oscillation of a large-η transient crosses the sharp region between two flat points. Checked on
// the first `first` reversals (64 with a dense Hessian, 8 with Lanczos), then on reversals at
// sampling steps: mid_edge_max (live) and mid_checks. Run for GD and momentum (StepGeometry).
class MidpointCheck final : public Observer {
 public:
  MidpointCheck(const RunConfig& cfg, Model& model, SharpnessEstimator& sharpness, RunStats& live);
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  void finish(const RunEnd&, RunStats& out) override;

 private:
  bool reversed(const Step& s) const;
  StepGeometry geometry_;
  double eta_, scale_;
  EdgeRule rule_;
  long every_, first_;
  Model& model_;
  SharpnessEstimator& sharpness_;
  RunStats& live_;
  long reversals_ = 0, checks_ = 0;
  double max_ = -INFINITY;
  Vec theta_, grad_;
  Mat hess_;
};

// The sampled sharpness S: final, tail mean, maximum; the sharpness the method is judged by (S,
// for an adaptive method the preconditioned one, also kept as psharpness_*, in a minibatch run the
// batch sharpness, gd/minibatch.h) over its edge level: final, tail, maximum (live as edge_max), the first sampled step at or above the edge and
// how many samples were. An early stop samples the final state.
class SharpnessSampler final : public Observer {
 public:
  SharpnessSampler(const RunConfig& cfg, const Schedule& sched, RunStats& live);
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  void on_early_stop(Step& s) override;
  void finish(const RunEnd&, RunStats& out) override;

 private:
  // The statistics of one sampled quantity: last, maximum, tail mean.
  struct Series {
    double final = RunStats::kNaN, max = -INFINITY;
    long samples = 0;
    Mean tail;
    void add(double v, bool in_tail);
    double tail_or_final() const { return tail.count ? tail.value() : final; }
    void save(StateWriter& w) const;
    void load(StateReader& r);
  };
  void add(Step& s, bool in_tail);
  double scale_, level_;
  bool adaptive_;
  const Schedule& sched_;
  RunStats& live_;
  Series raw_, pre_, judged_;  // S; the preconditioned S; the judged one when not S
  bool separate_ = false;       // the judged sharpness is not S (adaptive method, minibatch run)
  long edge_samples_ = 0, first_edge_ = -1;
};

// The model's tracked scalars: their last values and their means over the tail (in a minibatch
// run, of the samples).
class TrackedMeans final : public Observer {
 public:
  TrackedMeans(const Schedule& sched, std::size_t n) : sched_(sched), last_(n, 0.0), sums_(n, 0.0) {}
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  // Final values and tail means; NaN after a divergence.
  std::vector<double> finals(const RunEnd& end) const;
  std::vector<double> tails(const RunEnd& end) const;

 private:
  const Schedule& sched_;
  std::vector<double> last_, sums_;
  long count_ = 0;
};

// One trace row: step, loss, sharpness (NaN where not sampled), the tracked scalars, then the
// extra columns of trace_extras (gd/run.h), in that order.
using TraceSink = std::function<void(long step, double loss, double sharpness, const std::vector<double>& tracked)>;

// Every trace_every steps, a row to the sink: with eigs = k, λ₂..λ_k after the tracked scalars;
// with a companion trajectory, the distance ‖θ − θ_companion‖; for a method other than gd its
// edge level; for an adaptive method the preconditioned sharpness (NaN where not sampled); then
// the flows' columns (gd/companions.h), then the minibatch columns (gd/minibatch.h).
class TraceRecorder final : public Observer {
 public:
  TraceRecorder(const RunConfig& cfg, const Schedule& sched, TraceSink sink);
  bool on_step(Step& s) override;
  void companions(const FlowCompanions* c) { flows_ = c; }
  void minibatches(const MinibatchWatch* b) { batches_ = b; }

 private:
  const FlowCompanions* flows_ = nullptr;
  const MinibatchWatch* batches_ = nullptr;
  const Schedule& sched_;
  TraceSink sink_;
  long eigs_;
  bool companion_, edge_level_column_, psharpness_;
  double edge_level_;
  std::vector<double> row_;
};

// Stops the run once the loss is below stop_loss or the tracked scalar train_acc (at index acc,
// −1: none) is at least stop_acc, when those are > 0 (Cohen et al.'s loss_goal and acc_goal); a
// minibatch run, at samples, on the full-batch loss and accuracy.
class GoalStop final : public Observer {
 public:
  GoalStop(const RunConfig& cfg, int acc) : loss_(cfg.stop_loss), acc_goal_(cfg.stop_acc), acc_(acc) {}
  bool on_step(Step& s) override;

 private:
  double loss_, acc_goal_;
  int acc_;
};

// Stops the run once ‖∇L‖ < stop_grad_tol (when that is > 0): converged.
class GradientStop final : public Observer {
 public:
  explicit GradientStop(const RunConfig& cfg) : tol_(cfg.stop_grad_tol) {}
  bool on_step(Step& s) override;
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  void finish(const RunEnd& end, RunStats& out) override;

 private:
  double tol_;
  double last_ = RunStats::kNaN;
};

}  // namespace eos
