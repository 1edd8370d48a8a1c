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
};

// The figure of a table: heatmap_figure for two axes, lines_figure for one. Throws InputError
// when the table cannot be drawn: it is empty, an axis value is not a number, a heatmap has a
// parameter left varying, or a log scale is asked for values <= 0.
Figure table_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// Cells as boxes reaching halfway to their neighbours (cell_edges, per row), cells without a
// value hatched; explicit tics at the grid's values where there are few.
Figure heatmap_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// One series per split value with error bars of one sample std; the x range padded to hold the
// data and every threshold mark.
Figure lines_figure(const AggregateTable& t, const TableFigureOptions& o = {});

// "mean of final bias b over seed (3 runs per point)": what is drawn, averaged over what.
std::string table_title(const AggregateTable& t);
// "sparse-relu: λ = 3, n = 300": the model and its fixed keys with a value (at most six).
std::string table_subtitle(const AggregateTable& t);

}  // namespace eos
