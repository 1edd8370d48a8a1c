// A point's Params: a Recording sees the entries that code reads and writes by name (what the grid
// walker keeps to know when a point's checks must run again), and nothing outside it.
#define BOOST_TEST_MODULE params
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <set>

#include "eos/config/params.h"
#include "eos/gd/settings.h"

using namespace eos;

namespace {

Params some_params() {
  Params p;
  for (const char* k : {"flows", "method", "momentum", "seed"}) p.set(k, "0");
  p.set("method", "gd");
  p.set("flows", "none");
  return p;
}

// The keys at the positions a recording touched.
std::set<std::string> keys_of(const Params& p, const Params::Touches& t) {
  std::set<std::string> keys;
  for (std::size_t position : t.positions) keys.insert(p.all()[position].key);
  return keys;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_recording_sees_the_keys_a_check_reads) {
  const Params p = some_params();
  Params::Touches touched;
  {
    Params::Recording recording(p);
    check_run_keys(p);
    touched = recording.touches();
  }
  const std::set<std::string> keys = keys_of(p, touched);
  for (const char* k : {"flows", "method", "momentum"}) BOOST_TEST(keys.count(k) == 1, k);
  BOOST_TEST(keys.count("seed") == 0);
  BOOST_TEST(!touched.rewritten);
  BOOST_TEST(!touched.everything);
}

BOOST_AUTO_TEST_CASE(reads_outside_a_recording_and_of_a_copy_are_not_recorded) {
  Params p = some_params();
  const std::size_t momentum = p.position("momentum");
  (void)p.text("seed");
  Params::Recording recording(p);
  Params copy = p;
  (void)copy.text("method");
  (void)p.real("momentum");
  BOOST_TEST(recording.touches().positions == std::vector<std::size_t>{momentum});
}

BOOST_AUTO_TEST_CASE(a_write_counts_as_a_touch_and_says_when_it_changes_a_value) {
  Params p = some_params();
  const std::size_t seed = p.position("seed");
  {
    Params::Recording recording(p);
    p.set("seed", "0");
    BOOST_TEST(recording.touches().positions == std::vector<std::size_t>{seed});
    BOOST_TEST(!recording.touches().rewritten);
    p.set_at(seed, "1", 1, true);
    BOOST_TEST(recording.touches().rewritten);
  }
  {
    Params::Recording recording(p);
    p.set("seed", "2", 2);
    BOOST_TEST(recording.touches().rewritten);
    BOOST_TEST(!recording.touches().everything);
  }
}

BOOST_AUTO_TEST_CASE(an_added_key_or_a_look_at_every_entry_counts_as_touching_all) {
  Params p = some_params();
  {
    Params::Recording recording(p);
    p.set("eta", "0.1");
    BOOST_TEST(recording.touches().everything);
  }
  {
    Params::Recording recording(p);
    BOOST_TEST(!p.all().empty());
    BOOST_TEST(recording.touches().everything);
  }
  Params::Recording recording(p);
  BOOST_TEST(!p.has("absent"));
  BOOST_TEST(recording.touches().positions.empty());
  BOOST_TEST(!recording.touches().everything);
}
