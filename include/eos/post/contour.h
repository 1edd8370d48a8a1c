// Contour lines of a field known on rows of nodes (the cell means of a heatmap), for heatmap
// overlays: marching squares with one saddle rule, joined into polylines.
#pragma once
#include <vector>

#include "eos/post/figure.h"

namespace eos {

// One row of the field: its y and its nodes, x ascending, with their values (NaN: no value).
// Rows may have different x values and lengths. Neighbouring rows are matched at the same x/align:
// align = 1 matches them at the same x; a grid sheared by eta_rel (x = η = η/η*·η*(row)) has its
// rows matched at the same η/η* with align = the row's η*, so its cells between rows are the
// sheared rectangles of the same columns.
struct FieldRow {
  double y = 0;
  std::vector<double> x, v;
  double align = 1;
};

struct ContourOptions {
  bool xlog = false, ylog = false;  // interpolate along log(x), log(y)
};

// Where the field crosses level. Between two neighbouring rows (sorted by y) the field is
// interpolated at the same x/align, linearly on the drawn scales, over the range both rows cover
// (nothing is drawn where one of them has no data); along a row it is linear between its nodes.
// Cells with a corner without a value are skipped. Marching squares on the cells, a saddle
// resolved by the mean of its corners; the pieces joined into polylines (closed ones end where
// they start). Every polyline either closes or ends on the edge of the data.
std::vector<Polyline> contour_lines(std::vector<FieldRow> rows, double level, const ContourOptions& o = {});

}  // namespace eos
