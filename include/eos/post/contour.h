// Contour lines of a field on a grid of nodes (marching squares), for heatmap overlays.
#pragma once
#include <vector>

#include "eos/post/figure.h"

namespace eos {

// Where the field v crosses level on a grid of nx×ny nodes: node (i, j) has value v[i][j] at
// (x[i][j], y[i][j]) (row i, column j; the grid may be sheared). Positions are interpolated
// linearly in the value, along log(x) or log(y) on log axes. Cells with a NaN corner are skipped;
// a saddle is resolved by the mean of its corners.
std::vector<Segment> contour_segments(const std::vector<std::vector<double>>& v,
                                      const std::vector<std::vector<double>>& x,
                                      const std::vector<std::vector<double>>& y, double level, bool xlog, bool ylog);

}  // namespace eos
