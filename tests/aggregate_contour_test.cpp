// Contour lines of heatmaps (post/contour.h) on synthetic fields with known contours: a circle
// (one closed line near radius r), a plane on a jittered grid (exact), saddles (one rule, lines
// that close or end on the edge), holes without data (nothing drawn across them), a grid sheared
// like a job given in eta_rel whose values sit just below the level (one line along η = η*, no
// spur along a row, at 2% below the level), and the same through the heatmap builder over η and
// over η/η*.
#define BOOST_TEST_MODULE aggregate_contour
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <random>

#include "aggregate_support.h"
#include "eos/post/contour.h"
#include "eos/post/table_figure.h"

using namespace eos;
using namespace eos::test;

namespace {

// Rows of f(x, y) on x = x0 + h·j (j < nx), y = y0 + h·i (i < ny).
std::vector<FieldRow> grid(double x0, double y0, double h, int nx, int ny, const std::function<double(double, double)>& f) {
  std::vector<FieldRow> rows(static_cast<std::size_t>(ny));
  for (int i = 0; i < ny; ++i) {
    rows[i].y = y0 + h * i;
    for (int j = 0; j < nx; ++j) {
      rows[i].x.push_back(x0 + h * j);
      rows[i].v.push_back(f(rows[i].x.back(), rows[i].y));
    }
  }
  return rows;
}

// Is (x, y) on the edge of the rectangle [x0, x1] × [y0, y1]?
bool on_edge(double x, double y, double x0, double x1, double y0, double y1) {
  const double e = 1e-12;
  return std::fabs(x - x0) < e || std::fabs(x - x1) < e || std::fabs(y - y0) < e || std::fabs(y - y1) < e;
}

// The default job's grid: d = 25 · 2^i, η = rel·8π/d² with rel = 0.25 · 16^(j/16), the value
// rel below η* and pinned just below 1 from η* on (runs at the edge of stability: the sampled
// η·S_max/2 of 0.981-0.999).
std::vector<FieldRow> pinned_edge(bool aligned) {
  std::vector<FieldRow> rows;
  for (int i = 0; i < 6; ++i) {
    const double d = 25 * std::pow(2.0, i), star = 8 * M_PI / (d * d);
    FieldRow r{.y = d, .align = aligned ? star : 1.0};
    for (int j = 0; j <= 16; ++j) {
      const double rel = 0.25 * std::pow(16.0, j / 16.0);
      r.x.push_back(rel * star);
      r.v.push_back(rel < 1 - 1e-9 ? rel : 0.99 + 0.009 * std::sin(3.0 * i + j));
    }
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_circle_is_one_closed_line) {
  // v = x² + y² on [−2, 2]², h = 0.25, level 1.3²: one closed line within the interpolation
  // error of radius 1.3, with no sharp turn, crossing each cell it cuts once.
  const double r = 1.3, h = 0.25;
  const auto rows = grid(-2, -2, h, 17, 17, [](double x, double y) { return x * x + y * y; });
  const auto lines = contour_lines(rows, r * r);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const Polyline& l = lines[0];
  BOOST_CHECK(l.closed());
  for (std::size_t k = 0; k < l.x.size(); ++k) BOOST_CHECK_SMALL(std::hypot(l.x[k], l.y[k]) - r, h * h / (2 * r));
  BOOST_CHECK_LT(sharpest_turn(l, false, false), 50);
  std::size_t cut = 0;  // cells whose corners are not all on one side: one piece each
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      int above = 0;
      for (int c = 0; c < 4; ++c) above += rows[i + c / 2].v[j + c % 2] >= r * r;
      cut += above > 0 && above < 4;
    }
  BOOST_CHECK_EQUAL(l.x.size() - 1, cut);
}

BOOST_AUTO_TEST_CASE(a_plane_is_exact_on_a_jittered_grid) {
  // v = x + y/2 with every row's x values jittered: linear along rows and between rows at the
  // same x, so every point lies on x + y/2 = level; one open line from the bottom row to the top.
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> jitter(-0.2, 0.2);
  std::vector<FieldRow> rows(6);
  for (int i = 0; i < 6; ++i) {
    rows[i].y = i;
    for (int j = 0; j < 9; ++j) {
      rows[i].x.push_back(j + 0.3 * i + jitter(gen));
      rows[i].v.push_back(rows[i].x.back() + 0.5 * i);
    }
  }
  const auto lines = contour_lines(rows, 5);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const Polyline& l = lines[0];
  BOOST_CHECK(!l.closed());
  for (std::size_t k = 0; k < l.x.size(); ++k) BOOST_CHECK_SMALL(l.x[k] + 0.5 * l.y[k] - 5, 1e-9);
  BOOST_CHECK_EQUAL(std::min(l.y.front(), l.y.back()), 0.0);
  BOOST_CHECK_EQUAL(std::max(l.y.front(), l.y.back()), 5.0);
  BOOST_CHECK(std::is_sorted(l.y.begin(), l.y.end()) || std::is_sorted(l.y.rbegin(), l.y.rend()));
  // On log axes the crossing is interpolated along log(x): v = log10(x) on x = 1, 10, 100.
  const std::vector<FieldRow> lg = {{1, {1, 10, 100}, {0, 1, 2}}, {2, {1, 10, 100}, {0, 1, 2}}};
  const auto ll = contour_lines(lg, 1.5, {.xlog = true});
  BOOST_REQUIRE_EQUAL(ll.size(), 1u);
  BOOST_CHECK_CLOSE(ll[0].x[0], std::sqrt(1000.0), 1e-9);
}

BOOST_AUTO_TEST_CASE(saddles_follow_one_rule_and_lines_end_on_the_edge) {
  // v = sin(x)·sin(y): saddles at every multiple of π. Each line closes or ends on the grid's
  // edge; no two lines share a point (a saddle resolved two ways would join or cross them).
  const double h = 0.3;
  const auto rows = grid(0.1, 0.2, h, 30, 25, [](double x, double y) { return std::sin(x) * std::sin(y); });
  const double x1 = 0.1 + 29 * h, y1 = 0.2 + 24 * h;
  const auto lines = contour_lines(rows, 0.05);
  BOOST_REQUIRE_GT(lines.size(), 4u);
  std::vector<std::pair<double, double>> points;
  for (const auto& l : lines) {
    BOOST_CHECK(l.closed() || (on_edge(l.x.front(), l.y.front(), 0.1, x1, 0.2, y1) &&
                               on_edge(l.x.back(), l.y.back(), 0.1, x1, 0.2, y1)));
    BOOST_CHECK_LT(sharpest_turn(l, false, false), 150);  // a spur turns by 180°
    for (std::size_t k = l.closed() ? 1 : 0; k < l.x.size(); ++k) points.emplace_back(l.x[k], l.y[k]);
  }
  std::sort(points.begin(), points.end());
  BOOST_CHECK(std::adjacent_find(points.begin(), points.end()) == points.end());
  // The rule: a saddle cell joins the corners on the side of the mean of the four corners.
  const std::vector<FieldRow> saddle = {{0, {0, 1}, {1, -1}}, {1, {0, 1}, {-1, 1.5}}};  // mean 0.125 ≥ 0
  const auto s = contour_lines(saddle, 0);
  BOOST_REQUIRE_EQUAL(s.size(), 2u);
  for (const auto& l : s) {  // each cuts off a corner below the level: (1, 0) or (0, 1)
    const bool near_br = l.x[0] + l.x[1] > 1 && l.y[0] + l.y[1] < 1, near_tl = l.x[0] + l.x[1] < 1 && l.y[0] + l.y[1] > 1;
    BOOST_CHECK(near_br || near_tl);
  }
}

BOOST_AUTO_TEST_CASE(nothing_is_drawn_where_a_side_has_no_data) {
  // The plane v = x on a 7×7 grid with the node (3, 3) without a value: the line x = 3.5 stops at
  // the cells around the hole; a row shorter than its neighbours ends the strips at its end.
  auto rows = grid(0, 0, 1, 7, 7, [](double x, double) { return x; });
  rows[3].v[3] = NAN;
  for (const auto& l : contour_lines(rows, 3.5))
    for (std::size_t k = 0; k < l.x.size(); ++k)
      BOOST_CHECK_MESSAGE(!(std::fabs(l.y[k] - 3) < 1 - 1e-12), "point (" << l.x[k] << ", " << l.y[k] << ") beside the hole");
  rows = grid(0, 0, 1, 7, 3, [](double x, double) { return x; });
  rows[1].x.resize(3);  // x = 0, 1, 2
  rows[1].v.resize(3);
  BOOST_CHECK(contour_lines(rows, 3.5).empty());
  BOOST_REQUIRE_EQUAL(contour_lines(rows, 1.5).size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_sheared_grid_pinned_below_the_level_gives_one_line_along_eta_star) {
  // The default job's shape: with the rows matched at the same η/η*, the contour at 0.98 (2% below
  // the level the values are pinned under) is the line η = 8π/d² (to 2.5%), from the bottom row
  // to the top, without a turn.
  const auto lines = contour_lines(pinned_edge(true), 0.98, {.xlog = true, .ylog = true});
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const Polyline& l = lines[0];
  for (std::size_t k = 0; k < l.x.size(); ++k) BOOST_CHECK_CLOSE_FRACTION(l.x[k] * l.y[k] * l.y[k] / (8 * M_PI), 1, 2.5e-2);
  BOOST_CHECK_EQUAL(std::min(l.y.front(), l.y.back()), 25.0);
  BOOST_CHECK_EQUAL(std::max(l.y.front(), l.y.back()), 800.0);
  BOOST_CHECK_LT(sharpest_turn(l, true, true), 10);
  // At the level itself the values cross it nowhere above η*: no line can be traced through the
  // rows, only the noise's loops and strands.
  for (const auto& p : contour_lines(pinned_edge(true), 1, {.xlog = true, .ylog = true}))
    BOOST_CHECK(!(std::min(p.y.front(), p.y.back()) == 25 && std::max(p.y.front(), p.y.back()) == 800));
  // Rows matched at the same η instead: the line runs along the rows (a staircase, not η = η*).
  double off = 0;
  for (const auto& p : contour_lines(pinned_edge(false), 0.98, {.xlog = true, .ylog = true}))
    for (std::size_t k = 0; k < p.x.size(); ++k) off = std::max(off, std::fabs(std::log(p.x[k] * p.y[k] * p.y[k] / (8 * M_PI))));
  BOOST_CHECK_GT(off, 0.3);
}

BOOST_AUTO_TEST_CASE(heatmap_contours_follow_eta_star_over_eta_and_eta_rel) {
  // Through the builder: a results file of the default job's shape, 2 seeds.
  ShearedGrid g;
  g.ds = {25, 50, 100, 200, 400, 800};
  g.rels.clear();
  for (int j = 0; j <= 16; ++j) g.rels.push_back(0.25 * std::pow(16.0, j / 16.0));
  g.edge = [](double rel, double d, int seed) { return rel < 1 - 1e-9 ? rel : 0.985 + 0.004 * std::sin(d + seed + rel); };
  const ResultSet set = g.load("contour-pinned");
  for (const char* x : {"eta", "eta_rel"}) {
    BOOST_TEST_CONTEXT(x) {
      const Panel p = only_panel(table_figure(aggregate(set, spec_of(set, {x, "d"}, "edge_max"))));
      BOOST_REQUIRE_EQUAL(p.contours.size(), 1u);
      BOOST_REQUIRE_EQUAL(p.contours[0].lines.size(), 1u);
      const Polyline& l = p.contours[0].lines[0];
      const bool rel = std::string(x) == "eta_rel";
      for (std::size_t k = 0; k < l.x.size(); ++k)
        BOOST_CHECK_CLOSE_FRACTION(rel ? l.x[k] : l.x[k] * l.y[k] * l.y[k] / (8 * M_PI), 1.0, 2.5e-2);
      BOOST_CHECK(std::is_sorted(l.y.begin(), l.y.end()) || std::is_sorted(l.y.rbegin(), l.y.rend()));
      BOOST_CHECK_LT(sharpest_turn(l, true, true), 10);
    }
  }
}
