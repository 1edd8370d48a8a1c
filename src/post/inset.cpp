// The zoom of a line plot around its threshold (aggregate --inset, the inset of the paper's
// Figure 1): the lines within a factor kZoom of their η*, over η when the lines share one η* (one
// d), over η/η* when they do not (every line scaled by its own η*, so that all transitions are
// zoomed at once), drawn in the corner of the plot that hides the fewest points.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "eos/post/scale.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "table_parts.h"

namespace eos {
namespace {

constexpr double kZoom = 2;          // the window: [c/kZoom, c·kZoom] around the threshold c
constexpr std::size_t kMinPoints = 3;  // points within the window that make a zoom worth drawing

// The series' points within [lo, hi], and the nearest one outside on either side (so that the
// lines run to the inset's frame), x divided by scale.
Series zoomed(const Series& s, double scale, double lo, double hi, std::size_t& inside) {
  Series z = s;
  z.title.clear();
  z.x.clear();
  z.y.clear();
  z.err.clear();
  for (std::size_t k = 0; k < s.x.size(); ++k) {
    const double x = s.x[k] / scale;
    const bool in = x >= lo && x <= hi;
    const bool before = !in && x < lo && k + 1 < s.x.size() && s.x[k + 1] / scale >= lo;
    const bool after = !in && x > hi && k > 0 && s.x[k - 1] / scale <= hi;
    if (!in && !before && !after) continue;
    inside += in;
    z.x.push_back(x);
    z.y.push_back(s.y[k]);
    z.err.push_back(k < s.err.size() ? s.err[k] : 0);
  }
  return z;
}

// The y range of the points within the window, mean ± std, padded by 8%.
void fit_y(Axis& y, const std::vector<Series>& series, double lo, double hi) {
  Extent e;
  for (const auto& s : series)
    for (std::size_t k = 0; k < s.x.size(); ++k)
      if (s.x[k] >= lo && s.x[k] <= hi) {
        e.add(s.y[k] - s.err[k]);
        e.add(s.y[k] + s.err[k]);
      }
  std::tie(y.min, y.max) = padded_range(e.lo, e.hi, 0.08, false);
}

// How many of the main panel's points (with their error bars) fall in the box, in fractions of
// its plot area.
std::size_t covered(const Panel& p, double left, double right, double bottom, double top) {
  auto fx = [&](double x) { return (to_scale(x, p.x.log) - to_scale(p.x.min, p.x.log)) / (to_scale(p.x.max, p.x.log) - to_scale(p.x.min, p.x.log)); };
  auto fy = [&](double y) { return (y - p.y.min) / (p.y.max - p.y.min); };
  std::size_t n = 0;
  for (const auto& s : p.series)
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      const double x = fx(s.x[k]), lo = fy(s.y[k] - s.err[k]), hi = fy(s.y[k] + s.err[k]);
      n += x >= left && x <= right && hi >= bottom && lo <= top;
    }
  return n;
}

// An inset's plot area, and the room around it (for its tic labels) that it covers, in
// fractions of the main plot area.
struct Box {
  double left, right, bottom, top;
  Box ground() const { return {left - 0.1, right + 0.01, bottom - 0.1, top + 0.01}; }
};

// The extent of the points (with error bars) within the box's x range.
Extent under(const Panel& p, const Box& b) {
  const double a = to_scale(p.x.min, p.x.log), w = to_scale(p.x.max, p.x.log) - a;
  Extent e;
  for (const auto& s : p.series)
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      const double x = (to_scale(s.x[k], p.x.log) - a) / w;
      if (x < b.left || x > b.right) continue;
      e.add(s.y[k] - s.err[k]);
      e.add(s.y[k] + s.err[k]);
    }
  return e;
}

// The main panel's y range widened on the inset's side so that no point under it is hidden,
// unless the data would then fill less than 45% of the height.
void make_room(Panel& p, const Box& b) {
  const Box g = b.ground();
  const Extent e = under(p, g);
  if (e.empty() || p.y.log || std::isnan(p.y.min) || std::isnan(p.y.max)) return;
  const bool bottom = b.bottom < 0.5;
  double lo = p.y.min, hi = p.y.max;
  if (bottom && (e.lo - lo) / (hi - lo) < g.top) lo = (e.lo - g.top * hi) / (1 - g.top);
  if (!bottom && (e.hi - lo) / (hi - lo) > g.bottom) hi = lo + (e.hi - lo) / g.bottom;
  if ((p.y.max - p.y.min) / (hi - lo) >= 0.45) std::tie(p.y.min, p.y.max) = std::pair{lo, hi};
}

// The inset's box: the corner (top right, top left, bottom left, bottom right) whose box and tic
// room cover the fewest points; the main panel's y range widened to clear it.
void place(Inset& in, Panel& main) {
  const Box corners[] = {{0.57, 0.97, 0.55, 0.96}, {0.11, 0.51, 0.55, 0.96}, {0.11, 0.51, 0.12, 0.53}, {0.57, 0.97, 0.12, 0.53}};
  std::size_t best = 0, fewest = SIZE_MAX;
  for (std::size_t i = 0; i < 4; ++i) {
    const Box g = corners[i].ground();
    const std::size_t n = covered(main, g.left, g.right, g.bottom, g.top);
    if (n < fewest) {
      fewest = n;
      best = i;
    }
  }
  const Box& b = corners[best];
  std::tie(in.left, in.right, in.bottom, in.top) = std::tuple{b.left, b.right, b.bottom, b.top};
  if (fewest > 0) make_room(main, b);
}

}  // namespace

void add_threshold_inset(Figure& f, const AggregateTable& t, const std::vector<double>& series_star) {
  Panel& main = f.panels.at(0);
  const bool same = std::all_of(series_star.begin(), series_star.end(), [&](double s) { return s == series_star.front(); });
  for (double s : series_star)
    if (!(s > 0))
      throw InputError("--inset: η* is unknown on a line here (the model declares none, or a parameter it needs is "
                       "averaged over)");
  const double centre = same ? series_star.front() : 1, lo = centre / kZoom, hi = centre * kZoom;
  Inset in{.panel = {.legend = Legend::None, .grid = true}};
  Panel& p = in.panel;
  std::size_t most = 0;
  for (std::size_t i = 0; i < main.series.size(); ++i) {
    std::size_t inside = 0;
    Series z = zoomed(main.series[i], same ? 1 : series_star[i], lo, hi, inside);
    most = std::max(most, inside);
    if (!z.x.empty()) p.series.push_back(std::move(z));
  }
  if (most < kMinPoints)
    throw InputError("--inset: no line has " + std::to_string(kMinPoints) + " points within a factor " +
                     format_double(kZoom) + " of its η*");
  // Over η/η*, the axis is labelled; over the main plot's own axis, its label would repeat it.
  p.x = {.label = same ? "" : param_label(t, "eta_rel"), .log = main.x.log, .min = lo, .max = hi};
  if (p.x.log) p.x.tics = log_tics(lo, hi);
  fit_y(p.y, p.series, lo, hi);
  p.marks.push_back({.at = centre, .color = {Color::Role::Ink}, .dash = Dash::Dashed, .width = 1.5});
  place(in, main);
  f.insets.push_back(std::move(in));
}

}  // namespace eos
