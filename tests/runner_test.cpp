// The GD runner against closed forms: on a quadratic L = ½ θᵀAθ, GD is θ_t = (I − ηA)^t θ₀,
// the sharpness is λ_max(A), and GD is stable exactly when η < 2/λ_max.
#define BOOST_TEST_MODULE runner
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <set>

#include "eos/gd/diagnostics.h"
#include "eos/gd/run.h"

using namespace eos;

namespace {

// A diagonal quadratic with eigenvalues lam; tracked: θ₀; report: ‖θ‖.
class Quadratic final : public Model {
 public:
  explicit Quadratic(Vec lam, Vec theta0) : lam_(std::move(lam)), theta0_(std::move(theta0)) {}
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& t, Vec& g, Mat* h) override {
    g = lam_.cwiseProduct(t);
    if (h) *h = lam_.asDiagonal();
    return 0.5 * t.dot(g);
  }
  void track(const Vec& t, double* out) const override { out[0] = t[0]; }
  void report(const Vec& t, double* out) override { out[0] = t.norm(); }

 private:
  Vec lam_, theta0_;
};

ModelInfo quadratic_info() {
  ModelInfo info;
  info.name = "quadratic";
  info.tracked = {"x"};
  info.reports = {"norm"};
  return info;
}

RunConfig config(double eta, long steps, long every) {
  RunConfig cfg;
  cfg.method.eta = eta;
  cfg.steps = steps;
  cfg.sharpness_every = every;
  cfg.tail = 0.1;
  cfg.solver = "dense";
  return cfg;
}

Vec vec(std::initializer_list<double> v) {
  Vec x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stable_run_matches_closed_form) {
  Quadratic q(vec({4.0, 1.0}), vec({1.0, -2.0}));
  const double eta = 0.3;  // η·λ_max/2 = 0.6 < 1
  const long T = 200;
  const RunOutcome o = run_gd(q, quadratic_info(), config(eta, T, 7));
  const RunStats& c = o.stats;
  BOOST_CHECK(c.regime == Regime::Gf);
  BOOST_CHECK_EQUAL(c.steps_run, T);
  BOOST_CHECK_EQUAL(c.loss_rises, 0);
  BOOST_CHECK_CLOSE(c.sharpness_final, 4.0, 1e-12);
  BOOST_CHECK_CLOSE(c.sharpness_max, 4.0, 1e-12);
  BOOST_CHECK_CLOSE(c.edge_max, eta * 4.0 / 2, 1e-12);
  // Samples at t = 0, 7, ..., 196 and at the end (200).
  BOOST_CHECK_EQUAL(c.sharpness_samples, 29 + 1);
  // x_t = (1 − 4η)^t: final value and the mean over the last 10% (t = 181..200).
  const double r = 1 - eta * 4.0;
  BOOST_CHECK_CLOSE(o.tracked_final[0], std::pow(r, T), 1e-9);
  double tail = 0;
  for (long t = 181; t <= T; ++t) tail += std::pow(r, t);
  BOOST_CHECK_CLOSE(o.tracked_tail[0], tail / 20, 1e-9);
  const double y = -2 * std::pow(1 - eta, T), x = std::pow(r, T);
  BOOST_CHECK_CLOSE(c.loss_final, 0.5 * (4 * x * x + y * y), 1e-9);
  BOOST_CHECK_CLOSE(o.reports[0], std::hypot(x, y), 1e-9);
  BOOST_CHECK(!c.diverged_step);
  BOOST_CHECK(!c.converged);  // stop_grad_tol = 0: not reported
  // On a quadratic the secant curvature along a step is the Rayleigh quotient of A at g_{t−1}: at
  // most λ_max, so e = η·c/2 ≤ 0.6. The first steps have e > 1/2 (g₀ = (4, −2): c = 3.4), so the
  // midpoint is checked, where the sharpness is λ_max = 4: η·S/2 = 0.6 exactly.
  BOOST_CHECK_LE(c.step_edge_max, 0.6 + 1e-12);
  BOOST_CHECK_GT(c.mid_checks, 0);
  BOOST_CHECK_CLOSE(c.mid_edge_max, 0.6, 1e-12);
}

BOOST_AUTO_TEST_CASE(unstable_run_is_a_diverged_result) {
  Quadratic q(vec({4.0, 1.0}), vec({1.0, -2.0}));
  const double eta = 0.55;  // η·λ_max/2 = 1.1: |1 − 4η| = 1.2 per step
  RunConfig cfg = config(eta, 100000, 10);
  cfg.diverge_loss = 1e6;
  const RunOutcome o = run_gd(q, quadratic_info(), cfg);
  BOOST_CHECK(o.stats.regime == Regime::Diverged);
  // ½·4·1.2^{2t} > 1e6 first at t = ⌈log(5e5)/(2 log 1.2)⌉ = 36.
  BOOST_CHECK_EQUAL(o.stats.diverged_step.value_or(-1), 36);
  BOOST_CHECK(std::isnan(o.tracked_final[0]));
  BOOST_CHECK(std::isfinite(o.stats.loss_final));
  BOOST_CHECK(o.finite_params);  // the loss passed diverge_loss; θ itself is finite: reports are computed
  BOOST_CHECK(std::isfinite(o.reports[0]));
}

BOOST_AUTO_TEST_CASE(non_finite_parameters_are_diverged_not_a_crash) {
  Quadratic q(vec({1e200}), vec({1e200}));
  const RunOutcome o = run_gd(q, quadratic_info(), config(1.0, 10, 1));
  BOOST_CHECK(o.stats.regime == Regime::Diverged);
  BOOST_CHECK_EQUAL(o.stats.diverged_step.value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(loss_rise_marks_the_edge_of_stability) {
  // η·λ/2 slightly above 1 on one direction, with diverge_loss high: the loss rises every step.
  Quadratic q(vec({2.0, 0.5}), vec({1e-3, 1.0}));
  RunConfig cfg = config(1.01, 50, 1000);  // sharpness only at t = 0 and T: sampling alone...
  const RunOutcome o = run_gd(q, quadratic_info(), cfg);
  BOOST_CHECK_GT(o.stats.loss_rises, 0);
  BOOST_CHECK(o.stats.regime == Regime::Eos);
}

BOOST_AUTO_TEST_CASE(stop_flag_interrupts_and_grad_tol_stops_early) {
  Quadratic q(vec({1.0}), vec({1.0}));
  std::atomic<bool> stop{true};
  RunConfig cfg = config(0.1, 1000000, 100);
  cfg.stop = &stop;
  BOOST_CHECK_THROW(run_gd(q, quadratic_info(), cfg), Interrupted);

  RunConfig tol = config(0.5, 1000000, 100);
  tol.stop_grad_tol = 1e-6;
  const RunOutcome o = run_gd(q, quadratic_info(), tol);
  // |g_t| = 0.5^t < 1e-6 first at t = 20.
  BOOST_CHECK_EQUAL(o.stats.steps_run, 20);
  BOOST_CHECK(o.stats.converged.value_or(false));
  // The early stop samples the final state: t = 0 (every 100), then t = 20.
  BOOST_CHECK_EQUAL(o.stats.sharpness_samples, 2);
}

BOOST_AUTO_TEST_CASE(trace_rows_every_k_steps_with_sharpness) {
  Quadratic q(vec({3.0}), vec({1.0}));
  RunConfig cfg = config(0.1, 20, 100);
  cfg.trace_every = 5;
  std::vector<long> steps;
  std::vector<double> sharp;
  run_gd(q, quadratic_info(), cfg, [&](long t, double, double s, const std::vector<double>& tr) {
    steps.push_back(t);
    sharp.push_back(s);
    BOOST_CHECK_EQUAL(tr.size(), 1u);
  });
  BOOST_CHECK((steps == std::vector<long>{0, 5, 10, 15, 20}));
  for (double s : sharp) BOOST_CHECK_CLOSE(s, 3.0, 1e-12);
}

BOOST_AUTO_TEST_CASE(regime_rule_is_a_pure_function_of_the_statistics) {
  RunStats s;
  BOOST_CHECK(classify(s) == Regime::Gf);  // nothing set: no certificate
  s.edge_max = 0.99;
  s.step_edge_max = 1.0;  // a period-two oscillation: exactly 1 is not beyond the edge
  BOOST_CHECK(classify(s) == Regime::Gf);
  for (int which = 0; which < 4; ++which) {
    RunStats t = s;
    if (which == 0) t.loss_rises = 1;
    if (which == 1) t.step_edge_max = 1.0001;
    if (which == 2) t.mid_edge_max = 2.2;
    if (which == 3) t.edge_max = 1.01;
    BOOST_CHECK_MESSAGE(beyond_edge(t) && classify(t) == Regime::Eos, "certificate " << which);
    t.diverged_step = 5;
    BOOST_CHECK(classify(t) == Regime::Diverged);  // divergence wins
  }
}

BOOST_AUTO_TEST_CASE(every_runner_column_is_named_once_and_formats_its_field) {
  std::set<std::string> names;
  for (const auto& c : run_columns()) BOOST_CHECK_MESSAGE(names.insert(c.name).second, "column twice: " << c.name);
  BOOST_CHECK_EQUAL(run_columns().front().name, std::string("regime"));
  RunStats s;
  s.regime = Regime::Eos;
  s.converged = true;
  BOOST_CHECK_EQUAL(format_field(find_run_column("regime")->value(s)), "eos");
  BOOST_CHECK_EQUAL(format_field(find_run_column("converged")->value(s)), "1");
  BOOST_CHECK_EQUAL(format_field(find_run_column("diverged_step")->value(s)), "");  // not diverged: empty
  BOOST_CHECK_EQUAL(format_field(find_run_column("loss_max")->value(s)), "nan");   // never measured
  BOOST_CHECK_EQUAL(format_field(find_run_column("hvps_per_estimate")->value(s)), "");
  BOOST_CHECK_EQUAL(find_run_column("edge_max")->level, 1.0);  // η·S/2 = 1 is the edge
}

// The diagnostic eos_loss_peak against a hand computation on a quadratic whose one direction is
// beyond the edge (η·λ/2 = 1.05): the peak is the largest loss from the first step on (η·S/2 ≥ 1
// already at θ₀), i.e. the last one, since the loss grows by (1 − ηλ)² = 1.21 per step.
BOOST_AUTO_TEST_CASE(eos_loss_peak_diagnostic_follows_the_run) {
  Quadratic q(vec({2.1, 0.5}), vec({1.0, 1.0}));
  ModelInfo info = quadratic_info();
  info.diagnostics = {"eos_loss_peak"};
  RunConfig cfg = config(1.0, 30, 1000);
  cfg.trace_every = 1;
  double last_loss = 0;
  const RunOutcome o = run_gd(q, info, cfg, [&](long, double l, double, const std::vector<double>&) { last_loss = l; });
  BOOST_REQUIRE_EQUAL(o.diagnostics.size(), 1u);
  BOOST_CHECK_EQUAL(o.diagnostics[0], last_loss);
  // Below the edge it never starts: NaN.
  Quadratic flat(vec({1.0}), vec({1.0}));
  const RunOutcome g = run_gd(flat, info, config(0.5, 30, 1000));
  BOOST_CHECK(std::isnan(g.diagnostics[0]));
  BOOST_CHECK_THROW(make_diagnostic("no-such-diagnostic", cfg), std::invalid_argument);
}
