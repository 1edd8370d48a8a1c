// The GD observers' shared view of a step: its lazily computed sharpness and tracked scalars.
#include "eos/gd/observer.h"

#include <optional>
#include <type_traits>
#include "eos/gd/minibatch.h"

namespace eos {

Step::Step(long t_, const Vec& theta_, double loss_, const Vec& grad_, const Vec* prev, double norm, bool sample_,
           Model& model, SharpnessEstimator& sharpness, const Mat* hess, std::size_t tracked)
    : t(t_),
      theta(theta_),
      loss(loss_),
      grad(grad_),
      prev_grad(prev),
      grad_norm(norm),
      sample(sample_),
      model_(model),
      estimator_(sharpness),
      hess_(hess),
      ntracked_(tracked) {}

// The dense Hessian at θ_t when the estimators want it: the loop's, or one of our own.
const Mat* Step::dense_hessian() {
  if (!estimator_.wants_dense()) return nullptr;
  if (hess_) return hess_;
  Vec g;
  model_.evaluate(theta, g, &own_hess_);
  hess_ = &own_hess_;
  return hess_;
}

double Step::sharpness() {
  if (have_sharpness_) return sharpness_;
  sharpness_ = estimator_.estimate(theta, dense_hessian());
  have_sharpness_ = true;
  eigenvalues_ = estimator_.last_values();
  return sharpness_;
}

double Step::psharpness() {
  if (have_psharpness_) return psharpness_;
  psharpness_ = pestimator_ && d_ ? pestimator_->estimate(theta, dense_hessian(), d_) : RunStats::kNaN;
  have_psharpness_ = true;
  return psharpness_;
}

const std::vector<double>& Step::eigenvalues() {
  sharpness();
  return eigenvalues_;
}

bool Step::minibatch() const { return batch && batch->minibatch(); }

double Step::judged() {
  if (minibatch()) return batch->batch_sharpness(*this).value;
  return precondition_ ? psharpness() : sharpness();
}

const std::vector<double>& Step::tracked() {
  if (!have_tracked_) {
    tracked_.assign(ntracked_, minibatch() && !sample ? RunStats::kNaN : 0.0);
    if (ntracked_ && !(minibatch() && !sample)) model_.track(theta, tracked_.data());
    have_tracked_ = true;
  }
  return tracked_;
}

namespace {

// One field as records: an optional as a flag and its value, the regime as an integer.
template <class T>
void put_field(StateWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, Regime>) w.put(static_cast<long>(v));
  else if constexpr (std::is_same_v<T, std::optional<long>> || std::is_same_v<T, std::optional<double>> ||
                     std::is_same_v<T, std::optional<bool>>) {
    w.put(v.has_value());
    if (v) w.put(*v);
  } else {
    w.put(v);
  }
}

template <class T>
void get_field(StateReader& r, T& v) {
  if constexpr (std::is_same_v<T, Regime>) v = static_cast<Regime>(r.value<long>());
  else if constexpr (std::is_same_v<T, std::optional<long>> || std::is_same_v<T, std::optional<double>> ||
                     std::is_same_v<T, std::optional<bool>>) {
    v.reset();
    if (r.value<bool>()) v = r.value<typename T::value_type>();
  } else {
    r.get(v);
  }
}

}  // namespace

void save_stats(StateWriter& w, const RunStats& s) {
  for_each_field(s, [&w](const auto& field) { put_field(w, field); });
}

void load_stats(StateReader& r, RunStats& s) {
  for_each_field(s, [&r](auto& field) { get_field(r, field); });
}

}  // namespace eos
