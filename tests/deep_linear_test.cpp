// deep-linear: derivatives against finite differences and a closed form, the scalar chain's η*
// against the sharpness of its minimisers, and the convergence threshold at η = η* (the bar).
#define BOOST_TEST_MODULE deep_linear
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <sstream>

#include "eos/models/deep_linear.h"
#include "support.h"

using namespace eos;

namespace {

std::vector<Point> points(const std::string& text) { return test::points_of(text); }
Vec random_theta(long D, std::uint64_t seed, double scale) { return test::random_vec(D, seed, scale); }
// Gradient, Hessian and HVPs against finite differences and each other.
void check_derivatives(Model& m, const Vec& t) { test::check_derivatives(m, t); }

}  // namespace

BOOST_AUTO_TEST_CASE(gaussian_network_derivatives_match_finite_differences) {
  for (long L : {1, 2, 3, 4}) {
    DeepLinearData data = make_deep_linear_gaussian(3, 7, 4, 2, 1.0);
    std::vector<long> w(static_cast<std::size_t>(L + 1), 3);
    w.front() = 4;
    w.back() = 2;
    long D = 0;
    for (std::size_t i = 1; i < w.size(); ++i) D += w[i] * w[i - 1];
    DeepLinear m(data, w, random_theta(D, 1, 0.6));
    BOOST_TEST_CONTEXT("depth " << L) check_derivatives(m, random_theta(D, 2 + L, 0.7));
  }
}

BOOST_AUTO_TEST_CASE(scalar_chain_matches_closed_form) {
  // L = ½(p − y)², p = Πw: ∂_i L = (p − y)q_i with q_i = Π_{k≠i} w_k,
  // H_ii = q_i², H_ij = q_iq_j + (p − y)·Π_{k≠i,j} w_k.
  const double y = -1.3;
  for (long L : {1, 2, 3, 5}) {
    DeepLinear m(make_deep_linear_scalar(y), std::vector<long>(static_cast<std::size_t>(L + 1), 1), Vec::Zero(L));
    const Vec w = random_theta(L, 7 + L, 1.0);
    double p = 1;
    for (long i = 0; i < L; ++i) p *= w[i];
    auto prod_except = [&](long i, long j) {
      double r = 1;
      for (long k = 0; k < L; ++k)
        if (k != i && k != j) r *= w[k];
      return r;
    };
    Vec g;
    Mat H;
    const double loss = m.evaluate(w, g, &H);
    BOOST_TEST(loss == 0.5 * (p - y) * (p - y), boost::test_tools::tolerance(1e-13));
    for (long i = 0; i < L; ++i) {
      BOOST_TEST(g[i] == (p - y) * prod_except(i, -1), boost::test_tools::tolerance(1e-12));
      for (long j = 0; j < L; ++j) {
        const double want = i == j ? prod_except(i, -1) * prod_except(i, -1)
                                   : prod_except(i, -1) * prod_except(j, -1) + (p - y) * prod_except(i, j);
        BOOST_TEST(H(i, j) == want, boost::test_tools::tolerance(1e-12));
      }
    }
    check_derivatives(m, w);
    // The same loss as two identical samples goes through the general matrix path.
    DeepLinearData twice;
    twice.X = Mat::Ones(1, 2);
    twice.Y = Mat::Constant(1, 2, y);
    DeepLinear general(twice, std::vector<long>(static_cast<std::size_t>(L + 1), 1), Vec::Zero(L));
    Vec g2;
    Mat H2;
    BOOST_TEST(general.evaluate(w, g2, &H2) == loss, boost::test_tools::tolerance(1e-13));
    BOOST_TEST((g2 - g).norm() <= 1e-13 * std::max(1.0, g.norm()));
    BOOST_TEST((H2 - H).norm() <= 1e-13 * std::max(1.0, H.norm()));
  }
}

BOOST_AUTO_TEST_CASE(eta_star_is_two_over_the_flattest_minimum) {
  // On the minimum set the Hessian is qqᵀ, so S = y²Σw_i⁻²; the balanced point w_i = |y|^{1/L}
  // (signs multiplying to sign y) has S = L|y|^{2−2/L} = 2/η*, and any other minimiser is sharper.
  for (double y : {1.0, -2.0, 0.5}) {
    for (long L : {1, 2, 3, 4, 6}) {
      DeepLinear m(make_deep_linear_scalar(y), std::vector<long>(static_cast<std::size_t>(L + 1), 1), Vec::Zero(L));
      Vec w = Vec::Constant(L, std::pow(std::fabs(y), 1.0 / static_cast<double>(L)));
      if (y < 0) w[0] = -w[0];
      Vec g;
      Mat H;
      BOOST_TEST(m.evaluate(w, g, &H) <= 1e-28);
      const double s_bal = top_eigenvalue(H);
      BOOST_TEST(s_bal == 2.0 / deep_linear_eta_star(L, y), boost::test_tools::tolerance(1e-12));
      if (L == 1) continue;
      // An unbalanced minimiser: scale w_0 by 2 and w_1 by 1/2.
      w[0] *= 2;
      w[1] /= 2;
      m.evaluate(w, g, &H);
      double want = 0;
      for (long i = 0; i < L; ++i) want += y * y / (w[i] * w[i]);
      BOOST_TEST(top_eigenvalue(H) == want, boost::test_tools::tolerance(1e-12));
      BOOST_TEST(top_eigenvalue(H) > s_bal);
    }
  }
  BOOST_TEST(deep_linear_eta_star(2, 1.0) == 1.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(deep_linear_eta_star(4, 1.0) == 0.5, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(bad_combinations_are_input_errors) {
  BOOST_CHECK_THROW(points("model = deep-linear\ndataset = scalar\nwidth = 2\neta = 0.1\n"), InputError);
  BOOST_CHECK_THROW(points("model = deep-linear\ndataset = scalar\nn = 3\neta = 0.1\n"), InputError);
  BOOST_CHECK_THROW(points("model = deep-linear\ndataset = gaussian\nd_in = 3\nd_out = 1\neta = 0.1\n"), InputError);
  BOOST_CHECK_THROW(points("model = deep-linear\ndataset = scalar\ntarget = 0\neta = 0.1\n"), InputError);
  BOOST_CHECK_THROW(points("model = deep-linear\ndataset = gaussian\nn = 3\nd_in = 3\nd_out = 1\neta_rel = 0.5\n"), InputError);
  BOOST_CHECK_NO_THROW(points("model = deep-linear\ndataset = gaussian\nn = 3\nd_in = 3\nd_out = 1\nwidth = 4\neta = 0.1\n"));
}

BOOST_AUTO_TEST_CASE(lanczos_sharpness_agrees_with_dense_on_a_wide_network) {
  // Wide enough for the runner's auto solver to pick Lanczos over the model's hvp.
  const test::TestJob job(
      "model = deep-linear\ndataset = gaussian\nn = 20\nd_in = 6\nd_out = 3\nwidth = 8\ndepth = 3\n"
      "eta = 0.02\nsteps = 40\nsharpness_every = 20\nsolver = check\n");
  const Point& p = job.points()[0];
  const PointResult r = job.run(p);
  BOOST_TEST(job.number(p, r, "solver_check_diff") < 1e-6);
}

// The bar: scalar chain, target 1, θ₀ uniform on [−1.5, 1.5]^L. At η = 0.95η* more than 80% of
// initialisations converge (‖∇L‖ < 1e-8), at 1.05η* none does, and every converged run ends
// at a minimum with η·S/2 ≤ 1.
BOOST_AUTO_TEST_CASE(convergence_threshold_at_eta_star) {
  const test::TestJob job(
      "model = deep-linear\ndataset = scalar\ntarget = 1\ninit = uniform\ninit_range = 1.5\n"
      "depth = 2, 3, 4\neta_rel = 0.95, 1.05\nseed = range(0, 40)\nsteps = 20000\nstop_grad_tol = 1e-8\n"
      "sharpness_every = 1\ndiverge_loss = 1e8\n");
  std::map<std::pair<long, double>, std::pair<int, int>> tally;  // (depth, η/η*) → (converged, runs)
  for (const Point& p : job.points()) {
    const PointResult r = job.run(p);
    const bool conv = job.text(p, r, "converged") == "1";
    auto& t = tally[{p.params.integer("depth"), p.params.real("eta_rel")}];
    t.first += conv;
    t.second += 1;
    if (conv) {
      BOOST_TEST(r.run.stats.edge_final <= 1.0);
      BOOST_TEST(r.run.stats.loss_final < 1e-12);
    }
  }
  for (const auto& [k, t] : tally) {
    const double frac = static_cast<double>(t.first) / t.second;
    BOOST_TEST_MESSAGE("depth " << k.first << " eta/eta* " << k.second << ": converged " << t.first << "/" << t.second);
    if (k.second < 1) BOOST_TEST(frac > 0.8, "depth " << k.first << ": converged fraction " << frac);
    else BOOST_TEST(t.first == 0, "depth " << k.first << ": " << t.first << " runs converged above eta*");
  }
}
