// The probe and the watch of a run with batch keys.
#include "eos/gd/minibatch.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace eos {

std::vector<std::string> minibatch_trace_columns() { return {"full_loss", "batch_sharpness", "batch_sharpness_err"}; }

EdgeRule minibatch_edge_rule() { return {.loss_rises = false, .sharpness = false, .batch = true}; }

namespace {

long checked_samples(const Model& model, const BatchSpec& spec) {
  const long n = model.samples();
  if (n < 1) throw std::invalid_argument("batch_size: the model has no finite training set");
  if (spec.size < 1 || spec.size > n)
    throw std::invalid_argument("batch_size: " + std::to_string(spec.size) + " outside 1.." + std::to_string(n));
  return n;
}

}  // namespace

BatchProbe::BatchProbe(Model& model, const BatchSpec& spec, bool adaptive)
    : model_(model),
      spec_(spec),
      adaptive_(adaptive),
      n_(checked_samples(model, spec)),
      order_(n_, spec.size, spec.seed),
      estimator_(model, n_, spec) {}

void BatchProbe::at(long t, const Vec* d) {
  t_ = t;
  d_ = d;
  have_loss_ = have_bs_ = false;
}

double BatchProbe::full_loss(const Step& s) {
  if (!minibatch()) return s.loss;
  if (!have_loss_) {
    loss_ = model_.evaluate(s.theta, grad_, nullptr);
    have_loss_ = true;
  }
  return loss_;
}

const BatchSharpnessEstimate& BatchProbe::batch_sharpness(const Step& s) {
  if (have_bs_) return bs_;
  have_bs_ = true;
  // An adaptive method is judged along its preconditioned step, which it has from its first update.
  if (adaptive_ && !d_) bs_ = {};
  else bs_ = estimator_.estimate(s.theta, t_, d_, minibatch() ? nullptr : &s.grad);
  return bs_;
}

void MinibatchWatch::Series::add(double v, bool in_tail) {
  final = v;
  max = std::max(max, v);
  if (in_tail) tail.add(v);
}

void MinibatchWatch::Series::save(StateWriter& w) const {
  w.put(final);
  w.put(max);
  tail.save(w);
}

void MinibatchWatch::Series::load(StateReader& r) {
  r.get(final);
  r.get(max);
  tail.load(r);
}

void MinibatchWatch::save(StateWriter& w) const {
  bs_.save(w);
  loss_.save(w);
  w.put(err_);
  w.put(low_max_);
  batches_.save(w);
}

void MinibatchWatch::load(StateReader& r) {
  bs_.load(r);
  loss_.load(r);
  r.get(err_);
  r.get(low_max_);
  batches_.load(r);
}

MinibatchWatch::MinibatchWatch(const RunConfig& cfg, const Schedule& sched, BatchProbe& probe)
    : sched_(sched), probe_(probe), scale_(edge_scale(cfg.method)) {}

void MinibatchWatch::add(Step& s, bool in_tail) {
  const double L = probe_.full_loss(s);
  if (std::isfinite(L)) loss_.add(L, in_tail);
  const BatchSharpnessEstimate& e = probe_.batch_sharpness(s);
  trace_bs_ = e.value;
  trace_err_ = e.error;
  if (!std::isfinite(e.value)) return;
  bs_.add(e.value, in_tail);
  err_ = e.error;
  batches_.add(static_cast<double>(e.batches));
  if (std::isfinite(e.error)) low_max_ = std::max(low_max_, scale_ * (e.value - 2 * e.error));
}

bool MinibatchWatch::on_step(Step& s) {
  trace_bs_ = trace_err_ = RunStats::kNaN;
  trace_loss_ = probe_.minibatch() ? RunStats::kNaN : s.loss;
  if (!s.sample) return false;
  add(s, sched_.in_tail(s.t));
  trace_loss_ = probe_.full_loss(s);
  return false;
}

void MinibatchWatch::on_early_stop(Step& s) {
  if (s.sample) return;  // already sampled
  add(s, false);
}

void MinibatchWatch::finish(const RunEnd&, RunStats& out) {
  auto max_or_nan = [](double v) { return v == -INFINITY ? RunStats::kNaN : v; };
  out.batch_sharpness_final = bs_.final;
  out.batch_sharpness_tail = bs_.tail.count ? bs_.tail.value() : bs_.final;
  out.batch_sharpness_max = max_or_nan(bs_.max);
  out.batch_sharpness_err = err_;
  out.full_loss_final = loss_.final;
  out.full_loss_tail = loss_.tail.count ? loss_.tail.value() : loss_.final;
  out.full_loss_max = max_or_nan(loss_.max);
  out.batch_edge_low_max = max_or_nan(low_max_);
  out.bs_batches_mean = batches_.value();
}

void MinibatchWatch::append_trace(std::vector<double>& row) const {
  row.push_back(trace_loss_);
  row.push_back(trace_bs_);
  row.push_back(trace_err_);
}

}  // namespace eos
