// Other methods at their own edges on a real network (docs/methods.md): fc-tanh 200-200 on the
// first 1000 digits, MSE, 3000 steps, the tail the last 30%.
// - Heavy ball, β = 0.9, η = 0.2: the sharpness rises to (2+2β)/η (peak of S/edge level in
//   [0.97, 1.12]) and stays at that edge (tail mean in [0.9, 1.12]; Cohen et al.'s own code: 0.99).
// - Nesterov, β = 0.9, η = 0.05: hovers at (2+2β)/((1+2β)η) (tail mean in [0.95, 1.1]; 0.998–1.002
//   with OpenBLAS's SkylakeX and Haswell kernels and with Eigen). Not η = 0.1: there the first
//   overshoot reaches 1.26–1.8 of the edge, and whether GD comes back or diverges (step 225 with
//   the SkylakeX kernel) depends on the products' rounding.
// - Adam, β₁ = 0.9, η = 1e-3, with and without bias correction: the preconditioned sharpness
//   λ₁(P^{−½}HP^{−½}) rises to 38/η and hovers there (tail mean in [0.95, 1.05]; an independent
//   PyTorch run: 0.97–1.005) while the raw sharpness stays far below 2/η (η·S/2 < 0.05).
// Fails if a method's update, its edge level or the preconditioned operator is wrong. Each case is
// its own ctest test (tests/CMakeLists.txt), a minute or two each.
#define BOOST_TEST_MODULE methods_physics
#include <boost/test/unit_test.hpp>

#include "eos/util/number.h"
#include "support.h"

using namespace eos;

namespace {

RunStats run(const std::vector<std::string>& sets) {
  const test::TestJob job(
      "model = mlp\ndataset = digits\nn = 1000\nn_test = 0\nwidth = 200\ndepth = 2\nactivation = tanh\nloss = mse\n"
      "steps = 3000\nsharpness_every = 100\ntail = 0.3\nseed = 0\nsolver = lanczos\n",
      sets);
  const RunStats s = job.run(job.points().at(0)).run.stats;
  BOOST_TEST_MESSAGE(job.points().at(0).params.text("method")
                     << " eta " << job.points().at(0).params.text("eta") << ": edge level " << s.edge_level
                     << ", S/level max " << s.edge_max << ", tail " << s.edge_tail << "; S max " << s.sharpness_max
                     << ", S tail " << s.sharpness_tail << ", S_P tail " << s.psharpness_tail << ", loss "
                     << s.loss_final << ", " << s.hvps_per_estimate.value_or(0) << " HVPs per estimate");
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(heavy_ball_at_its_edge) {
  const RunStats s = run({"method=polyak", "momentum=0.9", "eta=0.2"});
  BOOST_TEST(s.edge_level == 3.8 / 0.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.edge_max >= 0.97);
  BOOST_TEST(s.edge_max <= 1.12);
  BOOST_TEST(s.edge_tail >= 0.9);
  BOOST_TEST(s.edge_tail <= 1.12);
  BOOST_TEST(0.2 * s.sharpness_tail / 2 > 1.5);  // far beyond GD's 2/η: the edge moved with β
  BOOST_TEST(regime_name(s.regime) == std::string("eos"));
}

BOOST_AUTO_TEST_CASE(nesterov_at_its_edge) {
  const RunStats s = run({"method=nesterov", "momentum=0.9", "eta=0.05"});
  BOOST_TEST(s.edge_level == 3.8 / (2.8 * 0.05), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.edge_tail >= 0.95);
  BOOST_TEST(s.edge_tail <= 1.1);
  BOOST_TEST(regime_name(s.regime) == std::string("eos"));
}

BOOST_AUTO_TEST_CASE(adam_at_its_preconditioned_edge) {
  for (const char* bias : {"on", "off"}) {
    BOOST_TEST_CONTEXT("bias correction " << bias) {
      const RunStats s = run({"method=adam", "beta1=0.9", "eta=1e-3", std::string("bias_correction=") + bias});
      BOOST_TEST(s.edge_level == 38 / 1e-3, boost::test_tools::tolerance(1e-12));
      BOOST_TEST(s.edge_tail >= 0.95);  // S_P/(38/η) over the tail
      BOOST_TEST(s.edge_tail <= 1.05);
      BOOST_TEST(1e-3 * s.sharpness_max / 2 < 0.05);  // the raw sharpness far below 2/η
      BOOST_TEST(regime_name(s.regime) == std::string("eos"));
    }
  }
}
