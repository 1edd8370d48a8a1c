// Checkpoint files (exec/checkpoint.h): a checkpoint reads back as written; one cut short, with a
// flipped byte, of another point, of other settings of the point, of another build or not one at
// all is refused with a reason and set aside (ID.ckpt.bad-N), never read; a point run through
// run_point with checkpoints on continues from one to the same row as a run without.
#define BOOST_TEST_MODULE checkpoint
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eos/exec/checkpoint.h"
#include "eos/gd/run.h"
#include "eos/util/version.h"
#include "support.h"

using namespace eos;
namespace fs = std::filesystem;

namespace {

std::string scratch(const std::string& name) {
  const fs::path d = fs::path(std::getenv("EOS_TEST_TMP") ? std::getenv("EOS_TEST_TMP") : "/tmp") / ("checkpoint_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

const Checkpoint kSome{.step = 128, .run_state = std::string("state\0bytes", 11), .trace = "step,loss\n0,1\n", .wall_s = 2.5};

}  // namespace

BOOST_AUTO_TEST_CASE(reads_back_as_written) {
  const test::TestJob job("model = sparse-relu\nd = 30\nn = 60\neta = 0.01\nsteps = 50\n");
  const Point& p = job.points()[0];
  const ResultsStore store(scratch("back"));
  write_checkpoint(store, p, kSome);
  BOOST_TEST(fs::exists(store.checkpoint(p.id)));
  BOOST_TEST(!fs::exists(store.checkpoint(p.id) + ".tmp"));
  std::string why;
  const auto c = read_checkpoint(store, p, why);
  BOOST_REQUIRE(c);
  BOOST_TEST(why.empty());
  BOOST_TEST(c->step == 128);
  BOOST_TEST(c->run_state == kSome.run_state);
  BOOST_TEST(c->trace == kSome.trace);
  BOOST_TEST(c->wall_s == 2.5);
  remove_checkpoint(store, p);
  BOOST_TEST(!fs::exists(store.checkpoint(p.id)));
  BOOST_TEST(!read_checkpoint(store, p, why));  // none: no reason either
  BOOST_TEST(why.empty());
}

BOOST_AUTO_TEST_CASE(damaged_and_foreign_checkpoints_are_set_aside) {
  const test::TestJob job("model = sparse-relu\nd = 30\nn = 60\neta = 0.01, 0.02\nsteps = 50\n");
  const Point& p = job.points()[0];
  const Point& q = job.points()[1];
  const ResultsStore store(scratch("bad"));
  fs::create_directories(store.checkpoints());
  const std::string good = encode_checkpoint(p, kSome);
  // Each damage, and the reason it must give.
  std::vector<std::pair<std::string, std::string>> cases = {
      {good.substr(0, good.size() / 2), "cut short"},
      {good.substr(0, good.size() - 1), "cut short"},
      {encode_checkpoint(q, kSome), "of another point"},
      {"plain text, not a checkpoint at all", "damaged or cut short"},
      {"", "damaged or cut short"},
  };
  std::string flipped = good;
  flipped[flipped.find("bytes")] ^= 0x20;  // a byte inside the state: only the digest sees it
  cases.push_back({flipped, "digest"});
  // Another build: the same bytes with another commit in the header (re-encoded by hand).
  std::string other = good;
  const std::string mine = git_commit();
  const auto at = other.find(mine);
  BOOST_REQUIRE(at != std::string::npos);
  other[at] = other[at] == 'x' ? 'y' : 'x';
  cases.push_back({other, "written by another build"});
  int n = 0;
  for (const auto& [bytes, reason] : cases) {
    BOOST_TEST_CONTEXT("case " << n << ": " << reason) {
      spit(store.checkpoint(p.id), bytes);
      std::string why;
      BOOST_TEST(!read_checkpoint(store, p, why));
      BOOST_TEST(why.find(reason) != std::string::npos, why);
      BOOST_TEST(why.find("set aside as") != std::string::npos);
      BOOST_TEST(!fs::exists(store.checkpoint(p.id)));
      BOOST_TEST(fs::exists(store.checkpoint(p.id) + ".bad-" + std::to_string(n + 1)));
      BOOST_TEST(slurp(store.checkpoint(p.id) + ".bad-" + std::to_string(n + 1)) == bytes);
    }
    ++n;
  }
}

BOOST_AUTO_TEST_CASE(a_point_continues_from_its_checkpoint) {
  // Run a point with checkpoints every few microseconds, stop it by its flag half-way (it writes a
  // checkpoint and throws Interrupted), run it again: the row equals an uninterrupted run's.
  const test::TestJob job(
      "model = mlp\ndataset = digits\nn = 100\nn_test = 20\nwidth = 8\ndepth = 2\neta = 0.01\nsteps = 2000\n"
      "sharpness_every = 100\ntrace_every = 50\ncheckpoint_every = 1e-6\nmethod = adam\n");
  const Point& p = job.points()[0];
  const ResultsStore store(scratch("continue"));
  const PointResult whole = run_point(job.model(), p);
  std::atomic<bool> stop{false};
  long rows = 0;
  PointHooks hooks{&stop, &store, [&](long, double, double, const std::vector<double>&) {
                     if (++rows == 20) stop = true;  // at step 950: the next check writes and stops
                   }};
  BOOST_CHECK_THROW(run_point(job.model(), p, hooks), Interrupted);
  BOOST_REQUIRE(fs::exists(store.checkpoint(p.id)));
  stop = false;
  const PointResult again = run_point(job.model(), p, {&stop, &store, {}});
  BOOST_TEST(again.checkpointed);
  const Schema schema(job.model());
  const auto a = schema.row(p, whole), b = schema.row(p, again);
  for (std::size_t k = 0; k < a.size(); ++k)
    if (schema.columns()[k].name != "wall_s") BOOST_TEST(format_field(a[k]) == format_field(b[k]), schema.columns()[k].name);
  BOOST_TEST(slurp(store.trace(p.id)).size() > 0);
}
