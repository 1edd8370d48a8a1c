// The central and gradient flows beside a GD run.
#include "eos/gd/companions.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace eos {

std::vector<std::string> companion_trace_columns(const FlowsSpec& flows) {
  std::vector<std::string> cols;
  if (flows.central)
    for (const char* c : {"cf_loss", "cf_sharpness", "cf_sigma2", "cf_offset2", "dist_gd_cf"}) cols.push_back(c);
  if (flows.gradient)
    for (const char* c : {"gf_loss", "gf_sharpness", "dist_gd_gf"}) cols.push_back(c);
  return cols;
}

// Gradient flow from θ₀: method = flow's RK4 on a trajectory of its own, with its own sharpness
// samples (at GD's sampling steps) for its step size.
struct FlowCompanions::Gradient {
  Gradient(Model& model, const Vec& theta0, const RunConfig& cfg)
      : theta(theta0), estimator(model, theta0.size(), cfg.solver, cfg.lanczos_cutoff, 1) {
    MethodSpec m = cfg.method;
    m.kind = MethodKind::Flow;
    flow = make_method(m, model, theta0, false);
  }
  // Its loss at the current time (and sharpness when sample), then one step's worth of time on.
  void step(Model& model, long t, bool sample, bool advance, double& loss, double& sharpness) {
    const bool dense = sample && estimator.wants_dense();
    loss = model.evaluate(theta, grad, dense ? &hess : nullptr);
    Step s(t, theta, loss, grad, nullptr, grad.norm(), sample, model, estimator, dense ? &hess : nullptr, 0);
    sharpness = sample ? s.sharpness() : RunStats::kNaN;
    if (advance && std::isfinite(loss) && grad.allFinite()) flow->advance(theta, grad, s);
  }
  Vec theta, grad;
  Mat hess;
  SharpnessEstimator estimator;
  std::unique_ptr<Method> flow;
};

FlowCompanions::FlowCompanions(Model& model, const Vec& theta0, const RunConfig& cfg, const Schedule& sched)
    : model_(model), spec_(cfg.flows), sched_(sched), eta_(cfg.method.eta) {
  if (spec_.central) {
    CentralFlowOptions opt;
    opt.substeps = spec_.substeps;
    opt.max_tracked = spec_.max_tracked;
    central_.emplace(model, theta0, eta_, opt);
  }
  if (spec_.gradient) gradient_ = std::make_unique<Gradient>(model, theta0, cfg);
}

FlowCompanions::~FlowCompanions() = default;

// The central flow at time t against θ_t, then on to t + 1; the edge part's statistics.
void FlowCompanions::compare_central(const Step& s) {
  if (!central_ || central_failed_) return;
  const Vec diff = s.theta - central_->w();
  dist_cf_ = diff.norm();
  try {
    const CentralFlowRecord& r = central_->step();
    cf_loss_ = r.predicted_loss;
    cf_sharpness_ = r.sharpness;
    cf_sigma2_ = r.sigma2_max();
    cf_offset2_ = r.top_direction.size() ? std::pow(diff.dot(r.top_direction), 2) : 0.0;
    ++cf_steps_;
    hvps_ += r.hvps;
    thirds_ += r.thirds;
    if (r.sigma2_max() > 0 && edge_step_ < 0) edge_step_ = s.t;  // the flow holds GD at the edge
  } catch (const std::exception&) {
    central_failed_ = true;  // (a flow that breaks down leaves GD's run as it is: NaN from here)
    cf_loss_ = cf_sharpness_ = cf_sigma2_ = cf_offset2_ = RunStats::kNaN;
    return;
  }
  if (edge_step_ < 0) return;
  sharpness_err_ = std::max(sharpness_err_, std::fabs(eta_ * cf_sharpness_ / 2 - 1));
  window_gd_ += s.loss;
  window_cf_ += cf_loss_;
  if (++window_n_ < spec_.window) return;
  const double n = static_cast<double>(window_n_);
  if (std::isnan(edge_loss_)) edge_loss_ = window_gd_ / n;  // GD's loss where the edge part begins
  const double err = std::fabs(window_cf_ - window_gd_) / n / std::fabs(edge_loss_);
  loss_err_ = std::max(loss_err_, err);
  window_n_ = 0;
  window_gd_ = window_cf_ = 0;
}

bool FlowCompanions::on_step(Step& s) {
  compare_central(s);
  if (gradient_) {
    dist_gf_ = (s.theta - gradient_->theta).norm();
    gradient_->step(model_, s.t, s.sample, s.t < sched_.steps, gf_loss_, gf_sharpness_);
  }
  return false;
}

void FlowCompanions::finish(const RunEnd&, RunStats& out) {
  if (central_) {
    out.cf_dist_final = dist_cf_;
    out.cf_edge_step = edge_step_;
    out.cf_loss_err = loss_err_ >= 0 ? loss_err_ : RunStats::kNaN;
    out.cf_sharpness_err = sharpness_err_ >= 0 ? sharpness_err_ : RunStats::kNaN;
    if (cf_steps_) {
      out.cf_hvps_per_step = static_cast<double>(hvps_) / static_cast<double>(cf_steps_);
      out.cf_thirds_per_step = static_cast<double>(thirds_) / static_cast<double>(cf_steps_);
    }
  }
  if (gradient_) out.gf_dist_final = dist_gf_;
  if (central_ && gradient_) out.cf_gf_ratio = dist_cf_ / dist_gf_;
}

void FlowCompanions::save(StateWriter& w) const {
  if (central_) central_->save(w);
  w.put(central_failed_);
  if (gradient_) {
    w.put(gradient_->theta);
    save_state(w, gradient_->flow->state());
    gradient_->estimator.save(w);
  }
  for (double v : {cf_loss_, cf_sharpness_, cf_sigma2_, cf_offset2_, dist_cf_, gf_loss_, gf_sharpness_, dist_gf_})
    w.put(v);
  for (long v : {edge_step_, window_n_, cf_steps_, hvps_, thirds_}) w.put(v);
  for (double v : {edge_loss_, window_gd_, window_cf_, loss_err_, sharpness_err_}) w.put(v);
}

void FlowCompanions::load(StateReader& r) {
  if (central_) central_->load(r);
  r.get(central_failed_);
  if (gradient_) {
    r.get(gradient_->theta);
    gradient_->flow->restore(load_state(r));
    gradient_->estimator.load(r);
  }
  for (double* v : {&cf_loss_, &cf_sharpness_, &cf_sigma2_, &cf_offset2_, &dist_cf_, &gf_loss_, &gf_sharpness_, &dist_gf_})
    r.get(*v);
  for (long* v : {&edge_step_, &window_n_, &cf_steps_, &hvps_, &thirds_}) r.get(*v);
  for (double* v : {&edge_loss_, &window_gd_, &window_cf_, &loss_err_, &sharpness_err_}) r.get(*v);
}

void FlowCompanions::append_trace(std::vector<double>& row) const {
  if (central_)
    for (double v : {cf_loss_, cf_sharpness_, cf_sigma2_, cf_offset2_, dist_cf_}) row.push_back(v);
  if (gradient_)
    for (double v : {gf_loss_, gf_sharpness_, dist_gf_}) row.push_back(v);
}

}  // namespace eos
