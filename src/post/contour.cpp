// Marching squares over a (possibly sheared) grid of nodes.
#include "eos/post/contour.h"

#include <cmath>

#include "eos/post/scale.h"

namespace eos {
namespace {

struct P {
  double x, y;
};

// One grid cell: its corners in order around it, a (i,j), b (i,j+1), c (i+1,j+1), d (i+1,j), as
// values and positions on the drawn scales.
struct Square {
  double val[4];
  P pos[4];
};

// The cell with lower-left node (i, j); false when a corner is NaN.
bool square_at(const std::vector<std::vector<double>>& v, const std::vector<std::vector<double>>& x,
               const std::vector<std::vector<double>>& y, std::size_t i, std::size_t j, bool xlog, bool ylog, Square& s) {
  const std::size_t ci[4] = {i, i, i + 1, i + 1}, cj[4] = {j, j + 1, j + 1, j};
  for (int k = 0; k < 4; ++k) {
    s.val[k] = v[ci[k]][cj[k]];
    s.pos[k] = {to_scale(x[ci[k]][cj[k]], xlog), to_scale(y[ci[k]][cj[k]], ylog)};
    if (std::isnan(s.val[k])) return false;
  }
  return true;
}

// The segments of one cell into out.
void march(const Square& s, double level, bool xlog, bool ylog, std::vector<Segment>& out) {
  P cross[4];
  bool has[4];
  int n = 0;
  for (int k = 0; k < 4; ++k) {  // a crossing on edge k, from corner k to corner k+1
    const int l = (k + 1) % 4;
    has[k] = (s.val[k] >= level) != (s.val[l] >= level);
    if (!has[k]) continue;
    const double f = (level - s.val[k]) / (s.val[l] - s.val[k]);
    cross[k] = {s.pos[k].x + f * (s.pos[l].x - s.pos[k].x), s.pos[k].y + f * (s.pos[l].y - s.pos[k].y)};
    ++n;
  }
  auto emit = [&](int a, int b) {
    out.push_back({from_scale(cross[a].x, xlog), from_scale(cross[a].y, ylog), from_scale(cross[b].x, xlog),
                   from_scale(cross[b].y, ylog)});
  };
  if (n == 2) {
    int a = -1, b = -1;
    for (int k = 0; k < 4; ++k)
      if (has[k]) (a < 0 ? a : b) = k;
    emit(a, b);
  } else if (n == 4) {
    // A saddle: the centre's side decides which corners the lines cut off.
    const double centre = 0.25 * (s.val[0] + s.val[1] + s.val[2] + s.val[3]);
    if ((centre >= level) == (s.val[0] >= level)) {
      emit(0, 1);  // around corner b
      emit(2, 3);  // around corner d
    } else {
      emit(3, 0);  // around corner a
      emit(1, 2);  // around corner c
    }
  }
}

}  // namespace

std::vector<Segment> contour_segments(const std::vector<std::vector<double>>& v,
                                      const std::vector<std::vector<double>>& x,
                                      const std::vector<std::vector<double>>& y, double level, bool xlog, bool ylog) {
  std::vector<Segment> out;
  for (std::size_t i = 0; i + 1 < v.size(); ++i)
    for (std::size_t j = 0; j + 1 < v[i].size() && j + 1 < v[i + 1].size(); ++j) {
      Square s;
      if (square_at(v, x, y, i, j, xlog, ylog, s)) march(s, level, xlog, ylog, out);
    }
  return out;
}

}  // namespace eos
