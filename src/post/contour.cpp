// Marching squares over rows of nodes: each pair of neighbouring rows is a strip of rectangles at
// the (aligned) x values of both rows, over the range both cover; the pieces are joined into
// polylines.
//
// Every crossing point is computed one way only, so the pieces of neighbouring cells meet
// exactly: a crossing on a row from that row's own nodes (the same in the strips below and above
// it), a crossing between rows from the strip's two samples at that x. A row's side of the level
// between its nodes follows the same rule: left of the row's crossing the left node's side.
#include "eos/post/contour.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "eos/post/scale.h"

namespace eos {
namespace {

// A point on the drawn scales, ordered for use as a map key.
struct P {
  double u, w;
  bool operator<(const P& o) const { return u < o.u || (u == o.u && w < o.w); }
  bool operator==(const P& o) const { return u == o.u && w == o.w; }
};
using Piece = std::pair<P, P>;

// A row: its nodes at aligned positions u (on the drawn scale, of x/align), their values, and
// where they are drawn: at u·mul + off.
struct Row {
  double y = 0, w = 0;  // w: y on the drawn scale
  std::vector<double> u, v;
  double mul = 1, off = 0;
  double drawn(double at) const { return at * mul + off; }
};

Row row_of(const FieldRow& r, const ContourOptions& o) {
  Row out{.y = r.y, .w = to_scale(r.y, o.ylog)};
  const double align = r.align > 0 ? r.align : 1;
  if (o.xlog) out.off = std::log(align);
  else out.mul = align;
  for (std::size_t k = 0; k < r.x.size() && k < r.v.size(); ++k) {
    if (o.xlog && !(r.x[k] > 0)) continue;
    out.u.push_back(to_scale(r.x[k] / align, o.xlog));
    out.v.push_back(std::isfinite(r.v[k]) ? r.v[k] : NAN);
  }
  return out;
}

// Where row r crosses the level between its nodes p and p + 1 (on opposite sides of it), as an
// aligned position.
double row_crossing(const Row& r, std::size_t p, double level) {
  const double f = (level - r.v[p]) / (r.v[p + 1] - r.v[p]);
  if (!(f > 0)) return r.u[p];
  if (!(f < 1)) return r.u[p + 1];
  return r.u[p] + f * (r.u[p + 1] - r.u[p]);
}

// The row at u (within its range): a node's value, or linear between the nodes around u.
struct Sample {
  double v = NAN;
  bool above = false;
};

Sample sample(const Row& r, double u, double level) {
  const std::size_t q = static_cast<std::size_t>(std::lower_bound(r.u.begin(), r.u.end(), u) - r.u.begin());
  if (q < r.u.size() && r.u[q] == u) return {r.v[q], r.v[q] >= level};
  const std::size_t p = q - 1;
  const double a = r.v[p], b = r.v[p + 1];
  const double v = a + (u - r.u[p]) / (r.u[p + 1] - r.u[p]) * (b - a);
  const bool left = (a >= level) == (b >= level) || u < row_crossing(r, p, level);
  return {v, left ? a >= level : b >= level};
}

// Two neighbouring rows (bottom a, top b) sampled at the x values of both, where both have data.
struct Strip {
  const Row *a, *b;
  std::vector<double> u;
  std::vector<Sample> sa, sb;
};

Strip strip_of(const Row& a, const Row& b, double level) {
  Strip s{&a, &b, {}, {}, {}};
  if (a.u.empty() || b.u.empty()) return s;
  const double lo = std::max(a.u.front(), b.u.front()), hi = std::min(a.u.back(), b.u.back());
  for (const Row* r : {&a, &b})
    for (double u : r->u)
      if (u >= lo && u <= hi) s.u.push_back(u);
  std::sort(s.u.begin(), s.u.end());
  s.u.erase(std::unique(s.u.begin(), s.u.end()), s.u.end());
  for (double u : s.u) {
    s.sa.push_back(sample(a, u, level));
    s.sb.push_back(sample(b, u, level));
  }
  return s;
}

// The crossing on row r between its samples at u0 < u1: the row's own, from its nodes.
P on_row(const Row& r, double u0, double level) {
  const std::size_t p = static_cast<std::size_t>(std::upper_bound(r.u.begin(), r.u.end(), u0) - r.u.begin()) - 1;
  return {r.drawn(row_crossing(r, p, level)), r.w};
}

// The crossing between the rows at sample k, on the line between the two samples as drawn.
P between_rows(const Strip& s, std::size_t k, double level) {
  const double a = s.sa[k].v, b = s.sb[k].v;
  const double f = std::clamp((level - a) / (b - a), 0.0, 1.0);
  const P lo{s.a->drawn(s.u[k]), s.a->w}, hi{s.b->drawn(s.u[k]), s.b->w};
  if (f == 0) return lo;
  if (f == 1) return hi;
  return {lo.u + f * (hi.u - lo.u), lo.w + f * (hi.w - lo.w)};
}

// The pieces of the cell between samples k and k + 1. Corners 0-3: bottom left, bottom right,
// top right, top left; edge e runs from corner e to corner e + 1.
void march(const Strip& s, std::size_t k, double level, std::vector<Piece>& out) {
  const Sample c[4] = {s.sa[k], s.sa[k + 1], s.sb[k + 1], s.sb[k]};
  for (const auto& x : c)
    if (std::isnan(x.v)) return;
  P cross[4];
  bool has[4];
  int n = 0;
  for (int e = 0; e < 4; ++e) {
    has[e] = c[e].above != c[(e + 1) % 4].above;
    if (!has[e]) continue;
    ++n;
    if (e == 0) cross[e] = on_row(*s.a, s.u[k], level);
    else if (e == 2) cross[e] = on_row(*s.b, s.u[k], level);
    else cross[e] = between_rows(s, e == 1 ? k + 1 : k, level);
  }
  auto emit = [&](int e, int f) {
    if (!(cross[e] == cross[f])) out.push_back({cross[e], cross[f]});
  };
  if (n == 2) {
    int e = 0;
    while (!has[e]) ++e;
    int f = e + 1;
    while (!has[f]) ++f;
    emit(e, f);
  } else if (n == 4) {  // a saddle: the mean of the corners says which pair is joined
    const bool centre = 0.25 * (c[0].v + c[1].v + c[2].v + c[3].v) >= level;
    if (centre == c[0].above) {
      emit(0, 1);  // around the bottom-right corner
      emit(2, 3);  // around the top-left corner
    } else {
      emit(3, 0);
      emit(1, 2);
    }
  }
}

// The pieces joined end to end: from the open ends first, then the closed loops.
std::vector<std::vector<P>> join(const std::vector<Piece>& pieces) {
  std::map<P, std::vector<std::size_t>> ends;  // 2i: the first end of piece i, 2i + 1: its second
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    ends[pieces[i].first].push_back(2 * i);
    ends[pieces[i].second].push_back(2 * i + 1);
  }
  std::vector<bool> used(pieces.size(), false);
  auto next = [&](const P& at) -> const P* {
    for (std::size_t e : ends[at])
      if (!used[e / 2]) {
        used[e / 2] = true;
        return e % 2 ? &pieces[e / 2].first : &pieces[e / 2].second;
      }
    return nullptr;
  };
  auto walk = [&](P at) {
    std::vector<P> line{at};
    while (const P* p = next(at)) line.push_back(at = *p);
    return line;
  };
  std::vector<std::vector<P>> lines;
  for (const auto& [p, e] : ends)
    if (e.size() % 2 == 1 && std::any_of(e.begin(), e.end(), [&](std::size_t i) { return !used[i / 2]; }))
      lines.push_back(walk(p));
  for (std::size_t i = 0; i < pieces.size(); ++i)
    if (!used[i]) lines.push_back(walk(pieces[i].first));
  return lines;
}

}  // namespace

std::vector<Polyline> contour_lines(std::vector<FieldRow> rows, double level, const ContourOptions& o) {
  std::stable_sort(rows.begin(), rows.end(), [](const FieldRow& a, const FieldRow& b) { return a.y < b.y; });
  std::vector<Row> drawn;
  std::map<double, double> row_y;  // drawn w → the row's y, so that points on a row keep it exactly
  for (const auto& r : rows) {
    drawn.push_back(row_of(r, o));
    row_y[drawn.back().w] = r.y;
  }
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i + 1 < drawn.size(); ++i) {
    const Strip s = strip_of(drawn[i], drawn[i + 1], level);
    for (std::size_t k = 0; k + 1 < s.u.size(); ++k) march(s, k, level, pieces);
  }
  std::vector<Polyline> out;
  for (const auto& line : join(pieces)) {
    Polyline p;
    for (const auto& q : line) {
      const auto on_row = row_y.find(q.w);
      p.x.push_back(from_scale(q.u, o.xlog));
      p.y.push_back(on_row != row_y.end() ? on_row->second : from_scale(q.w, o.ylog));
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace eos
