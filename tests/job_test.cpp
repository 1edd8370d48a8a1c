// The job-file parser, the axis syntax and the grid: line scanning (the Program_options INI
// syntax), lists and ranges, canonical values, eta_rel and horizon resolution, stable ids.
#define BOOST_TEST_MODULE job
#include <boost/program_options.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <set>
#include <sstream>

#include "eos/util/text.h"
#include "eos/util/number.h"
#include "eos/config/axis.h"
#include "eos/config/job_text.h"
#include "eos/grid/grid.h"
#include "eos/gd/settings.h"

using namespace eos;

namespace {

Job job_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  std::istringstream in(text);
  return parse_job(in, "test.ini", sets);
}

// The message of the InputError parse_job throws ("" when it does not throw).
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    job_of(text, sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string axis_error(const KeySpec& spec, const std::string& text) {
  try {
    expand_axis(spec, text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

KeySpec real_axis(const std::string& name = "x") {
  KeySpec k;
  k.name = name;
  k.type = KeyType::Real;
  k.axis = true;
  return k;
}

KeySpec int_axis(const std::string& name = "k") {
  KeySpec k = real_axis(name);
  k.type = KeyType::Integer;
  return k;
}

using Strings = std::vector<std::string>;

const std::string kBase = "model = sparse-relu\neta = 1e-3\nd = 20\nn = 30\nsteps = 10\n";

std::string only_id(const std::string& text, const Strings& sets = {}) {
  auto points = expand(job_of(text, sets));
  BOOST_REQUIRE_EQUAL(points.size(), 1u);
  return points[0].id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scan)

BOOST_AUTO_TEST_CASE(comments_blank_lines_crlf_and_trimming) {
  const auto lines = scan_job_text("# head\n\n  model =  sparse-relu  # the model\r\neta=1e-3\r\n\t d\t=\t5 \n", "f");
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[0].line == 3);
  BOOST_TEST(lines[0].key == "model");
  BOOST_TEST(lines[0].value == "sparse-relu");
  BOOST_TEST(lines[1].key == "eta");
  BOOST_TEST(lines[1].value == "1e-3");
  BOOST_TEST(lines[2].line == 5);
  BOOST_TEST(lines[2].value == "5");
}

// What the scanner accepts, Boost.Program_options reads the same way (the job syntax is its INI).
BOOST_AUTO_TEST_CASE(agrees_with_program_options) {
  const Strings texts = {
      "a = 1\nb=2,3\n",
      "# c\n  a =  x y  # tail\n\nb =\n",
      "a = linspace(1, 2, 3)\r\nb = 1 = 2\n",
      "a=1#2\n\t b \t= \t3\t\n",
  };
  for (const auto& text : texts) {
    const auto mine = scan_job_text(text, "f");
    std::istringstream in(text);
    namespace po = boost::program_options;
    const auto parsed = po::parse_config_file(in, po::options_description(), true);
    BOOST_REQUIRE_EQUAL(mine.size(), parsed.options.size());
    for (std::size_t i = 0; i < mine.size(); ++i) {
      BOOST_TEST(mine[i].key == parsed.options[i].string_key);
      BOOST_TEST(mine[i].value == parsed.options[i].value.at(0));
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_what_program_options_would_misread) {
  auto msg = [](const std::string& text) {
    try {
      scan_job_text(text, "f");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(msg("a = 1\n[sec]\nb = 2\n").find("f:2: INI sections") == 0);
  BOOST_TEST(msg("a = 1\nd\n").find("f:2: 'd' is not KEY = VALUE") == 0);
  BOOST_TEST(msg("= 3\n").find("f:1: no key before '='") == 0);
  BOOST_TEST(msg(std::string("a = 1\nb = \0\n", 12)).find("f:2: NUL byte") == 0);
  BOOST_TEST(msg("a = 1\x1b[2J\n").find("f:1: control character '\\x1b'") == 0);
  BOOST_TEST(msg("a = 1\rb = 2\n").find("f:1: control character '\\r'") == 0);
  BOOST_TEST(msg("a = 1\r\n\n").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(axis)

BOOST_AUTO_TEST_CASE(single_values_and_lists) {
  BOOST_TEST(expand_axis(real_axis(), "0.5") == Strings{"0.5"});
  BOOST_TEST(expand_axis(real_axis(), " 3, 1 ,2 ") == (Strings{"3", "1", "2"}));
}

BOOST_AUTO_TEST_CASE(canonical_values_read_back_exactly) {
  BOOST_TEST(expand_axis(real_axis(), "1.0, +2e-3, -0, 1e2, .5") == (Strings{"1", "0.002", "0", "100", "0.5"}));
  BOOST_TEST(expand_axis(int_axis(), "7, 3e1, 1e15") == (Strings{"7", "30", "1e+15"}));
  // The canonical text is the shortest that reads back to the same double.
  const double v = 0.1 + 0.2;
  BOOST_TEST(std::stod(expand_axis(real_axis(), format_double(v))[0]) == v);
  BOOST_TEST(expand_axis(real_axis(), "0.30000000000000004")[0] == "0.30000000000000004");
}

BOOST_AUTO_TEST_CASE(linspace_has_exact_end_points) {
  const auto v = expand_axis(real_axis(), "linspace(0.1, 0.7, 7)");
  BOOST_REQUIRE_EQUAL(v.size(), 7u);
  BOOST_TEST(v.front() == "0.1");
  BOOST_TEST(v.back() == "0.7");
  for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(std::stod(v[i]) == 0.1 + 0.1 * i, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(expand_axis(real_axis(), "linspace(2, 5, 1)") == Strings{"2"});
  BOOST_TEST(expand_axis(int_axis(), "linspace(10, 40, 4)") == (Strings{"10", "20", "30", "40"}));
}

BOOST_AUTO_TEST_CASE(logspace_is_geometric_with_exact_nice_points) {
  const auto v = expand_axis(real_axis(), "logspace(0.25, 4, 13)");
  BOOST_REQUIRE_EQUAL(v.size(), 13u);
  BOOST_TEST(v[0] == "0.25");
  BOOST_TEST(v[6] == "1");
  BOOST_TEST(v[9] == "2");
  BOOST_TEST(v[12] == "4");
  for (std::size_t i = 1; i < v.size(); ++i)
    BOOST_TEST(std::stod(v[i]) / std::stod(v[i - 1]) == std::pow(2.0, 1.0 / 3.0), boost::test_tools::tolerance(1e-13));
  // Decreasing end points are allowed.
  BOOST_TEST(expand_axis(real_axis(), "logspace(100, 1, 3)") == (Strings{"100", "10", "1"}));
}

BOOST_AUTO_TEST_CASE(range_as_in_python) {
  BOOST_TEST(expand_axis(int_axis(), "range(0, 3)") == (Strings{"0", "1", "2"}));
  BOOST_TEST(expand_axis(int_axis(), "range(10, 0, -4)") == (Strings{"10", "6", "2"}));
  BOOST_TEST(expand_axis(int_axis(), "range(0, 1e3, 250)") == (Strings{"0", "250", "500", "750"}));
  // The end is excluded whichever way (b - a)/step rounds.
  BOOST_TEST(expand_axis(real_axis(), "range(0, 0.3, 0.1)").size() == 3u);
  BOOST_TEST(expand_axis(real_axis(), "range(0.1, 0.4, 0.1)").size() == 3u);
  BOOST_TEST(expand_axis(real_axis(), "range(0, 1, 0.1)").size() == 10u);
  BOOST_TEST(expand_axis(real_axis(), "range(0, 1e-10)") == Strings{"0"});
}

BOOST_AUTO_TEST_CASE(mixed_items_keep_their_order) {
  BOOST_TEST(expand_axis(int_axis(), "1, range(2, 5), 10, linspace(20, 30, 2)") ==
             (Strings{"1", "2", "3", "4", "10", "20", "30"}));
}

BOOST_AUTO_TEST_CASE(axis_size_counts_without_generating) {
  const Strings texts = {"1", "1, 2, 3", "range(0, 7)", "range(5, 0, -2)", "linspace(1, 2, 9), 7", "logspace(1, 1e3, 4)",
                         "range(0, 0.3, 0.1)", "range(0, 1, 0.1)"};
  for (const auto& t : texts) BOOST_TEST(axis_size(real_axis(), t) == static_cast<double>(expand_axis(real_axis(), t).size()));
  // A huge range is counted from its arguments alone (and refused, past the limit).
  BOOST_CHECK_THROW(axis_size(real_axis(), "range(0, 1e12)"), InputError);
  BOOST_TEST(axis_size(real_axis(), "range(0, 1e6), linspace(1, 2, 1e6)") == 2e6);
}

BOOST_AUTO_TEST_CASE(malformed_axes_name_the_key) {
  const KeySpec k = real_axis("eta");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1e", "eta: not a number: '1e'"},
      {"abc", "eta: not a number: 'abc'"},
      {"1.2.3", "eta: not a number: '1.2.3'"},
      {"nan", "eta: not a finite number"},
      {"1e999", "eta: number out of range"},
      {"", "eta: empty value"},
      {"1,,2", "eta: empty item in the list '1,,2'"},
      {"1,", "eta: empty item"},
      {"1, 1.0", "eta: value 1 appears twice"},
      {"linspace(1, 1, 2)", "eta: value 1 appears twice"},
      {"linspace(1,2)", "eta: linspace takes 3 arguments, got 2"},
      {"linspace(1,2,0)", "eta: linspace count must be a whole number >= 1"},
      {"linspace(1,2,2.5)", "eta: linspace count must be a whole number >= 1"},
      {"linspace(1,2,1e7)", "exceeds the limit"},
      {"linspace(1,,3)", "eta: empty argument"},
      {"logspace(0,1,3)", "eta: logspace needs positive end points"},
      {"logspace(1,-1,3)", "eta: logspace needs positive end points"},
      {"range(1,5,0)", "eta: range step must not be 0"},
      {"range(5,1)", "eta: empty range"},
      {"range(1)", "eta: range takes 2 or 3 arguments, got 1"},
      {"range(0, 1e12)", "has more than 1000000 values"},
      {"linspace(1,2,3", "eta: unbalanced '('"},
      {"linspace(1,2,3))", "eta: unbalanced ')'"},
      {"linspace(1,2,3)x", "eta: text after the closing ')'"},
      {"foo(1,2,3)", "eta: unknown range function 'foo'"},
      {"(1,2,3)", "eta: unknown range function ''"},
      {"linspace(linspace(1,2,3),2,3)", "eta: not a number"},
  };
  for (const auto& [text, fragment] : cases) {
    const std::string msg = axis_error(k, text);
    BOOST_TEST_INFO("input: " << text << "  message: " << msg);
    BOOST_TEST(msg.find(fragment) != std::string::npos);
    BOOST_TEST(msg.find('\n') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(integer_and_bounds_checks) {
  KeySpec d = int_axis("d");
  d.min = 1;
  BOOST_TEST(axis_error(d, "0").find("d: must be >= 1 (got 0)") == 0);
  BOOST_TEST(axis_error(d, "1.5").find("d: not an integer: '1.5'") == 0);
  BOOST_TEST(axis_error(d, "linspace(1, 2, 3)").find("d: not an integer") == 0);
  BOOST_TEST(axis_error(d, "1e17").find("d: integer too large") == 0);
  KeySpec tail = real_axis("tail");
  tail.axis = false;
  tail.min = 0;
  tail.min_exclusive = true;
  tail.max = 1;
  BOOST_TEST(axis_error(tail, "0").find("tail: must be > 0") == 0);
  BOOST_TEST(axis_error(tail, "1.5").find("tail: must be <= 1") == 0);
  BOOST_TEST(axis_error(tail, "0.5, 0.6").find("tail: is not a sweep axis") == 0);
  BOOST_TEST(expand_axis(tail, "1") == Strings{"1"});
}

BOOST_AUTO_TEST_CASE(messages_quote_user_text_on_one_short_line) {
  BOOST_TEST(quote_input("a\nb\r\x01") == "'a\\nb\\r\\x01'");
  const std::string long_text(10000, '7');
  const std::string q = quote_input(long_text);
  BOOST_TEST(q.size() < 80u);
  BOOST_TEST(q.substr(q.size() - 4) == "...'");
  // A cut never splits a UTF-8 sequence.
  std::string utf;
  for (int i = 0; i < 40; ++i) utf += "\xce\xbb";  // λ
  const std::string qu = quote_input(utf);
  BOOST_TEST((qu.size() - 5) % 2 == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(job)

BOOST_AUTO_TEST_CASE(grid_order_last_axis_fastest_and_point_at) {
  const Job job = job_of(kBase + "seed = 0, 1\nlambda = 1, 2, 3\n");
  BOOST_TEST(job.point_count() == 6.0);
  BOOST_TEST(job.axes == (Strings{"lambda", "seed"}));  // model keys in declaration order
  const auto points = expand(job);
  BOOST_REQUIRE_EQUAL(points.size(), 6u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < points.size(); ++i) {
    BOOST_TEST(points[i].index == i);
    ids.insert(points[i].id);
    const Point p = point_at(job, i);
    BOOST_TEST(p.id == points[i].id);
    BOOST_TEST((p.params == points[i].params));
  }
  BOOST_TEST(ids.size() == 6u);
  BOOST_TEST(points[0].params.text("lambda") == "1");
  BOOST_TEST(points[1].params.text("seed") == "1");
  BOOST_TEST(points[2].params.text("lambda") == "2");
  BOOST_TEST(points[5].params.text("lambda") == "3");
  BOOST_TEST(points[5].params.text("seed") == "1");
  BOOST_CHECK_THROW(point_at(job, 6), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(defaults_fill_every_key) {
  const auto p = expand(job_of("model = sparse-relu\neta = 1e-3\n"))[0];
  for (const auto& k : runner_keys())  // the keys without a default are absent when not given
    if (k.name != "eta_rel" && k.name != "horizon" && k.name != "init_state" && k.name != "batch_size")
      BOOST_TEST(p.params.has(k.name), k.name);
  BOOST_TEST(!p.params.has("batch_size"));  // no batch_size: the full batch, the ids of before
  BOOST_TEST(p.params.text("d") == "200");
  BOOST_TEST(p.params.text("steps") == "10000");
}

BOOST_AUTO_TEST_CASE(eta_rel_resolves_against_eta_star) {
  const Job job = job_of("model = sparse-relu\neta_rel = 0.5, 1, 2\nd = 50, 200\n");
  for (const auto& p : expand(job)) {
    const double d = p.params.real("d");
    const double want = p.params.real("eta_rel") * 8.0 * M_PI / (d * d);
    BOOST_TEST(p.params.text("eta") == format_double(want));
    BOOST_TEST(p.params.integer("steps") == static_cast<long>(std::ceil(10.0 / p.params.real("eta") - 1e-9)));
  }
  // The same point given by eta_rel and by the eta it resolves to has the same id.
  const auto by_rel = expand(job_of("model = sparse-relu\neta_rel = 1\nd = 200\n"))[0];
  const auto by_eta = expand(job_of("model = sparse-relu\neta = " + by_rel.params.text("eta") + "\nd = 200\n"))[0];
  BOOST_TEST(by_rel.id == by_eta.id);
}

BOOST_AUTO_TEST_CASE(horizon_steps_round_up_except_at_whole_numbers) {
  auto steps = [](const std::string& eta, const std::string& horizon = "10") {
    return expand(job_of("model = sparse-relu\nd = 10\neta = " + eta + "\nhorizon = " + horizon + "\n"))[0].params.integer("steps");
  };
  BOOST_TEST(steps("2e-4") == 50000);
  BOOST_TEST(steps("1e-4") == 100000);
  BOOST_TEST(steps("3e-4") == 33334);
  BOOST_TEST(steps("6.3e-4") == 15874);  // 15873.01...
  BOOST_TEST(steps("0.3", "0.9") == 3);  // 0.9/0.3 = 3.0000000000000004 in doubles
  BOOST_TEST(steps("20") == 1);          // at least one step
  // Whenever η = horizon/k as a double, the step count is k, although horizon/η may miss k by an ulp.
  int off_by_rounding = 0;
  for (int k = 1; k <= 3000; k += 7) {
    const double eta = 10.0 / k;
    off_by_rounding += 10.0 / eta != static_cast<double>(k);
    BOOST_TEST(steps(format_double(eta)) == k, "k = " << k);
  }
  BOOST_TEST_MESSAGE("quotients off a whole number by rounding: " << off_by_rounding);
  // steps given directly wins; horizon is then not part of the job.
  BOOST_TEST(expand(job_of(kBase))[0].params.integer("steps") == 10);
}

BOOST_AUTO_TEST_CASE(id_is_stable_under_key_order_and_set) {
  const std::string a = "model = sparse-relu\neta = 1e-3\nd = 20\nn = 30\nlambda = 2\nseed = 4\nsteps = 10\n";
  const std::string b = "seed=4\n# reordered\nsteps = 10\nlambda = 2.0\nn = 30\n d = 20\neta = 0.001\nmodel = sparse-relu\n";
  const std::string id = only_id(a);
  BOOST_TEST(id.size() == 16u);
  BOOST_TEST(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(only_id(b) == id);
  BOOST_TEST(only_id("model = sparse-relu\n", {"eta=1e-3", "d=20", "n=30", "lambda=2", "seed=4", "steps=10"}) == id);
  BOOST_TEST(only_id("model = sparse-relu\neta = 5\nd = 20\nn = 30\nlambda = 2\nseed = 4\nsteps = 10\n", {"eta=0.001"}) == id);
  // Defaults written out change nothing.
  BOOST_TEST(only_id(a + "tail = 0.1\nsharpness_every = 100\nn_test = 2000\n") == id);
  // A point keeps its id inside a bigger grid.
  bool found = false;
  for (const auto& p : expand(job_of("model = sparse-relu\neta = 1e-3, 2e-3\nd = 20\nn = 30\nlambda = 2\nseed = range(0, 6)\nsteps = 10\n")))
    found = found || p.id == id;
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(id_ignores_output_only_keys) {
  const std::string id = only_id(kBase);
  for (const std::string& s : {"solver=check", "solver=dense", "lanczos_cutoff=3", "trace_every=5", "trace_points=0",
                               "path=oracle", "path=fast"})
    BOOST_TEST(only_id(kBase, {s}) == id, s);
}

BOOST_AUTO_TEST_CASE(id_changes_with_every_result_relevant_key) {
  const std::string id = only_id(kBase);
  std::set<std::string> ids = {id};
  const Strings changes = {"eta=2e-3",          "d=21",         "n=31",          "lambda=2.5",   "seed=1",
                           "steps=11",          "n_test=100",   "init_scale=2",  "b0=0.1",       "sharpness_every=7",
                           "tail=0.2",          "diverge_loss=1e6", "rise_tol=1e-6", "stop_grad_tol=1e-8"};
  for (const auto& s : changes) {
    const std::string other = only_id(kBase, {s});
    BOOST_TEST(other != id, s);
    ids.insert(other);
  }
  BOOST_TEST(ids.size() == changes.size() + 1);
  // horizon changes the id through the step count it gives.
  const std::string h = "model = sparse-relu\neta = 1e-3\nd = 20\n";
  BOOST_TEST(only_id(h + "horizon = 10\n") != only_id(h + "horizon = 20\n"));
  BOOST_TEST(only_id(h + "horizon = 10\n") == only_id(h + "steps = 10000\n"));
}

BOOST_AUTO_TEST_CASE(set_replaces_the_other_spelling_of_a_setting) {
  const Job j = job_of(kBase, {"horizon=1"});
  BOOST_TEST(j.find("steps") == nullptr);
  BOOST_TEST(expand(j)[0].params.integer("steps") == 1000);
  const Job r = job_of(kBase, {"eta_rel=1"});
  BOOST_TEST(r.find("eta") == nullptr);
  BOOST_TEST(expand(r)[0].params.real("eta") == 8.0 * M_PI / 400.0);
}

BOOST_AUTO_TEST_CASE(bad_jobs_give_one_line_naming_the_key_or_file) {
  const std::string m = "model = sparse-relu\n";
  const std::vector<std::tuple<std::string, Strings, std::string>> cases = {
      {"", {}, "test.ini: empty job file"},
      {"eta = 1\n", {}, "model: missing"},
      {"model = nope\neta = 1\n", {}, "test.ini:1: model: unknown model 'nope'"},
      {"model = sparse-relu, sparse-relu\neta = 1\n", {}, "unknown model"},
      {m + "eta = 1\nfoo = 2\n", {}, "test.ini:3: unknown key 'foo' for model sparse-relu"},
      {m + "eta = 1\neta = 2\n", {}, "test.ini:3: key 'eta' given twice (first on line 2)"},
      {m + "eta = 1e\n", {}, "test.ini:2: eta: not a number: '1e'"},
      {m + "eta = 0\n", {}, "test.ini:2: eta: must be > 0 (got 0)"},
      {m + "eta = -1\n", {}, "eta: must be > 0"},
      {m + "eta_rel = 0\n", {}, "test.ini:2: eta_rel: must be > 0"},
      {m + "eta = 1\nd = 0\n", {}, "test.ini:3: d: must be >= 1"},
      {m + "eta = 1\nd = 2.5\n", {}, "test.ini:3: d: not an integer"},
      {m + "eta = 1\nn = 0\n", {}, "n: must be >= 1"},
      {m + "eta = 1\nlambda = -0.1\n", {}, "lambda: must be >= 0"},
      {m + "eta = 1\nseed = -1\n", {}, "seed: must be >= 0"},
      {m + "eta =\n", {}, "test.ini:2: eta: empty value"},
      {m + "eta = 1\neta_rel = 1\n", {}, "test.ini:2: eta: give eta or eta_rel, not both (eta_rel at test.ini:3)"},
      {m, {}, "eta: missing"},
      {m + "eta = 1\nsteps = 5\nhorizon = 3\n", {}, "test.ini:3: steps: give steps or horizon, not both"},
      {m + "eta = 1\ntail = 0\n", {}, "tail: must be > 0"},
      {m + "eta = 1\ntail = 1.01\n", {}, "tail: must be <= 1"},
      {m + "eta = 1\nsharpness_every = 1, 2\n", {}, "sharpness_every: is not a sweep axis"},
      {m + "eta = 1\nsolver = fast\n", {}, "solver: 'fast' is not one of: auto, dense, lanczos, block, check"},
      {m + "eta = 1\nd\n", {}, "test.ini:3: 'd' is not KEY = VALUE"},
      {"[job]\n" + m + "eta = 1\n", {}, "test.ini:1: INI sections"},
      {m + "eta = 1\n", {"eta"}, "--set: expected KEY=VALUE, got 'eta'"},
      {m + "eta = 1\n", {"=1"}, "--set: expected KEY=VALUE"},
      {m + "eta = 1\n", {"foo=1"}, "--set: unknown key 'foo' for model sparse-relu"},
      {m + "eta = 1\n", {"eta=1", "eta=2"}, "--set: key 'eta' given twice"},
      {m + "eta = 1\n", {"eta=1", "eta_rel=2"}, "--set: give eta or eta_rel, not both"},
      {m + "eta = 1\n", {"eta=x\ny"}, "--set: eta: not a number: 'x\\ny'"},
      {m + "eta = 1\n", {"model=nope"}, "--set: model: unknown model 'nope'"},
      {m + "eta = 1e-300\n", {}, "horizon: horizon/eta = "},
      {m + "eta_rel = 1e-300\nd = 1e15\n", {}, "eta_rel: 1e-300 resolves to eta = 0"},
      {m + "eta = linspace(1e-4, 1e-3, 1e6)\nseed = range(0, 1e6)\n", {},
       "grid: 1e+12 points (seed 1e+06 x eta 1e+06), more than the limit of 1e+08"},
      {m + "eta = 1e-3\nd = range(1, 1001)\nn = range(1, 1001)\nlambda = range(0, 1001)\n", {}, "grid: 1.001e+09 points"},
  };
  for (const auto& [text, sets, fragment] : cases) {
    const std::string msg = error_of(text, sets);
    BOOST_TEST_INFO("job: " << text << " message: " << msg);
    BOOST_TEST(msg.find(fragment) != std::string::npos);
    BOOST_TEST(msg.find('\n') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(axis_errors_at_a_grid_point_name_the_point) {
  const std::string msg = error_of("model = sparse-relu\neta_rel = 1e-300, 1\nd = 10, 1e15\nsteps = 10\n");
  BOOST_TEST(msg.find("resolves to eta = 0 (at grid point d=1e+15, eta_rel=1e-300)") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(binary_and_enormous_texts) {
  BOOST_TEST(error_of(std::string("model = sparse-relu\0\n", 21)).find("test.ini:1: NUL byte") == 0);
  std::string big = "model = sparse-relu\neta = 1\n";
  big += std::string(kMaxJobFileBytes, '#');
  BOOST_TEST(error_of(big).find("test.ini: job file larger than 1048576 bytes") == 0);
  // Exactly at the limit is fine.
  std::string fits = "model = sparse-relu\neta = 1\n#";
  fits += std::string(kMaxJobFileBytes - fits.size(), 'x');
  BOOST_TEST(error_of(fits).empty());
  // A UTF-8 byte-order mark is not part of the first key.
  BOOST_TEST(error_of("\xEF\xBB\xBFmodel = sparse-relu\neta = 1\n").empty());
}

BOOST_AUTO_TEST_CASE(job_files_that_cannot_be_read) {
  BOOST_CHECK_THROW(load_job("/nonexistent/job.ini", {}), InputError);
  try {
    load_job("/nonexistent/job.ini", {});
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()) == "/nonexistent/job.ini: cannot read job file (No such file or directory)");
  }
  try {
    load_job("/tmp", {});
    BOOST_FAIL("a folder loaded as a job");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()) == "/tmp: is a directory, not a job file");
  }
  // An endless device is read no further than the size limit.
  try {
    load_job("/dev/zero", {});
    BOOST_FAIL("/dev/zero loaded as a job");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("/dev/zero: job file larger than") == 0);
  }
}
BOOST_AUTO_TEST_SUITE_END()

// The fuzz target's checks over the seed corpus (fuzz/README.md): no clang needed.
#include "../fuzz/job_fuzz.cpp"
#include <filesystem>
#include <fstream>

BOOST_AUTO_TEST_CASE(fuzz_corpus_regression) {
  const auto dir = std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_CHECKPOINT("corpus file " << entry.path());
    BOOST_TEST(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()) == 0);
    ++files;
  }
  BOOST_TEST(files >= 5);
}
