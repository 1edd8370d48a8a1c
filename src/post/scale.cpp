// Axis scales: log-scale detection, cell edges, 1-2-5 tics, padded ranges.
#include "eos/post/scale.h"

#include <algorithm>
#include <cmath>

#include "eos/util/error.h"
#include "eos/util/number.h"

namespace eos {
namespace {

bool all_positive(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return x > 0; });
}

// Does each of the sorted positive values grow from the one before by a factor of at least 1.5,
// the factors within 1.5 of each other (50, 100, 200, 500, 1000: a 1-2-5 series)?
bool nearly_geometric(const std::vector<double>& v) {
  double lo = INFINITY, hi = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    lo = std::min(lo, v[i] / v[i - 1]);
    hi = std::max(hi, v[i] / v[i - 1]);
  }
  return lo >= 1.5 && hi <= 1.5 * lo;
}

// Every group of at least 3 distinct values looks log-spaced, and there is one.
bool groups_look_log(std::vector<std::vector<double>> groups) {
  bool any = false;
  for (auto& g : groups) {
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
    if (g.size() < 3) continue;
    if (!looks_log_spaced(g)) return false;
    any = true;
  }
  return any;
}

}  // namespace

bool evenly_spaced(const std::vector<double>& v, bool log) {
  if (v.size() < 2) return v.size() == 1;
  const double span = to_scale(v.back(), log) - to_scale(v.front(), log);
  if (!(span > 0)) return false;
  const double step = span / static_cast<double>(v.size() - 1);
  for (std::size_t i = 1; i < v.size(); ++i)
    if (std::fabs(to_scale(v[i], log) - to_scale(v[i - 1], log) - step) > 1e-6 * span) return false;
  return true;
}

ScaleChoice parse_scale(const std::string& flag, const std::string& text) {
  if (text == "auto") return ScaleChoice::Auto;
  if (text == "log") return ScaleChoice::Log;
  if (text == "lin") return ScaleChoice::Lin;
  throw InputError(flag + ": '" + text + "' is not one of auto, log, lin");
}

double to_scale(double v, bool log) { return log ? std::log(v) : v; }
double from_scale(double t, bool log) { return log ? std::exp(t) : t; }

bool looks_log_spaced(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() < 2 || !(values.front() > 0) || !std::isfinite(values.back())) return false;
  if (evenly_spaced(values, false)) return false;
  if (values.size() >= 3 && evenly_spaced(values, true)) return true;
  if (values.size() >= 4 && nearly_geometric(values)) return true;
  return values.back() / values.front() >= 50;
}

bool choose_log(ScaleChoice choice, const std::vector<std::vector<double>>& groups, const std::string& flag) {
  std::vector<double> all;
  for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
  if (choice == ScaleChoice::Lin) return false;
  if (choice == ScaleChoice::Log) {
    for (double v : all)
      if (!(v > 0)) throw InputError(flag + " log: the axis has a value " + format_double(v) + " <= 0");
    return true;
  }
  if (looks_log_spaced(all)) return true;
  return all_positive(all) && groups_look_log(groups);
}

std::vector<std::pair<double, double>> cell_edges(const std::vector<double>& c, bool log) {
  std::vector<std::pair<double, double>> e(c.size());
  if (c.empty()) return e;
  if (c.size() == 1) return log ? decltype(e){{c[0] / 1.5, c[0] * 1.5}} : decltype(e){{c[0] - 0.5, c[0] + 0.5}};
  std::vector<double> t(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) t[i] = to_scale(c[i], log);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double lo = i > 0 ? 0.5 * (t[i - 1] + t[i]) : t[0] - 0.5 * (t[1] - t[0]);
    const double hi = i + 1 < c.size() ? 0.5 * (t[i] + t[i + 1]) : t[i] + 0.5 * (t[i] - t[i - 1]);
    e[i] = {from_scale(lo, log), from_scale(hi, log)};
  }
  return e;
}

std::vector<double> log_tics(double lo, double hi) {
  if (!(lo > 0) || !(hi > lo) || hi / lo >= 100) return {};
  std::vector<double> tics;
  const int first = static_cast<int>(std::floor(std::log10(lo))) - 1;
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  for (int e = first; e <= last; ++e)
    for (double k : {1.0, 2.0, 5.0}) {
      const double v = e >= 0 ? k * std::pow(10.0, e) : k / std::pow(10.0, -e);  // correctly rounded
      if (v >= lo && v <= hi) tics.push_back(v);
    }
  if (tics.size() < 2) return {};
  return tics;
}

std::pair<double, double> padded_range(double lo, double hi, double pad, bool log) {
  const double a = to_scale(lo, log), b = to_scale(hi, log);
  const double p = b > a ? pad * (b - a) : (log ? 0.1 : std::max(0.5, 0.1 * std::fabs(lo)));
  return {from_scale(a - p, log), from_scale(b + p, log)};
}

}  // namespace eos
