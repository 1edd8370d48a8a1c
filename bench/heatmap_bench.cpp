// How long a large heatmap takes to draw: a synthetic phase table of N × N cells (default 316 ×
// 316 ≈ 10⁵) of η·S_max/2 over (η, λ) is turned into a Figure, a gnuplot script and a PNG, and
// each stage is timed (wall clock, best of R runs). The field is smooth with a contour at the
// edge level 1, so the figure carries a heatmap, a contour and the η* line like a real one.
//
//   BUILD/bench/heatmap_bench [--cells N] [--repeat R] [--svg] [--out DIR] [--keep]
//
// Prints the time to build the figure, to write the script (and its size) and gnuplot's time to
// draw the PNG (and the SVG, with --svg), with the images' sizes. Needs gnuplot on PATH (or $EOS_GNUPLOT) for the last; without it only the first
// two are measured.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "eos/post/gnuplot.h"
#include "eos/post/table_figure.h"
#include "eos/util/files.h"
#include "eos/util/number.h"

namespace fs = std::filesystem;
using namespace eos;

namespace {

struct Args {
  int cells = 316, repeat = 3;
  std::string out = (fs::temp_directory_path() / "heatmap_bench").string();
  bool keep = false, svg = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "--cells" && i + 1 < argc) a.cells = std::atoi(argv[++i]);
    else if (s == "--repeat" && i + 1 < argc) a.repeat = std::atoi(argv[++i]);
    else if (s == "--out" && i + 1 < argc) a.out = argv[++i];
    else if (s == "--keep") a.keep = true;
    else if (s == "--svg") a.svg = true;
    else {
      std::fprintf(stderr, "usage: heatmap_bench [--cells N] [--repeat R] [--svg] [--out DIR] [--keep]\n");
      std::exit(2);
    }
  }
  if (a.cells < 2 || a.repeat < 1) std::exit(2);
  return a;
}

// N × N cells over η (log-spaced, 1e-4 to 1e-2) and λ (1 to 5, linear) of the sparse-relu model at
// d = 200, with edge_max = (η/η*)·(λ/3)^0.5 and 4 runs per cell.
AggregateTable synthetic_table(int n) {
  AggregateTable t;
  t.model = "sparse-relu";
  t.axes = {"eta", "lambda"};
  t.over = {"seed"};
  t.constants = {{"d", "200"}, {"n", "300"}, {"n_test", "2000"}, {"init_scale", "1"}, {"b0", "0"}, {"path", "fast"}};
  t.model_keys = {"d", "lambda", "n", "seed", "n_test", "init_scale", "b0", "path"};
  t.value = {.text = "edge_max", .column = "edge_max", .label = "η·S_max/2"};
  const double star = 8 * M_PI / (200.0 * 200.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double eta = 1e-4 * std::pow(100.0, j / (n - 1.0)), lambda = 1 + 4.0 * i / (n - 1.0);
      Cell c{.key = {format_double(eta), format_double(lambda)}};
      c.stats.mean = c.stats.min = c.stats.max = eta / star * std::sqrt(lambda / 3);
      c.stats.count = 4;
      t.cells.push_back(c);
    }
  t.rows_used = t.cells.size() * 4;
  return t;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const AggregateTable t = synthetic_table(a.cells);
  fs::create_directories(a.out);
  const std::string script = (fs::path(a.out) / "heatmap.gp").string();
  std::string why;
  const std::string gnuplot = find_gnuplot(&why);
  double build = INFINITY, write = INFINITY, draw = INFINITY;
  std::size_t bytes = 0;
  for (int r = 0; r < a.repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    const Figure f = table_figure(t);
    build = std::min(build, seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    const std::string text = gnuplot_script(f, "heatmap", {.svg = a.svg});
    write_atomic(script, text);
    write = std::min(write, seconds_since(t0));
    bytes = text.size();
    if (gnuplot.empty()) continue;
    t0 = std::chrono::steady_clock::now();
    const std::string err = run_gnuplot(gnuplot, fs::absolute(script).string());
    if (!err.empty()) {
      std::fprintf(stderr, "heatmap_bench: %s\n", err.c_str());
      return 1;
    }
    draw = std::min(draw, seconds_since(t0));
  }
  std::printf("cells   %zu (%d x %d), best of %d\n", t.cells.size(), a.cells, a.cells, a.repeat);
  std::printf("figure  %.3f s\n", build);
  std::printf("script  %.3f s, %.1f MB (plus data files beside it, if any)\n", write, bytes / 1e6);
  if (gnuplot.empty()) std::printf("draw    skipped: %s\n", why.c_str());
  else {
    auto size = [&](const char* name) { return fs::file_size(fs::path(a.out) / name) / 1e6; };
    std::printf("draw    %.3f s (gnuplot, %s); heatmap.png %.2f MB", draw, a.svg ? "PNG and SVG" : "PNG", size("heatmap.png"));
    if (a.svg) std::printf(", heatmap.svg %.2f MB", size("heatmap.svg"));
    std::printf("\n");
  }
  if (!a.keep) fs::remove_all(a.out);
  return 0;
}
