// The gnuplot backend: scripts from Figures, and finding and running gnuplot.
#include "eos/post/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "eos/util/number.h"
#include "eos/util/text.h"

extern char** environ;

namespace eos {
namespace {

// Colour-blind-safe line colours (Okabe–Ito), cycled.
const char* const kCycle[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int kCycleSize = sizeof kCycle / sizeof kCycle[0];

// A gnuplot single-quoted string (line breaks become spaces).
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c == '\n' ? ' ' : c;
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

std::string rgb(const Color& c) {
  switch (c.role) {
    case Color::Role::Theory: return "'red'";
    case Color::Role::Ink: return "'black'";
    case Color::Role::Muted: return "'gray40'";
    case Color::Role::Cycle: break;
  }
  return std::string("'") + kCycle[((c.index % kCycleSize) + kCycleSize) % kCycleSize] + "'";
}

int dash_type(Dash d) { return d == Dash::Dashed ? 2 : d == Dash::Dotted ? 3 : 1; }

// "lw 1.5 dt 2 lc rgb 'red'"
std::string line_style(double width, Dash dash, const Color& color) {
  return "lw " + num(width) + " dt " + std::to_string(dash_type(dash)) + " lc rgb " + rgb(color);
}

std::string title_of(const std::string& t) { return t.empty() ? "notitle" : "title " + q(t); }

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

std::string block(const std::string& name, const std::string& comment, const std::string& rows) {
  return name + " << EOD\n# " + comment + "\n" + rows + "EOD\n";
}

std::string box_rows(const std::vector<Box>& boxes, bool values) {
  std::string s;
  for (const auto& b : boxes) {
    s += num(b.x) + " " + num(b.y) + " " + num(b.x0) + " " + num(b.x1) + " " + num(b.y0) + " " + num(b.y1);
    s += values ? " " + num(b.value) + " " + std::to_string(b.count) + "\n" : "\n";
  }
  return s;
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
  if (!p.heatmap.cells.empty()) s += block("$" + n + "_cells", "x y xlo xhi ylo yhi value count", box_rows(p.heatmap.cells, true));
  if (!p.heatmap.missing.empty()) s += block("$" + n + "_missing", "x y xlo xhi ylo yhi", box_rows(p.heatmap.missing, false));
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
  const std::string pts = " pt 7 ps 0.7";
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
  std::vector<std::string> e;
  if (!p.heatmap.cells.empty())
    e.push_back("$" + n + "_cells using 1:2:3:4:5:6:7 with boxxyerror fillstyle solid 1.0 noborder linecolor palette notitle");
  if (!p.heatmap.missing.empty())
    e.push_back("$" + n + "_missing using 1:2:3:4:5:6 with boxxyerror fillstyle pattern 4 lc rgb 'gray60' " +
                title_of(p.heatmap.missing_title));
  for (std::size_t i = 0; i < p.series.size(); ++i) e.push_back(series_element(p.series[i], "$" + n + "_series" + std::to_string(i + 1)));
  for (std::size_t i = 0; i < p.curves.size(); ++i) {
    const Curve& c = p.curves[i];
    e.push_back("$" + n + "_curve" + std::to_string(i + 1) + " using 1:2 with " + (c.points ? "linespoints pt 7 ps 0.6 " : "lines ") +
                line_style(c.width, c.dash, c.color) + " " + title_of(c.title));
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
    case Legend::Inside: break;
  }
  return "set key inside top right noopaque nobox\n";
}

std::string mark_command(const Mark& m) {
  const std::string at = num(m.at);
  const std::string where = m.direction == Mark::Direction::Vertical ? "from " + at + ", graph 0 to " + at + ", graph 1"
                                                                     : "from graph 0, first " + at + " to graph 1, first " + at;
  return "set arrow " + where + " nohead front " + line_style(m.width, m.dash, m.color) + "\n";
}

std::string heatmap_commands(const Heatmap& h) {
  if (h.cells.empty()) return "";
  std::string s = "set cblabel " + q(h.label) + "\n";
  s += "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
  if (std::isnan(h.min) || std::isnan(h.max)) s += "set autoscale cb\n";
  else s += "set cbrange [" + num(h.min) + ":" + num(h.max) + "]\n";
  return s;
}

// Everything one panel sets, then its plot command; indented for the loop over formats.
std::string panel_commands(const Panel& p, const std::string& n, bool bottom) {
  std::string s = "unset arrow\nunset logscale\n";
  s += axis_commands(p.x, "x", bottom) + axis_commands(p.y, "y", true);
  s += "set offsets graph " + num(p.x.pad_low) + ", graph " + num(p.x.pad_high) + ", graph " + num(p.y.pad_high) +
       ", graph " + num(p.y.pad_low) + "\n";
  s += legend_command(p.legend);
  s += p.grid ? "set grid lc rgb 'gray85'\n" : "unset grid\n";
  for (const auto& m : p.marks) s += mark_command(m);
  s += heatmap_commands(p.heatmap);
  s += "plot " + join(panel_elements(p, n), ", \\\n     ") + "\n";
  return indent(s);
}

std::string terminal_lines(const std::string& stem, int w, int h) {
  const std::string size = std::to_string(w) + "," + std::to_string(h);
  return "  if (fmt eq 'png') { set terminal pngcairo size " + size + " noenhanced font 'sans,11'; set output " +
         q(stem + ".png") + " }\n" + "  if (fmt eq 'svg') { set terminal svg size " + size +
         " noenhanced font 'sans,11' background rgb 'white'; set output " + q(stem + ".svg") + " }\n";
}

// Stacked panels: a multiplot whose margins leave fixed room (in pixels) for the title and the
// step axis.
std::string multiplot_line(const Figure& f, const std::string& title) {
  const double bottom = 60.0 / f.height, top = 1.0 - 70.0 / f.height;
  return "  set multiplot layout " + std::to_string(f.panels.size()) + ",1 margins 0.12,0.96," +
         num(std::round(bottom * 1000) / 1000) + "," + num(std::round(top * 1000) / 1000) + " spacing 0,0.012 title " +
         dq(title) + "\n";
}

}  // namespace

std::string gnuplot_script(const Figure& f, const std::string& stem, const GnuplotOptions& o) {
  const bool stacked = f.panels.size() > 1;
  const std::string title = f.title + (f.subtitle.empty() ? "" : "\n" + f.subtitle);
  std::string s = script_head(f, stem, o);
  for (std::size_t i = 0; i < f.panels.size(); ++i) s += panel_data(f.panels[i], "p" + std::to_string(i + 1));
  s += "\nset tics out\n";
  if (!stacked) s += "set title " + dq(title) + "\n";
  s += "\ndo for [fmt in formats] {\n" + terminal_lines(stem, f.width, f.height);
  if (stacked) s += multiplot_line(f, title);
  for (std::size_t i = 0; i < f.panels.size(); ++i) {
    s += "  # panel " + std::to_string(i + 1) + ": " + f.panels[i].y.label + "\n";
    s += panel_commands(f.panels[i], "p" + std::to_string(i + 1), i + 1 == f.panels.size());
  }
  if (stacked) s += "  unset multiplot\n";
  return s + "  set output\n}\n";
}

std::string find_gnuplot(std::string* why) {
  const char* env = std::getenv("EOS_GNUPLOT");
  auto runnable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (env && *env && std::strchr(env, '/')) {
    if (runnable(env)) return env;
    if (why) *why = std::string("EOS_GNUPLOT=") + env + " is not an executable file";
    return "";
  }
  const std::string name = env && *env ? env : "gnuplot";
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "";
  for (std::size_t pos = 0; pos <= dirs.size();) {
    std::size_t colon = dirs.find(':', pos);
    if (colon == std::string::npos) colon = dirs.size();
    const std::string dir = colon > pos ? dirs.substr(pos, colon - pos) : ".";
    if (runnable(dir + "/" + name)) return dir + "/" + name;
    pos = colon + 1;
  }
  if (why) *why = name + " was not found on PATH (install it: apt-get install gnuplot-nox)";
  return "";
}

namespace {

// Start gnuplot on script with stdin and stdout on /dev/null and stderr into a pipe; returns the
// error text when it could not start.
std::string spawn_gnuplot(const std::string& gnuplot, const std::string& script, pid_t& pid, int& err_fd) {
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
  const int rc = ::posix_spawn(&pid, gnuplot.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return "cannot start " + gnuplot + ": " + std::strerror(rc);
  }
  err_fd = fds[0];
  return "";
}

// What comes out of fd until it closes (at most 64 KiB kept).
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (out.size() < 65536) out.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fd);
  return out;
}

}  // namespace

std::string run_gnuplot(const std::string& gnuplot, const std::string& script) {
  pid_t pid = 0;
  int err_fd = -1;
  if (std::string why = spawn_gnuplot(gnuplot, script, pid, err_fd); !why.empty()) return why;
  std::string err = read_all(err_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  err = trim(err);
  const std::string what = WIFEXITED(status) ? "gnuplot exited with status " + std::to_string(WEXITSTATUS(status))
                                             : "gnuplot was killed by signal " + std::to_string(WTERMSIG(status));
  return what + (err.empty() ? "" : ": " + err);
}

}  // namespace eos
