// The gnuplot backend: a Figure as a gnuplot script (finding and running gnuplot: gnuplot_run.cpp).
#include "eos/post/gnuplot.h"

#include <cmath>
#include <vector>

#include "eos/util/number.h"
#include "eos/util/text.h"
#include "gnuplot_parts.h"

namespace eos {
namespace gp {
namespace {

// Colour-blind-safe line colours (Okabe–Ito), cycled.
const char* const kCycle[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int kCycleSize = sizeof kCycle / sizeof kCycle[0];

int dash_type(Dash d) { return d == Dash::Dashed ? 2 : d == Dash::Dotted ? 3 : 1; }

}  // namespace

std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c == '\n' ? ' ' : c;
  }
  return out + "'";
}

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

std::string rgb(const Color& c) {
  switch (c.role) {
    case Color::Role::Theory: return "'red'";
    case Color::Role::Ink: return "'black'";
    case Color::Role::Muted: return "'gray40'";
    case Color::Role::Cycle: break;
  }
  return std::string("'") + kCycle[((c.index % kCycleSize) + kCycleSize) % kCycleSize] + "'";
}

std::string line_style(double width, Dash dash, const Color& color) {
  return "lw " + num(width) + " dt " + std::to_string(dash_type(dash)) + " lc rgb " + rgb(color);
}

std::string title_of(const std::string& t) { return t.empty() ? "notitle" : "title " + q(t); }

std::string block(const std::string& name, const std::string& comment, const std::string& rows) {
  return name + " << EOD\n# " + comment + "\n" + rows + "EOD\n";
}

}  // namespace gp

namespace {

using namespace gp;

// The light line under an outlined curve or mark is this much wider, and white.
constexpr double kOutline = 2;

// The head of every script: what it draws, how to redraw it, and a cd to its own folder so
// that relative names work from anywhere.
std::string script_head(const Figure& f, const std::string& stem, const GnuplotOptions& o) {
  std::string s = "# " + f.about + "\n";
  s += "# Written by eos-sweep. Edit freely and redraw with: gnuplot " + stem + ".gp\n";
  s += "# (from any folder: images are written next to this script).\n";
  s += "_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne '/') { _i = _i - 1 }\n";
  s += "if (_i > 0) { cd _d[1:_i] }\n";
  s += std::string("formats = '") + (o.svg ? "png svg" : "png") + "'   # add svg for a vector image\n\n";
  return s;
}

// Every line of s indented by two spaces.
std::string indent(const std::string& s) {
  std::string out;
  for (std::size_t pos = 0; pos < s.size();) {
    std::size_t end = s.find('\n', pos);
    if (end == std::string::npos) end = s.size();
    out += "  " + s.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

std::string xy_rows(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& err) {
  std::string s;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    s += num(x[i]) + " " + num(y[i]) + (i < err.size() ? " " + num(err[i]) : "") + "\n";
  }
  return s;
}

// Polylines separated by blank lines.
std::string polyline_rows(const std::vector<Polyline>& lines) {
  std::string s;
  for (const auto& l : lines) s += xy_rows(l.x, l.y, {}) + "\n";
  return s;
}

// Every data block of a panel, named $<p>_cells, $<p>_series1, ...
std::string panel_data(const Panel& p, const std::string& n) {
  std::string s;
  s += heatmap_data(p.heatmap, n);
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& r = p.series[i];
    s += block("$" + n + "_series" + std::to_string(i + 1), (r.title.empty() ? "series" : r.title) + ": x y" + (r.err.empty() ? "" : " err"),
               xy_rows(r.x, r.y, r.err));
  }
  for (std::size_t i = 0; i < p.curves.size(); ++i)
    s += block("$" + n + "_curve" + std::to_string(i + 1), "theory: " + p.curves[i].title, xy_rows(p.curves[i].x, p.curves[i].y, {}));
  for (std::size_t i = 0; i < p.contours.size(); ++i)
    s += block("$" + n + "_contour" + std::to_string(i + 1), "contour: " + p.contours[i].title, polyline_rows(p.contours[i].lines));
  return s;
}

std::string series_element(const Series& r, const std::string& name) {
  const std::string pts = " pt 7 ps " + num(r.point_size);
  std::string with;
  if (!r.err.empty()) with = r.style == Series::Style::Points ? "yerrorbars" + pts : "yerrorlines" + pts;
  else if (r.style == Series::Style::Lines) with = "lines";
  else with = (r.style == Series::Style::Points ? "points" : "linespoints") + pts;
  return name + " using 1:2" + (r.err.empty() ? "" : ":3") + " with " + with + " " + line_style(r.width, r.dash, r.color) +
         " " + title_of(r.title);
}

std::string key_element(const std::string& title, double width, Dash dash, const Color& color) {
  return "NaN with lines " + line_style(width, dash, color) + " " + title_of(title);
}

// The plot command's elements, in legend order: heatmap, series, curves, extra keys, marks, contours.
std::vector<std::string> panel_elements(const Panel& p, const std::string& n) {
  std::vector<std::string> e = heatmap_elements(p.heatmap, n, p.x, p.y);
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& r = p.series[i];
    const std::string name = "$" + n + "_series" + std::to_string(i + 1);
    if (r.outlined)
      e.push_back(name + " using 1:2 with points pt 7 ps " + num(r.point_size * 1.7) + " lc rgb 'white' notitle");
    e.push_back(series_element(r, name));
  }
  for (std::size_t i = 0; i < p.curves.size(); ++i) {
    const Curve& c = p.curves[i];
    const std::string name = "$" + n + "_curve" + std::to_string(i + 1) + " using 1:2 with ";
    const std::string with = c.points ? "linespoints pt 7 ps 0.6 " : "lines ";
    if (c.outlined) e.push_back(name + with + "lw " + num(c.width + kOutline) + " lc rgb 'white' notitle");
    e.push_back(name + with + line_style(c.width, c.dash, c.color) + " " + title_of(c.title));
  }
  for (const auto& k : p.keys) e.push_back(key_element(k.title, k.width, k.dash, k.color));
  for (const auto& m : p.marks)
    if (!m.title.empty()) e.push_back(key_element(m.title, m.width, m.dash, m.color));
  for (std::size_t i = 0; i < p.contours.size(); ++i) {
    const std::string name = "$" + n + "_contour" + std::to_string(i + 1);
    e.push_back(name + " using 1:2 with lines lw 4.5 lc rgb 'black' " + title_of(p.contours[i].title));
    e.push_back(name + " using 1:2 with lines lw 2 lc rgb 'white' notitle");
  }
  return e;
}

// Range, scale, tics and label of one axis ("x" or "y"); shown = false hides its label and tic labels.
std::string axis_commands(const Axis& a, const std::string& x, bool shown) {
  std::string s;
  if (a.log) s += "set logscale " + x + "\n";
  if (std::isnan(a.min) || std::isnan(a.max)) s += "set autoscale " + x + "fix\n";
  else s += "set " + x + "range [" + num(a.min) + ":" + num(a.max) + "]\n";
  std::vector<std::string> tics;
  for (double t : a.tics) tics.push_back(num(t));
  s += tics.empty() ? "set " + x + "tics autofreq\n" : "set " + x + "tics (" + join(tics, ", ") + ")\n";
  s += "set format " + x + (shown ? " '%g'\n" : " ''\n");
  s += shown && !a.label.empty() ? "set " + x + "label " + q(a.label) + "\n" : "unset " + x + "label\n";
  return s;
}

std::string legend_command(Legend l) {
  switch (l) {
    case Legend::InsideBoxed: return "set key inside top right opaque box\n";
    case Legend::Outside: return "set key outside right top noopaque nobox\n";
    case Legend::Below: return "set key below center horizontal noopaque nobox height 1.5\n";
    case Legend::None: return "unset key\n";
    case Legend::Inside: break;
  }
  return "set key inside top right noopaque nobox\n";
}

// A reference line as an arrow across the panel (an outlined one over a wider white one).
std::string mark_command(const Mark& m) {
  const std::string at = num(m.at);
  const std::string where = m.direction == Mark::Direction::Vertical ? "from " + at + ", graph 0 to " + at + ", graph 1"
                                                                     : "from graph 0, first " + at + " to graph 1, first " + at;
  std::string s;
  if (m.outlined) s = "set arrow " + where + " nohead front lw " + num(m.width + kOutline) + " lc rgb 'white'\n";
  return s + "set arrow " + where + " nohead front " + line_style(m.width, m.dash, m.color) + "\n";
}

// Everything one panel sets, then its plot command; indented for the loop over formats.
std::string panel_commands(const Panel& p, const std::string& n, bool bottom) {
  std::string s = "unset arrow\nunset object\nunset logscale\n";
  s += axis_commands(p.x, "x", bottom) + axis_commands(p.y, "y", true);
  s += "set offsets graph " + num(p.x.pad_low) + ", graph " + num(p.x.pad_high) + ", graph " + num(p.y.pad_high) +
       ", graph " + num(p.y.pad_low) + "\n";
  s += legend_command(p.legend);
  s += p.grid ? "set grid lc rgb 'gray85'\n" : "unset grid\n";
  for (const auto& m : p.marks) s += mark_command(m);
  s += heatmap_commands(p.heatmap, p.x, p.y);
  s += "plot " + join(panel_elements(p, n), ", \\\n     ") + "\n";
  return indent(s);
}

std::string terminal_lines(const std::string& stem, int w, int h) {
  const std::string size = std::to_string(w) + "," + std::to_string(h);
  return "  if (fmt eq 'png') { set terminal pngcairo size " + size + " noenhanced font 'sans,11'; set output " +
         q(stem + ".png") + " }\n" + "  if (fmt eq 'svg') { set terminal svg size " + size +
         " noenhanced font 'sans,11' background rgb 'white'; set output " + q(stem + ".svg") + " }\n";
}

// A fraction of the image, rounded for reading.
std::string frac(double v) { return num(std::round(v * 10000) / 10000); }

// The title and, smaller, the subtitle, as labels at fixed heights (pixels from the top).
std::string title_labels(const Figure& f) {
  std::string s = "  set label 101 " + dq(f.title) + " at screen 0.5, screen " + frac(1 - 22.0 / f.height) +
                  " center front font ',12'\n";
  if (!f.subtitle.empty())
    s += "  set label 102 " + dq(f.subtitle) + " at screen 0.5, screen " + frac(1 - 42.0 / f.height) +
         " center front font ',10'\n";
  return s;
}

// A plot area in fractions of the image.
struct Frame {
  double left, right, bottom, top;
};

std::string margins(const Frame& f) {
  return "  set lmargin at screen " + frac(f.left) + "; set rmargin at screen " + frac(f.right) + "\n" +
         "  set bmargin at screen " + frac(f.bottom) + "; set tmargin at screen " + frac(f.top) + "\n";
}

// The plot area of a panel with insets, fixed so that the insets can be placed in it: room for
// the title, the axis labels and, beside it, a legend outside.
Frame host_frame(const Figure& f, const Panel& p) {
  const double w = f.width, h = f.height;
  return {90 / w, 1 - (p.legend == Legend::Outside ? 210 : 30) / w, 60 / h, 1 - 64 / h};
}

// An inset: its plot area within the host's, a white ground under it and its tic labels, its panel.
std::string inset_commands(const Figure& f, const Inset& in, const Frame& host, const std::string& n) {
  const double w = host.right - host.left, h = host.top - host.bottom;
  const Frame fr{host.left + in.left * w, host.left + in.right * w, host.bottom + in.bottom * h, host.bottom + in.top * h};
  std::string s = "  # inset: " + in.panel.x.label + " (zoom)\n" + margins(fr) + "  set tics font ',9'; set xlabel font ',9'\n";
  std::string panel = panel_commands(in.panel, n, true);
  const std::string ground = "  set object 2 rectangle from screen " + frac(fr.left - 58.0 / f.width) + ", screen " +
                             frac(fr.bottom - (in.panel.x.label.empty() ? 28.0 : 44.0) / f.height) + " to screen " + frac(fr.right + 6.0 / f.width) +
                             ", screen " + frac(fr.top + 6.0 / f.height) +
                             " behind fillcolor rgb 'white' fillstyle solid 1.0 border lc rgb 'gray60'\n";
  const std::size_t after = panel.find("  unset object\n") + std::string("  unset object\n").size();
  return s + panel.insert(after, ground) + "  set tics font ''; set xlabel font ''\n";
}

}  // namespace

std::string gnuplot_script(const Figure& f, const std::string& stem, const GnuplotOptions& o) {
  const bool stacked = f.panels.size() > 1, multi = stacked || !f.insets.empty();
  std::string s = script_head(f, stem, o);
  for (std::size_t i = 0; i < f.panels.size(); ++i) s += panel_data(f.panels[i], "p" + std::to_string(i + 1));
  for (std::size_t i = 0; i < f.insets.size(); ++i) s += panel_data(f.insets[i].panel, "i" + std::to_string(i + 1));
  s += "\nset tics out\n\ndo for [fmt in formats] {\n" + terminal_lines(stem, f.width, f.height) + title_labels(f);
  const double top = 1 - (f.subtitle.empty() ? 40.0 : 58.0) / f.height;
  if (stacked)
    s += "  set multiplot layout " + std::to_string(f.panels.size()) + ",1 margins 0.12,0.96," + frac(60.0 / f.height) +
         "," + frac(1 - 70.0 / f.height) + " spacing 0,0.012\n";
  else if (multi) s += "  set multiplot\n" + margins(host_frame(f, f.panels.front()));
  else s += "  set tmargin at screen " + frac(top) + "\n";
  for (std::size_t i = 0; i < f.panels.size(); ++i) {
    s += "  # panel " + std::to_string(i + 1) + ": " + f.panels[i].y.label + "\n";
    s += panel_commands(f.panels[i], "p" + std::to_string(i + 1), i + 1 == f.panels.size());
    if (i == 0 && multi) s += "  unset label 101\n  unset label 102\n";
  }
  for (std::size_t i = 0; i < f.insets.size(); ++i)
    s += inset_commands(f, f.insets[i], host_frame(f, f.panels.at(f.insets[i].host)), "i" + std::to_string(i + 1));
  if (multi) s += "  unset multiplot\n";
  return s + "  set output\n}\n";
}

}  // namespace eos
