// Repeated ids: the census finds exactly the ids seen twice or more, in memory and through
// spilled runs, from several threads at once, and leaves no temporary file; checking a grid
// counts its work alike on any number of threads, reports the first bad point whatever the
// threads, and names two points that share an id.
#define BOOST_TEST_MODULE id_census
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "eos/grid/id_census.h"
#include "eos/util/rng.h"
#include "support.h"

using namespace eos;
namespace fs = std::filesystem;

namespace {

std::size_t temp_files() {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    n += e.path().filename().string().rfind("eos-sweep-ids-", 0) == 0;
  return n;
}

// n random ids, with the ids of `dups` repeated once each at random places; the repeats returned.
std::vector<std::uint64_t> ids_with_repeats(std::size_t n, std::size_t dups, std::vector<std::uint64_t>& ids) {
  Rng rng(42);
  ids.clear();
  for (std::size_t i = 0; i < n; ++i) ids.push_back(rng.next());
  std::set<std::uint64_t> want;
  for (std::size_t k = 0; k < dups; ++k) {
    const std::uint64_t v = ids[rng.below(ids.size())];
    want.insert(v);
    ids.insert(ids.begin() + static_cast<long>(rng.below(ids.size())), v);
  }
  return {want.begin(), want.end()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(repeats_in_memory_and_through_spilled_runs) {
  std::vector<std::uint64_t> ids;
  const auto want = ids_with_repeats(50000, 37, ids);
  const std::size_t before = temp_files();
  for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{997}}) {
    {
      IdCensus census(chunk);
      auto part = census.part();
      for (auto v : ids) part.add(v);
      census.close(part);
      BOOST_TEST(census.repeated() == want, "chunk " << chunk);
      BOOST_TEST((chunk < ids.size() ? census.spilled_runs() > 10 : census.spilled_runs() == 0));
    }
    BOOST_TEST(temp_files() == before);  // every spilled run removed
  }
}

BOOST_AUTO_TEST_CASE(parts_filled_by_threads_at_once) {
  std::vector<std::uint64_t> ids;
  const auto want = ids_with_repeats(40000, 12, ids);
  IdCensus census(1500);
  std::vector<IdCensus::Part> parts;
  for (int t = 0; t < 3; ++t) parts.push_back(census.part());
  std::vector<std::thread> pool;
  for (int t = 0; t < 3; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < ids.size(); i += 3) parts[static_cast<std::size_t>(t)].add(ids[i]);
    });
  for (auto& th : pool) th.join();
  for (auto& p : parts) census.close(p);
  BOOST_TEST(census.repeated() == want);
}

BOOST_AUTO_TEST_CASE(no_repeats_no_report) {
  IdCensus census(100);
  auto part = census.part();
  for (std::uint64_t v = 0; v < 1000; ++v) part.add(v * 2654435761u);
  census.close(part);
  BOOST_TEST(census.repeated().empty());
}

BOOST_AUTO_TEST_CASE(grid_check_is_the_same_on_any_number_of_threads) {
  const std::string text = "model = mean-model\nd = range(10, 410)\nseed = range(0, 25)\neta_rel = 0.5, 1, 2, 4\nhorizon = 1\n";
  std::istringstream one(text);
  const Job j1 = parse_job(one, "grid", {}, {.check_ids = true, .threads = 1});
  BOOST_TEST(j1.summary.points == 40000u);
  BOOST_TEST(j1.summary.ids_checked);
  BOOST_TEST(j1.summary.id_clash.empty());
  double steps = 0;
  for_each_point(j1, [&](const Point& p) { steps += static_cast<double>(p.params.integer("steps")); });
  BOOST_TEST(j1.summary.steps == steps);
  for (unsigned t : {2u, 4u}) {
    std::istringstream in(text);
    const Job jt = parse_job(in, "grid", {}, {.check_ids = true, .threads = t});
    BOOST_TEST(jt.summary.points == j1.summary.points);
    BOOST_TEST(jt.summary.steps == j1.summary.steps);
  }
  // The first bad point in grid order is the one reported, whatever the threads: η = η_rel·8π/d²
  // with horizon 1e13 gives too many steps from some d on.
  const std::string bad = "model = mean-model\nd = range(10, 300000)\neta_rel = 1\nhorizon = 1e6\n";
  std::string first;
  for (unsigned t : {1u, 2u, 4u}) {
    std::istringstream in(bad);
    try {
      parse_job(in, "bad", {}, {.threads = t});
      BOOST_FAIL("no error");
    } catch (const InputError& e) {
      if (first.empty()) first = e.what();
      BOOST_TEST(std::string(e.what()) == first);
    }
  }
  BOOST_TEST(first.find("steps is too many") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_clash_names_two_points) {
  std::istringstream in("model = sparse-relu\nd = 10, 20, 30\nseed = 0, 1, 2\neta = 1e-3\nsteps = 5\n");
  const Job job = parse_job(in, "clash", {});
  // Pretend points 2 and 7 share an id: the message names both by their axes.
  std::vector<std::uint64_t> ids = {point_at(job, 2).hash, point_at(job, 7).hash};
  std::sort(ids.begin(), ids.end());
  const std::string msg = describe_id_clash(job, ids);
  BOOST_TEST(msg.find("point 2 (d=10, seed=2)") != std::string::npos, msg);
  BOOST_TEST(msg.find("point 7 (d=30, seed=1)") != std::string::npos, msg);
  BOOST_TEST(msg.find("64-bit hash collision") != std::string::npos);
  BOOST_TEST(msg.find('\n') == std::string::npos);
}
