// Boundaries from result rows built by hand: which rows make a line (derived columns left out),
// the brackets and their estimates, the summary over seeds, and the power-law fit against an
// independent computation (closed-form least squares and tabulated Student quantiles).
#define BOOST_TEST_MODULE boundary
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "eos/io/manifest.h"
#include "eos/post/boundary.h"
#include "eos/util/error.h"
#include "eos/util/number.h"

using namespace eos;

namespace {

const std::vector<std::string> kHeader = {"id", "model", "d", "seed", "eta", "eta_rel", "eta_star", "steps",
                                          "regime", "converged", "bias_tail"};

// A mean-model-like result set: rows (d, seed, eta_rel) with η* = 8π/d², η = eta_rel·η*, steps
// from a horizon of 10 (so eta and steps change along a line of eta_rel), and a phase given by
// phase(d, seed, eta_rel).
ResultSet rows_of(const std::vector<long>& ds, int seeds, const std::vector<double>& rels,
                  const std::function<std::string(long, int, double)>& phase) {
  ResultSet s;
  s.model = "mean-model";
  s.header = kHeader;
  int id = 0;
  for (long d : ds)
    for (int seed = 0; seed < seeds; ++seed)
      for (double r : rels) {
        const double star = 8 * M_PI / static_cast<double>(d * d), eta = r * star;
        const std::string regime = phase(d, seed, r);
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016x", ++id);
        s.rows.push_back({hex, "mean-model", std::to_string(d), std::to_string(seed), format_double(eta),
                          format_double(r), format_double(star), std::to_string(static_cast<long>(std::ceil(10 / eta))),
                          regime, regime == "gf" ? "1" : "0", regime == "gf" ? "-0.01" : "-0.2"});
      }
  return s;
}

const std::map<std::string, std::string> kJob = {{"model", "mean-model"}, {"d", "200, 800"}, {"seed", "0, 1"},
                                                 {"eta_rel", "0.5, 1, 2"},    {"horizon", "10"}};

std::string edge_phase(long, int seed, double r) { return r < 1 + 0.01 * seed ? "gf" : "eos"; }

}  // namespace

BOOST_AUTO_TEST_CASE(lines_leave_out_what_the_axis_derives) {
  const std::vector<double> rels = {0.5, 0.9, 0.99, 1.005, 1.02, 1.2, 2};
  const ResultSet set = rows_of({200, 800}, 2, rels, edge_phase);
  const BoundaryTable t = find_boundaries(set, {"", "", "", kJob});
  BOOST_CHECK_EQUAL(t.along, "eta_rel");  // the job gave eta_rel
  BOOST_CHECK_EQUAL(t.phase.column, "regime");
  BOOST_CHECK_EQUAL(t.lines, 4u);  // eta and steps change along a line: not part of it
  BOOST_REQUIRE_EQUAL(t.line_axes.size(), 2u);
  BOOST_CHECK_EQUAL(t.line_axes[0], "d");
  BOOST_CHECK_EQUAL(t.by, "d");  // the first axis that is not a seed
  BOOST_REQUIRE_EQUAL(t.rows.size(), 4u);
  for (const auto& b : t.rows) {
    const double edge = 1 + 0.01 * std::stod(b.line[1]);
    BOOST_CHECK(b.lower < edge && edge <= b.upper);
    BOOST_CHECK_CLOSE(b.estimate, std::sqrt(b.lower * b.upper), 1e-12);
    BOOST_CHECK_EQUAL(b.below, "gf");
    BOOST_CHECK_EQUAL(b.above, "eos");
    BOOST_CHECK_EQUAL(b.points, 7);
    BOOST_CHECK_EQUAL(b.theory, 1.0);
  }
  // seed 0: 0.99 | 1.005; seed 1: 1.005 | 1.02.
  BOOST_CHECK_EQUAL(t.rows[0].lower, 0.99);
  BOOST_CHECK_EQUAL(t.rows[1].lower, 1.005);
  // Without the manifest a line along eta_rel still leaves eta and steps out.
  BOOST_CHECK_EQUAL(find_boundaries(set, {"eta_rel", "", "", {}}).lines, 4u);
}

BOOST_AUTO_TEST_CASE(along_eta_the_theory_is_eta_star) {
  auto job = kJob;
  job.erase("eta_rel");
  job["eta"] = "...";
  const ResultSet set = rows_of({100}, 1, {0.5, 0.9, 1.1, 2}, edge_phase);
  const BoundaryTable t = find_boundaries(set, {"eta", "", "", job});
  BOOST_REQUIRE_EQUAL(t.rows.size(), 1u);
  BOOST_CHECK_CLOSE(t.rows[0].theory, 8 * M_PI / 1e4, 1e-12);
  BOOST_CHECK_CLOSE(t.rows[0].estimate, std::sqrt(0.9 * 1.1) * 8 * M_PI / 1e4, 1e-9);
  BOOST_CHECK(t.by.empty());  // only one line: nothing to summarise
  BOOST_CHECK(summarize_boundaries(t).empty());
}

BOOST_AUTO_TEST_CASE(thresholds_failures_and_several_changes) {
  // Phases by a threshold on bias_tail; a diverged run is a phase of its own.
  const auto phase = [](long, int, double r) { return std::string(r < 1 ? "gf" : r < 1.8 ? "eos" : "diverged"); };
  const ResultSet set = rows_of({200}, 1, {0.5, 0.9, 1.1, 1.5, 2, 3}, phase);
  const BoundaryTable t = find_boundaries(set, {"", "", "bias_tail < -0.1", kJob});
  BOOST_REQUIRE_EQUAL(t.rows.size(), 2u);
  BOOST_CHECK_EQUAL(t.rows[0].below, "false");
  BOOST_CHECK_EQUAL(t.rows[0].above, "true");
  BOOST_CHECK_EQUAL(t.rows[1].below, "true");
  BOOST_CHECK_EQUAL(t.rows[1].above, "diverged");
  BOOST_CHECK_EQUAL(t.rows[1].lower, 1.5);
  // The job's own refine is the default phase.
  auto job = kJob;
  job["refine"] = "converged";
  BOOST_CHECK_EQUAL(find_boundaries(set, {"", "", "", job}).phase.column, "converged");
}

BOOST_AUTO_TEST_CASE(summary_over_seeds) {
  const ResultSet set = rows_of({200, 800}, 3, {0.5, 0.99, 1.005, 1.015, 1.025, 2}, edge_phase);
  const BoundaryTable t = find_boundaries(set, {"", "", "", kJob});
  const auto s = summarize_boundaries(t);
  BOOST_REQUIRE_EQUAL(s.size(), 2u);
  const std::vector<double> est = {std::sqrt(0.99 * 1.005), std::sqrt(1.005 * 1.015), std::sqrt(1.015 * 1.025)};
  const double mean = (est[0] + est[1] + est[2]) / 3;
  double var = 0;
  for (double e : est) var += (e - mean) * (e - mean) / 2;
  for (const auto& r : s) {
    BOOST_CHECK_EQUAL(r.stats.count, 3);
    BOOST_CHECK_CLOSE(r.stats.mean, mean, 1e-12);
    BOOST_CHECK_CLOSE(r.stats.std, std::sqrt(var), 1e-9);
    BOOST_CHECK_EQUAL(r.theory, 1.0);
  }
  BOOST_CHECK_EQUAL(s[0].by, 200);
  BOOST_CHECK_EQUAL(s[1].by, 800);
}

BOOST_AUTO_TEST_CASE(power_law_fit_against_closed_form) {
  // Boundaries at η = C·d^(−p) exactly (brackets tight around it): the fit returns p and C with
  // intervals of zero width.
  ResultSet set = rows_of({50, 100, 200, 400}, 2, {1}, [](long, int, double) { return std::string("gf"); });
  set.rows.clear();
  const double C = 25.0, p = 2.0;
  int id = 0;
  for (long d : {50L, 100L, 200L, 400L})
    for (int seed = 0; seed < 2; ++seed) {
      const double edge = C * std::pow(static_cast<double>(d), -p);
      for (double f : {0.999, 1.001}) {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016x", ++id);
        const std::string regime = f < 1 ? "gf" : "eos";
        set.rows.push_back({hex, "mean-model", std::to_string(d), std::to_string(seed), format_double(edge * f), "",
                            format_double(8 * M_PI / static_cast<double>(d * d)), "10", regime, "1", "0"});
      }
    }
  auto job = kJob;
  job.erase("eta_rel");
  job["eta"] = "...";
  job["steps"] = "10";
  const BoundaryTable t = find_boundaries(set, {"eta", "d", "", job});
  const auto fits = fit_power_laws(t);
  BOOST_REQUIRE_EQUAL(fits.size(), 1u);
  BOOST_CHECK_CLOSE(fits[0].p, p, 1e-9);
  BOOST_CHECK_CLOSE(fits[0].c, C, 1e-4);  // the estimates are C·d^−p·√(0.999·1.001)
  BOOST_CHECK_SMALL(fits[0].p_hi - fits[0].p_lo, 1e-9);
  BOOST_CHECK_EQUAL(fits[0].n, 8);
  BOOST_CHECK_EQUAL(fits[0].by_values, 4);
}

BOOST_AUTO_TEST_CASE(power_law_intervals_use_students_t) {
  // Three boundaries (n − 2 = 1 degree of freedom) at d = 1, e, e² with log-estimates 0, −2.5,
  // −3.5: slope −1.75, intercept −0.25, residuals (0.25, −0.5, 0.25), s² = 0.375, Sxx = 2,
  // se(slope) = √(0.1875), se(intercept) = √(0.375·(1/3 + 1/2)); t(0.975, 1) = 12.7062047362.
  ResultSet set;
  set.model = "mean-model";
  set.header = kHeader;
  const double logs[] = {0, -2.5, -3.5};
  for (int k = 0; k < 3; ++k) {
    const double d = std::exp(static_cast<double>(k)), e = std::exp(logs[k]);
    for (double f : {0.9999, 1.0001})
      set.rows.push_back({"000000000000000" + std::to_string(2 * k + (f > 1)), "mean-model", format_double(d), "0",
                          format_double(e * f), "", "", "10", f < 1 ? "gf" : "eos", "1", "0"});
  }
  const BoundaryTable t = find_boundaries(set, {"eta", "d", "", {{"d", "x"}, {"seed", "0"}, {"eta", "x"}, {"steps", "10"}}});
  const auto fits = fit_power_laws(t);
  BOOST_REQUIRE_EQUAL(fits.size(), 1u);
  const double tq = 12.7062047362, se_b = std::sqrt(0.1875), se_a = std::sqrt(0.375 * (1.0 / 3 + 0.5));
  BOOST_CHECK_CLOSE(fits[0].p, 1.75, 1e-4);
  BOOST_CHECK_CLOSE(fits[0].p_hi - fits[0].p, tq * se_b, 1e-3);
  BOOST_CHECK_CLOSE(fits[0].c, std::exp(-0.25), 1e-4);
  BOOST_CHECK_CLOSE(std::log(fits[0].c_hi) - std::log(fits[0].c), tq * se_a, 1e-3);
  BOOST_CHECK_CLOSE(fits[0].r2, 1 - 0.375 / (0.375 + 1.75 * 1.75 * 2), 1e-3);
}

BOOST_AUTO_TEST_CASE(bad_requests_are_input_errors) {
  const ResultSet set = rows_of({200, 800}, 2, {0.5, 1.5}, edge_phase);
  for (const BoundaryOptions& o : std::vector<BoundaryOptions>{{"", "", "foo", kJob},
                                                               {"", "", "regime < 1", kJob},
                                                               {"", "", "bias_tail <", kJob},
                                                               {"nope", "", "", kJob},
                                                               {"", "nope", "", kJob},
                                                               {"", "", "d", kJob}})
    BOOST_CHECK_THROW(find_boundaries(set, o), InputError);
  // Along d two rows of a line sit at one d (the eta_rel axis is not part of the line without
  // the job saying so): refused, not silently merged.
  BOOST_CHECK_THROW(find_boundaries(set, {"d", "", "", {{"d", "x"}, {"seed", "x"}}}), InputError);
}

BOOST_AUTO_TEST_CASE(the_job_of_a_manifest) {
  const std::string path = "boundary_test_manifest.jsonl";
  RunRecord a, b;
  a.job = {{"model", "mean-model"}, {"refine", "bias_tail < -0.05"}, {"weird", "a \"quoted\"\\ value\n"}};
  b.job = {{"model", "mean-model"}, {"refine", "regime"}};
  std::remove(path.c_str());
  append_manifest(path, a);
  BOOST_CHECK(last_job(path) == a.job);
  append_manifest(path, b);
  BOOST_CHECK(last_job(path) == b.job);
  { std::ofstream(path, std::ios::app) << "{\"job\": {\"broken\n"; }
  BOOST_CHECK(last_job(path) == b.job);  // a damaged line is skipped
  BOOST_CHECK(last_job("no-such-manifest.jsonl").empty());
  std::remove(path.c_str());
}
