// What the phase-table figures hold, as data: titles, subtitles and the statistic in the value's
// label; the colour maps (diverging, neutral at a value's level; sequential otherwise); theory
// drawn outlined over heatmaps; the lattice of an aligned grid and the grey outside a sheared
// one; the inset of the Figure-1 slices; and the gnuplot backend's compact form for large
// lattices (a matrix drawn as an image).
#define BOOST_TEST_MODULE aggregate_figure
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>

#include "aggregate_support.h"
#include "eos/post/gnuplot.h"
#include "eos/post/table_figure.h"
#include "eos/util/error.h"

using namespace eos;
using namespace eos::test;

namespace {

const char* kFullHeader =
    "id,model,d,lambda,n,seed,n_test,init_scale,b0,path,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,"
    "test_acc,wall_s,message\n";

// A sparse-relu results file with every key: d = 200 unless ds says otherwise, the η values
// etas (as η/η*), 3 seeds, steps = ⌈horizon/η⌉ (or fixed_steps), the given init_scale; the bias
// flat at −0.1 below η* and falling as −0.1 − log(η/η*) above.
std::string full_text(const std::vector<double>& ds, const std::vector<double>& rels, const std::string& init_scale = "1",
                      long fixed_steps = 0, double horizon = 10, const std::string& id_prefix = "f") {
  std::string s = kFullHeader;
  int id = 0;
  for (double d : ds)
    for (double rel : rels)
      for (int seed = 0; seed < 3; ++seed) {
        const double star = 8 * M_PI / (d * d), eta = rel * star;
        const long steps = fixed_steps > 0 ? fixed_steps : static_cast<long>(std::ceil(horizon / eta));
        const double bias = (rel < 1 ? -0.1 : -0.1 - std::log(rel)) + 0.01 * seed;
        s += id_prefix + std::to_string(id++) + ",sparse-relu," + format_double(d) + ",3,300," + std::to_string(seed) +
             ",2000," + init_scale + ",0,fast," + format_double(eta) + "," + format_double(rel) + "," + format_double(star) +
             "," + std::to_string(steps) + ",gf," + format_double(rel) + "," + format_double(bias) + ",0.6,1,\n";
      }
  return s;
}

ResultSet full(const std::string& name, const std::string& text) {
  return load_results({write(scratch(name) / "results.csv", text)});
}

std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> v;
  for (int k = 0; k < n; ++k) v.push_back(lo * std::pow(hi / lo, k / (n - 1.0)));
  return v;
}

// The inset lies in a corner of the main plot, over none of its points (nor the room for its tic
// labels, left of and below it): the main plot's range is widened if need be.
void check_clear(const Figure& f) {
  BOOST_REQUIRE_EQUAL(f.insets.size(), 1u);
  const Inset& in = f.insets[0];
  const Panel& p = f.panels[0];
  BOOST_CHECK(in.left > 0.05 && in.right < 1 && in.bottom > 0.05 && in.top < 1);
  for (const auto& m : p.series)
    for (std::size_t k = 0; k < m.x.size(); ++k) {
      const double x = std::log(m.x[k] / p.x.min) / std::log(p.x.max / p.x.min), y = (m.y[k] - p.y.min) / (p.y.max - p.y.min);
      BOOST_CHECK_MESSAGE(!(x > in.left - 0.1 && x < in.right && y > in.bottom - 0.1 && y < in.top),
                          "point (" << m.x[k] << ", " << m.y[k] << ") under the inset");
    }
}

Figure figure_of(const ResultSet& set, std::vector<std::string> axes, const std::string& value, bool inset = false) {
  TableFigureOptions o;
  o.inset = inset;
  return table_figure(aggregate(set, spec_of(set, std::move(axes), value)), o);
}

}  // namespace

BOOST_AUTO_TEST_CASE(titles_name_the_model_and_what_is_drawn_labels_the_statistic) {
  const ResultSet set = full("titles", full_text({100, 200}, {0.5, 1, 2}));
  const Figure h = figure_of(set, {"eta_rel", "d"}, "edge_max");
  BOOST_CHECK_EQUAL(h.title, "sparse-relu: η·S_max/2 over η/η* and d");
  BOOST_CHECK_EQUAL(only_panel(h).heatmap.label, "η·S_max/2, mean over 3 seeds");
  const Figure l = figure_of(set, {"eta"}, "bias_final");
  BOOST_CHECK_EQUAL(l.title, "sparse-relu: final bias b against η");
  BOOST_CHECK_EQUAL(only_panel(l).y.label, "final bias b (mean ± std over 3 seeds)");
  const Figure fr = figure_of(set, {"eta_rel", "d"}, "regime=gf");
  BOOST_CHECK_EQUAL(only_panel(fr).heatmap.label, "fraction of regime = gf, of 3 seeds");
  // Averaged over d as well: how many runs, over what.
  AggregateSpec o = spec_of(set, {"eta_rel"}, "test_acc");
  o.over = {"d"};
  BOOST_CHECK_EQUAL(only_panel(table_figure(aggregate(set, o))).y.label, "test accuracy (mean ± std over 6 runs (d, seed))");
}

BOOST_AUTO_TEST_CASE(subtitles_name_the_parameters_a_reader_needs) {
  // Not path (no effect on the result), n_test or init_scale at their defaults (settings, not
  // axes), nor the seed; the axes' keys d, λ, n; the horizon η·T of steps = ⌈10/η⌉.
  const ResultSet set = full("subtitle", full_text({200}, {0.5, 1, 2}));
  BOOST_CHECK_EQUAL(figure_of(set, {"eta"}, "bias_final").subtitle, "d = 200, λ = 3, n = 300, horizon η·T = 10");
  // A setting off its default is named; fixed steps are named instead of a horizon.
  const ResultSet scaled = full("subtitle-scaled", full_text({200}, {0.5, 1, 2}, "0.25", 5000));
  BOOST_CHECK_EQUAL(figure_of(scaled, {"eta"}, "bias_final").subtitle,
                    "d = 200, λ = 3, n = 300, init_scale = 0.25, GD steps T = 5000");
  // The horizon is the shortest number h with steps = ⌈h/η⌉ on every row; none when rows disagree.
  BOOST_CHECK_EQUAL(aggregate(set, spec_of(set, {"eta"}, "bias_final")).horizon, 10.0);
  const ResultSet h25 = full("subtitle-h25", full_text({200}, {0.5, 1, 2}, "1", 0, 2.5));
  BOOST_CHECK_EQUAL(aggregate(h25, spec_of(h25, {"eta"}, "bias_final")).horizon, 2.5);
  const ResultSet mixed =
      load_results({write(scratch("subtitle-mixed") / "results.csv",
                          full_text({200}, {0.5, 1}) + full_text({200}, {2, 3}, "1", 0, 20, "g").substr(std::string(kFullHeader).size()))});
  BOOST_CHECK(std::isnan(aggregate(mixed, spec_of(mixed, {"eta"}, "bias_final")).horizon));
  BOOST_CHECK_EQUAL(figure_of(mixed, {"eta"}, "bias_final").subtitle, "d = 200, λ = 3, n = 300");
}

BOOST_AUTO_TEST_CASE(a_value_with_a_level_gets_a_diverging_map_centred_on_it) {
  const ResultSet set = full("palette", full_text({100, 200, 400}, {0.25, 0.5, 1, 2, 3.5}));
  const Panel e = only_panel(figure_of(set, {"eta_rel", "d"}, "edge_max"));
  BOOST_CHECK(e.heatmap.palette == Palette::Diverging);
  BOOST_CHECK_EQUAL(e.heatmap.center, 1.0);  // η·S/2 = 1: the edge of stability, neutral
  BOOST_CHECK_EQUAL(e.heatmap.min, 0.25);    // the data's range
  BOOST_CHECK_EQUAL(e.heatmap.max, 3.5);
  // All values below the level: the range still holds it, so that the neutral colour means 1.
  const ResultSet low = full("palette-low", full_text({100, 200}, {0.25, 0.5, 0.8}));
  const Panel lo = only_panel(figure_of(low, {"eta_rel", "d"}, "edge_max"));
  BOOST_CHECK_EQUAL(lo.heatmap.max, 1.0);
  BOOST_CHECK_EQUAL(lo.heatmap.min, 0.25);
  // No level: sequential; a fraction: sequential on [0, 1].
  const Panel b = only_panel(figure_of(set, {"eta_rel", "d"}, "bias_final"));
  BOOST_CHECK(b.heatmap.palette == Palette::Sequential);
  BOOST_CHECK(std::isnan(b.heatmap.center) && std::isnan(b.heatmap.min));
  const Panel f = only_panel(figure_of(set, {"eta_rel", "d"}, "regime=gf"));
  BOOST_CHECK(f.heatmap.palette == Palette::Sequential);
  BOOST_CHECK(f.heatmap.min == 0 && f.heatmap.max == 1);
}

BOOST_AUTO_TEST_CASE(theory_over_a_heatmap_is_outlined_and_the_legend_below) {
  const ResultSet set = full("outlined", full_text({100, 200, 400}, {0.5, 1, 2}));
  const Panel r = only_panel(figure_of(set, {"eta_rel", "d"}, "bias_final"));
  BOOST_REQUIRE_EQUAL(r.marks.size(), 1u);
  BOOST_CHECK(r.marks[0].outlined && r.marks[0].color.role == Color::Role::Ink);
  BOOST_CHECK(r.legend == Legend::Below);  // the cells are not covered
  const Panel e = only_panel(figure_of(set, {"eta", "d"}, "bias_final"));
  BOOST_REQUIRE_EQUAL(e.curves.size(), 1u);
  BOOST_CHECK(e.curves[0].outlined && e.curves[0].color.role == Color::Role::Ink);
  // Line plots keep their lines' colours, not outlined.
  for (const auto& m : only_panel(figure_of(set, {"eta"}, "bias_final")).marks) BOOST_CHECK(!m.outlined);
}

BOOST_AUTO_TEST_CASE(an_aligned_grid_is_a_lattice_a_sheared_one_has_an_outside) {
  const std::vector<double> rels = logspace(0.25, 4, 9);
  const ResultSet set = full("lattice", full_text({25, 50, 100, 200}, rels));
  const Panel r = only_panel(figure_of(set, {"eta_rel", "d"}, "edge_max"));
  const Raster& g = r.heatmap.raster;
  BOOST_REQUIRE_EQUAL(g.nx, 9u);
  BOOST_REQUIRE_EQUAL(g.ny, 4u);
  BOOST_CHECK_CLOSE(g.x0, 0.25, 1e-12);
  BOOST_CHECK_CLOSE(g.x1, 4, 1e-12);
  BOOST_CHECK_EQUAL(g.y0, 25);
  BOOST_CHECK_EQUAL(g.y1, 200);
  BOOST_REQUIRE_EQUAL(g.values.size(), 36u);
  for (const auto& b : r.heatmap.cells) {  // row by row, y slowest
    const std::size_t i = static_cast<std::size_t>(std::lround(std::log2(b.y / 25))),
                      j = static_cast<std::size_t>(std::lround(std::log2(b.x / 0.25) * 2));
    BOOST_CHECK_EQUAL(g.values[i * 9 + j], b.value);
  }
  BOOST_CHECK(r.heatmap.outside_title.empty());
  // Over η the rows are sheared: no lattice, and the area outside the rows is marked as such.
  const Panel e = only_panel(figure_of(set, {"eta", "d"}, "edge_max"));
  BOOST_CHECK_EQUAL(e.heatmap.raster.nx, 0u);
  BOOST_CHECK_EQUAL(e.heatmap.outside_title, "not in the grid");
  // Unevenly spaced values: no lattice either.
  const ResultSet uneven = full("lattice-uneven", full_text({25, 50, 100}, {0.5, 0.8, 1, 1.5, 3}));
  BOOST_CHECK_EQUAL(only_panel(figure_of(uneven, {"eta_rel", "d"}, "edge_max")).heatmap.raster.nx, 0u);
}

BOOST_AUTO_TEST_CASE(crowded_grid_values_are_thinned_as_tics) {
  // jobs/deep-linear.ini's η/η*: listed, but no two labels closer than 1/14 of the axis.
  const std::vector<double> rels = {0.5, 0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.5};
  const Panel p = only_panel(figure_of(full("tics", full_text({100, 200}, rels)), {"eta_rel", "d"}, "bias_final"));
  BOOST_CHECK(!p.x.log);
  BOOST_CHECK((p.x.tics == std::vector<double>{0.5, 0.7, 0.8, 0.9, 1.05, 1.2, 1.5}));
  for (std::size_t k = 1; k < p.x.tics.size(); ++k) BOOST_CHECK_GE(p.x.tics[k] - p.x.tics[k - 1], (p.x.max - p.x.min) / 14);
}

BOOST_AUTO_TEST_CASE(one_eta_star_gets_the_papers_inset_over_eta) {
  // jobs/figure1.ini's shape: d = 200, η dense around η*.
  const ResultSet set = full("inset-one", full_text({200}, {0.2, 0.4, 0.6, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 4, 8, 16}));
  const Figure f = figure_of(set, {"eta"}, "bias_final", true);
  BOOST_REQUIRE_EQUAL(f.insets.size(), 1u);
  const Inset& in = f.insets[0];
  const double star = 8 * M_PI / (200.0 * 200);
  BOOST_CHECK_CLOSE(in.panel.x.min, star / 2, 1e-12);
  BOOST_CHECK_CLOSE(in.panel.x.max, star * 2, 1e-12);
  BOOST_CHECK(in.panel.x.log);
  BOOST_CHECK(in.panel.x.label.empty());  // the main plot's axis
  BOOST_REQUIRE_EQUAL(in.panel.marks.size(), 1u);
  BOOST_CHECK_CLOSE(in.panel.marks[0].at, star, 1e-12);
  BOOST_REQUIRE_EQUAL(in.panel.series.size(), 1u);
  const Series& s = in.panel.series[0];
  BOOST_CHECK_EQUAL(s.x.size(), 10u);  // 0.6 ... 2 (8 points) and a neighbour on each side, 0.4 and 4
  BOOST_CHECK_CLOSE(s.x.front(), 0.4 * star, 1e-9);
  BOOST_CHECK_CLOSE(s.x.back(), 4 * star, 1e-9);
  BOOST_CHECK(in.panel.y.min <= -0.1 - std::log(1.5) && in.panel.y.max >= -0.08);  // the points in the window
  check_clear(f);
  // Without --inset, none.
  BOOST_CHECK(figure_of(set, {"eta"}, "bias_final").insets.empty());
}

BOOST_AUTO_TEST_CASE(several_eta_stars_get_an_inset_over_eta_over_eta_star) {
  const std::vector<double> rels = logspace(0.3, 3, 12);  // 0.3, 0.37, 0.456, 0.562 ... 1.97, 2.43, 3
  const ResultSet set = full("inset-many", full_text({50, 100, 200}, rels));
  const Figure f = figure_of(set, {"eta"}, "bias_final", true);
  BOOST_REQUIRE_EQUAL(f.insets.size(), 1u);
  const Panel& in = f.insets[0].panel;
  BOOST_CHECK_EQUAL(in.x.label, "η/η*");
  BOOST_CHECK(in.x.min == 0.5 && in.x.max == 2);
  BOOST_REQUIRE_EQUAL(in.marks.size(), 1u);
  BOOST_CHECK_EQUAL(in.marks[0].at, 1.0);
  BOOST_REQUIRE_EQUAL(in.series.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {  // every line on its own η/η*, in its colour
    BOOST_CHECK_EQUAL(in.series[i].color.index, f.panels[0].series[i].color.index);
    BOOST_REQUIRE_EQUAL(in.series[i].x.size(), 9u);  // 7 within [1/2, 2], a neighbour on each side
    for (std::size_t k = 0; k < 9; ++k) BOOST_CHECK_CLOSE(in.series[i].x[k], rels[2 + k], 1e-9);
  }
  check_clear(f);
  // Over η/η* itself: the same zoom, on the main plot's axis.
  const Figure r = figure_of(set, {"eta_rel"}, "bias_final", true);
  BOOST_REQUIRE_EQUAL(r.insets.size(), 1u);
  BOOST_CHECK(r.insets[0].panel.x.min == 0.5 && r.insets[0].panel.x.max == 2);
}

BOOST_AUTO_TEST_CASE(an_inset_without_a_threshold_is_an_input_error) {
  const ResultSet set = full("inset-bad", full_text({100, 200}, {0.5, 1, 2}));
  BOOST_CHECK_THROW(figure_of(set, {"eta_rel", "d"}, "bias_final", true), InputError);  // a heatmap
  BOOST_CHECK_THROW(figure_of(set, {"d"}, "bias_final", true), InputError);             // not an η axis
  const ResultSet sparse = full("inset-sparse", full_text({200}, {0.1, 1, 10}));
  BOOST_CHECK_THROW(figure_of(sparse, {"eta"}, "bias_final", true), InputError);  // 1 point within 2×
  ShearedGrid g;
  g.model = "relu-net";  // declares no η*
  const ResultSet rn = g.load("inset-relu-net");
  BOOST_CHECK_THROW(figure_of(rn, {"eta"}, "edge_max", true), InputError);
  AggregateSpec o = spec_of(set, {"eta"}, "bias_final");
  o.over = {"d"};  // η* unknown when d is averaged over
  TableFigureOptions with;
  with.inset = true;
  BOOST_CHECK_THROW(table_figure(aggregate(set, o), with), InputError);
}

BOOST_AUTO_TEST_CASE(large_lattices_go_to_gnuplot_as_a_matrix) {
  // 120 × 120 cells: one number per cell, drawn as one image; a small lattice stays boxes.
  const std::vector<double> rels = logspace(0.25, 4, 120);
  std::vector<double> ds;
  for (int i = 0; i < 120; ++i) ds.push_back(100 + i);
  const ResultSet set = full("matrix", full_text(ds, rels));
  const Figure big = figure_of(set, {"eta_rel", "d"}, "edge_max");
  BOOST_REQUIRE_EQUAL(only_panel(big).heatmap.raster.nx, 120u);
  const std::string script = gnuplot_script(big, "big");
  BOOST_CHECK(contains(script, "matrix using"));
  BOOST_CHECK(contains(script, "with image"));
  BOOST_CHECK(!contains(script, "boxxyerror"));
  BOOST_CHECK_LT(script.size(), 14400u * 12 + 20000);  // about a number per cell
  const std::string small = gnuplot_script(figure_of(full("matrix-small", full_text({100, 200}, {0.5, 1, 2})), {"eta_rel", "d"}, "edge_max"), "small");
  BOOST_CHECK(contains(small, "boxxyerror"));
  BOOST_CHECK(!contains(small, "with image"));
  std::string why;
  const std::string gnuplot = find_gnuplot(&why);
  if (gnuplot.empty()) return;
  const fs::path out = scratch("matrix-draw");
  write(out / "big.gp", script);
  BOOST_CHECK_EQUAL(run_gnuplot(gnuplot, (out / "big.gp").string()), "");
  BOOST_CHECK(fs::file_size(out / "big.png") > 0);
}
