// Phase tables: merging results files, grouping, statistics against hand-computed values; their
// figures (what is drawn, checked as data: theory curves and marks from the models' declarations,
// contours, error bars, labels, ranges), trace figures, cell edges, log-scale choice, contours;
// and a smoke test that gnuplot accepts the scripts of the gnuplot backend.
#define BOOST_TEST_MODULE aggregate
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "eos/config/key.h"
#include "eos/model/registry.h"
#include "eos/post/aggregate.h"
#include "eos/post/gnuplot.h"
#include "eos/post/table_figure.h"
#include "eos/post/theory.h"
#include "eos/post/trace_figure.h"
#include "eos/util/number.h"
#include "aggregate_support.h"

namespace fs = std::filesystem;
using namespace eos;
using namespace eos::test;

namespace {

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
  // Labels and levels come from the declarations: the runner's columns and the model's.
  const ValueSpec edge = parse_value("edge_max", set);
  BOOST_CHECK_EQUAL(edge.label, "η·S_max/2");
  BOOST_CHECK_EQUAL(value_level(edge), 1.0);
  BOOST_CHECK_EQUAL(parse_value("test_acc", set).label, "test accuracy");
  BOOST_CHECK_EQUAL(parse_value("bias_final", set).label, "final bias b");
  BOOST_CHECK(std::isnan(value_level(parse_value("bias_final", set))));
  const ValueSpec fr = parse_value("regime=eos", set);
  BOOST_CHECK(fr.fraction);
  BOOST_CHECK_EQUAL(fr.stem(), "frac-regime-eos");
  BOOST_CHECK_EQUAL(fr.label, "fraction of regime = eos");
  BOOST_CHECK(std::isnan(value_level(fr)));  // a fraction has no level
  BOOST_CHECK(std::isnan(value_level(parse_value("edge_max=1", set))));
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
  BOOST_CHECK_THROW(table_figure(th), InputError);
  // Log scales need positive values; axes need numbers.
  TableFigureOptions log_y;
  log_y.yscale = ScaleChoice::Log;
  BOOST_CHECK_THROW(table_figure(aggregate(set, spec_of(set, {"eta"}, "bias_final")), log_y), InputError);
  BOOST_CHECK_NO_THROW(table_figure(aggregate(set, spec_of(set, {"eta"}, "edge_max")), log_y));
  BOOST_CHECK_THROW(parse_scale("--xscale", "logarithmic"), InputError);
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

}

namespace {

ResultSet sheared(const std::string& name, const std::string& model = "sparse-relu",
                  const std::vector<double>& ds = {30, 50, 100}) {
  ShearedGrid g;
  g.model = model;
  g.ds = ds;
  return g.load(name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(sheared_grid_is_drawn_with_edges_labels_and_log_scale) {
  const ResultSet set = sheared("sheared-heatmap");
  const AggregateTable t = aggregate(set, spec_of(set, {"eta", "d"}, "edge_max"));
  const Figure f = table_figure(t);
  const Panel& p = only_panel(f);
  BOOST_CHECK(p.x.log);   // η log-spaced within each d
  BOOST_CHECK(!p.y.log);  // 30, 50, 100
  BOOST_CHECK_EQUAL(p.x.label, "η");
  BOOST_CHECK_EQUAL(p.y.label, "d");
  BOOST_CHECK_EQUAL(p.heatmap.label, "η·S_max/2, mean over 2 seeds");
  BOOST_CHECK((p.y.tics == std::vector<double>{30, 50, 100}));
  BOOST_CHECK_EQUAL(f.title, "sparse-relu: η·S_max/2 over η and d");
  BOOST_CHECK_EQUAL(f.subtitle, "horizon η·T = 10");  // steps = ⌈10/η⌉
  // Each row's boxes reach halfway to their neighbours on the log axis.
  BOOST_REQUIRE_EQUAL(p.heatmap.cells.size(), 9u);
  BOOST_CHECK(p.heatmap.missing.empty());
  std::vector<double> row30;
  for (const auto& b : p.heatmap.cells)
    if (b.y == 30) row30.push_back(b.x);
  const auto edges = cell_edges(row30, true);
  std::size_t j = 0;
  for (const auto& b : p.heatmap.cells) {
    if (b.y != 30) continue;
    BOOST_CHECK_CLOSE(b.x0, edges[j].first, 1e-12);
    BOOST_CHECK_CLOSE(b.x1, edges[j].second, 1e-12);
    BOOST_CHECK_CLOSE(b.value, b.x / (8 * M_PI / 900) * 1.5, 1e-9);  // mean of rel·1 and rel·2
    BOOST_CHECK_EQUAL(b.count, 2);
    ++j;
  }
  BOOST_CHECK_EQUAL(j, 3u);
  // The y boxes span 30 − 10 to 100 + 25: the panel's range.
  BOOST_CHECK_CLOSE(p.y.min, 20.0, 1e-12);
  BOOST_CHECK_CLOSE(p.y.max, 125.0, 1e-12);
}

BOOST_AUTO_TEST_CASE(heatmap_curve_is_the_declared_eta_star) {
  for (const char* model : {"sparse-relu", "mean-model"}) {
    BOOST_TEST_CONTEXT(model) {
      const ResultSet set = sheared(std::string("curve-") + model, model);
      const Panel& p = only_panel(table_figure(aggregate(set, spec_of(set, {"eta", "d"}, "edge_max"))));
      BOOST_REQUIRE_EQUAL(p.curves.size(), 1u);
      const Curve& c = p.curves[0];
      BOOST_CHECK_EQUAL(c.title, "η = 8π/d²");  // the model's eta_star_formula
      BOOST_REQUIRE_GT(c.x.size(), 50u);        // sampled finely along d, not at the grid's 3 values
      for (std::size_t i = 0; i < c.x.size(); ++i) {
        BOOST_CHECK_CLOSE_FRACTION(c.x[i], 8 * M_PI / (c.y[i] * c.y[i]), 1e-12);
        BOOST_CHECK_EQUAL(c.y[i], std::round(c.y[i]));  // d is an integer key
      }
      // Over the whole d axis.
      BOOST_CHECK(c.y.front() >= p.y.min && c.y.front() <= p.y.min + 1);
      BOOST_CHECK(c.y.back() <= p.y.max && c.y.back() >= p.y.max - 1);
      // Axes swapped: η = η*(d) along x.
      const Panel& q = only_panel(table_figure(aggregate(set, spec_of(set, {"d", "eta"}, "edge_max"))));
      BOOST_REQUIRE_EQUAL(q.curves.size(), 1u);
      for (std::size_t i = 0; i < q.curves[0].x.size(); ++i)
        BOOST_CHECK_CLOSE_FRACTION(q.curves[0].y[i], 8 * M_PI / (q.curves[0].x[i] * q.curves[0].x[i]), 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(eta_rel_axis_gets_the_line_eta_over_eta_star_one) {
  const ResultSet set = sheared("eta-rel");
  const Panel& h = only_panel(table_figure(aggregate(set, spec_of(set, {"eta_rel", "d"}, "bias_final"))));
  BOOST_REQUIRE_EQUAL(h.marks.size(), 1u);
  BOOST_CHECK(h.marks[0].direction == Mark::Direction::Vertical);
  BOOST_CHECK_EQUAL(h.marks[0].at, 1.0);
  BOOST_CHECK_EQUAL(h.marks[0].title, "η/η* = 1");
  BOOST_CHECK_EQUAL(h.x.label, "η/η*");
  BOOST_CHECK(h.curves.empty());    // no η axis
  BOOST_CHECK(h.contours.empty());  // not a value with a level
  const Panel& v = only_panel(table_figure(aggregate(set, spec_of(set, {"d", "eta_rel"}, "bias_final"))));
  BOOST_REQUIRE_EQUAL(v.marks.size(), 1u);
  BOOST_CHECK(v.marks[0].direction == Mark::Direction::Horizontal);
  // One axis: the mark at 1 and the edge level; no η* marks (η is not fixed on a line).
  const AggregateTable r = aggregate(set, spec_of(set, {"eta_rel"}, "edge_max"));
  BOOST_REQUIRE_EQUAL(r.splits.size(), 1u);  // eta is fixed by (eta_rel, d): no split by eta
  BOOST_CHECK_EQUAL(r.splits[0], "d");
  const Panel& l = only_panel(table_figure(r));
  BOOST_CHECK_EQUAL(count_marks(l, Mark::Direction::Vertical), 1u);
  BOOST_CHECK_EQUAL(count_marks(l, Mark::Direction::Horizontal), 1u);
  BOOST_CHECK(l.keys.empty());
  BOOST_CHECK(l.x.min < 1 && l.x.max > 1);
}

BOOST_AUTO_TEST_CASE(edge_contour_follows_a_known_crossing) {
  // edge_max = η·d/4 on a linear grid η ∈ 1..4, d ∈ 1..3: linear along every cell edge, so the
  // contour's points lie exactly on η·d/4 = its level.
  const fs::path d = scratch("contour");
  std::string text = kHeader;
  for (int dd = 1; dd <= 3; ++dd)
    for (int eta = 1; eta <= 4; ++eta)
      text += "c" + std::to_string(dd) + std::to_string(eta) + ",sparse-relu," + std::to_string(dd) + ",0," +
              std::to_string(eta) + ",1,1,10," + (eta * dd > 4 ? "eos," : "gf,") + format_double(eta * dd / 4.0) +
              "," + (dd == 3 && eta == 4 ? "nan" : "0") + ",0.5,1,\n";
  const ResultSet set = load_results({write(d / "results.csv", text)});
  const Panel& p = only_panel(table_figure(aggregate(set, spec_of(set, {"eta", "d"}, "edge_max"))));
  BOOST_CHECK(!p.x.log && !p.y.log);
  BOOST_REQUIRE_EQUAL(p.contours.size(), 1u);
  const Contour& c = p.contours[0];
  BOOST_CHECK_EQUAL(c.level, 0.98);  // 2% below the level: sampled maxima of runs at the edge sit there
  BOOST_CHECK_EQUAL(c.title, "η·S_max/2 = 0.98 (1 − 2%)");
  // One line from the bottom row to the top row, every point on η·d/4 = 0.98.
  BOOST_REQUIRE_EQUAL(c.lines.size(), 1u);
  const Polyline& l = c.lines[0];
  for (std::size_t k = 0; k < l.x.size(); ++k) BOOST_CHECK_SMALL(l.x[k] * l.y[k] - 4 * 0.98, 1e-12);
  BOOST_CHECK_EQUAL(std::min(l.y.front(), l.y.back()), 1.0);
  BOOST_CHECK_EQUAL(std::max(l.y.front(), l.y.back()), 3.0);
  BOOST_CHECK_LT(sharpest_turn(l, false, false), 60);
  // No level, no contour: a fraction, or a column without one. A cell without a value is hatched.
  const Panel& f = only_panel(table_figure(aggregate(set, spec_of(set, {"eta", "d"}, "regime=eos"))));
  BOOST_CHECK(f.contours.empty());
  BOOST_CHECK_EQUAL(f.heatmap.min, 0.0);
  BOOST_CHECK_EQUAL(f.heatmap.max, 1.0);
  BOOST_CHECK_EQUAL(f.heatmap.label, "fraction of regime = eos");
  const Panel& b = only_panel(table_figure(aggregate(set, spec_of(set, {"eta", "d"}, "bias_final"))));
  BOOST_CHECK(b.contours.empty());
  BOOST_REQUIRE_EQUAL(b.heatmap.missing.size(), 1u);
  BOOST_CHECK_EQUAL(b.heatmap.missing[0].x, 4.0);
  BOOST_CHECK_EQUAL(b.heatmap.cells.size(), 11u);
  BOOST_CHECK((b.x.tics == std::vector<double>{1, 2, 3, 4}));  // few values on a linear axis
}

BOOST_AUTO_TEST_CASE(line_plot_error_bars_are_the_cell_std_and_marks_at_eta_star) {
  Fixture fx;
  const ResultSet set = load_results({fx.a, fx.b});
  const AggregateTable t = aggregate(set, spec_of(set, {"eta"}, "bias_final"));
  const Figure f = table_figure(t);
  const Panel& p = only_panel(f);
  BOOST_REQUIRE_EQUAL(p.series.size(), 2u);
  BOOST_CHECK_EQUAL(p.series[0].title, "d = 30");
  BOOST_CHECK_EQUAL(p.series[1].title, "d = 50");
  for (std::size_t i = 0; i < 2; ++i) {
    const Series& s = p.series[i];
    BOOST_REQUIRE_EQUAL(s.x.size(), 2u);
    BOOST_REQUIRE_EQUAL(s.err.size(), 2u);
    for (std::size_t k = 0; k < 2; ++k) {
      const Cell& c = find_cell(t, {format_double(s.x[k]), i == 0 ? "30" : "50"});
      BOOST_CHECK_EQUAL(s.y[k], c.stats.mean);
      BOOST_CHECK_EQUAL(s.err[k], std::isnan(c.stats.std) ? 0.0 : c.stats.std);  // one run: no bar
    }
  }
  BOOST_CHECK_CLOSE(p.series[0].err[0], std::sqrt(0.07), 1e-10);
  // A dashed mark at each line's η* = 8π/d², in its colour, and one legend entry.
  BOOST_REQUIRE_EQUAL(p.marks.size(), 2u);
  BOOST_CHECK_CLOSE_FRACTION(p.marks[0].at, 8 * M_PI / 900, 1e-12);
  BOOST_CHECK_CLOSE_FRACTION(p.marks[1].at, 8 * M_PI / 2500, 1e-12);
  BOOST_CHECK(p.marks[0].color.role == Color::Role::Cycle && p.marks[0].color.index == p.series[0].color.index);
  BOOST_CHECK_EQUAL(p.marks[1].color.index, p.series[1].color.index);
  BOOST_REQUIRE_EQUAL(p.keys.size(), 1u);
  BOOST_CHECK_EQUAL(p.keys[0].title, "η* = 8π/d²");
  // The x range holds the data (0.01-0.02) and both marks, padded.
  BOOST_CHECK_LT(p.x.min, 0.01);
  BOOST_CHECK_GT(p.x.max, 8 * M_PI / 900);
  BOOST_CHECK_LT(p.y.min, -0.3 - std::sqrt(0.07));
  BOOST_CHECK_GT(p.y.max, 4.0);
  BOOST_CHECK_EQUAL(p.x.label, "η");
  BOOST_CHECK_EQUAL(p.y.label, "final bias b (mean ± std over 1–3 seeds)");
  BOOST_CHECK_EQUAL(f.title, "sparse-relu: final bias b against η");
  // Averaged over d, η* is unknown: no marks.
  AggregateSpec o = spec_of(set, {"eta"}, "bias_final");
  o.over = {"d"};
  const Panel& q = only_panel(table_figure(aggregate(set, o)));
  BOOST_CHECK(q.marks.empty() && q.keys.empty());
}

BOOST_AUTO_TEST_CASE(line_plot_over_d_marks_where_eta_reaches_eta_star) {
  const fs::path d = scratch("over-d");
  std::string text = kHeader;
  int id = 0;
  for (double dd : {20.0, 40.0, 80.0})
    for (double eta : {0.01, 0.02})
      text += "o" + std::to_string(id++) + ",sparse-relu," + format_double(dd) + ",0," + format_double(eta) + "," +
              format_double(eta * dd * dd / (8 * M_PI)) + "," + format_double(8 * M_PI / (dd * dd)) + ",100,gf,1,0,0.5,1,\n";
  const ResultSet set = load_results({write(d / "results.csv", text)});
  const AggregateTable t = aggregate(set, spec_of(set, {"d"}, "test_acc"));
  BOOST_REQUIRE_EQUAL(t.splits.size(), 1u);
  BOOST_CHECK_EQUAL(t.splits[0], "eta");
  const Panel& p = only_panel(table_figure(t));
  BOOST_REQUIRE_EQUAL(p.marks.size(), 2u);
  BOOST_CHECK_CLOSE_FRACTION(p.marks[0].at, std::sqrt(8 * M_PI / 0.01), 1e-9);
  BOOST_CHECK_CLOSE_FRACTION(p.marks[1].at, std::sqrt(8 * M_PI / 0.02), 1e-9);
  BOOST_REQUIRE_EQUAL(p.keys.size(), 1u);
  BOOST_CHECK_EQUAL(p.keys[0].title, "η = 8π/d²");
  BOOST_CHECK_EQUAL(p.series[0].title, "η = 0.01");
  BOOST_CHECK_EQUAL(p.y.label, "test accuracy");
}

BOOST_AUTO_TEST_CASE(other_models_get_their_own_eta_star) {
  const fs::path d = scratch("deep-linear");
  const std::string head = "id,model,depth,width,dataset,target,n,seed,eta,eta_rel,eta_star,steps,regime,converged,wall_s,message\n";
  auto text = [&](const std::string& dataset) {
    std::string s = head;
    int id = 0;
    for (int L : {2, 3, 4})
      for (double eta : {0.1, 0.5, 1.0})
        s += "x" + std::to_string(id++) + ",deep-linear," + std::to_string(L) + ",1," + dataset + ",1.5,,0," +
             format_double(eta) + ",,9,10,gf,1,1,\n";  // a wrong eta_star column: the declaration counts
    return s;
  };
  const ModelInfo& dl = *find_model("deep-linear");
  const ResultSet set = load_results({write(d / "results.csv", text("scalar"))});
  const Figure hf = table_figure(aggregate(set, spec_of(set, {"eta", "depth"}, "converged=1")));
  BOOST_CHECK_EQUAL(hf.subtitle, "width = 1, dataset = scalar, target = 1.5, GD steps T = 10");  // n is empty
  const Panel& p = only_panel(hf);
  BOOST_REQUIRE_EQUAL(p.curves.size(), 1u);
  const Curve& c = p.curves[0];
  BOOST_CHECK_EQUAL(c.title, "η = " + dl.eta_star_formula);
  BOOST_CHECK((c.y == std::vector<double>{2, 3, 4}));  // the integer depths within the axis
  BOOST_CHECK(c.points);
  for (std::size_t i = 0; i < c.y.size(); ++i) {
    Params q;
    q.set("depth", format_double(c.y[i]));
    q.set("target", "1.5");
    q.set("dataset", "scalar");
    BOOST_CHECK_CLOSE_FRACTION(c.x[i], dl.eta_star(q), 1e-12);
    BOOST_CHECK(std::fabs(c.x[i] - 9) > 1);
  }
  BOOST_CHECK_EQUAL(p.y.label, "depth L");
  BOOST_CHECK_EQUAL(p.heatmap.label, "fraction of converged = 1");
  // One axis: a mark at each depth's η*.
  const Panel& l = only_panel(table_figure(aggregate(set, spec_of(set, {"eta"}, "converged"))));
  BOOST_REQUIRE_EQUAL(l.marks.size(), 3u);
  BOOST_CHECK_EQUAL(l.series[1].title, "depth L = 3");
  BOOST_REQUIRE_EQUAL(l.keys.size(), 1u);
  BOOST_CHECK_EQUAL(l.keys[0].title, "η* = " + dl.eta_star_formula);
  // Gaussian data: no η* (NaN in the declaration), no curve.
  const ResultSet g = load_results({write(scratch("deep-linear-gauss") / "results.csv", text("gaussian"))});
  BOOST_CHECK(only_panel(table_figure(aggregate(g, spec_of(g, {"eta", "depth"}, "converged")))).curves.empty());
  // A model that declares no η* gets none, whatever its eta_star column says.
  const ResultSet rn = sheared("relu-net", "relu-net");
  const Panel& r = only_panel(table_figure(aggregate(rn, spec_of(rn, {"eta", "d"}, "edge_max"))));
  BOOST_CHECK(r.curves.empty());
  BOOST_CHECK_EQUAL(r.contours.size(), 1u);  // the edge is the runner's, for every model
}

BOOST_AUTO_TEST_CASE(edge_values_get_their_level_on_line_plots) {
  Fixture fx;
  const ResultSet set = load_results({fx.a, fx.b});
  const Panel& p = only_panel(table_figure(aggregate(set, spec_of(set, {"eta"}, "edge_max"))));
  BOOST_REQUIRE_EQUAL(count_marks(p, Mark::Direction::Horizontal), 1u);
  const Mark& m = p.marks.back();
  BOOST_CHECK_EQUAL(m.at, 1.0);
  BOOST_CHECK_EQUAL(m.title, "η·S_max/2 = 1");
  BOOST_CHECK(m.dash == Dash::Dotted && m.color.role == Color::Role::Muted);
  BOOST_CHECK(p.y.min < 1 && p.y.max > 1);
  const Panel& f = only_panel(table_figure(aggregate(set, spec_of(set, {"eta"}, "regime=eos"))));
  BOOST_CHECK_EQUAL(count_marks(f, Mark::Direction::Horizontal), 0u);
  BOOST_CHECK_EQUAL(f.y.min, -0.03);
  BOOST_CHECK_EQUAL(f.y.max, 1.03);
}

BOOST_AUTO_TEST_CASE(theory_samples_and_crossings) {
  const ModelInfo& sr = *find_model("sparse-relu");
  const auto ints = theory_samples(sr, "d", 17.7, 30.4, true);  // an integer key
  BOOST_REQUIRE_EQUAL(ints.size(), 13u);
  BOOST_CHECK_EQUAL(ints.front(), 18);
  BOOST_CHECK_EQUAL(ints.back(), 30);
  const auto many = theory_samples(sr, "d", 1, 1e6, true);
  BOOST_CHECK_LE(many.size(), kTheorySamples);
  BOOST_CHECK_EQUAL(many.back(), 1e6);
  const auto reals = theory_samples(sr, "eta", 1e-4, 1e-2, true);
  BOOST_REQUIRE_EQUAL(reals.size(), kTheorySamples);
  BOOST_CHECK_EQUAL(reals.front(), 1e-4);
  BOOST_CHECK_EQUAL(reals.back(), 1e-2);
  BOOST_CHECK_CLOSE(reals[kTheorySamples / 2] / reals[kTheorySamples / 2 - 1], std::pow(100.0, 1.0 / 399), 1e-9);
  // η* needs d: NaN without it (averaged over), a number with it.
  Params p;
  BOOST_CHECK(std::isnan(eta_star_at(sr, p)));
  p.set("d", "40");
  BOOST_CHECK_CLOSE_FRACTION(eta_star_at(sr, p), 8 * M_PI / 1600, 1e-15);
  // The crossing of a power law, interpolated on a log axis, is exact.
  const ThresholdCurve c = eta_star_along(sr, p, "d", {10, 20, 40, 80});
  const auto x = eta_star_crossings(c, 8 * M_PI / (33.3 * 33.3), true);
  BOOST_REQUIRE_EQUAL(x.size(), 1u);
  BOOST_CHECK_CLOSE_FRACTION(x[0], 33.3, 1e-12);
  BOOST_CHECK(eta_star_crossings(c, 1e3, true).empty());
}

BOOST_AUTO_TEST_CASE(post_knows_no_model_by_name) {
  // The physics reaches the figures from the declarations: no model name and no formula in post/.
  const char* src = std::getenv("EOS_SOURCE_DIR");
  BOOST_REQUIRE(src);
  std::size_t files = 0;
  for (const char* dir : {"src/post", "include/eos/post"})
    for (const auto& e : fs::directory_iterator(fs::path(src) / dir)) {
      std::ifstream in(e.path());
      std::string text, line;  // the code, without comments (which may quote examples)
      while (std::getline(in, line)) text += line.substr(0, line.find("//")) + "\n";
      ++files;
      for (const auto& m : model_registry()) BOOST_CHECK_MESSAGE(!contains(text, "\"" + m.name + "\""), e.path() << " names " << m.name);
      for (const char* physics : {"8*pi", "M_PI", "8π", "\"d\""})
        BOOST_CHECK_MESSAGE(!contains(text, physics), e.path() << " holds " << physics);
    }
  BOOST_CHECK_GT(files, 10u);
}
BOOST_AUTO_TEST_CASE(log_scale_choice) {
  BOOST_CHECK(looks_log_spaced({1, 10, 100}));
  BOOST_CHECK(looks_log_spaced({25, 50, 100, 200, 400}));
  BOOST_CHECK(!looks_log_spaced({1, 2, 3, 4}));
  BOOST_CHECK(!looks_log_spaced({30, 50}));
  BOOST_CHECK(looks_log_spaced({1e-4, 3e-4, 2e-3, 1.2e-2}));  // spans more than 50×
  BOOST_CHECK(looks_log_spaced({50, 100, 200, 500, 1000, 2000}));  // a 1-2-5 series (40×)
  BOOST_CHECK(!looks_log_spaced({10, 20, 40, 50}));             // the last step is too small
  BOOST_CHECK(!looks_log_spaced({2, 2.5, 3, 5}));
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

namespace {

// A sweep folder with a results file naming two points, and the trace of the first: the loss
// falls 100× over 100 steps, the sharpness is computed every 10th step.
fs::path trace_sweep(const std::string& name) {
  const fs::path d = scratch(name);
  write(d / "results.csv", std::string(kHeader) + "t1,sparse-relu,30,0,0.01,0.36,0.0279,100,eos,1.2,-0.6,0.8,1.5,\n" +
                               "t2,sparse-relu,50,0,0.01,1,0.01,100,gf,0.5,-0.1,0.6,1.5,\n");
  fs::create_directories(d / "traces");
  std::string text = "step,loss,sharpness,two_over_eta,bias,d_asum\n";
  for (int s = 0; s < 100; ++s)
    text += std::to_string(s) + "," + format_double(std::pow(0.01, s / 99.0)) + "," +
            (s % 10 == 0 ? format_double(150 + s) : "nan") + ",200," + format_double(-0.01 * s) + ",0.5\n";
  write(d / "traces" / "t1.csv", text);
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(trace_source_names_the_point) {
  const fs::path d = trace_sweep("trace-source");
  const TraceSource s = trace_source((d / "traces" / "t1.csv").string());
  BOOST_CHECK_EQUAL(s.id, "t1");
  BOOST_CHECK(s.model == find_model("sparse-relu"));
  BOOST_CHECK_EQUAL(s.title, "sparse-relu: per-step trace, regime eos");
  BOOST_CHECK(contains(s.subtitle, "d = 30"));     // varies in the file
  BOOST_CHECK(contains(s.subtitle, "η = 0.01"));   // always named
  BOOST_CHECK(!contains(s.subtitle, "seed"));      // the same for both rows
  BOOST_CHECK(contains(s.subtitle, "(id t1)"));
  // Not in a sweep's traces/ folder: the id alone, no model.
  fs::copy_file(d / "traces" / "t1.csv", d / "t1.csv");
  const TraceSource lone = trace_source((d / "t1.csv").string());
  BOOST_CHECK(lone.model == nullptr);
  BOOST_CHECK_EQUAL(lone.title, "t1");
}

BOOST_AUTO_TEST_CASE(trace_panels_come_from_the_model) {
  const std::vector<std::string> cols = {"step", "loss", "sharpness", "two_over_eta", "bias", "d_asum"};
  const ModelInfo* sr = find_model("sparse-relu");
  BOOST_CHECK((default_trace_panels(sr, cols) == std::vector<std::string>{"loss", "d_asum", "sharpness", "bias"}));
  BOOST_CHECK((default_trace_panels(nullptr, cols) == std::vector<std::string>{"loss", "sharpness", "bias", "d_asum"}));
  // A trace without the model's columns, or of a model without trace_panels: loss, sharpness, the rest.
  const std::vector<std::string> other = {"step", "loss", "sharpness", "two_over_eta", "x", "y"};
  BOOST_CHECK((default_trace_panels(sr, other) == std::vector<std::string>{"loss", "sharpness", "x", "y"}));
  BOOST_CHECK((default_trace_panels(find_model("deep-linear"), other) == std::vector<std::string>{"loss", "sharpness", "x", "y"}));
}

BOOST_AUTO_TEST_CASE(trace_figure_stacks_panels_against_the_step) {
  const fs::path d = trace_sweep("trace-figure");
  const std::string path = (d / "traces" / "t1.csv").string();
  const TraceTable t = read_trace(path);
  const TraceSource src = trace_source(path);
  const Figure f = trace_figure(t, default_trace_panels(src.model, t.columns), src, path);
  BOOST_REQUIRE_EQUAL(f.panels.size(), 4u);
  BOOST_CHECK_EQUAL(f.title, src.title);
  BOOST_CHECK_EQUAL(f.subtitle, src.subtitle);
  BOOST_CHECK_EQUAL(f.height, 160 + 190 * 4);
  // Labels from the declarations: the fixed trace columns' and the model's tracked scalars'.
  const std::vector<std::string> labels = {"training loss", "d·(a₋+a₊)", "sharpness S", "bias b"};
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_CHECK_EQUAL(f.panels[i].y.label, labels[i]);
    BOOST_CHECK_EQUAL(f.panels[i].x.label, "step");
    BOOST_CHECK(std::isnan(f.panels[i].x.min));  // automatic: the steps, exactly
  }
  BOOST_CHECK(f.panels[0].y.log);  // the loss spans 100×
  BOOST_CHECK(!f.panels[3].y.log);
  const Panel& s = f.panels[2];
  BOOST_REQUIRE_EQUAL(s.series.size(), 2u);
  BOOST_CHECK_EQUAL(s.series[0].x.size(), 10u);  // the steps with a sharpness
  BOOST_CHECK_EQUAL(s.series[0].y[3], 180.0);
  BOOST_CHECK_EQUAL(s.series[1].title, "2/η");
  BOOST_CHECK(s.series[1].dash == Dash::Dashed && s.series[1].color.role == Color::Role::Ink);
  BOOST_CHECK((s.series[1].x == std::vector<double>{0, 99}));
  BOOST_CHECK((s.series[1].y == std::vector<double>{200, 200}));
  BOOST_CHECK_GT(s.y.pad_high, f.panels[3].y.pad_high);  // room for the legend
  BOOST_CHECK_EQUAL(f.panels[3].series[0].y[99], -0.99);
  BOOST_CHECK(f.panels[3].series[0].title.empty());
  // Chosen panels; a column the trace lacks is an input error.
  BOOST_CHECK_EQUAL(trace_figure(t, {"bias"}, src, path).panels.size(), 1u);
  BOOST_CHECK_THROW(trace_figure(t, {"loss", "nope"}, src, path), InputError);
  BOOST_CHECK_THROW(trace_figure(t, {"step"}, src, path), InputError);
  // Without the model: the column names.
  const Figure plain = trace_figure(t, {"bias"}, TraceSource{.id = "t1", .title = "t1"}, path);
  BOOST_CHECK_EQUAL(plain.panels[0].y.label, "bias");
}

BOOST_AUTO_TEST_CASE(long_traces_are_thinned_keeping_the_envelope) {
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(i);
    y.push_back((i % 2 ? 1.0 : -1.0) * (1 + i * 1e-5) + (i == 54321 ? 7 : 0));  // a period-2 oscillation, one spike
  }
  y[10] = NAN;
  Series s;
  add_points(s, x, y, kTracePoints);
  BOOST_CHECK_LE(s.x.size(), kTracePoints);
  BOOST_CHECK_GT(s.x.size(), kTracePoints / 2);
  BOOST_CHECK_EQUAL(s.x.front(), 0);
  BOOST_CHECK_EQUAL(s.x.back(), 99999);
  BOOST_CHECK(std::is_sorted(s.x.begin(), s.x.end()));
  // Every stretch keeps its top and its bottom: the oscillation's band is drawn whole.
  const std::size_t stretches = (kTracePoints - 2) / 2;
  BOOST_CHECK_GE(std::count_if(s.y.begin(), s.y.end(), [](double v) { return v > 0; }), stretches);
  BOOST_CHECK_GE(std::count_if(s.y.begin(), s.y.end(), [](double v) { return v < 0; }), stretches);
  BOOST_CHECK_EQUAL(*std::max_element(s.y.begin(), s.y.end()), y[54321]);
  BOOST_CHECK_EQUAL(*std::min_element(s.y.begin(), s.y.end()), -(1 + 99998 * 1e-5));
  BOOST_CHECK(std::none_of(s.y.begin(), s.y.end(), [](double v) { return std::isnan(v); }));
  Series few;
  add_points(few, {0, 1, 2}, {1, NAN, 3}, kTracePoints);
  BOOST_CHECK((few.x == std::vector<double>{0, 2}));
}

BOOST_AUTO_TEST_CASE(gnuplot_draws_every_kind_of_figure) {
  // The backend's scripts: data inline, and gnuplot accepts them (when it is installed).
  const ResultSet set = sheared("gnuplot-data");
  const fs::path trace_dir = trace_sweep("gnuplot-trace");
  const std::string trace = (trace_dir / "traces" / "t1.csv").string();
  const TraceTable tt = read_trace(trace);
  const TraceSource src = trace_source(trace);
  const std::vector<std::pair<std::string, Figure>> figures = {
      {"heat", table_figure(aggregate(set, spec_of(set, {"eta", "d"}, "edge_max")))},
      {"heat-rel", table_figure(aggregate(set, spec_of(set, {"eta_rel", "d"}, "regime=gf")))},
      {"lines", table_figure(aggregate(set, spec_of(set, {"eta"}, "edge_max")))},
      {"trace", trace_figure(tt, default_trace_panels(src.model, tt.columns), src, trace)},
  };
  std::string why;
  const std::string gnuplot = find_gnuplot(&why);
  const fs::path out = scratch("gnuplot");
  for (const auto& [stem, f] : figures) {
    const std::string script = gnuplot_script(f, stem, {.svg = true});
    BOOST_CHECK(!contains(script, ".csv"));  // no file references: the data is in the script
    BOOST_CHECK(contains(script, "set output '" + stem + ".png'"));
    write(out / (stem + ".gp"), script);
    if (gnuplot.empty()) continue;
    BOOST_CHECK_EQUAL(run_gnuplot(gnuplot, (out / (stem + ".gp")).string()), "");
    std::ifstream png(out / (stem + ".png"), std::ios::binary);
    char magic[4] = {};
    png.read(magic, 4);
    BOOST_CHECK_MESSAGE(std::string(magic + 1, 3) == "PNG", stem << ".png is not a PNG");
    BOOST_CHECK(fs::file_size(out / (stem + ".svg")) > 0);
  }
  if (gnuplot.empty()) BOOST_TEST_MESSAGE("gnuplot not found (" << why << "): scripts not drawn");
}
