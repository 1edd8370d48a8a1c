// leaky-softplus-net: derivatives against finite differences, the risk against an extended-
// precision reference down to 1e-14, and the bar on the five-point data: a larger η reaches a
// lower risk within the same budget, after an oscillating first phase that ends in finite time.
#define BOOST_TEST_MODULE leaky_softplus
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <sstream>

#include "eos/models/leaky_softplus_net.h"
#include "support.h"

using namespace eos;

namespace {

std::vector<Point> points(const std::string& text) { return test::points_of(text); }
using test::random_vec;

// The risk in long double from the definitions, with no shared code: the reference.
long double reference_risk(const LabelledData& data, long m, double c, const Vec& theta) {
  const long n = data.X.rows(), d = data.X.cols();
  long double risk = 0;
  for (long i = 0; i < n; ++i) {
    long double f = 0;
    for (long j = 0; j < m; ++j) {
      long double z = 0;
      for (long k = 0; k < d; ++k) z += static_cast<long double>(theta[j * d + k]) * data.X(i, k);
      const long double softplus = z > 0 ? z + log1pl(expl(-z)) : log1pl(expl(z));
      f += (2 * j < m ? 1.0L : -1.0L) * (c * z + (1 - c) * softplus);
    }
    const long double margin = data.y[i] * f / m;
    risk += margin > 0 ? log1pl(expl(-margin)) : -margin + log1pl(expl(margin));
  }
  return risk / n;
}

void check_derivatives(LeakySoftplusNet& net, const Vec& t) {
  Vec g;
  Mat H;
  const double L = net.evaluate(t, g, &H);
  const double h = 1e-5 * std::max(1.0, t.norm());
  const Vec gfd = test::fd_gradient(net, t, h);
  const Mat Hfd = test::fd_hessian(net, t, h);
  BOOST_TEST((g - gfd).norm() <= 1e-6 * std::max(L, g.norm()), "gradient error " << (g - gfd).norm() << " of " << g.norm());
  BOOST_TEST((H - Hfd).norm() <= 1e-5 * std::max(L, H.norm()), "Hessian error " << (H - Hfd).norm() << " of " << H.norm());
  BOOST_TEST((H - H.transpose()).norm() <= 1e-14 * H.norm());
  for (std::uint64_t s = 0; s < 3; ++s) {
    const Vec v = random_vec(t.size(), 50 + s, 1.0);
    Vec hv;
    net.hvp(t, v, hv);
    BOOST_TEST((hv - H * v).norm() <= 1e-12 * std::max(1e-300, (H * v).norm()), "hvp error " << (hv - H * v).norm());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(activation_matches_its_definition) {
  for (double c : {0.0, 0.25, 0.5, 1.0})
    for (double z : {-40.0, -3.0, -0.2, 0.0, 0.7, 5.0, 40.0}) {
      const LeakySoftplus s(c, z);
      const double sig = 1 / (1 + std::exp(-z));
      BOOST_TEST(s.value == c * z + (1 - c) * static_cast<double>(log1pl(expl(z))), boost::test_tools::tolerance(1e-14));
      BOOST_TEST(s.d1 == c + (1 - c) * sig, boost::test_tools::tolerance(1e-14));
      const double ref = (1 - c) * sig / (1 + std::exp(z));  // (1 − c)σ(z)σ(−z)
      BOOST_TEST(std::fabs(s.d2 - ref) <= 1e-14 * ref);
    }
}

BOOST_AUTO_TEST_CASE(derivatives_match_finite_differences) {
  struct Case {
    LabelledData data;
    long m;
    double c;
  };
  std::vector<Case> cases = {{five_point_data(), 2, 0.5}, {five_point_data(), 4, 0.2}, {xor_data(), 6, 0.5},
                             {separable_gaussian_data(1, 12, 4, 0.3), 4, 0.7}, {xor_data(), 2, 0.0}};
  std::uint64_t s = 0;
  for (auto& c : cases) {
    const long D = c.m * c.data.X.cols();
    LeakySoftplusNet net(c.data, c.m, c.c, Vec::Zero(D));
    for (double scale : {0.3, 2.0}) BOOST_TEST_CONTEXT("case " << s << " scale " << scale) check_derivatives(net, random_vec(D, ++s, scale));
  }
}

BOOST_AUTO_TEST_CASE(risk_keeps_relative_precision_when_tiny) {
  // Scale a separating W until the risk is ~1e-14: the loss must neither round to 0 nor lose
  // its relative precision, and the gradient must stay non-zero.
  const LabelledData data = five_point_data();
  Vec w(6);
  w << 1, 0, 0, -1, 0, 0;  // φ(z) − φ(−z) = z, so f = scale·x₁/2 and y_i f_i ≥ scale/40
  for (double scale : {1.0, 100.0, 1000.0, 1500.0, 2500.0}) {
    LeakySoftplusNet net(data, 2, 0.5, w * scale);
    Vec g;
    const double L = net.evaluate(w * scale, g, nullptr);
    const long double ref = reference_risk(data, 2, 0.5, w * scale);
    BOOST_TEST_CONTEXT("scale " << scale << " risk " << L) {
      BOOST_TEST(L > 0);
      BOOST_TEST(std::fabs(L - static_cast<double>(ref)) <= 1e-11 * static_cast<double>(ref));
      BOOST_TEST(g.norm() > 0);
    }
    if (scale == 1000.0) BOOST_TEST(L < 1e-10);
    if (scale == 2500.0) BOOST_TEST(L < 1e-25);
  }
  // And at random points of every scale.
  for (std::uint64_t s = 0; s < 20; ++s) {
    const Vec t = random_vec(6, 900 + s, std::pow(10.0, static_cast<double>(s % 5) - 1));
    LeakySoftplusNet net(data, 2, 0.3, t);
    Vec g;
    const double L = net.evaluate(t, g, nullptr);
    BOOST_TEST(std::fabs(L - static_cast<double>(reference_risk(data, 2, 0.3, t))) <= 1e-11 * L);
  }
}

BOOST_AUTO_TEST_CASE(data_sets_are_what_they_claim) {
  const LabelledData five = five_point_data();
  for (long i = 0; i < 5; ++i) BOOST_TEST(five.y[i] * five.X(i, 0) >= 0.05);  // separable along e₁
  // Gaussian data: a separator through the origin with margin ≥ gap exists; GD finds one.
  const test::TestJob job(
      "model = leaky-softplus-net\ndataset = gaussian\nn = 40\nd = 5\ngap = 0.5\nm = 20\nseed = 3\neta = 20\n"
      "steps = 400\nsharpness_every = 50\nsolver = check\n");
  const Point& p = job.points()[0];
  const PointResult r = job.run(p);
  BOOST_TEST(job.number(p, r, "train_acc") == 1.0);
  BOOST_TEST(job.number(p, r, "margin_norm_final") > 0);
  // 100 parameters: the runner's Lanczos (over the model's hvp) agrees with the dense Hessian.
  BOOST_TEST(job.number(p, r, "solver_check_diff") < 1e-6);
}

BOOST_AUTO_TEST_CASE(bad_combinations_are_input_errors) {
  BOOST_CHECK_THROW(points("model = leaky-softplus-net\nm = 3\neta = 1\n"), InputError);
  BOOST_CHECK_THROW(points("model = leaky-softplus-net\nn = 3\neta = 1\n"), InputError);
  BOOST_CHECK_THROW(points("model = leaky-softplus-net\ndataset = gaussian\nn = 3\neta = 1\n"), InputError);
  BOOST_CHECK_THROW(points("model = leaky-softplus-net\nc = 1.5\neta = 1\n"), InputError);
  BOOST_CHECK_NO_THROW(points("model = leaky-softplus-net\ndataset = xor\nm = 4\neta = 1\n"));
}

// The bar, on the paper's five-point example (m = 2, c = 0.5), three initialisations, 3000 steps.
BOOST_AUTO_TEST_CASE(large_steps_oscillate_then_reach_lower_risk) {
  const long T = 3000;
  const test::TestJob job(
      "model = leaky-softplus-net\ndataset = five-point\nc = 0.5\nm = 2\nseed = 0, 1, 2\n"
      "eta = 1, 30, 100, 300, 1000\nsteps = 3000\nsharpness_every = 100\ndiverge_loss = 1e30\ntrace_every = 1\n");
  std::map<long, std::vector<std::pair<double, double>>> risk;  // seed → (η, final risk)
  for (const Point& p : job.points()) {
    const double eta = p.params.real("eta");
    std::vector<double> margin;
    const PointResult r =
        job.run(p, [&](long, double, double, const std::vector<double>& tr) { margin.push_back(tr[0]); });
    auto column = [&](const std::string& c) { return job.number(p, r, c); };
    BOOST_TEST_CONTEXT("seed " << p.params.text("seed") << " eta " << eta) {
      BOOST_TEST(column("steps_run") == T);  // never diverges
      risk[p.params.integer("seed")].emplace_back(eta, column("loss_final"));
      const double rises = column("loss_rises"), last = column("last_rise_step");
      if (eta == 1) {
        BOOST_TEST(rises == 0);  // a small step descends monotonically
        continue;
      }
      // An oscillating first phase (the risk rises many times) that ends in finite time, well
      // within the budget; after it the risk decreases at every step.
      BOOST_TEST(rises >= 10);
      BOOST_TEST(last < (eta >= 100 ? T / 4 : T / 2));
      BOOST_TEST(column("train_acc") == 1.0);
      BOOST_TEST(column("margin_norm_final") > 0);
      // In the second phase the normalised margin grows nearly monotonically.
      const auto from = static_cast<std::size_t>(last);
      long down = 0;
      for (std::size_t t = from + 1; t < margin.size(); ++t) down += margin[t] < margin[t - 1];
      BOOST_TEST(static_cast<double>(down) < 0.05 * static_cast<double>(margin.size() - from));
      BOOST_TEST(margin.back() > margin[from]);
    }
  }
  for (const auto& [seed, v] : risk)
    for (std::size_t k = 2; k < v.size(); ++k)  // η = 30 < 100 < 300 < 1000: strictly lower risk
      BOOST_TEST(v[k].second < v[k - 1].second, "seed " << seed << ": risk at eta " << v[k].first << " = "
                                                         << v[k].second << ", at eta " << v[k - 1].first << " = "
                                                         << v[k - 1].second);
  BOOST_TEST(risk.at(0).back().second < 1e-4);
}
