// minimalist-2d: derivatives against finite differences, the gradient-flow solution against a
// numerical integration of gradient flow, and the bar: progressive sharpening then self-
// stabilisation when the GF solution is sharper than 2/η, and η·S/2 < 1 throughout when it is not.
#define BOOST_TEST_MODULE minimalist_2d
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>

#include "eos/model/registry.h"
#include "eos/models/minimalist_2d.h"
#include "eos/util/rng.h"
#include "support.h"

using namespace eos;

namespace {

std::vector<Point> points(const std::string& text) { return test::points_of(text); }

Vec grad_at(Model& m, const Vec& t) {
  Vec g;
  m.evaluate(t, g, nullptr);
  return g;
}

// Gradient flow dθ/dt = −∇L(θ) by classical RK4 with step dt until ‖∇L‖ < tol.
Vec gradient_flow(Model& m, Vec t, double dt, double tol) {
  for (long k = 0; k < 20000000; ++k) {
    const Vec k1 = grad_at(m, t);
    if (k1.norm() < tol) return t;
    const Vec k2 = grad_at(m, t - 0.5 * dt * k1);
    const Vec k3 = grad_at(m, t - 0.5 * dt * k2);
    const Vec k4 = grad_at(m, t - dt * k3);
    t -= dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  BOOST_FAIL("gradient flow did not converge");
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(derivatives_match_finite_differences) {
  Rng rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const double l1 = 0.5 + 10 * rng.uniform(), l2 = 0.2 + 3 * rng.uniform();
    Vec t(3);
    t << 2 * rng.normal(), rng.normal(), rng.normal();
    Minimalist2d m(l1, l2, t);
    test::check_derivatives(m, t, {.h_grad = 1e-5, .grad_tol = 1e-7, .hess_tol = 1e-6, .sym_tol = 0});
  }
}

BOOST_AUTO_TEST_CASE(gradient_flow_solution_matches_integrated_flow) {
  // Cases where λ₁α∞² is the top eigenvalue and where λ₂√(C² + 4) is; C < 0, ≈ 0 and > 0.
  struct Case {
    double l1, l2, a, b1, b2;
  };
  for (const Case& c : {Case{4, 1, 0.1, 0.1, 0.1}, Case{8, 1, 0.5, 0.05, 0.05}, Case{1, 1, 1.5, 0.5, 0.1},
                        Case{0.5, 2, 0.3, 1.2, -0.4}, Case{3, 0.5, -0.8, 0.2, 0.9}, Case{2, 1, 2.0, 0.3, 0.2}}) {
    Vec t0(3);
    t0 << c.a, c.b1, c.b2;
    Minimalist2d m(c.l1, c.l2, t0);
    const Vec end = gradient_flow(m, t0, 1e-3, 1e-11);
    const auto gf = minimalist_2d_gf(c.l1, c.l2, c.a, c.b1, c.b2);
    BOOST_TEST_CONTEXT("case λ₁ = " << c.l1 << ", λ₂ = " << c.l2 << ", θ₀ = " << t0.transpose()) {
      // The flow conserves C and ends at the predicted minimiser.
      BOOST_TEST(end[0] * end[0] - end[1] * end[1] - end[2] * end[2] == gf.conserved, boost::test_tools::tolerance(1e-8));
      BOOST_TEST(end[0] * end[0] == gf.alpha_sq, boost::test_tools::tolerance(1e-8));
      BOOST_TEST(end[2] * end[2] == gf.beta2_sq, boost::test_tools::tolerance(1e-8));
      BOOST_TEST(std::fabs(end[1]) < 1e-9);
      BOOST_TEST(top_eigenvalue(m.hessian(end)) == gf.sharpness, boost::test_tools::tolerance(1e-8));
    }
  }
}

BOOST_AUTO_TEST_CASE(eta_star_is_two_over_gf_sharpness) {
  const auto pts = points("model = minimalist-2d\nlambda1 = 8\nlambda2 = 1\nalpha0 = 0.5\neta_rel = 1\nsteps = 1\n");
  const double s = minimalist_2d_gf(8, 1, 0.5, 0.1, 0.1).sharpness;
  BOOST_TEST(pts[0].params.real("eta") == 2.0 / s, boost::test_tools::tolerance(1e-14));
}

// The bar. Above the threshold (η > 2/S_GF) the run starts below the edge, sharpens to η·S/2 > 1,
// and converges to a minimum with η·S/2 ≤ 1 flatter than the GF solution; below it, η·S/2 < 1 at
// every step and GD lands next to the GF solution.
BOOST_AUTO_TEST_CASE(sharpening_and_self_stabilisation_exactly_above_gf_threshold) {
  const test::TestJob job(
      "model = minimalist-2d\nlambda1 = 4, 8, 16\nlambda2 = 1\nalpha0 = 0.1\nbeta1_0 = 0.1\nbeta2_0 = 0.1\n"
      "eta_rel = 0.5, 0.8, 0.9, 1.2, 1.3, 1.6\nsteps = 20000\nsharpness_every = 1\nstop_grad_tol = 1e-10\n"
      "trace_every = 1\n");
  int above = 0, below = 0;
  for (const Point& p : job.points()) {
    const double eta = p.params.real("eta"), rel = p.params.real("eta_rel");
    std::vector<double> sharp, loss;
    const PointResult r = job.run(p, [&](long, double l, double s, const std::vector<double>&) {
      sharp.push_back(s);
      loss.push_back(l);
    });
    auto column = [&](const std::string& c) { return job.number(p, r, c); };
    const double s_gf = column("gf_sharpness");
    BOOST_TEST_CONTEXT("λ₁ = " << p.params.text("lambda1") << ", η/η* = " << rel) {
      BOOST_TEST(column("converged") == 1);
      BOOST_TEST(column("edge_final") <= 1.0);
      BOOST_TEST(eta * sharp.front() / 2 < 1);  // starts below the edge
      if (eta * s_gf / 2 > 1) {
        ++above;
        const long first = static_cast<long>(column("first_edge_step"));
        BOOST_TEST(first > 0);
        BOOST_TEST(column("edge_max") > 1);
        BOOST_TEST(column("edge_samples") >= 1);
        // Progressive sharpening: the sharpness grows from its start to above 2/η.
        BOOST_TEST(sharp[static_cast<std::size_t>(first)] > 2 / eta);
        BOOST_TEST(sharp[static_cast<std::size_t>(first)] > 1.5 * sharp.front());
        // Self-stabilisation: the limit is flatter than the GF solution and within the edge.
        BOOST_TEST(column("sharpness_final") < 0.97 * s_gf);
        // The peak loss from the first edge step on, recomputed from the trace.
        double peak = -1;
        for (std::size_t t = static_cast<std::size_t>(first); t < loss.size(); ++t) peak = std::max(peak, loss[t]);
        BOOST_TEST(column("eos_loss_peak") == peak);
        BOOST_TEST(column("eos_loss_peak") > 1e3 * column("loss_final"));
      } else {
        ++below;
        BOOST_TEST(column("edge_max") < 1);
        BOOST_TEST(column("first_edge_step") == -1);
        BOOST_TEST(std::isnan(column("eos_loss_peak")));
        BOOST_TEST(column("sharpness_final") == s_gf, boost::test_tools::tolerance(0.03));
      }
    }
  }
  BOOST_TEST(above == 9);
  BOOST_TEST(below == 9);
}
