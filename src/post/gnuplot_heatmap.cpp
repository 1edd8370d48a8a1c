// The gnuplot backend's heatmaps: cells as boxes, each outlined in its own colour so that no seam
// shows between neighbours; a large lattice (Heatmap::raster) as one matrix of values drawn as an
// image (compact, and fast to draw at 10⁵ cells); missing cells hatched over white; the area
// without cells light grey; a sequential or a diverging palette.
#include <cmath>
#include <cstdio>
#include <limits>

#include "eos/post/scale.h"
#include "gnuplot_parts.h"

namespace eos::gp {
namespace {

// Lattices of at least this many cells are drawn as an image (smaller ones as boxes: an SVG
// viewer would blur a small image stretched over the panel).
constexpr std::size_t kImageCells = 2500;

bool as_image(const Heatmap& h) {
  const Raster& r = h.raster;
  return r.nx >= 2 && r.ny >= 2 && r.nx * r.ny >= kImageCells && r.values.size() == r.nx * r.ny;
}

std::string box_rows(const std::vector<Box>& boxes, bool values) {
  std::string s;
  for (const auto& b : boxes) {
    s += num(b.x) + " " + num(b.y) + " " + num(b.x0) + " " + num(b.x1) + " " + num(b.y0) + " " + num(b.y1);
    s += values ? " " + num(b.value) + " " + std::to_string(b.count) + "\n" : "\n";
  }
  return s;
}

// The lattice's values, one line per row, to 7 digits; a missing value as the smallest one (its
// cell is hatched over).
std::string matrix_rows(const Raster& r) {
  double fill = std::numeric_limits<double>::infinity();
  for (double v : r.values)
    if (std::isfinite(v)) fill = std::min(fill, v);
  if (!std::isfinite(fill)) fill = 0;
  std::string s;
  char buf[32];
  for (std::size_t i = 0; i < r.ny; ++i) {
    for (std::size_t j = 0; j < r.nx; ++j) {
      const double v = r.values[i * r.nx + j];
      std::snprintf(buf, sizeof buf, j ? " %.7g" : "%.7g", std::isfinite(v) ? v : fill);
      s += buf;
    }
    s += "\n";
  }
  return s;
}

// "(a + $1*b)": column c of a matrix (its index) as a position on a drawn scale from lo to hi.
std::string matrix_position(int column, double lo, double hi, std::size_t n, bool log) {
  const double a = to_scale(lo, log), b = (to_scale(hi, log) - a) / static_cast<double>(n - 1);
  return "(" + num(a) + " + $" + std::to_string(column) + "*" + num(b) + ")";
}

// "set palette defined (...)": viridis; or blue, a light neutral at the centre, red, placed at
// the data's values over the colour bar's range so that the centre's colour is at the centre.
std::string palette_command(const Heatmap& h) {
  const bool diverging = h.palette == Palette::Diverging && std::isfinite(h.center) && h.min < h.max &&
                         h.center >= h.min && h.center <= h.max;
  if (!diverging) return "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
  std::vector<std::string> stops;
  if (h.min < h.center)
    stops = {num(h.min) + " '#2166ac'", num(0.5 * (h.min + h.center)) + " '#67a9cf'"};
  stops.push_back(num(h.center) + " '#f7f7f7'");
  if (h.max > h.center) {
    stops.push_back(num(0.5 * (h.center + h.max)) + " '#ef8a62'");
    stops.push_back(num(h.max) + " '#b2182b'");
  }
  std::string s = "set palette defined (";
  for (std::size_t i = 0; i < stops.size(); ++i) s += (i ? ", " : "") + stops[i];
  return s + ")\nset cbtics add (" + num(h.center) + ")\n";
}

}  // namespace

std::string heatmap_data(const Heatmap& h, const std::string& n) {
  std::string s;
  if (as_image(h))
    s += block("$" + n + "_grid", "matrix: " + std::to_string(h.raster.ny) + " rows (y) of " + std::to_string(h.raster.nx) +
                                      " values (x), a missing value as the smallest",
               matrix_rows(h.raster));
  else if (!h.cells.empty())
    s += block("$" + n + "_cells", "x y xlo xhi ylo yhi value count", box_rows(h.cells, true));
  if (!h.missing.empty()) s += block("$" + n + "_missing", "x y xlo xhi ylo yhi", box_rows(h.missing, false));
  return s;
}

std::vector<std::string> heatmap_elements(const Heatmap& h, const std::string& n, const Axis& x, const Axis& y) {
  std::vector<std::string> e;
  if (as_image(h)) {
    const Raster& r = h.raster;
    // On the x2 and y2 axes, linear over the drawn scales (an image on a log axis is not).
    e.push_back("$" + n + "_grid matrix using " + matrix_position(1, r.x0, r.x1, r.nx, x.log) + ":" +
                matrix_position(2, r.y0, r.y1, r.ny, y.log) + ":3 axes x2y2 with image notitle");
  } else if (!h.cells.empty()) {
    const std::string cells = "$" + n + "_cells using 1:2:3:4:5:6:7 with boxxyerror ";
    e.push_back(cells + "fillstyle solid 1.0 noborder linecolor palette notitle");
    e.push_back(cells + "fillstyle empty linecolor palette lw 0.8 notitle");  // covers the seams
  }
  if (!h.missing.empty()) {
    const std::string missing = "$" + n + "_missing using 1:2:3:4:5:6 with boxxyerror ";
    e.push_back(missing + "fillstyle solid 1.0 noborder lc rgb 'white' notitle");
    e.push_back(missing + "fillstyle pattern 4 lc rgb 'gray50' " + title_of(h.missing_title));
  }
  if (!h.outside_title.empty())
    e.push_back(std::string("NaN with boxes fillstyle solid 1.0 noborder lc rgb ") + kOutside + " " + title_of(h.outside_title));
  return e;
}

std::string heatmap_commands(const Heatmap& h, const Axis& x, const Axis& y) {
  if (h.cells.empty()) return "";
  std::string s = "set cblabel " + q(h.label) + "\nset cbtics autofreq\n" + palette_command(h);
  if (std::isnan(h.min) || std::isnan(h.max)) s += "set autoscale cb\n";
  else s += "set cbrange [" + num(h.min) + ":" + num(h.max) + "]\n";
  if (!h.outside_title.empty())
    s += std::string("set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind fillcolor rgb ") + kOutside +
         " fillstyle solid 1.0 noborder\n";
  if (as_image(h)) {
    s += "set x2range [" + num(to_scale(x.min, x.log)) + ":" + num(to_scale(x.max, x.log)) + "]\n";
    s += "set y2range [" + num(to_scale(y.min, y.log)) + ":" + num(to_scale(y.max, y.log)) + "]\n";
    s += "unset x2tics\nunset y2tics\n";
  }
  return s;
}

}  // namespace eos::gp
