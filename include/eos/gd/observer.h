// The GD core's extension point: an observer watches each step of θ ← θ − η∇L and keeps its own
// statistics. A Step shows θ_t, L(θ_t), ∇L(θ_t) and g_{t−1}; the sharpness and the model's
// tracked scalars at θ_t are computed on first use and shared by every observer of that step.
#pragma once
#include <vector>

#include "eos/gd/sharpness.h"
#include "eos/gd/state_io.h"
#include "eos/gd/stats.h"
#include "eos/model/model.h"

namespace eos {

class BatchProbe;

class Step {
 public:
  Step(long t, const Vec& theta, double loss, const Vec& grad, const Vec* prev_grad, double grad_norm, bool sample,
       Model& model, SharpnessEstimator& sharpness, const Mat* hess, std::size_t tracked);
  const long t;
  const Vec& theta;
  const double loss;
  const Vec& grad;
  const Vec* const prev_grad;  // ∇L(θ_{t−1}); null at t = 0
  const double grad_norm;      // ‖∇L(θ_t)‖
  const bool sample;           // the schedule samples the sharpness here (sharpness_every, the end, traces)
  // The sharpness at θ_t (the loop's Hessian when it has one, else a Hessian or Lanczos of its own).
  double sharpness();
  // The top eigenvalues at θ_t of the same estimate, largest first (RunConfig::eigs of them).
  const std::vector<double>& eigenvalues();
  // The preconditioned sharpness λ₁(P^{−½}HP^{−½}) at θ_t, P the adaptive method's of the last
  // update (NaN for other methods and before the first update).
  double psharpness();
  // The sharpness the method is judged by: the batch sharpness in a minibatch run, else the
  // preconditioned one for an adaptive method, else S.
  double judged();
  // The model's tracked scalars at θ_t (ModelInfo::tracked); NaN between samples in a minibatch run
  // (a step there touches its batch only).
  const std::vector<double>& tracked();
  // A run with batch keys: its probe (gd/minibatch.h); null otherwise. In a minibatch run (B < n)
  // loss and grad are the step's batch's.
  BatchProbe* batch = nullptr;
  bool minibatch() const;
  // The other trajectory at the same time, when the run keeps one (GD beside gradient flow).
  const Vec* companion = nullptr;
  // θ_t − θ_{t−1} as the method took it, for methods that keep it (momentum); null otherwise.
  const Vec* prev_step = nullptr;
  // For an adaptive method: its estimator of the preconditioned sharpness and the diagonal of
  // P^{−½} of the last update (null before the first one).
  void precondition(SharpnessEstimator* estimator, const Vec* d) {
    pestimator_ = estimator;
    precondition_ = estimator != nullptr;
    d_ = d;
  }

 private:
  Model& model_;
  SharpnessEstimator& estimator_;
  SharpnessEstimator* pestimator_ = nullptr;
  const Vec* d_ = nullptr;
  const Mat* hess_;
  std::size_t ntracked_;
  bool have_sharpness_ = false, have_tracked_ = false, have_psharpness_ = false, precondition_ = false;
  double sharpness_ = 0, psharpness_ = 0;
  std::vector<double> tracked_, eigenvalues_;
  Mat own_hess_;  // the Hessian at θ_t when the loop did not compute it
  const Mat* dense_hessian();
};

// How a run ended, for the observers' final statistics.
struct RunEnd {
  bool diverged = false;
  bool early_stop = false;      // an observer stopped the run before the last step
  bool finite_params = true;    // the final θ is finite
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Step t, whose loss and gradient are finite. Return true to stop the run after this step
  // (ignored at the last step). Observers run in order and may read the live statistics.
  virtual bool on_step(Step& step) = 0;
  // The run stops early at this step (some observer asked).
  virtual void on_early_stop(Step&) {}
  // Write the final statistics.
  virtual void finish(const RunEnd&, RunStats&) {}
  // The observer's state between steps, for a checkpoint: saved and loaded in the same order, so a
  // run restored at step t continues exactly (an observer without state keeps the defaults).
  virtual void save(StateWriter&) const {}
  virtual void load(StateReader&) {}
};

// Every field of the run statistics, as records (the live statistics of a checkpoint).
void save_stats(StateWriter& w, const RunStats& s);
void load_stats(StateReader& r, RunStats& s);

}  // namespace eos
