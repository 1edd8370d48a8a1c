// The streaming aggregate against the whole-file one it replaced (tests/aggregate_reference.h):
// CSV splitting and number parsing on random text; then random sweeps (several files and
// shards, repeated ids of every kind, damaged rows, a truncated last line, CRLF, quoted
// messages, "30" beside "30.0", text and nan values) aggregated under random groupings (one and
// two axes, --where, --over, two values), where every table, warning, count and error message
// must be the same; hand-made cases of each rule; and a file that grows between the passes.
#define BOOST_TEST_MODULE aggregate_stream
#include <boost/test/unit_test.hpp>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "aggregate_reference.h"
#include "eos/io/results_file.h"
#include "eos/post/aggregate.h"
#include "eos/post/results_set.h"
#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/number.h"

namespace fs = std::filesystem;
using namespace eos;

namespace {

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("EOS_TEST_TMP");
  fs::path p = fs::path(base ? base : fs::temp_directory_path().string()) / "aggregate_stream_test" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

// Everything a table holds, as text (numbers to the bit).
std::string dump(const AggregateTable& t) {
  std::string s = table_csv(t) + "splits " + join(t.splits, " ") + "\nover " + join(t.over, " ") + "\nconstants";
  for (const auto& [k, v] : t.constants) s += " " + k + "=" + v;
  s += "\nused " + std::to_string(t.rows_used) + " errors " + std::to_string(t.error_rows) + " filtered " +
       std::to_string(t.filtered_rows) + " horizon " + num(t.horizon) + "\n";
  for (const auto& c : t.cells) {
    s += join(c.key, ",") + " eta* " + num(c.eta_star) + " ";
    for (double x : {c.stats.mean, c.stats.std, c.stats.min, c.stats.max}) s += num(x) + " ";
    s += std::to_string(c.stats.count) + " " + std::to_string(c.stats.missing) + "\n";
  }
  return s;
}

// What reading and aggregating gave: the merge's counts and warnings, then each value's table;
// or only the message of the InputError that stopped it (all aggregate then shows).
struct Outcome {
  std::string text;
};

std::string merge_text(const std::string& model, std::size_t rows, std::size_t dups, const std::vector<std::string>& w) {
  return "model " + model + " rows " + std::to_string(rows) + " duplicates " + std::to_string(dups) + "\n" +
         join(w, "\n") + "\n";
}

// The old way: read whole, then each value in turn.
Outcome reference(const std::vector<std::string>& files, const Grouping& g, const std::vector<std::string>& values) {
  try {
    const ResultSet set = ref::load_results(files);
    std::string text = merge_text(set.model, set.rows.size(), set.duplicates, set.warnings);
    AggregateSpec spec;
    static_cast<Grouping&>(spec) = g;
    for (const auto& v : values) {
      spec.value = parse_value(v, set);
      text += dump(ref::aggregate(set, spec));
    }
    return {text};
  } catch (const InputError& e) {
    return {std::string("error: ") + e.what() + "\n"};
  }
}

// The new way: merged as the files stream past, every value in the same passes.
Outcome streamed(const std::vector<std::string>& files, const Grouping& g, const std::vector<std::string>& values) {
  try {
    MergedResults merged(files);
    std::vector<ValueSpec> specs;
    for (const auto& v : values) specs.push_back(parse_value(v, merged.head()));
    std::string tables;
    aggregate_each(merged, g, specs, [&](AggregateTable&& t) { tables += dump(t); });
    return {merge_text(merged.head().model, merged.rows(), merged.duplicates(), merged.warnings()) + tables};
  } catch (const InputError& e) {
    return {std::string("error: ") + e.what() + "\n"};
  }
}

// load_results, old and new: the same rows in the same order, the same warnings, or the same error.
std::string loaded(const std::vector<std::string>& files, bool old) {
  try {
    const ResultSet set = old ? ref::load_results(files) : load_results(files);
    std::string text = merge_text(set.model, set.rows.size(), set.duplicates, set.warnings);
    for (const auto& r : set.rows) text += csv_line(r);
    return text;
  } catch (const InputError& e) {
    return std::string("error: ") + e.what() + "\n";
  }
}

// --- Random sweeps

struct Gen {
  std::mt19937_64 rng;
  explicit Gen(std::uint64_t seed) : rng(seed) {}
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

// One sweep: its header, its rows (as fields), and how its files are laid out.
struct Sweep {
  bool extra_keys = false;  // n and data_seed besides d and seed
  std::vector<std::vector<std::string>> rows;
  std::string header() const {
    return extra_keys ? "id,model,d,n,data_seed,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message"
                      : "id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message";
  }
};

std::string value_field(Gen& g, bool text_column) {
  if (g.chance(0.05)) return g.pick<std::string>({"", "nan", "inf", "-inf", "NaN"});
  if (text_column) return g.pick<std::string>({"low", "high", "3x"});
  return num(std::uniform_real_distribution<double>(-2, 2)(g.rng));  // all 53 bits: the order of a sum shows
}

// A d's text: usually as written, sometimes another text of the same number.
std::string d_text(Gen& g, int d) {
  if (!g.chance(0.1)) return std::to_string(d);
  return g.pick<std::string>({std::to_string(d) + ".0", num(d * 10) + "e-1", "+" + std::to_string(d)});
}

std::vector<std::string> make_row(Gen& g, const Sweep& s, int index, int d, double rel, int seed, int how) {
  const double star = 8 * M_PI / (d * d), eta = rel * star * (how == 1 ? 1 + 0.125 * seed : 1);
  const bool error = g.chance(0.12);
  std::vector<std::string> r;
  char id[32];
  if (how == 2) std::snprintf(id, sizeof id, "r%d", index);
  else std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(index) * 0x9E3779B97F4A7C15ULL);
  r.insert(r.end(), {id, "sparse-relu", d_text(g, d)});
  if (s.extra_keys) r.insert(r.end(), {g.pick<std::string>({"100", "200"}), std::to_string(index % 2)});
  r.push_back(std::to_string(seed));
  const std::string steps = how == 3 ? (g.chance(0.1) ? "" : "100") : std::to_string(static_cast<long>(std::ceil(10 / eta)));
  const std::string star_text = g.chance(0.05) ? g.pick<std::string>({"", "nan", num(star * 2)}) : num(star);
  const std::string rel_text = g.chance(0.05) ? num(rel) + (rel == 1 ? ".0" : "0") : num(rel);  // "1.0", "0.50"
  r.insert(r.end(), {num(eta), rel_text, star_text, steps});
  r.push_back(error ? "error" : g.pick<std::string>({"gf", "eos", "diverged"}));
  const bool text_bias = how == 4;
  for (bool t : {false, text_bias, false}) r.push_back(error ? "" : value_field(g, t));
  r.push_back(num(static_cast<double>(g.below(100)) / 10));
  r.push_back(error ? g.pick<std::string>({"killed", "boom, it \"failed\"", ""}) : "");
  return r;
}

Sweep make_sweep(Gen& g) {
  Sweep s;
  s.extra_keys = g.chance(0.4);
  const int how = static_cast<int>(g.below(5));  // 0 plain, 1 eta by seed, 2 text ids, 3 fixed steps, 4 text bias
  std::vector<int> ds = {30, 50, 100};
  ds.resize(1 + g.below(3));
  const std::vector<double> rels = {0.5, 1.0, 2.0};
  const int seeds = 1 + static_cast<int>(g.below(3));
  int index = 0;
  for (int d : ds)
    for (double rel : rels)
      for (int seed = 0; seed < seeds; ++seed)
        if (!g.chance(0.1)) s.rows.push_back(make_row(g, s, index++, d, rel, seed, how));
  return s;
}

// A copy of a row for a repeated id: the same, another wall_s, another value, or another regime.
std::vector<std::string> repeat_of(Gen& g, const Sweep& s, std::vector<std::string> r) {
  const std::size_t n = r.size(), regime = n - 6;
  switch (g.below(5)) {
    case 0: break;
    case 1: r[n - 2] = "9.5"; break;
    case 2: r[n - 4] = "7.25"; break;
    case 3:  // a finished run of an error row, or an error row of a finished one
      if (r[regime] == "error") r[regime] = "gf", r[n - 5] = "0.5", r[n - 4] = "0.25", r[n - 3] = "1";
      else r[regime] = "error", r[n - 5] = r[n - 4] = r[n - 3] = "";
      break;
    default: r = s.rows[g.below(s.rows.size())]; r[n - 4] = "3.5"; break;  // some other id, again
  }
  return r;
}

// A line that is not a row: damaged quoting or the wrong number of fields.
std::string damaged_line(Gen& g, const std::vector<std::string>& r) {
  switch (g.below(3)) {
    case 0: return csv_line(std::vector<std::string>(r.begin(), r.end() - 1));
    case 1: return "\"" + r[0] + "\"x," + csv_line(std::vector<std::string>(r.begin() + 1, r.end()));
    default: return r[0] + ",\"open\n";
  }
}

// The rows into 1-3 files (shards, or results.csv beside results.more.csv), with repeats,
// damaged lines, CRLF endings and, at random, a truncated last line.
std::vector<std::string> write_sweep(Gen& g, const Sweep& s, const fs::path& dir) {
  const std::size_t nfiles = 1 + g.below(3);
  std::vector<std::string> text(nfiles, s.header() + "\n");
  std::vector<std::vector<std::string>> later;
  for (const auto& r : s.rows) {
    text[g.below(nfiles)] += csv_line(r);
    if (g.chance(0.15)) text[g.below(nfiles)] += csv_line(repeat_of(g, s, r));
    if (r[r.size() - 6] == "error" && g.chance(0.4)) later.push_back(r);  // rerun after its error
    if (g.chance(0.03)) text[g.below(nfiles)] += damaged_line(g, r);
    if (g.chance(0.03)) {  // a twin: the same point under another id, its eta_rel written otherwise
      auto twin = r;
      twin[0] = "t" + r[0];
      twin[s.extra_keys ? 7 : 5] += twin[s.extra_keys ? 7 : 5].find('.') == std::string::npos ? ".0" : "0";
      text[g.below(nfiles)] += csv_line(twin);
    }
  }
  for (auto r : later) {
    const std::size_t n = r.size();
    r[n - 6] = "gf", r[n - 5] = "0.5", r[n - 4] = value_field(g, false), r[n - 3] = "1";
    text[g.below(nfiles)] += csv_line(r);
  }
  std::vector<std::string> files;
  const bool shards = g.chance(0.5);
  for (std::size_t f = 0; f < nfiles; ++f) {
    std::string t = text[f];
    if (g.chance(0.2)) {  // CRLF
      std::string crlf;
      for (char c : t) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
      t = crlf;
    }
    if (f + 1 == nfiles && g.chance(0.25) && t.size() > 10) t.resize(t.size() - 1 - g.below(8));  // truncated
    const std::string name = shards ? "results.shard-" + std::to_string(f) + "-of-" + std::to_string(nfiles) + ".csv"
                                    : (f == 0 ? std::string("results.csv") : "results.more" + std::to_string(f) + ".csv");
    files.push_back(write(dir / name, t));
  }
  return find_results_files({dir.string()});
}

Grouping random_grouping(Gen& g, bool extra_keys) {
  Grouping gr;
  gr.axes = g.pick<std::vector<std::string>>({{"eta_rel"}, {"eta"}, {"d"}, {"eta_rel", "d"}, {"eta", "d"}, {"d", "eta_rel"}, {"seed"}});
  if (g.chance(0.25)) gr.over.push_back(g.pick<std::string>({"d", "eta", "steps", "eta_rel"}));
  if (extra_keys && g.chance(0.3)) gr.over.push_back("n");
  if (g.chance(0.3))
    gr.where.push_back(g.pick<std::pair<std::string, std::string>>(
        {{"d", "30"}, {"d", "50,100.0"}, {"regime", "gf,eos"}, {"seed", "0"}, {"d", "7"}}));
  return gr;
}

std::vector<std::string> random_values(Gen& g) {
  const std::vector<std::string> all = {"edge_max", "bias_final", "test_acc", "regime=eos", "eta*S_max/2", "regime=error"};
  std::vector<std::string> v = {g.pick(all)};
  if (g.chance(0.4)) v.push_back(g.pick(all));
  if (v.size() == 2 && v[0] == v[1]) v.pop_back();
  return v;
}

void check_same(const std::vector<std::string>& files, const Grouping& gr, const std::vector<std::string>& values,
                const std::string& what) {
  const Outcome want = reference(files, gr, values), got = streamed(files, gr, values);
  BOOST_CHECK_MESSAGE(want.text == got.text, what << "\n--- reference\n" << want.text << "--- streamed\n" << got.text);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_split_matches_the_reference_on_random_lines) {
  Gen g(1);
  const std::string alphabet = "a1,,\"\"\r ";
  for (int k = 0; k < 200000; ++k) {
    std::string line;
    const std::size_t n = g.below(k % 10 == 0 ? 60 : 14);
    for (std::size_t i = 0; i < n; ++i) line += alphabet[g.below(alphabet.size())];
    const auto want = ref::csv_split(line), got = csv_split(line);
    BOOST_REQUIRE_MESSAGE(want == got, "line '" << line << "'");
    // A view of the line whose next byte is '\r' splits as the line does.
    const std::string padded = line + "\r";
    std::vector<std::string_view> views;
    std::string scratch;
    const bool ok = csv_split_views(std::string_view(padded).substr(0, line.size()), views, scratch);
    BOOST_REQUIRE_EQUAL(ok, got.has_value());
    if (ok) BOOST_REQUIRE(std::vector<std::string>(views.begin(), views.end()) == *got);
  }
}

BOOST_AUTO_TEST_CASE(parse_number_matches_strtod) {
  std::vector<std::string> texts = {"0", "-0", "1e5", "+1", " 1", "1 ", "0x1p3", "inf", "-Infinity", "nan", "NAN(12)",
                                    "1e400", "-1e400", "1e-320", "4.9e-324", "2.2250738585072011e-308", "", ".", "-",
                                    "1e", "e1", "1.5.2", "0.1000000000000000055511151231257827", "3x", "00012"};
  Gen g(2);
  for (int k = 0; k < 20000; ++k) texts.push_back(num(std::uniform_real_distribution<double>(-1e6, 1e6)(g.rng) *
                                                      std::pow(10.0, static_cast<double>(g.below(40)) - 20)));
  for (const auto& t : texts) {
    double want = 0, got = 0;
    const bool a = ref::parse_number(t, want), b = parse_number(t, got);
    BOOST_REQUIRE_MESSAGE(a == b, "'" << t << "'");
    if (a) BOOST_REQUIRE_MESSAGE((std::isnan(want) && std::isnan(got)) || std::bit_cast<std::uint64_t>(want) == std::bit_cast<std::uint64_t>(got), "'" << t << "'");
  }
}

BOOST_AUTO_TEST_CASE(random_sweeps_aggregate_as_the_whole_file_aggregate_did) {
  Gen g(3);
  for (int k = 0; k < 2000; ++k) {
    const Sweep s = make_sweep(g);
    const fs::path dir = scratch("random");
    const std::vector<std::string> files = write_sweep(g, s, dir);
    // The merge alone: the same rows, in the same order, and the same warnings.
    BOOST_REQUIRE_MESSAGE(loaded(files, true) == loaded(files, false), "sweep " << k << ": load_results differs");
    for (int t = 0; t < 3; ++t) {
      const Grouping gr = random_grouping(g, s.extra_keys);
      check_same(files, gr, random_values(g), "sweep " + std::to_string(k) + " grouping " + std::to_string(t));
    }
  }
}

// --- Hand-made cases, one rule each (the random sweeps above mix them).

namespace {

const char* kHead = "id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message\n";

std::string row(const std::string& id, int d, int seed, double rel, const std::string& regime, const std::string& bias,
                const std::string& wall = "1") {
  const double star = 8 * M_PI / (d * d);
  const bool error = regime == "error";
  return id + ",sparse-relu," + std::to_string(d) + "," + std::to_string(seed) + "," + num(rel * star) + "," + num(rel) +
         "," + num(star) + ",100," + regime + "," + (error ? "" : "0.5") + "," + (error ? "" : bias) + "," +
         (error ? "" : "0.75") + "," + wall + "," + (error ? "\"boom, it failed\"" : "") + "\n";
}

// The streamed and reference outcomes of one grouping and values over files.
void same(const std::vector<std::string>& files, std::vector<std::string> axes, const std::vector<std::string>& values,
          std::vector<std::string> over = {}, std::vector<std::pair<std::string, std::string>> where = {}) {
  Grouping gr;
  gr.axes = std::move(axes);
  gr.over = std::move(over);
  gr.where = std::move(where);
  check_same(files, gr, values, "hand-made case");
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_error_row_gives_way_to_a_later_finished_row_in_its_place) {
  const fs::path dir = scratch("error-then-finished");
  const std::string a = write(dir / "results.shard-0-of-2.csv", std::string(kHead) + row("a", 30, 0, 1, "error", "") +
                                                                   row("b", 30, 1, 1, "gf", "2") + row("c", 30, 2, 1, "gf", "4"));
  const std::string b = write(dir / "results.shard-1-of-2.csv", std::string(kHead) + row("a", 30, 0, 1, "eos", "3"));
  same({a, b}, {"eta_rel"}, {"bias_final"});
  MergedResults m({a, b});
  AggregateTable t;
  aggregate_each(m, Grouping{{"eta_rel"}, {}, {}}, {parse_value("bias_final", m.head())}, [&](AggregateTable&& x) { t = x; });
  BOOST_CHECK_EQUAL(m.duplicates(), 1u);
  BOOST_CHECK_EQUAL(t.error_rows, 0u);
  BOOST_REQUIRE_EQUAL(t.cells.size(), 1u);
  BOOST_CHECK_EQUAL(t.cells[0].stats.count, 3);
  BOOST_CHECK_EQUAL(t.cells[0].stats.mean, 3.0);  // (3 + 2 + 4) / 3, summed in the merged order
}

BOOST_AUTO_TEST_CASE(two_finished_rows_that_differ_keep_the_first_with_a_warning) {
  const fs::path dir = scratch("differ");
  std::string first = kHead, second = kHead;
  for (int i = 0; i < 8; ++i) {
    first += row("x" + std::to_string(i), 50, i, 2, "gf", std::to_string(i));
    second += row("x" + std::to_string(i), 50, i, 2, "gf", i == 0 ? "0" : "99", i == 0 ? "7" : "1");
  }
  const std::string a = write(dir / "results.csv", first), b = write(dir / "results.rerun.csv", second);
  same({a, b}, {"eta_rel"}, {"bias_final", "regime=gf"});
  MergedResults m({a, b});
  aggregate_each(m, Grouping{{"d"}, {}, {}}, {parse_value("bias_final", m.head())}, [](AggregateTable&&) {});
  BOOST_CHECK_EQUAL(m.duplicates(), 8u);
  BOOST_REQUIRE_EQUAL(m.warnings().size(), 6u);  // x0 differs in wall_s only; 5 of the 7 named, then a count
  BOOST_CHECK_EQUAL(m.warnings()[0], "id x1 appears in " + a + " and " + b + " with different values; kept the first");
  BOOST_CHECK_EQUAL(m.warnings()[5], "2 more ids appear twice with different values");
}

BOOST_AUTO_TEST_CASE(a_damaged_row_and_a_truncated_last_line_are_skipped_with_warnings) {
  const fs::path dir = scratch("damaged");
  std::string text = std::string(kHead) + row("a", 30, 0, 1, "gf", "1") + "b,sparse-relu,\"30\"x\n" + row("c", 30, 1, 1, "gf", "2");
  text += row("d", 30, 2, 1, "gf", "100");
  text.pop_back();  // the last row loses its end of line: it does not count
  const std::string f = write(dir / "results.csv", text);
  same({f}, {"eta_rel"}, {"bias_final"});
  MergedResults m({f});
  AggregateTable t;
  aggregate_each(m, Grouping{{"eta_rel"}, {}, {}}, {parse_value("bias_final", m.head())}, [&](AggregateTable&& x) { t = x; });
  BOOST_REQUIRE_EQUAL(m.warnings().size(), 2u);
  BOOST_CHECK_EQUAL(m.warnings()[0], f + ":3: skipped a damaged row");
  BOOST_CHECK_EQUAL(m.warnings()[1], f + ":5: skipped a truncated last row (no end of line)");
  BOOST_CHECK_EQUAL(t.cells[0].stats.mean, 1.5);
}

BOOST_AUTO_TEST_CASE(shards_where_over_and_two_values) {
  const fs::path dir = scratch("shards");
  std::vector<std::string> shard(3, kHead);
  int id = 0;
  for (int d : {30, 50, 100})
    for (double rel : {0.5, 1.0, 2.0})
      for (int seed = 0; seed < 3; ++seed, ++id)
        shard[static_cast<std::size_t>(id % 3)] += row("s" + std::to_string(id), d, seed, rel, id % 7 == 3 ? "error" : "eos",
                                                       num(rel * d + seed * 0.1));
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i)
    files.push_back(write(dir / ("results.shard-" + std::to_string(i) + "-of-3.csv"), shard[static_cast<std::size_t>(i)]));
  files = find_results_files({dir.string()});
  same(files, {"eta_rel", "d"}, {"bias_final", "regime=eos"});
  same(files, {"eta_rel"}, {"bias_final", "edge_max"}, {"d"});
  same(files, {"eta_rel"}, {"bias_final"}, {}, {{"d", "30,100.0"}});
  same(files, {"d"}, {"test_acc", "bias_final"}, {"eta_rel"}, {{"seed", "0,2"}});
  same(files, {"eta"}, {"bias_final"});  // eta by d: one line per d
  same(files, {"eta_rel"}, {"bias_final"}, {}, {{"d", "7"}});  // no row matches
  same(files, {"nope"}, {"bias_final"});
}

BOOST_AUTO_TEST_CASE(blocks_and_a_line_longer_than_a_block) {
  const fs::path dir = scratch("long");
  std::string text = kHead;
  for (int i = 0; i < 30000; ++i) text += row("r" + std::to_string(i), 30 + 10 * (i % 5), i / 5 % 40, 1 + i % 3, "gf", num(i * 0.5));
  const std::string message(3 << 20, 'm');  // 3 MiB: the block grows to hold it
  text += "long,sparse-relu,30,99,0.1,1,0.1,100,gf,0.5,7,0.75,1," + message + "\n";
  const std::string f = write(dir / "results.csv", text);
  same({f}, {"eta_rel", "d"}, {"bias_final"});
  MergedResults m({f});
  aggregate_each(m, Grouping{{"d"}, {}, {}}, {parse_value("bias_final", m.head())}, [](AggregateTable&&) {});
  BOOST_CHECK_EQUAL(m.rows(), 30001u);
}

// A sweep still appending while it is aggregated: the passes after the first read the rows the
// first read, and a file renamed over another is refused.
BOOST_AUTO_TEST_CASE(passes_after_the_first_read_what_the_first_read) {
  const fs::path dir = scratch("growing");
  const std::string f = write(dir / "results.csv", std::string(kHead) + row("a", 30, 0, 1, "gf", "1") + row("b", 30, 1, 1, "gf", "2"));
  struct Count : RowSink {
    std::size_t n = 0;
    void add(RowView) override { ++n; }
    void replace(RowView, RowView) override {}
  } count;
  MergedResults m({f});
  m.scan(count);
  std::ofstream(f, std::ios::app) << row("c", 30, 2, 1, "gf", "3");
  std::size_t replayed = 0;
  m.replay([&](RowView) { ++replayed; });
  BOOST_CHECK_EQUAL(count.n, 2u);
  BOOST_CHECK_EQUAL(replayed, 2u);
  write(dir / "other.csv", std::string(kHead) + row("a", 30, 0, 1, "gf", "1"));
  fs::rename(dir / "other.csv", f);
  BOOST_CHECK_THROW(m.replay([](RowView) {}), std::runtime_error);
}
