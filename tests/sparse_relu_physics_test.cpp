// The main physical claim (docs/science.md §3) on a reduced instance: over a fixed horizon
// η·T = 10, the final bias is the same for every η below η* = 8π/d² (GD tracks gradient flow)
// and falls below that plateau, further as η grows, above it; the regime column says gf below
// and eos above. Fails if the threshold, the model or the runner is wrong.
#define BOOST_TEST_MODULE sparse_relu_physics
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <sstream>

#include "support.h"

using namespace eos;

namespace {

struct Outcome {
  double eta_rel, bias, edge_max;
  std::string regime;
};

std::vector<Outcome> sweep(const std::string& seed, const std::string& path) {
  const test::TestJob job(
      "model = sparse-relu\n d = 50\n n = 100\n lambda = 1.5\n n_test = 200\n"
      "eta_rel = 0.3, 0.6, 0.9, 1.5, 2.5, 4\n horizon = 10\n sharpness_every = 20\n",
      {"seed=" + seed, "path=" + path});
  std::vector<Outcome> out;
  for (const Point& p : job.points()) {
    const PointResult r = job.run(p);
    out.push_back({p.params.real("eta_rel"), job.number(p, r, "bias_final"), r.run.stats.edge_max,
                   regime_name(r.run.stats.regime)});
  }
  return out;
}

void check_transition(const std::vector<Outcome>& o) {
  BOOST_REQUIRE_EQUAL(o.size(), 6u);
  // Below η*: one plateau. At d = 50 the large-loss start (|f| ~ √d at initialisation) lets GD
  // drift from gradient flow a little as η grows (≲ 0.01 in bias), an order of magnitude less
  // than the fall above η*.
  const double plateau = o[0].bias;
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST_MESSAGE("eta_rel " << o[i].eta_rel << " bias " << o[i].bias << " regime " << o[i].regime);
    BOOST_CHECK_SMALL(o[i].bias - plateau, 0.015);
    BOOST_CHECK_EQUAL(o[i].regime, "gf");
    BOOST_CHECK_LT(o[i].edge_max, 1.0);
  }
  // Above η*: clearly below the plateau, and falling as η grows.
  double prev = plateau;
  for (int i = 3; i < 6; ++i) {
    BOOST_TEST_MESSAGE("eta_rel " << o[i].eta_rel << " bias " << o[i].bias << " regime " << o[i].regime);
    BOOST_CHECK_LT(o[i].bias, plateau - 0.05);
    BOOST_CHECK_LT(o[i].bias, prev - 0.02);
    BOOST_CHECK_EQUAL(o[i].regime, "eos");
    prev = o[i].bias;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(threshold_at_8pi_over_d2_seed0) { check_transition(sweep("0", "fast")); }
BOOST_AUTO_TEST_CASE(threshold_at_8pi_over_d2_seed1) { check_transition(sweep("1", "fast")); }
BOOST_AUTO_TEST_CASE(threshold_holds_on_the_oracle_path) { check_transition(sweep("2", "oracle")); }
