// Figures of phase tables: a heatmap of the mean over two axes, or the mean ± std against one
// axis (one line per split value), with the theory the model declares drawn on top: the curve
// or marks η = η*, the line η/η* = 1 on an eta_rel axis, and the level of the value (the contour
// or line η·S/2 = 1). Labels come from the declarations (io/schema.h's column_label).
#pragma once
#include "eos/post/aggregate.h"
#include "eos/post/figure.h"
#include "eos/post/scale.h"

namespace eos {

struct TableFigureOptions {
  ScaleChoice xscale = ScaleChoice::Auto;
  ScaleChoice yscale = ScaleChoice::Auto;  // the second axis of a heatmap, the value of a line plot
  // A one-axis plot over η or η/η* gets an inset zooming on [η*/2, 2·η*] around its lines' η*:
  // over η when the lines share one η* (the paper's Figure 1), over η/η* when they do not (each
  // line scaled by its own η*, so that every line's transition is zoomed at once).
  bool inset = false;
};

// The figure of a table: heatmap_figure for two axes, lines_figure for one. Throws InputError
// when the table cannot be drawn: it is empty, an axis value is not a number, a heatmap has a
// parameter left varying, a log scale is asked for values <= 0, or an inset is asked for where
// there is no threshold to zoom on (a heatmap, an axis other than η or η/η*, an unknown η*, no
// line with 3 points within a factor 2 of it).
Figure table_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// Cells as boxes reaching halfway to their neighbours (cell_edges, per row), cells without a
// value hatched; explicit tics at the grid's values where there are few.
Figure heatmap_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// One series per split value with error bars of one sample std; the x range padded to hold the
// data and every threshold mark.
Figure lines_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// "sparse-relu: final bias b against η", "sparse-relu: η·S_max/2 over η/η* and d": the model and
// what is drawn (the statistic is in the value's axis or colour-bar label).
std::string table_title(const AggregateTable& t);
// "λ = 3, n = 300, horizon η·T = 10": the fixed parameters a reader needs: the model's keys with
// one value (at most six) that change the result and are sweep axes or off their default (not
// path = fast, n_test = 2000, nor the seed); then the GD steps T when fixed, or else the horizon
// η·T when it is the same on every row.
std::string table_subtitle(const AggregateTable& t);

}  // namespace eos
