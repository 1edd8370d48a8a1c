// Pictures with gnuplot: self-contained scripts (data inline, theory curves on top) for phase
// tables and per-step traces, and running gnuplot on them. Scripts sit next to their images.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "eos/post/aggregate.h"

namespace eos {

struct PlotOptions {
  bool svg = false;                // also write NAME.svg
  std::string xscale = "auto";     // auto | log | lin
  std::string yscale = "auto";
};

// Should an axis with these values be drawn on a log scale? True when they are all positive and
// either evenly spaced on a log scale (at least 3 values, not evenly spaced on a linear one) or
// span a factor of 50 or more without being evenly spaced.
bool looks_log_spaced(std::vector<double> values);

// Cell edges (lo, hi) around sorted distinct centres: halfway between neighbours (the geometric
// mean on a log axis), the outer edges mirrored; a lone centre gets ±0.5 (×/÷ 1.5 on a log axis).
std::vector<std::pair<double, double>> cell_edges(const std::vector<double>& centres, bool log);

// One straight piece of a contour line.
struct Segment {
  double x0, y0, x1, y1;
};

// Where the field v crosses level on a grid of nx×ny nodes (marching squares): node (i, j) has
// value v[i][j] at (x[i][j], y[i][j]) (row i, column j; the grid may be sheared). Positions are
// interpolated linearly in the value, along log(x) or log(y) on log axes. Cells with a NaN
// corner are skipped.
std::vector<Segment> contour_segments(const std::vector<std::vector<double>>& v,
                                      const std::vector<std::vector<double>>& x,
                                      const std::vector<std::vector<double>>& y, double level, bool xlog, bool ylog);

// The gnuplot script that draws the table t into STEM.png (and STEM.svg) in the script's folder:
// a heatmap for two axes, lines with error bars for one; theory overlays where the axes allow.
// Throws InputError when the table cannot be drawn (non-numeric axis, a heatmap with lines left).
std::string aggregate_script(const AggregateTable& t, const std::string& stem, const PlotOptions& o);

// A per-step trace file (columns step, loss, sharpness, two_over_eta, tracked scalars...).
struct TracePlot {
  std::string data;                  // the trace file, relative to the script's folder
  std::vector<std::string> columns;  // its header
  std::vector<std::string> panels;   // columns drawn, top to bottom ("sharpness" adds 2/η)
  std::string title;
  bool log_loss = false;             // draw the loss on a log scale
};

// The panels drawn by default: the paper's Figure 2 order (loss, d_asum, sharpness, bias) when
// those columns exist, else loss, sharpness, then every tracked scalar.
std::vector<std::string> default_trace_panels(const std::vector<std::string>& columns);

// The gnuplot script that draws a trace as stacked panels against the step.
std::string trace_script(const TracePlot& t, const std::string& stem, const PlotOptions& o);

// The gnuplot program: $EOS_GNUPLOT if set, else gnuplot on PATH. Empty, with the reason in
// *why, when there is none.
std::string find_gnuplot(std::string* why);

// Run gnuplot on a script file; returns "" on success, else what went wrong (its stderr).
std::string run_gnuplot(const std::string& gnuplot, const std::string& script);

}  // namespace eos
