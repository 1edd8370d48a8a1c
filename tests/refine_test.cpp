// Refinement without GD: the phase of a point is a known function of its axis value, so the
// brackets, the budget, the depths, the shards and the replay of a resumed refinement can be
// checked exactly against what bisection must give.
#define BOOST_TEST_MODULE refine
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "eos/exec/refine_work.h"
#include "eos/util/error.h"

using namespace eos;

namespace {

Job job_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  std::istringstream in(text);
  return parse_job(in, "test", sets);
}

const std::string kPlain =
    "model = mean-model\nd = 200, 800\nseed = 0, 1\ninit_scale = 0.25\neta_rel = 0.5, 0.75, 1.5, 2\nsteps = 10\n";
const std::string kMean = kPlain + "refine = regime\nrefine_tol = 0.005\n";

using PhaseFn = std::function<std::string(const Point&)>;

// What a refinement ran: each point once, by id, with its depth and axis value.
struct Ran {
  std::map<std::string, Point> points;
  KnownPhases known;
  std::size_t rounds = 0;
};

// Run a refinement to its end, finishing the items handed out in a shuffled order (seed) and,
// when stop_after > 0, stopping after that many points (a kill).
Ran drive(const Job& job, const PhaseFn& phase, const KnownPhases& known = {}, unsigned seed = 0,
          std::size_t stop_after = 0, long shard_i = 0, long shard_n = 1) {
  const RefineSpec spec = refine_spec(job);
  RefineWork work(job, spec, known, shard_i, shard_n);
  Ran ran;
  ran.known = known;
  std::mt19937 rng(seed);
  for (;;) {
    std::vector<WorkItem> out;
    while (auto it = work.next()) out.push_back(*it);
    if (out.empty()) {
      BOOST_CHECK(!work.may_grow());
      break;
    }
    ++ran.rounds;
    std::shuffle(out.begin(), out.end(), rng);
    // Finish half of what is out, then look for more: new work arrives while some still runs.
    const std::size_t now = seed ? std::max<std::size_t>(1, out.size() / 2) : out.size();
    for (std::size_t k = 0; k < out.size(); ++k) {
      const Point p = work.point(out[k]);
      BOOST_CHECK_MESSAGE(ran.points.emplace(p.id, p).second, "point " << p.id << " ran twice");
      BOOST_CHECK_MESSAGE(!known.count(p.hash), "point " << p.id << " was already done");
      ran.known.emplace(p.hash, phase(p));
      work.finished(out[k], phase(p));
      if (stop_after && ran.points.size() >= stop_after) return ran;
      if (k + 1 == now)
        while (auto it = work.next()) out.push_back(*it);
    }
  }
  return ran;
}

// The values of one line (d, seed) among the points, sorted, with their phases.
std::vector<std::pair<double, std::string>> line(const Ran& ran, const PhaseFn& phase, long d, long seed,
                                                 const std::string& axis = "eta_rel") {
  std::vector<std::pair<double, std::string>> v;
  for (const auto& [id, p] : ran.points)
    if (p.params.integer("d") == d && p.params.integer("seed") == seed) v.emplace_back(p.params.real(axis), phase(p));
  std::sort(v.begin(), v.end());
  return v;
}

// The brackets of a line: consecutive values whose phases differ.
std::vector<std::pair<double, double>> brackets(const std::vector<std::pair<double, std::string>>& v) {
  std::vector<std::pair<double, double>> b;
  for (std::size_t i = 0; i + 1 < v.size(); ++i)
    if (v[i].second != v[i + 1].second) b.emplace_back(v[i].first, v[i + 1].first);
  return b;
}

// A boundary at eta_rel = 1 + 0.01·seed + 0.001·d/100 (each line its own).
std::string step_phase(const Point& p) {
  const double edge = 1 + 0.01 * static_cast<double>(p.params.integer("seed")) +
                      0.001 * static_cast<double>(p.params.integer("d")) / 100;
  return p.params.real("eta_rel") < edge ? "gf" : "eos";
}

}  // namespace

BOOST_AUTO_TEST_CASE(bisection_brackets_every_line_to_the_tolerance) {
  const Job job = job_of(kMean);
  const Ran ran = drive(job, step_phase);
  for (long d : {200, 800})
    for (long seed : {0, 1}) {
      const auto v = line(ran, step_phase, d, seed);
      const auto b = brackets(v);
      BOOST_REQUIRE_EQUAL(b.size(), 1u);
      const double edge = 1 + 0.01 * static_cast<double>(seed) + 0.001 * static_cast<double>(d) / 100;
      BOOST_CHECK(b[0].first < edge && edge <= b[0].second);
      BOOST_CHECK_LE(b[0].second / b[0].first - 1, 0.005);
      // From [0.75, 1.5] (a ratio of 2) to 0.5%: ⌈log2(ln 2 / ln 1.005)⌉ = 8 bisections.
      BOOST_CHECK_EQUAL(v.size(), 4u + 8u);
    }
  BOOST_CHECK_EQUAL(ran.points.size(), 4u * 12u);
}

BOOST_AUTO_TEST_CASE(midpoints_are_geometric_and_depths_count_bisections) {
  const Job job = job_of(kMean, {"refine_tol=0.3"});
  const Ran ran = drive(job, step_phase);
  std::vector<std::pair<double, long>> v;
  for (const auto& [id, p] : ran.points)
    if (p.params.integer("d") == 200 && p.params.integer("seed") == 0) v.emplace_back(p.params.real("eta_rel"), p.depth);
  std::sort(v.begin(), v.end());
  // 0.5 0.75 | 1.5 2 → √(0.75·1.5) = 1.0607 (depth 1, eos) → √(0.75·1.0607) = 0.8919 (depth 2, gf)
  // → [0.8919, 1.0607] is 19% wide: done at tol 0.3.
  BOOST_REQUIRE_EQUAL(v.size(), 6u);
  BOOST_CHECK_CLOSE(v[2].first, std::sqrt(0.75 * std::sqrt(0.75 * 1.5)), 1e-12);
  BOOST_CHECK_EQUAL(v[2].second, 2);
  BOOST_CHECK_CLOSE(v[3].first, std::sqrt(0.75 * 1.5), 1e-12);
  BOOST_CHECK_EQUAL(v[3].second, 1);
  for (std::size_t i : {0u, 1u, 4u, 5u}) BOOST_CHECK_EQUAL(v[i].second, 0);
}

BOOST_AUTO_TEST_CASE(the_order_results_arrive_in_does_not_change_the_points) {
  const Job job = job_of(kMean);
  std::set<std::string> first;
  for (const auto& [id, p] : drive(job, step_phase).points) first.insert(id);
  for (unsigned seed : {1u, 2u, 3u}) {
    const Ran ran = drive(job, step_phase, {}, seed);
    std::set<std::string> ids;
    for (const auto& [id, p] : ran.points) ids.insert(id);
    BOOST_CHECK(ids == first);
    BOOST_CHECK_GT(ran.rounds, 1u);
  }
}

BOOST_AUTO_TEST_CASE(several_changes_on_a_line_are_each_refined_and_share_the_budget) {
  // gf below 0.8, eos to 1.7, diverged above: two boundaries on every line.
  const PhaseFn bands = [](const Point& p) {
    const double x = p.params.real("eta_rel");
    return std::string(x < 0.8 ? "gf" : x < 1.7 ? "eos" : "diverged");
  };
  const Job job = job_of(kMean, {"refine_tol=0.02"});
  const Ran ran = drive(job, bands);
  const auto b = brackets(line(ran, bands, 800, 1));
  BOOST_REQUIRE_EQUAL(b.size(), 2u);
  BOOST_CHECK(b[0].first < 0.8 && 0.8 <= b[0].second && b[0].second / b[0].first - 1 <= 0.02);
  BOOST_CHECK(b[1].first < 1.7 && 1.7 <= b[1].second && b[1].second / b[1].first - 1 <= 0.02);
  // With a budget of 5 a line stops at 5 added points, the brackets left wider.
  const Ran capped = drive(job_of(kMean, {"refine_tol=0.02", "refine_max=5"}), bands);
  BOOST_CHECK_EQUAL(line(capped, bands, 800, 1).size(), 4u + 5u);
  BOOST_CHECK_EQUAL(capped.points.size(), 4u * 9u);
}

BOOST_AUTO_TEST_CASE(a_point_that_fails_is_a_phase_of_its_own) {
  const PhaseFn failing = [](const Point& p) {
    return std::string(p.params.real("eta_rel") < 1.2 ? "gf" : "error");
  };
  const Ran ran = drive(job_of(kMean), failing);
  const auto b = brackets(line(ran, failing, 200, 0));
  BOOST_REQUIRE_EQUAL(b.size(), 1u);
  BOOST_CHECK(b[0].first < 1.2 && 1.2 <= b[0].second && b[0].second / b[0].first - 1 <= 0.005);
}

BOOST_AUTO_TEST_CASE(a_line_without_a_change_adds_nothing) {
  const PhaseFn all_gf = [](const Point&) { return std::string("gf"); };
  BOOST_CHECK_EQUAL(drive(job_of(kMean), all_gf).points.size(), 16u);
}

BOOST_AUTO_TEST_CASE(integer_and_linear_axes) {
  // Along d (an integer): a change between 200 and 800 is bisected to neighbouring integers.
  const std::string text =
      "model = mean-model\nd = 20, 800\nseed = 0\ninit_scale = 0.25\neta = 0.001\nsteps = 10\nrefine = regime\n"
      "refine_axis = d\nrefine_tol = 1e-6\nrefine_max = 40\n";
  const PhaseFn by_d = [](const Point& p) { return std::string(p.params.integer("d") < 333 ? "a" : "b"); };
  const Ran ran = drive(job_of(text), by_d);
  std::vector<long> ds;
  for (const auto& [id, p] : ran.points) ds.push_back(p.params.integer("d"));
  std::sort(ds.begin(), ds.end());
  BOOST_CHECK(std::adjacent_find(ds.begin(), ds.end()) == ds.end());
  const auto cut = std::lower_bound(ds.begin(), ds.end(), 333);
  BOOST_REQUIRE(cut != ds.begin() && cut != ds.end());
  BOOST_CHECK_EQUAL(*(cut - 1), 332);
  BOOST_CHECK_EQUAL(*cut, 333);
  // Along b0 (real, through zero): arithmetic midpoints, an absolute tolerance.
  const std::string lin =
      "model = mean-model\nd = 200\nseed = 0\ninit_scale = 0.25\nb0 = -0.5, 0.5\neta_rel = 0.5\nsteps = 10\n"
      "refine = regime\nrefine_axis = b0\nrefine_tol = 0.01\n";
  const PhaseFn by_b = [](const Point& p) { return std::string(p.params.real("b0") < 0.123 ? "a" : "b"); };
  const Ran r2 = drive(job_of(lin), by_b);
  std::vector<std::pair<double, std::string>> bs;
  for (const auto& [id, p] : r2.points) bs.emplace_back(p.params.real("b0"), by_b(p));
  std::sort(bs.begin(), bs.end());
  // 7 halvings of [-0.5, 0.5] leave 1/128 < 0.01: the bracket [-0.5 + 79/128, -0.5 + 80/128].
  const auto b = brackets(bs);
  BOOST_REQUIRE_EQUAL(b.size(), 1u);
  BOOST_CHECK_CLOSE(b[0].first, -0.5 + 79.0 / 128, 1e-9);
  BOOST_CHECK_CLOSE(b[0].second, -0.5 + 80.0 / 128, 1e-9);
  BOOST_CHECK_EQUAL(bs.size(), 2u + 7u);
}

BOOST_AUTO_TEST_CASE(a_killed_refinement_resumes_to_the_same_points) {
  const Job job = job_of(kMean);
  const Ran whole = drive(job, step_phase, {}, 5);
  for (std::size_t stop : {3u, 17u, 30u, 47u}) {
    const Ran first = drive(job, step_phase, {}, 5, stop);
    BOOST_CHECK_EQUAL(first.points.size(), stop);
    const Ran rest = drive(job, step_phase, first.known, 7);  // checks nothing done runs again
    std::set<std::string> ids;
    for (const auto& [id, p] : first.points) ids.insert(id);
    for (const auto& [id, p] : rest.points) BOOST_CHECK(ids.insert(id).second);
    std::set<std::string> all;
    for (const auto& [id, p] : whole.points) all.insert(id);
    BOOST_CHECK(ids == all);
  }
  // A finished refinement replays to nothing.
  const RefineSpec spec = refine_spec(job);
  RefineWork again(job, spec, whole.known, 0, 1);
  BOOST_CHECK(!again.next());
  BOOST_CHECK(!again.may_grow());
  BOOST_CHECK_EQUAL(again.skipped(), whole.points.size());
  BOOST_CHECK_EQUAL(again.counts().added, whole.points.size() - 16);
}

BOOST_AUTO_TEST_CASE(shards_split_lines_whole) {
  const Job job = job_of(kMean);
  std::set<std::string> all;
  for (long i = 0; i < 3; ++i) {
    const Ran ran = drive(job, step_phase, {}, 0, 0, i, 3);
    std::set<std::pair<long, long>> lines;
    for (const auto& [id, p] : ran.points) {
      lines.insert({p.params.integer("d"), p.params.integer("seed")});
      BOOST_CHECK(all.insert(id).second);
    }
    for (const auto& [d, seed] : lines) BOOST_CHECK_EQUAL(line(ran, step_phase, d, seed).size(), 12u);
  }
  BOOST_CHECK_EQUAL(all.size(), 48u);
}

BOOST_AUTO_TEST_CASE(added_points_keep_the_ids_of_the_points_they_are) {
  // An added point at eta_rel = v has the id the grid point eta_rel = v would have: its id
  // depends on its parameters alone, not on refinement.
  const Job job = job_of(kMean);
  const Ran ran = drive(job, step_phase);
  for (const auto& [id, p] : ran.points) {
    if (p.depth == 0) continue;
    const Job single = job_of(kPlain, {"eta_rel=" + p.params.text("eta_rel"), "d=" + p.params.text("d"),
                                       "seed=" + p.params.text("seed")});
    BOOST_CHECK_EQUAL(point_at(single, 0).id, id);
  }
}

BOOST_AUTO_TEST_CASE(the_phase_of_a_row) {
  RefineSpec threshold = refine_spec(job_of(kMean, {"refine=bias_tail < -0.05"}));
  BOOST_CHECK_EQUAL(threshold.column, "bias_tail");
  BOOST_CHECK_EQUAL(threshold.phase("eos", "-0.1"), "true");
  BOOST_CHECK_EQUAL(threshold.phase("gf", "-0.05"), "false");
  BOOST_CHECK_EQUAL(threshold.phase("gf", ""), "nan");
  BOOST_CHECK_EQUAL(threshold.phase("diverged", "-0.1"), "diverged");
  BOOST_CHECK_EQUAL(threshold.phase("error", ""), "error");
  for (const char* t : {"bias_tail <= -0.05", "bias_tail >= -0.05", "bias_tail > -0.05"})
    BOOST_CHECK_EQUAL(refine_spec(job_of(kMean, {std::string("refine=") + t})).phase("gf", "-0.05"),
                      std::string(t).find('=') != std::string::npos ? "true" : "false");
  const RefineSpec regime = refine_spec(job_of(kMean));
  BOOST_CHECK_EQUAL(regime.phase("eos", "eos"), "eos");
  BOOST_CHECK_EQUAL(regime.axis, "eta_rel");
  BOOST_CHECK(regime.geometric);
}

BOOST_AUTO_TEST_CASE(bad_refinements_are_input_errors) {
  for (const std::string& s : {"refine=foo", "refine=regime < 1", "refine=bias_tail <", "refine_axis=nope",
                               "refine_axis=init_scale", "refine_tol=0", "refine_tol=-1"})
    BOOST_CHECK_THROW(job_of(kMean, {s}), InputError);
  BOOST_CHECK_THROW(job_of(kPlain, {"refine_tol=0.1"}), InputError);  // what defines the phase?
  BOOST_CHECK_NO_THROW(job_of(kMean, {"refine=converged"}));
}
