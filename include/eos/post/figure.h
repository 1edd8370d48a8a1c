// A figure as plain data, independent of any drawing program: stacked panels with their axes,
// heatmap cells, data series, theory curves, contours and reference marks, all values inline.
// Builders (table_figure.h, trace_figure.h) make one; a backend (gnuplot.h) draws it.
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace eos {

// A colour by its role; the backend chooses the actual colours.
struct Color {
  enum class Role {
    Cycle,   // the index-th colour of a colour-blind-safe cycle (one per data line)
    Theory,  // theory drawn over data (strong red)
    Ink,     // black
    Muted,   // grey, for reference lines
  };
  Role role = Role::Cycle;
  int index = 0;  // for Role::Cycle
};

enum class Dash { Solid, Dashed, Dotted };

struct Axis {
  static constexpr double kAuto = std::numeric_limits<double>::quiet_NaN();
  std::string label;
  bool log = false;
  // The range; NaN for automatic: the backend fits the data, curves and contours exactly, then
  // widens the range by pad_low and pad_high (fractions of the panel). Marks do not count: a
  // builder that wants a mark in view sets the range.
  double min = kAuto, max = kAuto;
  double pad_low = 0, pad_high = 0;
  std::vector<double> tics;  // explicit tic positions (labelled as numbers); empty: the backend's
};

// One heatmap cell: a box around the centre (x, y), coloured by value.
struct Box {
  double x = 0, y = 0;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  double value = 0;  // unused in Heatmap::missing
  long count = 0;    // the runs behind the value (for readers of the data)
};

enum class Palette {
  Sequential,  // dark to light (viridis): values without a reference level
  Diverging,   // blue below Heatmap::center, a light neutral at it, red above: a value with a level
};

// Heatmap cells that fill an nx × ny lattice evenly spaced on the drawn scales: their values row
// by row (y slowest), NaN for a missing cell. A backend may draw it as one image.
struct Raster {
  std::size_t nx = 0, ny = 0;  // 0: the cells are not such a lattice
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;  // centres of the first and last column and row
  std::vector<double> values;
};

struct Heatmap {
  std::vector<Box> cells;    // coloured by value
  std::vector<Box> missing;  // cells without a value: hatched, with the legend missing_title
  std::string missing_title = "no value";
  // Where the panel has no cell (rows that cover different x ranges): a light grey, with this
  // legend; empty: the background.
  std::string outside_title;
  std::string label;         // of the colour bar
  double min = Axis::kAuto, max = Axis::kAuto;  // of the colour bar; NaN: the data's
  Palette palette = Palette::Sequential;
  double center = Axis::kAuto;  // Palette::Diverging: the value drawn neutral (within [min, max])
  Raster raster;                // the cells as a lattice, when they are one
};

// Data drawn as lines, points or both, with optional error bars.
struct Series {
  enum class Style { Lines, Points, LinesPoints };
  std::string title;            // legend text; empty: not in the legend
  std::vector<double> x, y;     // finite values only
  std::vector<double> err;      // ± error bars on y, one per point; empty: none
  Style style = Style::Lines;
  Color color;
  Dash dash = Dash::Solid;
  double width = 1.5;
  double point_size = 0.7;  // of the marks of Points and LinesPoints
  bool outlined = false;    // marks drawn over a white halo (to stand out on a heatmap)
};

// A theory curve: a polyline with a legend entry, drawn over the data.
struct Curve {
  std::string title;
  std::vector<double> x, y;
  bool points = false;  // mark the vertices (a curve known only at the grid's values)
  Color color{Color::Role::Theory};
  Dash dash = Dash::Dashed;
  double width = 2.5;
  bool outlined = false;  // drawn over a wider light line, to read on any colour (over a heatmap)
};

// A line through points in order; closed when its last point is its first.
struct Polyline {
  std::vector<double> x, y;
  bool closed() const { return x.size() > 2 && x.front() == x.back() && y.front() == y.back(); }
};

// A contour of the heatmap's field, drawn as an outlined line (dark with a light core).
struct Contour {
  std::string title;
  double level = 0;
  std::vector<Polyline> lines;
};

// A reference line across the whole panel: x = at (vertical) or y = at (horizontal).
struct Mark {
  enum class Direction { Vertical, Horizontal };
  Direction direction = Direction::Vertical;
  double at = 0;
  std::string title;  // legend text; empty: none (a KeyEntry may stand for several marks)
  Color color{Color::Role::Ink};
  Dash dash = Dash::Dashed;
  double width = 1.5;
  bool outlined = false;  // drawn over a wider light line (over a heatmap)
};

// A legend entry of its own, for marks or curves drawn without a title.
struct KeyEntry {
  std::string title;
  Color color{Color::Role::Ink};
  Dash dash = Dash::Dashed;
  double width = 1.5;
};

enum class Legend { Inside, InsideBoxed, Outside, Below, None };

struct Panel {
  Axis x, y;
  Heatmap heatmap;  // drawn when it has cells or missing cells
  std::vector<Series> series;
  std::vector<Curve> curves;
  std::vector<Contour> contours;
  std::vector<Mark> marks;
  std::vector<KeyEntry> keys;
  Legend legend = Legend::Inside;
  bool grid = false;
};

// A small panel drawn over another, e.g. a zoom around a threshold: its plot area as fractions
// of the host panel's (0, 0 its lower left corner), with room left for its tic labels.
struct Inset {
  std::size_t host = 0;  // index into Figure::panels
  double left = 0, bottom = 0, right = 1, top = 1;
  Panel panel;
};

struct Figure {
  std::string about;     // one line: what the figure shows (a comment in scripts)
  std::string title;     // the title: the model and what is drawn
  std::string subtitle;  // a smaller second line (the fixed parameters); may be empty
  int width = 900, height = 700;  // pixels
  std::vector<Panel> panels;      // top to bottom; several share the x axis (labelled once, at the bottom)
  std::vector<Inset> insets;      // drawn after their host panel
};

}  // namespace eos
