// Cohen et al.'s edge of stability on a real network (docs/science.md §8): fc-tanh 200-200 on
// the first 1500 digits, MSE, 1500 GD steps. At η = 0.1 the sharpness rises steadily toward 2/η
// (progressive sharpening) and stays below it; at η = 0.2 it starts below 0.6·(2/η), rises past
// 2/η, then hovers at the edge (η·S/2 over the tail within [0.95, 1.12]) while the loss goes down
// non-monotonically. Fails if the network, its Hessian-vector products, Lanczos or GD is wrong.
// About a minute per case: ctest runs each case as its own test (listed in tests/CMakeLists.txt).
#define BOOST_TEST_MODULE mlp_physics
#include <boost/test/unit_test.hpp>

#include "eos/util/number.h"
#include "support.h"

using namespace eos;

namespace {

struct Run {
  std::vector<long> step;
  std::vector<double> loss, sharpness;
  RunStats stats;
};

Run run(double eta) {
  const test::TestJob job(
      "model = mlp\ndataset = digits\nn = 1500\nn_test = 0\nwidth = 200\ndepth = 2\nactivation = tanh\nloss = mse\n"
      "steps = 1500\nsharpness_every = 100\ntrace_every = 100\nseed = 0\n",
      {"eta=" + format_double(eta)});
  Run r;
  const Point& p = job.points().at(0);
  r.stats = job.run(p, [&](long t, double loss, double s, const std::vector<double>&) {
                  r.step.push_back(t);
                  r.loss.push_back(loss);
                  r.sharpness.push_back(s);
                }).run.stats;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(progressive_sharpening_below_the_edge_at_eta_0_1) {
  const Run r = run(0.1);
  BOOST_REQUIRE_EQUAL(r.sharpness.size(), 16u);
  const double edge = 2 / 0.1;
  BOOST_TEST_MESSAGE("eta = 0.1: S from " << r.sharpness.front() << " to " << r.sharpness.back() << ", edge_max "
                                          << r.stats.edge_max);
  for (std::size_t k = 1; k < r.sharpness.size(); ++k)
    BOOST_TEST(r.sharpness[k] >= 0.98 * r.sharpness[k - 1], "sharpness fell at step " << r.step[k]);
  BOOST_TEST(r.sharpness.back() > 2.5 * r.sharpness.front());  // steadily up, toward 2/η
  BOOST_TEST(r.sharpness.back() > 0.6 * edge);
  BOOST_TEST(r.stats.edge_max < 1.0);
  BOOST_TEST(r.loss.back() < 0.5 * r.loss.front());
}

BOOST_AUTO_TEST_CASE(edge_of_stability_at_eta_0_2) {
  const Run r = run(0.2);
  const double edge = 2 / 0.2;
  BOOST_TEST_MESSAGE("eta = 0.2: S from " << r.sharpness.front() << ", edge_max " << r.stats.edge_max << ", edge_tail "
                                          << r.stats.edge_tail << ", " << r.stats.loss_rises << " loss rises, the last at "
                                          << r.stats.last_rise_step);
  BOOST_TEST(r.sharpness.front() < 0.6 * edge);
  BOOST_TEST(r.stats.edge_max > 1.0);  // rises past 2/η
  BOOST_TEST(r.stats.edge_tail >= 0.95);
  BOOST_TEST(r.stats.edge_tail <= 1.12);
  for (std::size_t k = r.sharpness.size() / 2; k < r.sharpness.size(); ++k)
    BOOST_TEST(std::abs(0.2 * r.sharpness[k] / 2 - 1) < 0.2, "off the edge at step " << r.step[k]);
  BOOST_TEST(r.stats.loss_rises > 0);  // non-monotone
  BOOST_TEST(r.stats.last_rise_step > 750);  // still at the edge late in the run
  BOOST_TEST(r.loss.back() < 0.5 * r.loss.front());  // and yet going down
  BOOST_TEST(regime_name(r.stats.regime) == std::string("eos"));
}
