// gnuplot scripts for phase tables (heatmaps, lines with error bars) and traces, with the
// theory's curves on top, and running gnuplot.
#include "eos/post/plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "eos/gd/stats.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

extern char** environ;

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Colour-blind-safe line colours (Okabe–Ito), cycled.
const char* const kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
const char* color(std::size_t i) { return kColors[i % (sizeof kColors / sizeof kColors[0])]; }

// A gnuplot single-quoted string.
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\n') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "'";
}

// A gnuplot double-quoted string (line breaks become \n, which gnuplot prints as new lines).
std::string dq(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string num(double v) { return format_double(v); }

// Does the value have a reference level (η·S/2 = 1 for the edge_* columns)?
bool has_level(const ValueSpec& v) {
  const RunColumn* c = v.fraction ? nullptr : find_run_column(v.column);
  return c && !std::isnan(c->level);
}

std::string pretty(const std::string& col) {
  if (col == "eta") return "η";
  if (col == "eta_rel") return "η/η*";
  if (col == "eta_star") return "η*";
  return col;
}

// Models whose threshold is η* = 8π/d² (SCIENCE.md §2-3).
bool threshold_8pi_d2(const std::string& model) { return model == "sparse-relu" || model == "mean-model"; }

// Log scale for an axis: as asked, or (auto) when its values look log-spaced, as a whole or
// within each group (the η values of each d, say, on a grid sheared by eta_rel).
bool use_log(const std::string& mode, const std::vector<std::vector<double>>& groups, const std::string& flag) {
  std::vector<double> all;
  for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
  if (mode == "lin") return false;
  if (mode == "log") {
    for (double v : all)
      if (!(v > 0)) throw InputError(flag + " log: the axis has a value " + num(v) + " <= 0");
    return true;
  }
  if (looks_log_spaced(all)) return true;
  for (double v : all)
    if (!(v > 0)) return false;
  bool any = false;
  for (auto g : groups) {
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
    if (g.size() < 3) continue;
    if (!looks_log_spaced(g)) return false;
    any = true;
  }
  return any;
}

double to_t(double v, bool log) { return log ? std::log(v) : v; }
double from_t(double t, bool log) { return log ? std::exp(t) : t; }

// Tics at 1, 2, 5 × 10^k on a log axis spanning less than two decades (gnuplot's default would
// label one or two powers of ten); empty otherwise.
std::string log_tics(const std::string& axis, double lo, double hi) {
  if (!(lo > 0) || !(hi > lo) || hi / lo >= 100) return "";
  std::vector<std::string> tics;
  for (int e = static_cast<int>(std::floor(std::log10(lo))) - 1; e <= static_cast<int>(std::ceil(std::log10(hi))); ++e)
    for (double k : {1.0, 2.0, 5.0}) {
      const double v = e >= 0 ? k * std::pow(10.0, e) : k / std::pow(10.0, -e);  // correctly rounded
      if (v >= lo && v <= hi) tics.push_back(format_double(v));
    }
  if (tics.size() < 2) return "";
  std::string out = "set " + axis + "tics (";
  for (std::size_t i = 0; i < tics.size(); ++i) out += (i ? ", " : "") + tics[i];
  return out + ")\n";
}

// The head of every script: what it draws, how to redraw it, and a cd to its own folder so
// that relative names work from anywhere.
std::string script_head(const std::string& what, const std::string& stem, const PlotOptions& o) {
  std::string s;
  s += "# " + what + "\n";
  s += "# Written by eos-sweep. Edit freely and redraw with: gnuplot " + stem + ".gp\n";
  s += "# (from any folder: images are written next to this script).\n";
  s += "_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne '/') { _i = _i - 1 }\n";
  s += "if (_i > 0) { cd _d[1:_i] }\n";
  s += std::string("formats = '") + (o.svg ? "png svg" : "png") + "'   # add svg for a vector image\n\n";
  return s;
}

std::string terminal_lines(const std::string& stem, int w, int h) {
  std::string s;
  s += "  if (fmt eq 'png') { set terminal pngcairo size " + std::to_string(w) + "," + std::to_string(h) +
       " noenhanced font 'sans,11'; set output " + q(stem + ".png") + " }\n";
  s += "  if (fmt eq 'svg') { set terminal svg size " + std::to_string(w) + "," + std::to_string(h) +
       " noenhanced font 'sans,11' background rgb 'white'; set output " + q(stem + ".svg") + " }\n";
  return s;
}

// "mean of bias_tail over seed (3 runs per point)" and a second line naming the model and the
// fixed model keys.
std::string title_of(const AggregateTable& t) {
  long lo = -1, hi = -1;
  for (const auto& c : t.cells) {
    const long n = c.stats.count;
    lo = lo < 0 ? n : std::min(lo, n);
    hi = std::max(hi, n);
  }
  std::string runs = lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  std::string s = t.value.label;
  if (!t.over.empty()) s = (t.value.fraction ? "" : "mean of ") + s + " over " + join(t.over, ", ");
  s += " (" + runs + (hi == 1 ? " run" : " runs") + " per point)";
  std::vector<std::string> fixed;
  const std::set<std::string> family = {"eta", "eta_rel", "eta_star", "steps"};
  for (const auto& [k, v] : t.constants)
    if (!family.count(k) && fixed.size() < 6) fixed.push_back(k + " = " + v);
  return s + "\n" + t.model + (fixed.empty() ? "" : ": " + join(fixed, ", "));
}

// The numeric value of key i of a cell (throws InputError when it is not a number).
double key_number(const AggregateTable& t, const Cell& c, std::size_t i) {
  double v = 0;
  if (!finite_number(c.key[i], v)) {
    const std::string flag = i == 0 ? "--x " : i == 1 && t.axes.size() == 2 ? "--y " : "";
    throw InputError(flag + t.keys()[i] + ": value '" + c.key[i] + "' is not a number; cannot draw it on an axis");
  }
  return v;
}

std::string heatmap_script(const AggregateTable& t, const std::string& stem, const PlotOptions& o) {
  if (!t.splits.empty())
    throw InputError("parameter " + join(t.splits, ", ") + " varies too: fix it with --where " + t.splits[0] +
                     "=VALUE or average over it with --over " + t.splits[0]);
  const std::string& X = t.axes[0];
  const std::string& Y = t.axes[1];
  // Rows of the grid: one per y value, cells in x order (t.cells is sorted by y, then x).
  std::vector<double> ys, all_x;
  std::vector<std::vector<const Cell*>> rows;
  for (const auto& c : t.cells) {
    const double y = key_number(t, c, 1);
    all_x.push_back(key_number(t, c, 0));
    if (ys.empty() || ys.back() != y) {
      ys.push_back(y);
      rows.emplace_back();
    }
    rows.back().push_back(&c);
  }
  std::vector<std::vector<double>> x_by_row;
  for (const auto& r : rows) {
    x_by_row.emplace_back();
    for (const auto* c : r) x_by_row.back().push_back(key_number(t, *c, 0));
  }
  const bool xlog = use_log(o.xscale, x_by_row, "--xscale");
  const bool ylog = use_log(o.yscale, {ys}, "--yscale");
  const auto yedges = cell_edges(ys, ylog);
  double xmin = INFINITY, xmax = -INFINITY;
  std::string cells = "$cells << EOD\n# x y xlo xhi ylo yhi mean count\n";
  std::string missing = "$missing << EOD\n";
  bool any_missing = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<double> xs;
    for (const auto* c : rows[i]) xs.push_back(key_number(t, *c, 0));
    const auto xedges = cell_edges(xs, xlog);
    for (std::size_t j = 0; j < xs.size(); ++j) {
      xmin = std::min(xmin, xedges[j].first);
      xmax = std::max(xmax, xedges[j].second);
      const Stats& s = rows[i][j]->stats;
      std::string line = num(xs[j]) + " " + num(ys[i]) + " " + num(xedges[j].first) + " " + num(xedges[j].second) + " " +
                         num(yedges[i].first) + " " + num(yedges[i].second);
      if (std::isfinite(s.mean)) {
        cells += line + " " + num(s.mean) + " " + std::to_string(s.count) + "\n";
      } else {
        missing += line + "\n";
        any_missing = true;
      }
    }
  }
  cells += "EOD\n";
  missing += "EOD\n";
  const double ymin = yedges.front().first, ymax = yedges.back().second;

  std::string s = script_head("eos-sweep aggregate: heatmap of " + t.value.label + " over (" + X + ", " + Y +
                                  "), model " + t.model,
                              stem, o);
  s += cells;
  if (any_missing) s += missing;
  std::vector<std::string> elements = {
      "$cells using 1:2:3:4:5:6:7 with boxxyerror fillstyle solid 1.0 noborder linecolor palette notitle"};
  if (any_missing)
    elements.push_back("$missing using 1:2:3:4:5:6 with boxxyerror fillstyle pattern 4 lc rgb 'gray60' title 'no value'");

  // Theory overlays.
  std::string theory;
  if (threshold_8pi_d2(t.model) && ((X == "eta" && Y == "d") || (X == "d" && Y == "eta"))) {
    theory += "# theory: the threshold eta* = 8*pi/d^2 (GD converges below it, EoS above)\n";
    if (X == "eta")
      elements.push_back("[s=" + num(ymin) + ":" + num(ymax) +
                         "] '+' using (8*pi/$1**2):1 with lines lw 2.5 dt 2 lc rgb 'red' title 'η = 8π/d²'");
    else
      elements.push_back("[s=" + num(xmin) + ":" + num(xmax) +
                         "] '+' using 1:(8*pi/$1**2) with lines lw 2.5 dt 2 lc rgb 'red' title 'η = 8π/d²'");
  } else if (X == "eta" || Y == "eta") {
    // Any model that reports its η*: the curve η = η*(other axis), when η* depends on it alone.
    const bool eta_x = X == "eta";
    std::map<double, double> curve;  // other axis value → η*
    bool ok = true;
    for (const auto& c : t.cells) {
      const double other = key_number(t, c, eta_x ? 1 : 0);
      if (!std::isfinite(c.eta_star)) ok = false;
      auto [it, fresh] = curve.emplace(other, c.eta_star);
      if (!fresh && it->second != c.eta_star) ok = false;
    }
    if (ok && !curve.empty()) {
      theory += "# theory: the model's threshold eta* (its eta_star column) against " + (eta_x ? Y : X) + "\n";
      theory += "$theory << EOD\n";
      for (const auto& [other, star] : curve) theory += eta_x ? num(star) + " " + num(other) + "\n" : num(other) + " " + num(star) + "\n";
      theory += "EOD\n";
      elements.push_back("$theory using 1:2 with linespoints lw 2.5 dt 2 pt 7 ps 0.6 lc rgb 'red' title 'η = η*'");
    }
  }
  if (X == "eta_rel" || Y == "eta_rel") {
    theory += "# theory: the threshold eta/eta* = 1\n";
    if (X == "eta_rel")
      theory += "set arrow 1 from 1, graph 0 to 1, graph 1 nohead front lw 2.5 dt 2 lc rgb 'red'\n";
    else
      theory += "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead front lw 2.5 dt 2 lc rgb 'red'\n";
    elements.push_back("NaN with lines lw 2.5 dt 2 lc rgb 'red' title 'η/η* = 1'");
  }
  if (has_level(t.value)) {
    // The contour η·S/2 = 1 (the edge of stability), where the grid is complete.
    bool grid = rows.size() >= 2;
    for (const auto& r : rows) grid = grid && r.size() == rows[0].size() && r.size() >= 2;
    if (grid) {
      std::vector<std::vector<double>> v(rows.size()), gx(rows.size()), gy(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (const auto* c : rows[i]) {
          v[i].push_back(c->stats.mean);
          gx[i].push_back(key_number(t, *c, 0));
          gy[i].push_back(ys[i]);
        }
      const auto segs = contour_segments(v, gx, gy, 1.0, xlog, ylog);
      theory += "# theory: the contour eta*S/2 = 1 (sharpness at 2/eta) of the table's means\n";
      theory += "$contour << EOD\n";
      for (const auto& g : segs) theory += num(g.x0) + " " + num(g.y0) + "\n" + num(g.x1) + " " + num(g.y1) + "\n\n";
      theory += "EOD\n";
      if (!segs.empty()) {
        elements.push_back("$contour using 1:2 with lines lw 4.5 lc rgb 'black' title 'η·S/2 = 1'");
        elements.push_back("$contour using 1:2 with lines lw 2 lc rgb 'white' notitle");
      }
      else theory += "# (the means never cross 1 on this grid)\n";
    }
  }
  s += theory + "\n";
  if (xlog) s += "set logscale x\n";
  if (ylog) s += "set logscale y\n";
  s += "set xrange [" + num(xmin) + ":" + num(xmax) + "]\n";
  s += "set yrange [" + num(ymin) + ":" + num(ymax) + "]\n";
  if (ys.size() <= 12) {
    std::vector<std::string> tics;
    for (double y : ys) tics.push_back(num(y));
    s += "set ytics (" + join(tics, ", ") + ")\n";
  }
  std::set<double> xs_distinct(all_x.begin(), all_x.end());
  if (xlog) s += log_tics("x", xmin, xmax);
  if (xs_distinct.size() <= 12 && !xlog) {
    std::vector<std::string> tics;
    for (double x : xs_distinct) tics.push_back(num(x));
    s += "set xtics (" + join(tics, ", ") + ")\n";
  }
  s += "set xlabel " + q(pretty(X)) + "\n";
  s += "set ylabel " + q(pretty(Y)) + "\n";
  s += "set cblabel " + q(t.value.label) + "\n";
  s += "set title " + dq(title_of(t)) + "\n";
  s += "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
  if (t.value.fraction) s += "set cbrange [0:1]\n";
  s += "set tics out\nset format x '%g'\nset format y '%g'\nset key top right opaque box\n";
  s += "\ndo for [fmt in formats] {\n" + terminal_lines(stem, 900, 700);
  s += "  plot " + join(elements, ", \\\n       ") + "\n";
  s += "  set output\n}\n";
  return s;
}

std::string lines_script(const AggregateTable& t, const std::string& stem, const PlotOptions& o) {
  const std::string& X = t.axes[0];
  // Lines: one per value of the split parameters (cells are sorted by splits, then x).
  struct Line {
    std::vector<std::string> key;
    std::vector<const Cell*> cells;
  };
  std::vector<Line> lines;
  std::vector<double> all_x, all_y;
  for (const auto& c : t.cells) {
    std::vector<std::string> k(c.key.begin() + 1, c.key.end());
    if (lines.empty() || lines.back().key != k) lines.push_back({k, {}});
    lines.back().cells.push_back(&c);
    all_x.push_back(key_number(t, c, 0));
    if (std::isfinite(c.stats.mean)) all_y.push_back(c.stats.mean);
  }
  std::vector<std::vector<double>> x_by_line;
  for (const auto& L : lines) {
    x_by_line.emplace_back();
    for (const auto* c : L.cells) x_by_line.back().push_back(key_number(t, *c, 0));
  }
  const bool xlog = use_log(o.xscale, x_by_line, "--xscale");
  bool ylog = false;
  if (o.yscale == "log") ylog = use_log("log", {all_y}, "--yscale (the value axis)");
  double xmin = *std::min_element(all_x.begin(), all_x.end());
  double xmax = *std::max_element(all_x.begin(), all_x.end());

  std::string s = script_head("eos-sweep aggregate: " + t.value.label + " against " + X + ", model " + t.model, stem, o);
  std::string data, theory;
  std::vector<std::string> elements;
  bool key_8pi = false, key_star = false, key_dstar = false;
  std::vector<double> marks;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    const auto& L = lines[li];
    const std::string block = "$line" + std::to_string(li + 1);
    data += block + " << EOD\n# " + X + " mean std min max count\n";
    for (const auto* c : L.cells) {
      if (!std::isfinite(c->stats.mean)) continue;
      const double sd = std::isfinite(c->stats.std) ? c->stats.std : 0.0;
      data += num(key_number(t, *c, 0)) + " " + num(c->stats.mean) + " " + num(sd) + " " + num(c->stats.min) + " " +
              num(c->stats.max) + " " + std::to_string(c->stats.count) + "\n";
    }
    data += "EOD\n";
    bool any = false;
    for (const auto* c : L.cells) any = any || std::isfinite(c->stats.mean);
    if (!any) continue;  // a line without a single value
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < t.splits.size(); ++i) parts.push_back(t.splits[i] + " = " + L.key[i]);
    const std::string title = parts.empty() ? t.value.label : join(parts, ", ");
    elements.push_back(block + " using 1:2:3 with yerrorlines lw 1.5 pt 7 ps 0.7 lc rgb '" + color(li) + "' title " +
                       q(title));
    // Theory: the threshold of this line.
    const Cell& first = *L.cells.front();
    double d = 0, eta = 0;
    if (X == "eta" && threshold_8pi_d2(t.model) && finite_number(t.param(first, "d"), d)) {
      theory += "set arrow from 8*pi/" + num(d) + "**2, graph 0 to 8*pi/" + num(d) + "**2, graph 1 nohead dt 2 lw 1.5 lc rgb '" +
                color(li) + "'   # eta* = 8*pi/d^2 at d = " + num(d) + "\n";
      marks.push_back(8 * M_PI / (d * d));
      key_8pi = true;
    } else if (X == "eta") {
      bool same = std::isfinite(first.eta_star);
      for (const auto* c : L.cells) same = same && c->eta_star == first.eta_star;
      if (same) {
        theory += "set arrow from " + num(first.eta_star) + ", graph 0 to " + num(first.eta_star) +
                  ", graph 1 nohead dt 2 lw 1.5 lc rgb '" + color(li) + "'   # the model's eta* (eta_star column)\n";
        marks.push_back(first.eta_star);
        key_star = true;
      }
    } else if (X == "d" && threshold_8pi_d2(t.model) && finite_number(t.param(first, "eta"), eta) && eta > 0) {
      theory += "set arrow from sqrt(8*pi/" + num(eta) + "), graph 0 to sqrt(8*pi/" + num(eta) +
                "), graph 1 nohead dt 2 lw 1.5 lc rgb '" + color(li) + "'   # d* = sqrt(8*pi/eta): eta = 8*pi/d^2\n";
      marks.push_back(std::sqrt(8 * M_PI / eta));
      key_dstar = true;
    }
  }
  if (key_8pi) elements.push_back("NaN with lines dt 2 lw 1.5 lc rgb 'black' title 'η* = 8π/d²'");
  if (key_star) elements.push_back("NaN with lines dt 2 lw 1.5 lc rgb 'black' title 'η* (model)'");
  if (key_dstar) elements.push_back("NaN with lines dt 2 lw 1.5 lc rgb 'black' title 'η = 8π/d²'");
  if (X == "eta_rel") {
    theory += "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lw 1.5 lc rgb 'black'   # eta/eta* = 1\n";
    marks.push_back(1.0);
    elements.push_back("NaN with lines dt 2 lw 1.5 lc rgb 'black' title 'η/η* = 1'");
  }
  if (has_level(t.value)) {
    theory += "# the edge of stability: eta*S/2 = 1\n";
    elements.push_back("1 with lines dt 3 lw 1.5 lc rgb 'gray40' title 'η·S/2 = 1'");
  }
  // The x range holds the data and every threshold mark, padded.
  for (double m : marks)
    if (!xlog || m > 0) {
      xmin = std::min(xmin, m);
      xmax = std::max(xmax, m);
    }
  double lo = to_t(xmin, xlog), hi = to_t(xmax, xlog);
  const double pad = hi > lo ? 0.04 * (hi - lo) : (xlog ? 0.1 : std::max(0.5, 0.1 * std::fabs(xmin)));
  s += data;
  if (!theory.empty()) s += "# theory overlays\n" + theory;
  s += "\n";
  if (xlog) s += "set logscale x\n";
  if (ylog) s += "set logscale y\n";
  s += "set xrange [" + num(from_t(lo - pad, xlog)) + ":" + num(from_t(hi + pad, xlog)) + "]\n";
  if (xlog) s += log_tics("x", from_t(lo - pad, xlog), from_t(hi + pad, xlog));
  if (t.value.fraction) s += "set yrange [-0.03:1.03]\n";
  s += "set offsets 0, 0, graph 0.05, graph 0.05\n";
  s += "set xlabel " + q(pretty(X)) + "\n";
  s += "set ylabel " + q(t.value.label + (t.over.empty() ? "" : "  (mean ± std)")) + "\n";
  s += "set title " + dq(title_of(t)) + "\n";
  s += "set key outside right top\nset grid lc rgb 'gray85'\nset tics out\nset format x '%g'\n";
  s += "\ndo for [fmt in formats] {\n" + terminal_lines(stem, 950, 600);
  s += "  plot " + join(elements, ", \\\n       ") + "\n";
  s += "  set output\n}\n";
  return s;
}

std::string trace_label(const std::string& col) {
  if (col == "d_asum") return "d·(a₋+a₊)";
  if (col == "bias") return "bias b";
  if (col == "sharpness") return "sharpness S";
  return col;
}

}  // namespace

bool looks_log_spaced(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() < 2 || !(values.front() > 0) || !std::isfinite(values.back())) return false;
  auto even = [&](bool log) {
    const double span = to_t(values.back(), log) - to_t(values.front(), log);
    const double step = span / static_cast<double>(values.size() - 1);
    for (std::size_t i = 1; i < values.size(); ++i)
      if (std::fabs(to_t(values[i], log) - to_t(values[i - 1], log) - step) > 1e-6 * span) return false;
    return true;
  };
  const bool lin_even = even(false);
  if (lin_even) return false;
  if (values.size() >= 3 && even(true)) return true;
  return values.back() / values.front() >= 50;
}

std::vector<std::pair<double, double>> cell_edges(const std::vector<double>& c, bool log) {
  std::vector<std::pair<double, double>> e(c.size());
  if (c.empty()) return e;
  if (c.size() == 1) {
    if (log) return {{c[0] / 1.5, c[0] * 1.5}};
    return {{c[0] - 0.5, c[0] + 0.5}};
  }
  std::vector<double> t(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) t[i] = to_t(c[i], log);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double lo = i > 0 ? 0.5 * (t[i - 1] + t[i]) : t[0] - 0.5 * (t[1] - t[0]);
    const double hi = i + 1 < c.size() ? 0.5 * (t[i] + t[i + 1]) : t[i] + 0.5 * (t[i] - t[i - 1]);
    e[i] = {from_t(lo, log), from_t(hi, log)};
  }
  return e;
}

std::vector<Segment> contour_segments(const std::vector<std::vector<double>>& v,
                                      const std::vector<std::vector<double>>& x,
                                      const std::vector<std::vector<double>>& y, double level, bool xlog, bool ylog) {
  std::vector<Segment> out;
  struct P {
    double x, y;
  };
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    for (std::size_t j = 0; j + 1 < v[i].size() && j + 1 < v[i + 1].size(); ++j) {
      // Corners in order around the cell: a (i,j), b (i,j+1), c (i+1,j+1), d (i+1,j).
      const std::size_t ci[4] = {i, i, i + 1, i + 1}, cj[4] = {j, j + 1, j + 1, j};
      double val[4];
      P pos[4];
      bool skip = false;
      for (int k = 0; k < 4; ++k) {
        val[k] = v[ci[k]][cj[k]];
        pos[k] = {to_t(x[ci[k]][cj[k]], xlog), to_t(y[ci[k]][cj[k]], ylog)};
        skip = skip || std::isnan(val[k]);
      }
      if (skip) continue;
      // Crossing on edge k (corner k to corner k+1), if any.
      P cross[4];
      bool has[4];
      int n = 0;
      for (int k = 0; k < 4; ++k) {
        const int l = (k + 1) % 4;
        has[k] = (val[k] >= level) != (val[l] >= level);
        if (has[k]) {
          const double f = (level - val[k]) / (val[l] - val[k]);
          cross[k] = {pos[k].x + f * (pos[l].x - pos[k].x), pos[k].y + f * (pos[l].y - pos[k].y)};
          ++n;
        }
      }
      auto emit = [&](int a, int b) {
        out.push_back({from_t(cross[a].x, xlog), from_t(cross[a].y, ylog), from_t(cross[b].x, xlog),
                       from_t(cross[b].y, ylog)});
      };
      if (n == 2) {
        int a = -1, b = -1;
        for (int k = 0; k < 4; ++k)
          if (has[k]) (a < 0 ? a : b) = k;
        emit(a, b);
      } else if (n == 4) {
        // A saddle: the centre's side decides which corners the lines cut off.
        const double centre = 0.25 * (val[0] + val[1] + val[2] + val[3]);
        if ((centre >= level) == (val[0] >= level)) {
          emit(0, 1);  // around corner b
          emit(2, 3);  // around corner d
        } else {
          emit(3, 0);  // around corner a
          emit(1, 2);  // around corner c
        }
      }
    }
  }
  return out;
}

std::string aggregate_script(const AggregateTable& t, const std::string& stem, const PlotOptions& o) {
  if (t.cells.empty()) throw InputError("nothing to draw: the table is empty");
  return t.axes.size() == 2 ? heatmap_script(t, stem, o) : lines_script(t, stem, o);
}

std::vector<std::string> default_trace_panels(const std::vector<std::string>& columns) {
  auto has = [&](const std::string& c) { return std::find(columns.begin(), columns.end(), c) != columns.end(); };
  if (has("loss") && has("d_asum") && has("sharpness") && has("bias")) return {"loss", "d_asum", "sharpness", "bias"};
  std::vector<std::string> p;
  for (const char* c : {"loss", "sharpness"})
    if (has(c)) p.push_back(c);
  for (const auto& c : columns)
    if (c != "step" && c != "loss" && c != "sharpness" && c != "two_over_eta") p.push_back(c);
  return p;
}

std::string trace_script(const TracePlot& t, const std::string& stem, const PlotOptions& o) {
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i] == name) return static_cast<int>(i) + 1;
    throw InputError("trace " + t.data + ": no column '" + name + "' (columns: " + join(t.columns, ", ") + ")");
  };
  const int step = col("step");
  const std::size_t n = t.panels.size();
  if (n == 0) throw InputError("trace: no panels to draw");
  std::string s = script_head("eos-sweep trace: per-step trace " + t.data + " as stacked panels against the step", stem, o);
  s += "data = " + q(t.data) + "\n";
  s += "set datafile separator ','\nset datafile missing 'nan'\nset datafile columnheaders\n";
  s += "set tics out\nset grid lc rgb 'gray85'\nset key top right\n";
  s += "set autoscale xfix\nset autoscale yfix\nset offsets 0, 0, graph 0.08, graph 0.08\n";
  const int height = 160 + 190 * static_cast<int>(n);
  s += "\ndo for [fmt in formats] {\n" + terminal_lines(stem, 900, height);
  const double bottom = 60.0 / height, top = 1.0 - 70.0 / height;
  s += "  set multiplot layout " + std::to_string(n) + ",1 margins 0.12,0.96," + num(std::round(bottom * 1000) / 1000) +
       "," + num(std::round(top * 1000) / 1000) + " spacing 0,0.012 title " + dq(t.title) + "\n";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& p = t.panels[i];
    const int c = col(p);
    const bool last = i + 1 == n;
    s += "  # panel " + std::to_string(i + 1) + ": " + p + "\n";
    s += last ? "  set format x '%g'; set xlabel 'step'\n" : "  set format x ''; unset xlabel\n";
    s += "  set ylabel " + q(trace_label(p)) + "\n";
    const bool log = p == "loss" && t.log_loss;
    if (log) s += "  set logscale y\n";
    if (p == "sharpness") {
      s += "  set offsets 0, 0, graph 0.35, graph 0.08   # room for the key above the curves\n";
      s += "  plot data using " + std::to_string(step) + ":" + std::to_string(c) +
           " with lines lw 1.5 lc rgb '#D55E00' title 'sharpness', \\\n"
           "       data using " +
           std::to_string(step) + ":" + std::to_string(col("two_over_eta")) +
           " with lines dt 2 lw 1.5 lc rgb 'black' title '2/η'\n";
      s += "  set offsets 0, 0, graph 0.08, graph 0.08\n";
    } else {
      s += "  plot data using " + std::to_string(step) + ":" + std::to_string(c) + " with lines lw 1.5 lc rgb '" +
           color(i) + "' notitle\n";
    }
    if (log) s += "  unset logscale y\n";
  }
  s += "  unset multiplot\n  set output\n}\n";
  return s;
}

std::string find_gnuplot(std::string* why) {
  const char* env = std::getenv("EOS_GNUPLOT");
  auto runnable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (env && *env) {
    if (std::strchr(env, '/')) {
      if (runnable(env)) return env;
      if (why) *why = std::string("EOS_GNUPLOT=") + env + " is not an executable file";
      return "";
    }
  }
  const std::string name = env && *env ? env : "gnuplot";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    std::size_t colon = dirs.find(':', pos);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(pos, colon - pos);
    if (dir.empty()) dir = ".";
    const std::string cand = dir + "/" + name;
    if (runnable(cand)) return cand;
    pos = colon + 1;
  }
  if (why) *why = name + " was not found on PATH (install it: apt-get install gnuplot-nox)";
  return "";
}

std::string run_gnuplot(const std::string& gnuplot, const std::string& script) {
  int fds[2];
  if (::pipe(fds) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  std::vector<char*> argv = {const_cast<char*>(gnuplot.c_str()), const_cast<char*>(script.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, gnuplot.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return "cannot start " + gnuplot + ": " + std::strerror(rc);
  }
  std::string err;
  char buf[4096];
  for (;;) {
    const ssize_t r = ::read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (err.size() < 65536) err.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  std::string what = WIFEXITED(status) ? "gnuplot exited with status " + std::to_string(WEXITSTATUS(status))
                                       : "gnuplot was killed by signal " + std::to_string(WTERMSIG(status));
  return what + (err.empty() ? "" : ": " + err);
}

}  // namespace eos
