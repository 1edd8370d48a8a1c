// The grid as a point source: the walker and point_at agree on every point from any start; the
// sweep's work streams the pending points (shard, done) and hands them out longest first within
// its window, holding no more than the window; shards partition the grid; a point that fails the
// point checks is refused where it comes, though the walker runs them only when their keys change.
#define BOOST_TEST_MODULE grid
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <set>
#include <sstream>

#include "eos/exec/grid_work.h"
#include "eos/util/hash.h"
#include "support.h"

using namespace eos;

namespace {

// 3 × 4 × 5 = 60 points whose cost (steps = ⌈10/η⌉ times n) differs along two axes.
const char* kJob = "model = sparse-relu\nd = 10, 20, 30\nn = 10, 20, 40, 80\neta = 1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2\n";

Job job(const char* text = kJob) {
  std::istringstream in(text);
  return parse_job(in, "grid", {});
}

// 2 × 2 × 2 × 3 points whose axes feed the point checks (batch_size the batch checks; horizon
// steps, which save_states is checked against) beside ones that no check reads (seed, and
// batch_seed beside a batch_size, the fastest axis).
const char* kCheckedJob =
    "model = sparse-relu\nd = 10\nn = 20\nn_test = 10\neta = 0.01\nsave_states = 50\n"
    "batch_size = 4, 8\nhorizon = 1, 2\nseed = 0, 1\nbatch_seed = range(0, 3)\n";

// The message of the InputError that parsing a job throws ("" when it does not).
std::string error_of(const char* text) {
  try {
    job(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::uint64_t id64(const std::string& id) {
  std::uint64_t v = 0;
  BOOST_REQUIRE(parse_hex_id(id, v));
  return v;
}

std::vector<WorkItem> drain(WorkSource& w) {
  std::vector<WorkItem> out;
  while (auto it = w.next()) out.push_back(*it);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(walker_and_point_at_agree_from_any_start) {
  const Job j = job();
  for (std::size_t start : {std::size_t{0}, std::size_t{7}, std::size_t{59}}) {
    GridWalker w(j, start);
    Point p;
    std::size_t n = 0;
    while (w.next(p)) {
      const Point q = point_at(j, start + n);
      BOOST_TEST(p.index == start + n);
      BOOST_TEST(p.id == q.id);
      BOOST_TEST(p.cost == q.cost);
      BOOST_TEST((p.params == q.params));
      BOOST_TEST(p.hash == q.hash);
      ++n;
    }
    BOOST_TEST(n == 60 - start);
  }
  BOOST_CHECK_THROW(point_at(j, 60), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(walker_and_point_at_agree_where_axes_feed_the_checks) {
  const Job j = job(kCheckedJob);
  for (std::size_t start : {std::size_t{0}, std::size_t{5}, std::size_t{23}}) {
    GridWalker w(j, start);
    Point p;
    std::size_t n = 0;
    while (w.next(p)) {
      const Point q = point_at(j, start + n++);
      BOOST_TEST(p.id == q.id);
      BOOST_TEST((p.params == q.params));
    }
    BOOST_TEST(n == 24 - start);
  }
}

// The walker skips the checks while nothing they read changes: a point that fails them after
// points that pass is still refused, at that point, with the message it has alone.
BOOST_AUTO_TEST_CASE(a_later_point_that_fails_a_check_is_refused_at_that_point) {
  Job j = job(kCheckedJob);
  for (auto& [spec, values] : j.values)
    if (spec->name == "batch_size") values = {"4", "30"};
  GridWalker w(j);
  Point p;
  std::size_t passed = 0;
  std::string msg;
  try {
    while (w.next(p)) ++passed;
  } catch (const InputError& e) {
    msg = e.what();
  }
  BOOST_TEST(passed == 3u);
  BOOST_TEST(msg ==
             "batch_size: 30 is larger than the training set (20 samples) (at grid point seed=0, horizon=1, batch_size=30, "
             "batch_seed=0)");

  const std::string batches = "model = sparse-relu\nd = 10\nn = 20\nn_test = 10\neta = 0.01\nbatch_size = 4\n";
  BOOST_TEST(error_of((batches + "save_states = 50\nhorizon = 1, 0.1\nbatch_seed = range(0, 3)\n").c_str()) ==
             "save_states: step 50 is beyond steps = 10 (at grid point horizon=0.1, batch_seed=0)");
  BOOST_TEST(error_of((batches + "steps = 5\nprecision = float64, float32\nbatch_seed = range(0, 3)\n").c_str()) ==
             "precision: model sparse-relu has no float32 path: precision = float64 only (at grid point precision=float32, "
             "batch_seed=0)");
}

BOOST_AUTO_TEST_CASE(work_is_every_pending_point_longest_first) {
  const Job j = job();
  DoneIds done;
  GridWork all(j, done, 0, 1);
  BOOST_TEST(all.total() == 60u);
  BOOST_TEST(all.skipped() == 0u);
  const auto items = drain(all);
  BOOST_TEST(items.size() == 60u);
  BOOST_TEST(std::is_sorted(items.begin(), items.end(), [](auto& a, auto& b) { return a.cost > b.cost; }));
  double cost = 0;
  std::set<std::uint64_t> seen;
  for (const auto& it : items) {
    seen.insert(it.index);
    cost += it.cost;
    BOOST_TEST(it.cost == point_at(j, it.index).cost);
  }
  BOOST_TEST(seen.size() == 60u);
  BOOST_TEST(cost == all.total_cost(), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(done_points_are_skipped_and_shards_partition_the_grid) {
  const Job j = job();
  DoneIds done;
  for (std::size_t i = 0; i < 60; i += 3) done.add(id64(point_at(j, i).id));
  done.sorted();
  GridWork rest(j, done, 0, 1);
  BOOST_TEST(rest.total() == 40u);
  BOOST_TEST(rest.skipped() == 20u);
  for (const auto& it : drain(rest)) BOOST_TEST(it.index % 3 != 0);

  const DoneIds none;
  std::set<std::uint64_t> covered;
  std::size_t sum = 0;
  for (long s = 0; s < 4; ++s) {
    GridWork shard(j, none, s, 4);
    sum += shard.shard_points();
    for (const auto& it : drain(shard)) {
      BOOST_TEST(covered.insert(it.index).second, "point " << it.index << " in two shards");
      BOOST_TEST(in_shard(point_at(j, it.index).id, s, 4));
    }
  }
  BOOST_TEST(sum == 60u);
  BOOST_TEST(covered.size() == 60u);
}

BOOST_AUTO_TEST_CASE(a_small_window_holds_little_and_still_hands_out_every_point) {
  const Job j = job();
  const DoneIds none;
  GridWork w(j, none, 0, 1, 8);  // never more than 8 items held
  const auto items = drain(w);
  BOOST_TEST(items.size() == 60u);
  std::set<std::uint64_t> seen;
  for (const auto& it : items) seen.insert(it.index);
  BOOST_TEST(seen.size() == 60u);
  // Within the window the longest goes first: the first item is the costliest of the first 8.
  double first8 = 0;
  for (std::size_t i = 0; i < 8; ++i) first8 = std::max(first8, point_at(j, i).cost);
  BOOST_TEST(items.front().cost == first8);
}
