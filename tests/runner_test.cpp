// The GD runner against closed forms: on a quadratic L = ½ θᵀAθ, GD is θ_t = (I − ηA)^t θ₀,
// the sharpness is λ_max(A), and GD is stable exactly when η < 2/λ_max.
#define BOOST_TEST_MODULE runner
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>

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

std::map<std::string, std::string> columns(const RunResult& r) {
  return {r.columns.begin(), r.columns.end()};
}

double num(const std::map<std::string, std::string>& c, const std::string& k) {
  BOOST_REQUIRE_MESSAGE(c.count(k), "missing column " << k);
  return c.at(k).empty() ? NAN : std::stod(c.at(k));
}

RunConfig config(double eta, long steps, long every) {
  RunConfig cfg;
  cfg.eta = eta;
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
  auto c = columns(run_gd(q, quadratic_info(), config(eta, T, 7)));
  BOOST_CHECK_EQUAL(c["regime"], "gf");
  BOOST_CHECK_EQUAL(num(c, "steps_run"), T);
  BOOST_CHECK_EQUAL(num(c, "loss_rises"), 0);
  BOOST_CHECK_CLOSE(num(c, "sharpness_final"), 4.0, 1e-12);
  BOOST_CHECK_CLOSE(num(c, "sharpness_max"), 4.0, 1e-12);
  BOOST_CHECK_CLOSE(num(c, "edge_max"), eta * 4.0 / 2, 1e-12);
  // Samples at t = 0, 7, ..., 196 and at the end (200).
  BOOST_CHECK_EQUAL(num(c, "sharpness_samples"), 29 + 1);
  // x_t = (1 − 4η)^t: final value and the mean over the last 10% (t = 181..200).
  const double r = 1 - eta * 4.0;
  BOOST_CHECK_CLOSE(num(c, "x_final"), std::pow(r, T), 1e-9);
  double tail = 0;
  for (long t = 181; t <= T; ++t) tail += std::pow(r, t);
  BOOST_CHECK_CLOSE(num(c, "x_tail"), tail / 20, 1e-9);
  const double y = -2 * std::pow(1 - eta, T), x = std::pow(r, T);
  BOOST_CHECK_CLOSE(num(c, "loss_final"), 0.5 * (4 * x * x + y * y), 1e-9);
  BOOST_CHECK_CLOSE(num(c, "norm"), std::hypot(x, y), 1e-9);
  BOOST_CHECK_EQUAL(c["diverged_step"], "");
}

BOOST_AUTO_TEST_CASE(unstable_run_is_a_diverged_result) {
  Quadratic q(vec({4.0, 1.0}), vec({1.0, -2.0}));
  const double eta = 0.55;  // η·λ_max/2 = 1.1: |1 − 4η| = 1.2 per step
  RunConfig cfg = config(eta, 100000, 10);
  cfg.diverge_loss = 1e6;
  auto c = columns(run_gd(q, quadratic_info(), cfg));
  BOOST_CHECK_EQUAL(c["regime"], "diverged");
  // ½·4·1.2^{2t} > 1e6 first at t = ⌈log(5e5)/(2 log 1.2)⌉ = 36.
  BOOST_CHECK_EQUAL(num(c, "diverged_step"), 36);
  BOOST_CHECK(std::isnan(num(c, "x_final")));
  BOOST_CHECK(std::isfinite(num(c, "loss_final")));
}

BOOST_AUTO_TEST_CASE(non_finite_parameters_are_diverged_not_a_crash) {
  Quadratic q(vec({1e200}), vec({1e200}));
  auto c = columns(run_gd(q, quadratic_info(), config(1.0, 10, 1)));
  BOOST_CHECK_EQUAL(c["regime"], "diverged");
  BOOST_CHECK_EQUAL(num(c, "diverged_step"), 0);
}

BOOST_AUTO_TEST_CASE(loss_rise_marks_the_edge_of_stability) {
  // η·λ/2 slightly above 1 on one direction, with diverge_loss high: the loss rises every step.
  Quadratic q(vec({2.0, 0.5}), vec({1e-3, 1.0}));
  RunConfig cfg = config(1.01, 50, 1000);  // sharpness only at t = 0 and T: sampling alone...
  auto c = columns(run_gd(q, quadratic_info(), cfg));
  BOOST_CHECK_GT(num(c, "loss_rises"), 0);
  BOOST_CHECK_EQUAL(c["regime"], "eos");
}

BOOST_AUTO_TEST_CASE(stop_flag_interrupts_and_grad_tol_stops_early) {
  Quadratic q(vec({1.0}), vec({1.0}));
  std::atomic<bool> stop{true};
  RunConfig cfg = config(0.1, 1000000, 100);
  cfg.stop = &stop;
  BOOST_CHECK_THROW(run_gd(q, quadratic_info(), cfg), Interrupted);

  RunConfig tol = config(0.5, 1000000, 100);
  tol.stop_grad_tol = 1e-6;
  auto c = columns(run_gd(q, quadratic_info(), tol));
  // |g_t| = 0.5^t < 1e-6 first at t = 20.
  BOOST_CHECK_EQUAL(num(c, "steps_run"), 20);
  BOOST_CHECK_EQUAL(num(c, "converged"), 1);
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
