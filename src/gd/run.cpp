// Full-batch GD with sharpness tracking, regime classification and tail statistics.
#include "eos/gd/run.h"

#include <cmath>
#include <limits>

#include "eos/gd/sharpness.h"
#include "eos/util/number.h"

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v) { return format_double(v); }
std::string num(long v) { return std::to_string(v); }

}  // namespace

const std::vector<KeySpec>& runner_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "eta", .doc = "step size η (give eta or eta_rel)", .axis = true, .min = 0, .min_exclusive = true,
       .label = "η"},
      {.name = "eta_rel", .doc = "step size relative to the model's η* (8π/d² for sparse-relu)", .axis = true, .min = 0,
       .min_exclusive = true, .max = 1e12, .in_id = false, .label = "η/η*"},
      {.name = "horizon", .default_value = "10", .doc = "steps = ⌈horizon/η⌉ unless steps is given", .axis = true,
       .min = 0, .min_exclusive = true, .in_id = false},
      {.name = "steps", .type = KeyType::Integer, .doc = "fixed number of GD steps (instead of horizon)", .axis = true,
       .min = 1},
      {.name = "sharpness_every", .type = KeyType::Integer, .default_value = "100",
       .doc = "compute the sharpness every k steps (and at the end)", .min = 1},
      {.name = "tail", .default_value = "0.1", .doc = "fraction of the run averaged into the *_tail columns", .min = 0,
       .min_exclusive = true, .max = 1},
      {.name = "solver", .type = KeyType::Text, .default_value = "auto",
       .doc = "sharpness: auto, dense, lanczos, or check (both, compared)", .min = 0,
       .choices = {"auto", "dense", "lanczos", "check"}, .in_id = false},
      {.name = "lanczos_cutoff", .type = KeyType::Integer, .default_value = "64",
       .doc = "auto solver: dense up to this many parameters", .min = 1, .in_id = false},
      {.name = "diverge_loss", .default_value = "1e12", .doc = "a loss above this counts as diverged", .min = 0,
       .min_exclusive = true},
      {.name = "rise_tol", .default_value = "1e-9", .doc = "relative size of a loss increase that counts as a rise",
       .min = 0},
      {.name = "stop_grad_tol", .default_value = "0", .doc = "stop once the gradient norm is below this (0: never)",
       .min = 0},
      {.name = "trace_every", .type = KeyType::Integer, .default_value = "0",
       .doc = "write a per-step trace every k steps (0: none)", .min = 0, .in_id = false},
      {.name = "trace_points", .type = KeyType::Text, .default_value = "all",
       .doc = "points to trace: all, or a list of ids or grid indices", .min = 0, .in_id = false},
  };
  return keys;
}

RunConfig run_config(const Params& p) {
  RunConfig c;
  c.eta = p.real("eta");
  c.steps = p.integer("steps");
  c.sharpness_every = p.integer("sharpness_every");
  c.tail = p.real("tail");
  c.solver = p.text("solver");
  c.lanczos_cutoff = p.integer("lanczos_cutoff");
  c.diverge_loss = p.real("diverge_loss");
  c.rise_tol = p.real("rise_tol");
  c.stop_grad_tol = p.real("stop_grad_tol");
  c.trace_every = p.integer("trace_every");
  return c;
}

const std::vector<std::string>& runner_columns() {
  static const std::vector<std::string> cols = {
      "regime",          "steps_run",       "diverged_step",   "loss_final",      "loss_max",
      "loss_rises",      "last_rise_step",  "grad_norm_final", "converged",       "sharpness_final",
      "sharpness_tail",  "sharpness_max",   "edge_final",      "edge_tail",       "edge_max",
      "first_edge_step", "edge_samples",    "sharpness_samples", "step_edge_max",   "step_edge_tail",  "mid_edge_max",    "mid_checks",
      "hvps_per_estimate", "solver_check_diff"};
  return cols;
}

RunResult run_gd(Model& model, const ModelInfo& info, const RunConfig& cfg, const TraceSink& trace) {
  Vec theta = model.initial();
  const long dim = theta.size();
  SharpnessEstimator sharp(model, dim, cfg.solver, cfg.lanczos_cutoff);
  const long T = cfg.steps;
  const long tail_len = std::max(1L, std::lround(cfg.tail * static_cast<double>(T)));
  const long tail_start = T - tail_len + 1;  // steps tail_start..T (tail_len evaluations)
  const std::size_t ntr = info.tracked.size();
  std::vector<double> tracked(ntr), tracked_tail(ntr, 0.0);
  long tracked_tail_count = 0;

  Vec grad(dim), prev_grad(dim);
  Mat hess;
  // Step edge e_t = η·c_t/2 with c_t the secant curvature of the loss along step t:
  // e_t = (1 − ⟨g_{t+1}, g_t⟩/‖g_t‖²)/2. e_t > 1 certifies that the curvature somewhere on the
  // segment exceeded 2/η, without sampling; a period-two oscillation has e_t = 1.
  double step_edge_max = -INFINITY, step_edge_tail_sum = 0;
  long step_edge_tail_count = 0;
  // Where the gradient reversed (the step overshot), the sharpness at the step's midpoint: the
  // oscillation of a large-η transient crosses the sharp region between two flat points.
  // Checked on the first kMidChecks reversals, then on reversals at sampling steps, until the
  // run is certified beyond the edge.
  // (A Lanczos estimate costs dozens of gradients, so models without a dense Hessian get fewer.)
  const long kMidChecks = sharp.wants_dense() ? 64 : 8;
  double mid_edge_max = -INFINITY;
  long mid_checks = 0, reversals = 0;
  Vec theta_mid(dim), grad_mid(dim);
  Mat hess_mid;
  double loss = kNaN, prev_loss = kNaN, last_finite_loss = kNaN, loss_max = -INFINITY, grad_norm = kNaN;
  long rises = 0, last_rise = -1, diverged_step = -1, steps_run = 0, first_edge = -1, edge_samples = 0;
  long samples = 0, tail_samples = 0;
  double s_final = kNaN, s_max = -INFINITY, s_tail_sum = 0;
  bool converged = false;

  for (long t = 0;; ++t) {
    if (cfg.stop && (t & 255) == 0 && cfg.stop->load(std::memory_order_relaxed)) throw Interrupted();
    const bool traced = cfg.trace_every > 0 && t % cfg.trace_every == 0;
    const bool want_sharp = t % cfg.sharpness_every == 0 || t == T || traced;
    loss = model.evaluate(theta, grad, want_sharp && sharp.wants_dense() ? &hess : nullptr);
    steps_run = t;
    if (!std::isfinite(loss) || loss > cfg.diverge_loss || !grad.allFinite()) {
      diverged_step = t;
      break;
    }
    last_finite_loss = loss;
    loss_max = std::max(loss_max, loss);
    if (t > 0 && loss > prev_loss + cfg.rise_tol * std::max(std::fabs(prev_loss), 1e-300)) {
      ++rises;
      last_rise = t;
    }
    prev_loss = loss;
    grad_norm = grad.norm();
    if (t > 0) {
      const double g2 = prev_grad.squaredNorm();
      if (g2 > 0) {
        const double e = 0.5 * (1.0 - grad.dot(prev_grad) / g2);
        step_edge_max = std::max(step_edge_max, e);
        const bool certified = rises > 0 || step_edge_max > 1 || mid_edge_max > 1 || cfg.eta * s_max / 2 > 1;
        if (e > 0.5 && !certified && (++reversals <= kMidChecks || t % cfg.sharpness_every == 0)) {
          theta_mid = theta + (0.5 * cfg.eta) * prev_grad;  // θ_t = θ_{t−1} − η·g_{t−1}
          model.evaluate(theta_mid, grad_mid, sharp.wants_dense() ? &hess_mid : nullptr);
          const double sm = sharp.estimate(theta_mid, sharp.wants_dense() ? &hess_mid : nullptr);
          if (std::isfinite(sm)) mid_edge_max = std::max(mid_edge_max, cfg.eta * sm / 2);
          ++mid_checks;
        }
        if (t >= tail_start) {
          step_edge_tail_sum += e;
          ++step_edge_tail_count;
        }
      }
    }

    double s = kNaN;
    if (want_sharp) {
      s = sharp.estimate(theta, sharp.wants_dense() ? &hess : nullptr);
      if (std::isfinite(s)) {
        ++samples;
        s_final = s;
        s_max = std::max(s_max, s);
        if (t >= tail_start) {
          s_tail_sum += s;
          ++tail_samples;
        }
        if (cfg.eta * s / 2 >= 1) {
          ++edge_samples;
          if (first_edge < 0) first_edge = t;
        }
      }
    }
    if (ntr) {
      model.track(theta, tracked.data());
      if (t >= tail_start) {
        for (std::size_t k = 0; k < ntr; ++k) tracked_tail[k] += tracked[k];
        ++tracked_tail_count;
      }
    }
    if (traced && trace) trace(t, loss, s, tracked);
    if (t == T) break;
    if (cfg.stop_grad_tol > 0 && grad_norm < cfg.stop_grad_tol) {
      converged = true;
      if (!want_sharp) {  // the final state's sharpness, not the last sample's
        if (sharp.wants_dense()) model.evaluate(theta, grad, &hess);
        const double sf = sharp.estimate(theta, sharp.wants_dense() ? &hess : nullptr);
        if (std::isfinite(sf)) {
          ++samples;
          s_final = sf;
          s_max = std::max(s_max, sf);
        }
      }
      break;
    }
    theta.noalias() -= cfg.eta * grad;
    prev_grad.swap(grad);
    if (!theta.allFinite()) {
      diverged_step = t + 1;
      steps_run = t + 1;
      break;
    }
  }
  if (cfg.stop_grad_tol > 0 && !converged && diverged_step < 0) converged = grad_norm < cfg.stop_grad_tol;

  const bool diverged = diverged_step >= 0;
  // EoS: any certificate that the run went beyond the edge: the loss rose between steps, the
  // curvature along a step exceeded 2/η, or a sampled sharpness did.
  const bool eos = rises > 0 || step_edge_max > 1 || mid_edge_max > 1 || (samples > 0 && cfg.eta * s_max / 2 > 1);
  const double s_tail = tail_samples > 0 ? s_tail_sum / static_cast<double>(tail_samples) : s_final;

  RunResult r;
  auto put = [&r](const std::string& k, std::string v) { r.columns.emplace_back(k, std::move(v)); };
  put("regime", diverged ? "diverged" : eos ? "eos" : "gf");
  put("steps_run", num(steps_run));
  put("diverged_step", diverged ? num(diverged_step) : "");
  put("loss_final", num(last_finite_loss));
  put("loss_max", num(loss_max == -INFINITY ? kNaN : loss_max));
  put("loss_rises", num(rises));
  put("last_rise_step", num(last_rise));
  put("grad_norm_final", num(grad_norm));
  put("converged", cfg.stop_grad_tol > 0 ? num(static_cast<long>(converged)) : "");
  put("sharpness_final", num(s_final));
  put("sharpness_tail", num(s_tail));
  put("sharpness_max", num(samples ? s_max : kNaN));
  put("edge_final", num(cfg.eta * s_final / 2));
  put("edge_tail", num(cfg.eta * s_tail / 2));
  put("edge_max", num(samples ? cfg.eta * s_max / 2 : kNaN));
  put("first_edge_step", num(first_edge));
  put("edge_samples", num(edge_samples));
  put("sharpness_samples", num(samples));
  put("step_edge_max", num(step_edge_max == -INFINITY ? kNaN : step_edge_max));
  put("step_edge_tail", num(step_edge_tail_count ? step_edge_tail_sum / static_cast<double>(step_edge_tail_count) : kNaN));
  put("mid_edge_max", num(mid_edge_max == -INFINITY ? kNaN : mid_edge_max));
  put("mid_checks", num(mid_checks));
  put("hvps_per_estimate", sharp.lanczos_estimates() ? num(static_cast<double>(sharp.total_hvps()) /
                                                               static_cast<double>(sharp.lanczos_estimates()))
                                                     : "");
  put("solver_check_diff", cfg.solver == "check" ? num(sharp.check_diff()) : "");
  for (std::size_t k = 0; k < ntr; ++k) {
    put(info.tracked[k] + "_final", num(diverged ? kNaN : tracked[k]));
    put(info.tracked[k] + "_tail", num(!diverged && tracked_tail_count ? tracked_tail[k] / static_cast<double>(tracked_tail_count) : kNaN));
  }
  std::vector<double> reports(info.reports.size(), kNaN);
  if (!reports.empty() && theta.allFinite()) model.report(theta, reports.data());
  for (std::size_t k = 0; k < reports.size(); ++k) put(info.reports[k], num(reports[k]));
  return r;
}

}  // namespace eos
