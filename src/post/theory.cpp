// η* from the models' declarations along a table's axes, and the levels of value columns.
#include "eos/post/theory.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>

#include "eos/gd/settings.h"
#include "eos/gd/stats.h"
#include "eos/io/schema.h"
#include "eos/post/scale.h"
#include "eos/util/number.h"

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_integer_key(const ModelInfo& model, const std::string& name) {
  const KeySpec* spec = find_key(model.keys, name);
  if (!spec) spec = find_key(runner_keys(), name);
  return spec && spec->type == KeyType::Integer;
}

// n values evenly spread over [lo, hi] on the axis's scale (one when lo = hi).
std::vector<double> spread(double lo, double hi, std::size_t n, bool log) {
  if (hi == lo) return {lo};
  const double a = to_scale(lo, log), b = to_scale(hi, log);
  std::vector<double> v;
  for (std::size_t k = 0; k < n; ++k) v.push_back(from_scale(a + (b - a) * static_cast<double>(k) / static_cast<double>(n - 1), log));
  v.front() = lo;
  v.back() = hi;
  return v;
}

std::vector<double> integer_samples(double lo, double hi, bool log) {
  const double a = std::max(std::ceil(lo), log ? 1.0 : -INFINITY), b = std::floor(hi);
  if (b < a) return {};
  std::vector<double> v;
  if (b - a + 1 <= static_cast<double>(kTheorySamples)) {
    for (double x = a; x <= b; ++x) v.push_back(x);
    return v;
  }
  for (double x : spread(a, b, kTheorySamples, log)) v.push_back(std::round(x));
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Params cell_params(const AggregateTable& t, const Cell& c) {
  Params p;
  for (const auto& [name, value] : t.constants) p.set(name, value);
  const auto keys = t.keys();
  for (std::size_t i = 0; i < keys.size() && i < c.key.size(); ++i) p.set(keys[i], c.key[i]);
  return p;
}

double eta_star_at(const ModelInfo& model, const Params& p) {
  if (!model.eta_star) return kNaN;
  double v = kNaN;
  try {
    v = model.eta_star(p);
  } catch (const std::exception&) {
    return kNaN;  // a parameter it needs is absent, or it rejects the values
  }
  return std::isfinite(v) && v > 0 ? v : kNaN;
}

double method_factor_at(const ModelInfo& model, const Params& p) {
  MethodSpec m;
  try {
    m = method_spec(p);
  } catch (const std::exception&) {
    return kNaN;  // a method key that is not a number (a mixed column)
  }
  if (m.kind == MethodKind::Gd) return 1;
  return model.eta_star_stability ? eta_star_factor(m) : kNaN;
}

double method_eta_star_at(const ModelInfo& model, const Params& p) {
  return eta_star_at(model, p) * method_factor_at(model, p);
}

std::string method_factor_legend(const ModelInfo& model, const Params& p) {
  const std::string rel = column_label(&model, "eta_rel");
  const double f = method_factor_at(model, p);
  if (f == 1) return rel + " = 1";
  const MethodSpec m = method_spec(p);
  const char* formula = m.kind == MethodKind::Polyak ? "1+β" : "(1+β)/(1+2β)";
  char buf[96];
  std::snprintf(buf, sizeof buf, " = %.4g (%s, %s)", f, formula, method_name(m.kind));
  return rel + buf;
}

bool eta_star_follows(const AggregateTable& t, const ModelInfo& model, std::size_t axis) {
  std::map<std::string, double> seen;
  for (const auto& c : t.cells) {
    const double star = method_eta_star_at(model, cell_params(t, c));
    if (std::isnan(star)) return false;
    auto [it, fresh] = seen.emplace(c.key.at(axis), star);
    if (!fresh && it->second != star) return false;
  }
  return !seen.empty();
}

std::vector<double> theory_samples(const ModelInfo& model, const std::string& name, double lo, double hi, bool log) {
  if (!(hi >= lo) || !std::isfinite(lo) || !std::isfinite(hi) || (log && !(lo > 0))) return {};
  if (is_integer_key(model, name)) return integer_samples(lo, hi, log);
  return spread(lo, hi, kTheorySamples, log);
}

ThresholdCurve eta_star_along(const ModelInfo& model, Params base, const std::string& name,
                              const std::vector<double>& at) {
  ThresholdCurve c;
  for (double x : at) {
    base.set(name, format_double(x));
    const double star = method_eta_star_at(model, base);
    if (std::isnan(star)) continue;
    c.at.push_back(x);
    c.eta_star.push_back(star);
  }
  return c;
}

std::vector<double> eta_star_crossings(const ThresholdCurve& c, double eta, bool log) {
  std::vector<double> out;
  if (!(eta > 0)) return out;
  auto f = [&](std::size_t i) { return std::log(c.eta_star[i]) - std::log(eta); };
  for (std::size_t i = 0; i < c.at.size(); ++i) {
    const double a = f(i);
    if (a == 0) {
      out.push_back(c.at[i]);
      continue;
    }
    if (i + 1 == c.at.size()) break;
    const double b = f(i + 1);
    if (b == 0 || (a < 0) == (b < 0)) continue;
    const double ta = to_scale(c.at[i], log), tb = to_scale(c.at[i + 1], log);
    out.push_back(from_scale(ta + (tb - ta) * a / (a - b), log));
  }
  return out;
}

std::string eta_reaches_legend(const ModelInfo& model) {
  const std::string& formula = model.eta_star_formula;
  return column_label(&model, "eta") + " = " + (formula.empty() ? column_label(&model, "eta_star") : formula);
}

std::string eta_star_legend(const ModelInfo& model) {
  const std::string star = column_label(&model, "eta_star");
  return model.eta_star_formula.empty() ? star + " (model)" : star + " = " + model.eta_star_formula;
}

double value_level(const ValueSpec& v) {
  if (v.fraction) return kNaN;
  const RunColumn* c = find_run_column(v.column);
  return c ? c->level : kNaN;
}

}  // namespace eos
