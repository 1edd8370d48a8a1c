// Phase tables: merging results files, grouping, statistics against hand-computed values, and
// the gnuplot scripts' theory overlays, cell edges, log-scale choice and contours.
#define BOOST_TEST_MODULE aggregate
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "eos/util/number.h"
#include "eos/post/aggregate.h"
#include "eos/post/plot.h"
#include "eos/config/key.h"

namespace fs = std::filesystem;
using namespace eos;

namespace {

const char* kHeader = "id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message\n";

// A scratch folder of its own.
fs::path scratch(const std::string& name) {
  const char* base = std::getenv("EOS_TEST_TMP");
  fs::path p = fs::path(base ? base : fs::temp_directory_path().string()) / "aggregate_test" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// Two files of one sweep (d ∈ {30, 50}, eta ∈ {0.01, 0.02}, seeds 0-2). Hand-computed below.
struct Fixture {
  fs::path dir = scratch("fixture");
  std::string a, b;
  Fixture() {
    a = write(dir / "results.shard-0-of-2.csv",
              std::string(kHeader) +
                  "a0,sparse-relu,30,0,0.01,0.36,0.0279,1000,gf,0.5,-0.1,0.6,1.5,\n"
                  "a1,sparse-relu,30,1,0.01,0.36,0.0279,1000,gf,0.7,-0.2,0.7,1.5,\n"
                  "a2,sparse-relu,30,2,0.01,0.36,0.0279,1000,eos,1.2,-0.6,0.8,1.5,\n"
                  "b0,sparse-relu,30,0,0.02,0.72,0.0279,500,eos,1.1,-0.5,0.9,1.5,\n"
                  "b1,sparse-relu,30,1,0.02,0.72,0.0279,500,diverged,nan,nan,,1.5,\n"
                  "b2,sparse-relu,30,2,0.02,0.72,0.0279,500,error,,,,0.1,\"boom, it failed\"\n"
                  "c0,sparse-relu,50,0,0.01,1,0.01,1000,eos,1.5,1,0.5,1.5,\n"
                  "c1,sparse-relu,50,1,0.01,1,0.01,1000,eos,1.5,3,0.5,1.5,\n"
                  "d0,sparse-relu,50,0,0.02,2,0.01,500,error,,,,0.1,killed\n");
    b = write(dir / "results.shard-1-of-2.csv",
              std::string(kHeader) +
                  "c0,sparse-relu,50,0,0.01,1,0.01,1000,eos,1.5,1,0.5,9.9,\n"    // same row, other wall_s
                  "c1,sparse-relu,50,1,0.01,1,0.01,1000,eos,1.5,77,0.5,1.5,\n"   // differs: first kept
                  "c2,sparse-relu,50,2,0.01,1,0.01,1000,gf,0.9,2,0.5,1.5,\n"
                  "d0,sparse-relu,50,0,0.02,2,0.01,500,eos,2.5,4,0.9,1.5,\n"     // replaces the error row
                  "d1,sparse-relu,50,1,0.02,2,0.01,500,eos,2.5,5,0.9");          // truncated: skipped
  }
};

const Cell& find_cell(const AggregateTable& t, const std::vector<std::string>& key) {
  for (const auto& c : t.cells)
    if (c.key == key) return c;
  BOOST_FAIL("no cell");
  return t.cells.front();
}

AggregateSpec spec_of(const ResultSet& set, std::vector<std::string> axes, const std::string& value) {
  AggregateSpec s;
  s.axes = std::move(axes);
  s.value = parse_value(value, set);
  return s;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(summarize_matches_hand_computation) {
  const Stats s = summarize({-0.1, -0.2, -0.6}, 2);
  BOOST_CHECK_CLOSE(s.mean, -0.3, 1e-12);
  BOOST_CHECK_CLOSE(s.std, std::sqrt(0.07), 1e-10);  // (0.04 + 0.01 + 0.09) / (3 − 1)
  BOOST_CHECK_EQUAL(s.min, -0.6);
  BOOST_CHECK_EQUAL(s.max, -0.1);
  BOOST_CHECK_EQUAL(s.count, 3);
  BOOST_CHECK_EQUAL(s.missing, 2);
  const Stats one = summarize({4}, 0);
  BOOST_CHECK_EQUAL(one.mean, 4);
  BOOST_CHECK(std::isnan(one.std));  // the sample std of one value is undefined
  BOOST_CHECK(std::isnan(summarize({}, 3).mean));
  // Two passes: no cancellation for values far from zero.
  const Stats big = summarize({1e9 + 1, 1e9 + 2, 1e9 + 3}, 0);
  BOOST_CHECK_CLOSE(big.std, 1.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(merging_counts_each_id_once_and_warns) {
  Fixture f;
  const ResultSet set = load_results(find_results_files({f.dir.string()}));
  BOOST_CHECK_EQUAL(set.files.size(), 2u);
  BOOST_CHECK_EQUAL(set.model, "sparse-relu");
  BOOST_CHECK_EQUAL(set.rows.size(), 10u);  // 9 + c2 (d1 truncated, c0 c1 d0 duplicates)
  BOOST_CHECK_EQUAL(set.duplicates, 3u);
  bool truncated = false, differ = false;
  for (const auto& w : set.warnings) {
    truncated = truncated || contains(w, "truncated");
    differ = differ || (contains(w, "c1") && contains(w, "different values"));
    BOOST_CHECK(!contains(w, "c0"));  // wall_s alone differs: no warning
  }
  BOOST_CHECK(truncated);
  BOOST_CHECK(differ);
  const auto params = set.parameters();
  BOOST_CHECK_EQUAL(params.size(), 6u);  // d seed eta eta_rel eta_star steps
  BOOST_CHECK_EQUAL(set.model_keys().size(), 2u);
}

BOOST_AUTO_TEST_CASE(one_axis_table_splits_by_d_and_averages_seeds) {
  Fixture f;
  const ResultSet set = load_results({f.a, f.b});
  const AggregateTable t = aggregate(set, spec_of(set, {"eta"}, "bias_final"));
  BOOST_REQUIRE_EQUAL(t.splits.size(), 1u);
  BOOST_CHECK_EQUAL(t.splits[0], "d");
  BOOST_REQUIRE_EQUAL(t.over.size(), 1u);
  BOOST_CHECK_EQUAL(t.over[0], "seed");
  BOOST_CHECK_EQUAL(t.error_rows, 1u);  // b2 (d0's error row gave way to its finished row)
  BOOST_CHECK_EQUAL(t.rows_used, 9u);
  BOOST_REQUIRE_EQUAL(t.cells.size(), 4u);
  // Sorted by d, then eta.
  BOOST_CHECK((t.cells[0].key == std::vector<std::string>{"0.01", "30"}));
  BOOST_CHECK((t.cells[3].key == std::vector<std::string>{"0.02", "50"}));

  const Stats& s1 = find_cell(t, {"0.01", "30"}).stats;
  BOOST_CHECK_CLOSE(s1.mean, -0.3, 1e-12);
  BOOST_CHECK_CLOSE(s1.std, std::sqrt(0.07), 1e-10);
  BOOST_CHECK_EQUAL(s1.count, 3);
  const Stats& s2 = find_cell(t, {"0.02", "30"}).stats;  // -0.5 and a nan; the error row left out
  BOOST_CHECK_EQUAL(s2.mean, -0.5);
  BOOST_CHECK(std::isnan(s2.std));
  BOOST_CHECK_EQUAL(s2.count, 1);
  BOOST_CHECK_EQUAL(s2.missing, 1);
  const Stats& s3 = find_cell(t, {"0.01", "50"}).stats;  // 1, 3 (not 77), 2
  BOOST_CHECK_CLOSE(s3.mean, 2.0, 1e-12);
  BOOST_CHECK_CLOSE(s3.std, 1.0, 1e-12);
  BOOST_CHECK_EQUAL(s3.min, 1);
  BOOST_CHECK_EQUAL(s3.max, 3);
  BOOST_CHECK_EQUAL(s3.count, 3);
  const Stats& s4 = find_cell(t, {"0.02", "50"}).stats;
  BOOST_CHECK_EQUAL(s4.mean, 4);
  BOOST_CHECK_EQUAL(s4.count, 1);
  BOOST_CHECK_CLOSE(find_cell(t, {"0.01", "30"}).eta_star, 0.0279, 1e-12);

  // The tidy table, exactly.
  const std::string csv = table_csv(t);
  BOOST_CHECK_EQUAL(csv.substr(0, csv.find('\n')), "eta,d,value,mean,std,min,max,count,missing");
  BOOST_CHECK(contains(csv, "\n0.02,30,bias_final,-0.5,,-0.5,-0.5,1,1\n"));
  BOOST_CHECK(contains(csv, "\n0.01,50,bias_final,2,1,1,3,3,0\n"));
}

BOOST_AUTO_TEST_CASE(two_axis_table_and_fraction) {
  Fixture f;
  const ResultSet set = load_results({f.a, f.b});
  const AggregateTable t = aggregate(set, spec_of(set, {"eta", "d"}, "regime=eos"));
  BOOST_CHECK(t.splits.empty());
  BOOST_REQUIRE_EQUAL(t.cells.size(), 4u);
  // Sorted by d (the last axis), then eta.
  BOOST_CHECK((t.cells[1].key == std::vector<std::string>{"0.02", "30"}));
  BOOST_CHECK_CLOSE(find_cell(t, {"0.01", "30"}).stats.mean, 1.0 / 3.0, 1e-12);
  BOOST_CHECK_CLOSE(find_cell(t, {"0.02", "30"}).stats.mean, 0.5, 1e-12);  // eos, diverged
  BOOST_CHECK_CLOSE(find_cell(t, {"0.01", "50"}).stats.mean, 2.0 / 3.0, 1e-12);
  BOOST_CHECK_EQUAL(find_cell(t, {"0.01", "50"}).stats.count, 3);
  // Numbers compare as numbers: d=30.0 is d=30.
  AggregateSpec w = spec_of(set, {"eta"}, "edge_max");
  w.where = {{"d", "30.0"}};
  const AggregateTable tw = aggregate(set, w);
  BOOST_CHECK_EQUAL(tw.cells.size(), 2u);
  BOOST_CHECK_EQUAL(tw.filtered_rows, 4u);
  BOOST_CHECK_CLOSE(find_cell(tw, {"0.01"}).stats.mean, 0.8, 1e-12);
  // --over d averages d away too.
  AggregateSpec o = spec_of(set, {"eta"}, "bias_final");
  o.over = {"d"};
  const AggregateTable to = aggregate(set, o);
  BOOST_CHECK(to.splits.empty());
  BOOST_CHECK_EQUAL(find_cell(to, {"0.01"}).stats.count, 6);
  BOOST_CHECK_CLOSE(find_cell(to, {"0.01"}).stats.mean, (-0.9 + 6) / 6, 1e-12);
}

BOOST_AUTO_TEST_CASE(aliases_and_value_labels) {
  Fixture f;
  const ResultSet set = load_results({f.a});
  BOOST_CHECK_EQUAL(parse_value("eta*S_max/2", set).column, "edge_max");
  BOOST_CHECK_EQUAL(parse_value("η·S_max/2", set).column, "edge_max");
  BOOST_CHECK_EQUAL(parse_value("eta * sharpness_max / 2", set).column, "edge_max");
  BOOST_CHECK_EQUAL(parse_value("edge_max", set).label, "η·S_max/2");
  BOOST_CHECK_EQUAL(parse_value("bias_final", set).label, "final bias b");  // the model's declaration
  const ValueSpec fr = parse_value("regime=eos", set);
  BOOST_CHECK(fr.fraction);
  BOOST_CHECK_EQUAL(fr.stem(), "frac-regime-eos");
  BOOST_CHECK_EQUAL(fr.label, "fraction of regime = eos");
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_input_error) {
  Fixture f;
  const ResultSet set = load_results({f.a, f.b});
  BOOST_CHECK_THROW(aggregate(set, spec_of(set, {"nope"}, "bias_final")), InputError);
  BOOST_CHECK_THROW(aggregate(set, spec_of(set, {"bias_final"}, "test_acc")), InputError);  // not a parameter
  BOOST_CHECK_THROW(aggregate(set, spec_of(set, {"eta", "eta"}, "test_acc")), InputError);
  BOOST_CHECK_THROW(parse_value("nope", set), InputError);
  BOOST_CHECK_THROW(parse_value("regime=", set), InputError);
  BOOST_CHECK_THROW(aggregate(set, spec_of(set, {"eta"}, "regime")), InputError);  // text column
  AggregateSpec none = spec_of(set, {"eta"}, "bias_final");
  none.where = {{"regime", "diverged"}};  // b1 alone, whose bias_final is nan
  BOOST_CHECK_THROW(aggregate(set, none), InputError);
  AggregateSpec w = spec_of(set, {"eta"}, "bias_final");
  w.where = {{"d", "77"}};
  BOOST_CHECK_THROW(aggregate(set, w), InputError);
  w.where = {{"nope", "1"}};
  BOOST_CHECK_THROW(aggregate(set, w), InputError);

  const fs::path d = scratch("bad");
  const std::string other =
      write(d / "other.csv", std::string(kHeader) + "z0,mean-model,30,0,0.01,0.36,0.0279,1000,gf,0.5,-0.1,0.6,1.5,\n");
  BOOST_CHECK_THROW(load_results({f.a, other}), InputError);  // different models
  const std::string cols = write(d / "cols.csv", "id,model,d,eta,regime,x,wall_s,message\nq,sparse-relu,1,2,gf,3,0,\n");
  BOOST_CHECK_THROW(load_results({f.a, cols}), InputError);  // different columns
  const std::string junk = write(d / "junk.csv", "hello,world\n1,2\n");
  BOOST_CHECK_THROW(load_results({junk}), InputError);
  fs::create_directories(d / "empty");
  BOOST_CHECK_THROW(find_results_files({(d / "empty").string()}), InputError);
  BOOST_CHECK_THROW(find_results_files({(d / "missing").string()}), InputError);
  BOOST_CHECK_THROW(find_results_files({}), InputError);
  // A heatmap with another parameter left varying cannot be drawn.
  AggregateSpec h = spec_of(set, {"eta", "seed"}, "bias_final");
  const AggregateTable th = aggregate(set, h);
  BOOST_CHECK(th.splits.size() == 1 && th.splits[0] == "d");
  BOOST_CHECK_THROW(aggregate_script(th, "x", {}), InputError);
}

BOOST_AUTO_TEST_CASE(folders_take_every_results_file) {
  const fs::path d = scratch("folder");
  write(d / "results.csv", std::string(kHeader));
  write(d / "results.shard-0-of-3.csv", std::string(kHeader));
  write(d / "notes.csv", "x\n");
  write(d / "results.txt", "x\n");
  const auto files = find_results_files({d.string(), (d / "results.csv").string()});
  BOOST_REQUIRE_EQUAL(files.size(), 2u);  // results.csv once
  BOOST_CHECK(contains(files[0], "results.csv"));
  BOOST_CHECK(contains(files[1], "results.shard-0-of-3.csv"));
}

BOOST_AUTO_TEST_CASE(sheared_grid_still_splits_by_d) {
  // eta = eta_rel · 8π/d²: each eta value belongs to one d, yet the lines are per d.
  const fs::path d = scratch("sheared");
  std::string text = kHeader;
  int id = 0;
  for (double dd : {30.0, 50.0})
    for (double rel : {0.5, 1.0, 2.0})
      for (int seed = 0; seed < 2; ++seed) {
        const double star = 8 * M_PI / (dd * dd), eta = rel * star;
        text += "r" + std::to_string(id++) + ",sparse-relu," + format_double(dd) + "," + std::to_string(seed) + "," +
                format_double(eta) + "," + format_double(rel) + "," + format_double(star) + ",100,gf," +
                format_double(rel * (1 + seed)) + ",0,0.5,1,\n";
      }
  const ResultSet set = load_results({write(d / "results.csv", text)});
  const AggregateTable t = aggregate(set, spec_of(set, {"eta"}, "edge_max"));
  BOOST_REQUIRE_EQUAL(t.splits.size(), 1u);
  BOOST_CHECK_EQUAL(t.splits[0], "d");
  BOOST_CHECK_EQUAL(t.cells.size(), 6u);
  const AggregateTable r = aggregate(set, spec_of(set, {"eta_rel"}, "edge_max"));
  BOOST_REQUIRE_EQUAL(r.splits.size(), 1u);  // eta is fixed by (eta_rel, d): no split by eta
  BOOST_CHECK_EQUAL(r.splits[0], "d");
  BOOST_CHECK_CLOSE(find_cell(r, {"2", "30"}).stats.mean, 3.0, 1e-12);  // 2·1, 2·2

  // Scripts: the theory overlays where the axes allow them.
  const std::string lines = aggregate_script(t, "s", {});
  BOOST_CHECK(contains(lines, "8*pi/30**2"));
  BOOST_CHECK(contains(lines, "8*pi/50**2"));
  BOOST_CHECK(contains(lines, "set logscale x"));  // η log-spaced within each d
  BOOST_CHECK(contains(lines, "η·S/2 = 1"));
  BOOST_CHECK(contains(lines, "set output 's.png'"));
  const std::string rel = aggregate_script(r, "r", {});
  BOOST_CHECK(contains(rel, "set arrow from 1, graph 0 to 1, graph 1"));
  BOOST_CHECK(!contains(rel, "8*pi/30**2"));
  const AggregateTable h = aggregate(set, spec_of(set, {"eta", "d"}, "edge_max"));
  PlotOptions svg;
  svg.svg = true;
  const std::string heat = aggregate_script(h, "h", svg);
  BOOST_CHECK(contains(heat, "(8*pi/$1**2):1"));
  BOOST_CHECK(contains(heat, "$contour"));
  BOOST_CHECK(contains(heat, "formats = 'png svg'"));
  const AggregateTable hr = aggregate(set, spec_of(set, {"eta_rel", "d"}, "bias_final"));
  const std::string heat_rel = aggregate_script(hr, "hr", {});
  BOOST_CHECK(contains(heat_rel, "set arrow 1 from 1, graph 0 to 1, graph 1"));
  BOOST_CHECK(!contains(heat_rel, "$contour"));  // not an η·S/2 value
  BOOST_CHECK(!contains(heat_rel, "8*pi"));
}

BOOST_AUTO_TEST_CASE(other_models_use_their_eta_star_column) {
  const fs::path d = scratch("other-model");
  const std::string head = "id,model,depth,seed,eta,eta_rel,eta_star,steps,regime,converged,wall_s,message\n";
  std::string text = head;
  int id = 0;
  for (int L : {2, 3})
    for (double eta : {0.1, 0.5, 1.0}) {
      const double star = 2.0 / L;
      text += "x" + std::to_string(id++) + ",deep-linear," + std::to_string(L) + ",0," + format_double(eta) + "," +
              format_double(eta / star) + "," + format_double(star) + ",10,gf," + (eta < star ? "1" : "0") + ",1,\n";
    }
  const ResultSet set = load_results({write(d / "results.csv", text)});
  const AggregateTable t = aggregate(set, spec_of(set, {"eta", "depth"}, "converged=1"));
  const std::string s = aggregate_script(t, "c", {});
  BOOST_CHECK(contains(s, "$theory"));
  BOOST_CHECK(contains(s, "\n1 2\n"));    // (η* = 1, depth 2)
  BOOST_CHECK(!contains(s, "8*pi"));      // not a sparse-coding model
  BOOST_CHECK(contains(s, "set cbrange [0:1]"));
  const AggregateTable l = aggregate(set, spec_of(set, {"eta"}, "converged"));
  const std::string ls = aggregate_script(l, "l", {});
  BOOST_CHECK(contains(ls, "set arrow from 1, graph 0"));  // η* of depth 2
  BOOST_CHECK(contains(ls, "η* (model)"));
}

BOOST_AUTO_TEST_CASE(log_scale_choice) {
  BOOST_CHECK(looks_log_spaced({1, 10, 100}));
  BOOST_CHECK(looks_log_spaced({25, 50, 100, 200, 400}));
  BOOST_CHECK(!looks_log_spaced({1, 2, 3, 4}));
  BOOST_CHECK(!looks_log_spaced({30, 50}));
  BOOST_CHECK(looks_log_spaced({1e-4, 3e-4, 2e-3, 1.2e-2}));  // spans more than 50×
  BOOST_CHECK(!looks_log_spaced({-1, 1, 10, 100}));
  BOOST_CHECK(!looks_log_spaced({0, 1, 10}));
}

BOOST_AUTO_TEST_CASE(cell_edges_are_midpoints) {
  const auto lin = cell_edges({1, 2, 4}, false);
  BOOST_CHECK_CLOSE(lin[0].first, 0.5, 1e-12);
  BOOST_CHECK_CLOSE(lin[0].second, 1.5, 1e-12);
  BOOST_CHECK_CLOSE(lin[1].second, 3.0, 1e-12);
  BOOST_CHECK_CLOSE(lin[2].second, 5.0, 1e-12);
  const auto log = cell_edges({1, 4, 16}, true);
  BOOST_CHECK_CLOSE(log[0].first, 0.5, 1e-12);
  BOOST_CHECK_CLOSE(log[0].second, 2.0, 1e-12);  // geometric mean
  BOOST_CHECK_CLOSE(log[2].second, 32.0, 1e-12);
  const auto one = cell_edges({3}, false);
  BOOST_CHECK(one[0].first < 3 && one[0].second > 3);
}

BOOST_AUTO_TEST_CASE(contour_follows_a_linear_field) {
  // v = x + 2y on a sheared grid: linear interpolation is exact, so every end point lies on
  // x + 2y = level; and the segments join into one line crossing each row band once.
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> jitter(-0.2, 0.2);
  const int nx = 9, ny = 6;
  std::vector<std::vector<double>> v(ny), x(ny), y(ny);
  for (int i = 0; i < ny; ++i)
    for (int j = 0; j < nx; ++j) {
      const double xi = j + 0.3 * i + jitter(gen), yi = i;
      x[i].push_back(xi);
      y[i].push_back(yi);
      v[i].push_back(xi + 2 * yi);
    }
  const double level = 9.3;
  const auto segs = contour_segments(v, x, y, level, false, false);
  BOOST_REQUIRE(!segs.empty());
  for (const auto& s : segs) {
    BOOST_CHECK_SMALL(s.x0 + 2 * s.y0 - level, 1e-9);
    BOOST_CHECK_SMALL(s.x1 + 2 * s.y1 - level, 1e-9);
  }
  // Independent count: a cell holds a segment iff its corners are not all on one side.
  std::size_t crossed = 0;
  for (int i = 0; i + 1 < ny; ++i)
    for (int j = 0; j + 1 < nx; ++j) {
      int above = (v[i][j] >= level) + (v[i][j + 1] >= level) + (v[i + 1][j] >= level) + (v[i + 1][j + 1] >= level);
      crossed += above > 0 && above < 4;
    }
  BOOST_CHECK_EQUAL(segs.size(), crossed);
  // On log axes the crossing is interpolated along log(x): v = log10(x) on x = 1, 10, 100.
  const auto lg = contour_segments({{0, 1, 2}, {0, 1, 2}}, {{1, 10, 100}, {1, 10, 100}}, {{1, 1, 1}, {2, 2, 2}}, 1.5,
                                   true, false);
  BOOST_REQUIRE_EQUAL(lg.size(), 1u);
  BOOST_CHECK_CLOSE(lg[0].x0, std::sqrt(1000.0), 1e-9);
  // NaN corners are skipped.
  BOOST_CHECK(contour_segments({{0, NAN}, {2, 2}}, {{0, 1}, {0, 1}}, {{0, 0}, {1, 1}}, 1, false, false).empty());
}

BOOST_AUTO_TEST_CASE(trace_panels) {
  const std::vector<std::string> cols = {"step", "loss", "sharpness", "two_over_eta", "bias", "d_asum"};
  const auto p = default_trace_panels(cols);
  BOOST_CHECK((p == std::vector<std::string>{"loss", "d_asum", "sharpness", "bias"}));  // the paper's Figure 2
  const auto q = default_trace_panels({"step", "loss", "sharpness", "two_over_eta", "x", "y"});
  BOOST_CHECK((q == std::vector<std::string>{"loss", "sharpness", "x", "y"}));
  TracePlot t;
  t.data = "abc.csv";
  t.columns = cols;
  t.panels = p;
  t.title = "a \"title\"";
  const std::string s = trace_script(t, "abc", {});
  BOOST_CHECK(contains(s, "multiplot layout 4,1"));
  BOOST_CHECK(contains(s, "using 1:4 with lines dt 2"));  // 2/η next to the sharpness (column 3)
  BOOST_CHECK(contains(s, "using 1:3 with lines lw 1.5 lc rgb '#D55E00' title 'sharpness'"));
  BOOST_CHECK(contains(s, "\\\"title\\\""));
  t.panels = {"nope"};
  BOOST_CHECK_THROW(trace_script(t, "abc", {}), InputError);
}
