// Runs with batch keys (batch_size given; docs/minibatch.md). With B < n each step is taken on a
// minibatch (gd/batches.h) and its loss and gradient are the batch's — noise: the full-batch
// loss, the full-batch sharpness λ_max and the batch sharpness S_B (gd/batch_sharpness.h) are
// measured at the sharpness samples on the current θ, and the run is judged by S_B over its
// method's edge level. With B = n the run is full-batch GD, to the bit; its S_B = gᵀHg/‖g‖² is
// exact. The probe computes what a step's observers share once; the watch keeps the statistics.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "eos/gd/batch_sharpness.h"
#include "eos/gd/batches.h"
#include "eos/gd/observers.h"

namespace eos {

// The trace columns of a run with batch keys: full_loss, batch_sharpness, batch_sharpness_err.
std::vector<std::string> minibatch_trace_columns();

// The regime rule of a minibatch run (B < n): the per-step loss is a batch's, so its rises
// certify nothing, and the secant and midpoint checks assume full-batch steps (they are not run);
// the run is eos when a sample's S_B exceeds the edge level by more than two standard errors.
EdgeRule minibatch_edge_rule();

// What the loop and the observers of step t share: the step's batch, the full-batch loss and the
// batch sharpness at θ_t, each computed once, on first use.
class BatchProbe {
 public:
  // Throws std::invalid_argument when the model has no training set or B is not in 1..n.
  // adaptive: the method is (its S_B is along P⁻¹g_B).
  BatchProbe(Model& model, const BatchSpec& spec, bool adaptive);
  long samples() const { return n_; }
  bool minibatch() const { return spec_.size < n_; }
  // Step t begins; d: the diagonal of P^{−½} of an adaptive method's last update, else null.
  void at(long t, const Vec* d);
  // The samples of step t (a minibatch run).
  std::span<const long> batch(long t) { return order_.batch(t); }
  // The full-batch loss at θ_t: the step's own loss with B = n, one full evaluation otherwise.
  double full_loss(const Step& s);
  // The batch sharpness at θ_t (of the preconditioned step for an adaptive method: NaN before its
  // first update).
  const BatchSharpnessEstimate& batch_sharpness(const Step& s);

 private:
  Model& model_;
  BatchSpec spec_;
  bool adaptive_;
  long n_;
  BatchOrder order_;
  BatchSharpness estimator_;
  long t_ = -1;
  const Vec* d_ = nullptr;
  bool have_loss_ = false, have_bs_ = false;
  double loss_ = RunStats::kNaN;
  BatchSharpnessEstimate bs_;
  Vec grad_;
};

// At samples: the batch sharpness (final, tail mean, maximum, the last standard error, the mean
// number of batches an estimate took, the largest (S_B − 2·SE)/edge level) and the full-batch loss
// (final, tail mean, maximum); the trace columns of every traced step. An early stop samples the
// final state.
class MinibatchWatch final : public Observer {
 public:
  MinibatchWatch(const RunConfig& cfg, const Schedule& sched, BatchProbe& probe);
  bool on_step(Step& s) override;
  void on_early_stop(Step& s) override;
  void finish(const RunEnd& end, RunStats& out) override;
  // The statistics so far (the batch order and the estimator's batches are drawn from the step
  // and batch_seed alone: nothing else to keep).
  void save(StateWriter& w) const override;
  void load(StateReader& r) override;
  // The values of minibatch_trace_columns at the last step seen (NaN where not measured).
  void append_trace(std::vector<double>& row) const;

 private:
  struct Series {
    double final = RunStats::kNaN, max = -INFINITY;
    Mean tail;
    void add(double v, bool in_tail);
    void save(StateWriter& w) const;
    void load(StateReader& r);
  };
  void add(Step& s, bool in_tail);
  const Schedule& sched_;
  BatchProbe& probe_;
  double scale_;
  Series bs_, loss_;
  double err_ = RunStats::kNaN, low_max_ = -INFINITY;
  Mean batches_;
  double trace_loss_ = RunStats::kNaN, trace_bs_ = RunStats::kNaN, trace_err_ = RunStats::kNaN;
};

}  // namespace eos
