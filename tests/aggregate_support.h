// Shared helpers of the aggregate and figure tests: scratch folders, hand-written results files
// (sparse-relu-like, on a grid sheared by eta_rel or any field of rows), specs and panels.
#pragma once
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "eos/post/aggregate.h"
#include "eos/post/figure.h"
#include "eos/util/number.h"

namespace eos::test {

namespace fs = std::filesystem;

inline const char* kHeader =
    "id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message\n";

// A scratch folder of its own.
inline fs::path scratch(const std::string& name) {
  const char* base = std::getenv("EOS_TEST_TMP");
  fs::path p = fs::path(base ? base : fs::temp_directory_path().string()) / "aggregate_test" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline std::string write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

inline AggregateSpec spec_of(const ResultSet& set, std::vector<std::string> axes, const std::string& value) {
  AggregateSpec s;
  s.axes = std::move(axes);
  s.value = parse_value(value, set);
  return s;
}

inline bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// Rows of kHeader over d × eta_rel (eta = eta_rel·8π/d², eta_star = 8π/d²), seeds 0 .. seeds−1,
// steps = ⌈10/η⌉, with edge_max, bias_final and test_acc from fields of (eta_rel, d, seed).
struct ShearedGrid {
  std::string model = "sparse-relu";
  std::vector<double> ds = {30, 50, 100};
  std::vector<double> rels = {0.5, 1.0, 2.0};
  int seeds = 2;
  std::function<double(double rel, double d, int seed)> edge = [](double rel, double, int seed) { return rel * (1 + seed); };
  std::function<double(double rel, double d, int seed)> bias = [](double, double, int) { return 0.0; };
  std::function<double(double rel, double d, int seed)> acc = [](double, double, int) { return 0.5; };

  std::string text() const {
    std::string s = kHeader;
    int id = 0;
    for (double d : ds)
      for (double rel : rels)
        for (int seed = 0; seed < seeds; ++seed) {
          const double star = 8 * M_PI / (d * d), eta = rel * star;
          s += "r" + std::to_string(id++) + "," + model + "," + format_double(d) + "," + std::to_string(seed) + "," +
               format_double(eta) + "," + format_double(rel) + "," + format_double(star) + "," +
               std::to_string(static_cast<long>(std::ceil(10 / eta))) + ",gf," + format_double(edge(rel, d, seed)) +
               "," + format_double(bias(rel, d, seed)) + "," + format_double(acc(rel, d, seed)) + ",1,\n";
        }
    return s;
  }
  ResultSet load(const std::string& name) const { return load_results({write(scratch(name) / "results.csv", text())}); }
};

// The one panel of a figure (a copy: figures are often temporaries here).
inline Panel only_panel(const Figure& f) {
  BOOST_REQUIRE_EQUAL(f.panels.size(), 1u);
  return f.panels[0];
}

inline std::size_t count_marks(const Panel& p, Mark::Direction d) {
  std::size_t n = 0;
  for (const auto& m : p.marks) n += m.direction == d;
  return n;
}

// The largest turn between consecutive pieces of a polyline, in degrees, on the drawn scales (a
// spur, a line that runs out and back, turns by 180°).
inline double sharpest_turn(const Polyline& l, bool xlog, bool ylog) {
  auto at = [&](std::size_t k) {
    return std::pair{xlog ? std::log(l.x[k]) : l.x[k], ylog ? std::log(l.y[k]) : l.y[k]};
  };
  double worst = 0;
  for (std::size_t k = 1; k + 1 < l.x.size(); ++k) {
    const auto [x0, y0] = at(k - 1);
    const auto [x1, y1] = at(k);
    const auto [x2, y2] = at(k + 1);
    const double a = std::atan2(y1 - y0, x1 - x0), b = std::atan2(y2 - y1, x2 - x1);
    double turn = std::fabs(b - a) * 180 / M_PI;
    if (turn > 180) turn = 360 - turn;
    worst = std::max(worst, turn);
  }
  return worst;
}

}  // namespace eos::test
