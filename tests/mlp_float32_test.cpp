// precision = float32 for model = mlp: the gradient and Hessian-vector products of the float32
// passes within single-precision rounding of the float64 ones, and along GD runs of fc-tanh on
// the digits: before the edge every sampled sharpness within 1e-4 (relative) of float64's; at
// the edge the same statistics (η·S/2 over the tail within 3%, both past 1 at their peak; the
// height of the first overshoot is chaotic and not compared). The float32 id differs from the float64 one, which is the id of old.
#define BOOST_TEST_MODULE mlp_float32
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "eos/data/prepare.h"
#include "eos/models/mlp.h"
#include "eos/util/number.h"
#include "support.h"

using namespace eos;

namespace {

struct Run {
  std::vector<double> sharpness;
  RunStats stats;
  std::string id;
};

Run run(double eta, long steps, const std::string& precision) {
  std::string text =
      "model = mlp\ndataset = digits\nn = 600\nn_test = 0\nwidth = 100\ndepth = 2\nactivation = tanh\nloss = mse\n"
      "sharpness_every = 25\ntrace_every = 25\nseed = 0\n";
  if (!precision.empty()) text += "precision = " + precision + "\n";
  const test::TestJob job(text, {"eta=" + format_double(eta), "steps=" + std::to_string(steps)});
  Run r;
  const Point& p = job.points().at(0);
  r.id = p.id;
  r.stats = job.run(p, [&](long, double, double s, const std::vector<double>&) { r.sharpness.push_back(s); }).run.stats;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(float32_passes_agree_with_float64) {
  PreparedData d = prepare_data(load_data("digits"), 200, 0, 10);
  const MlpShape shape = mlp_shape(64, 50, 2, 10);
  for (const Activation act : {Activation::Tanh, Activation::Relu, Activation::Gelu})
    for (const LossKind loss : {LossKind::Mse, LossKind::Ce}) {
      MlpNet n64(shape, act, loss, d.x_train, d.y_train), n32(shape, act, loss, d.x_train, d.y_train, Precision::Float32);
      const Vec theta = mlp_default_init(shape, 3), v = test::random_vec(theta.size(), 5, 1.0);
      Vec g64, g32, h64, h32;
      const double l64 = n64.loss_grad(theta, g64), l32 = n32.loss_grad(theta, g32);
      n64.hvp(theta, v, h64);
      n32.hvp(theta, v, h32);
      BOOST_TEST(std::fabs(l32 - l64) < 1e-6 * l64);
      BOOST_TEST((g32 - g64).norm() < 1e-5 * g64.norm());
      BOOST_TEST((h32 - h64).norm() < 1e-5 * h64.norm());
    }
}

BOOST_AUTO_TEST_CASE(sharpness_within_1e_4_before_the_edge) {
  const Run a = run(0.1, 200, ""), b = run(0.1, 200, "float32"), c = run(0.1, 200, "float64");
  BOOST_TEST(a.id == c.id);  // precision = float64 is the id of a job without the key
  BOOST_TEST(a.id != b.id);
  BOOST_REQUIRE_EQUAL(a.sharpness.size(), b.sharpness.size());
  double worst = 0;
  for (std::size_t k = 0; k < a.sharpness.size(); ++k)
    worst = std::max(worst, std::fabs(b.sharpness[k] - a.sharpness[k]) / a.sharpness[k]);
  BOOST_TEST_MESSAGE("before the edge: largest relative difference of the sharpness " << worst);
  BOOST_TEST(worst < 1e-4);
  BOOST_TEST(a.stats.edge_max < 1.0);
}

BOOST_AUTO_TEST_CASE(same_edge_statistics_at_the_edge) {
  const Run a = run(0.5, 600, ""), b = run(0.5, 600, "float32");
  BOOST_TEST_MESSAGE("at the edge: edge_max " << a.stats.edge_max << " / " << b.stats.edge_max << ", edge_tail "
                                              << a.stats.edge_tail << " / " << b.stats.edge_tail);
  BOOST_TEST(a.stats.edge_tail > 0.95);
  BOOST_TEST(a.stats.edge_tail < 1.12);
  BOOST_TEST(std::fabs(b.stats.edge_tail - a.stats.edge_tail) < 0.03 * a.stats.edge_tail);
  BOOST_TEST(b.stats.edge_max > 1.0);  // the overshoot's height is chaotic: both cross the edge
}
