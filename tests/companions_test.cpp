// The companions of a GD run (gd/companions.h) against the same flows driven by hand: the central
// flow's trace columns equal a CentralFlow stepped beside a GD loop of our own from the same θ₀, and
// the gradient flow's equal method = flow's run; the row summaries follow from the trace; a job
// without flows has no companion columns, and one with them costs what its columns say.
#define BOOST_TEST_MODULE companions
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>

#include "eos/gd/central_flow.h"
#include "eos/gd/companions.h"
#include "eos/gd/run.h"
#include "support.h"

using namespace eos;

namespace {

// The minimalist-2d instance of tests/central_flow_test.cpp: at the edge from θ₀, one critical
// direction (λ₁ = 4, λ₂ = 0.005, η = 1; β₁ at the predicted swing).
const char* kJob =
    "model = minimalist-2d\nlambda1 = 4\nlambda2 = 0.005\nalpha0 = 0.7071067811865476\nbeta1_0 = 0.025\n"
    "beta2_0 = 0.7071067811865475\neta = 1\nsteps = 300\nsharpness_every = 10\ntrace_every = 1\n";

struct Traced {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;  // the extra columns of each trace row
  std::vector<double> loss;
  RunStats stats;
  double column(std::size_t row, const std::string& c) const {
    const auto at = std::find(columns.begin(), columns.end(), c);
    BOOST_REQUIRE(at != columns.end());
    return rows.at(row).at(static_cast<std::size_t>(at - columns.begin()));
  }
};

Traced run(const std::vector<std::string>& sets) {
  const test::TestJob job(kJob, sets);
  const Point& p = job.points().at(0);
  Traced t;
  t.columns = trace_columns(job.model(), run_config(p.params));
  t.stats = job.run(p, [&](long, double loss, double, const std::vector<double>& v) {
                  t.rows.push_back(v);
                  t.loss.push_back(loss);
                }).run.stats;
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(central_flow_columns_equal_a_flow_stepped_by_hand) {
  const Traced t = run({"flows=central gradient"});
  BOOST_REQUIRE_EQUAL(t.rows.size(), 301u);
  // By hand: GD θ ← θ − ηg and a CentralFlow from the same θ₀, compared at the same step.
  const test::TestJob job(kJob);
  auto model = job.model().make(job.points()[0].params);
  Vec gd = model->initial(), g;
  CentralFlow cf(*model, gd, 1.0);
  double worst = 0;
  for (std::size_t s = 0; s <= 300; ++s) {
    const double dist = (gd - cf.w()).norm();
    const CentralFlowRecord& r = cf.step();
    worst = std::max({worst, std::fabs(t.column(s, "cf_loss") - r.predicted_loss) / r.predicted_loss,
                      std::fabs(t.column(s, "cf_sharpness") - r.sharpness) / r.sharpness,
                      std::fabs(t.column(s, "dist_gd_cf") - dist) / std::max(dist, 1e-300)});
    model->evaluate(gd, g, nullptr);
    gd -= 1.0 * g;
  }
  BOOST_TEST_MESSAGE("companion against the flow by hand: " << worst);
  BOOST_TEST(worst <= 1e-12);
  // The row summaries from the trace: the edge part from the first step with σ² > 0, the largest
  // 10-step window error over GD's loss in the first window, the final distances and their ratio.
  std::size_t begin = 0;
  while (!(t.column(begin, "cf_sigma2") > 0)) ++begin;
  BOOST_TEST(t.stats.cf_edge_step == static_cast<long>(begin));
  double err = 0, scale = 0;
  for (std::size_t w = begin; w + 10 <= 301; w += 10) {
    double gdl = 0, cfl = 0;
    for (std::size_t s = w; s < w + 10; ++s) gdl += t.loss[s], cfl += t.column(s, "cf_loss");
    if (w == begin) scale = gdl / 10;
    err = std::max(err, std::fabs(cfl - gdl) / 10 / scale);
  }
  BOOST_TEST(t.stats.cf_loss_err == err, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.stats.cf_dist_final == t.column(300, "dist_gd_cf"));
  BOOST_TEST(t.stats.gf_dist_final == t.column(300, "dist_gd_gf"));
  BOOST_TEST(t.stats.cf_gf_ratio == t.stats.cf_dist_final / t.stats.gf_dist_final);
  BOOST_TEST(t.stats.cf_gf_ratio < 0.2);  // GD stays with the central flow, leaves gradient flow
  BOOST_TEST(t.stats.cf_thirds_per_step == 4.0);  // one critical direction, four substeps
}

BOOST_AUTO_TEST_CASE(gradient_flow_companion_is_method_flow) {
  const Traced t = run({"flows=gradient"});
  const test::TestJob flow(kJob, {"method=flow"});
  std::vector<double> loss;
  flow.run(flow.points()[0], [&](long, double l, double, const std::vector<double>&) { loss.push_back(l); });
  BOOST_REQUIRE_EQUAL(loss.size(), t.rows.size());
  for (std::size_t s = 0; s < loss.size(); s += 37) BOOST_TEST(t.column(s, "gf_loss") == loss[s]);
  const auto cols = companion_trace_columns(FlowsSpec{.gradient = true});
  BOOST_TEST(cols == std::vector<std::string>({"gf_loss", "gf_sharpness", "dist_gd_gf"}));
}

BOOST_AUTO_TEST_CASE(no_flows_no_columns) {
  const test::TestJob job(kJob);
  const auto cols = trace_columns(job.model(), run_config(job.points()[0].params));
  BOOST_TEST(std::none_of(cols.begin(), cols.end(), [](const std::string& c) { return c.find("cf_") == 0; }));
  BOOST_TEST(std::isnan(job.run(job.points()[0]).run.stats.cf_loss_err));
}
