// The refinement keys, their checks, and the phase of a point.
#include "eos/grid/refine.h"

#include <algorithm>
#include <cmath>

#include "eos/gd/stats.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {

const std::vector<KeySpec>& refine_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "refine", .type = KeyType::Text,
       .doc = "refine the boundary of a phase: a result column (regime, converged, ...) or a threshold "
              "on one (bias_tail < -0.05; also >, <=, >=)",
       .in_id = false},
      {.name = "refine_axis", .type = KeyType::Text,
       .doc = "the axis to refine along (default: eta, or eta_rel when the job gives it)", .in_id = false},
      {.name = "refine_tol",
       .doc = "stop when a bracket is this narrow: upper/lower − 1 on a positive axis, else absolute "
              "(default 0.01)",
       .min = 0, .min_exclusive = true, .in_id = false},
      {.name = "refine_max", .type = KeyType::Integer,
       .doc = "at most this many points added per line (default 12)", .min = 0, .in_id = false},
  };
  return keys;
}

namespace {

// "COLUMN OP NUMBER" into the spec; false when the text has no comparison.
bool parse_threshold(const std::string& text, RefineSpec& r, const std::string& key) {
  static const std::pair<const char*, RefineSpec::Op> ops[] = {
      {"<=", RefineSpec::Op::Le}, {">=", RefineSpec::Op::Ge}, {"<", RefineSpec::Op::Lt}, {">", RefineSpec::Op::Gt}};
  for (const auto& [sym, op] : ops) {
    const std::size_t at = text.find(sym);
    if (at == std::string::npos) continue;
    r.column = trim(text.substr(0, at));
    r.op = op;
    const std::string number = trim(text.substr(at + std::string(sym).size()));
    if (number.empty()) throw InputError(key + ": no number after '" + sym + "' in " + quote_input(text));
    r.threshold = parse_double(key, number);
    return true;
  }
  return false;
}

// Is name a result column of rows of this model, and does it hold numbers?
void check_column(const ModelInfo& model, const RefineSpec& r) {
  bool known = false;
  for (const auto& c : run_columns()) known = known || r.column == c.name;
  for (const auto& c : model.result_columns()) known = known || r.column == c;
  if (!known) {
    std::string cols;
    for (const auto& c : run_columns()) cols += std::string(cols.empty() ? "" : ", ") + c.name;
    for (const auto& c : model.result_columns()) cols += ", " + c;
    throw InputError("refine: " + quote_input(r.column) + " is not a result column of " + model.name + " (" + cols + ")");
  }
  if (r.op != RefineSpec::Op::Value && r.column == run_columns().front().name)
    throw InputError("refine: " + r.column + " holds text; a threshold needs a numeric column (or refine = " + r.column +
                     ")");
}

// The refine axis: as given, else eta_rel when the job gives it, else eta; a real axis with two
// values or more.
std::string refine_axis(const Job& job, const std::string& given) {
  const std::string axis = !given.empty() ? given : job.find("eta_rel") ? "eta_rel" : "eta";
  const std::vector<std::string>* vals = job.find(axis);
  const KeySpec* spec = nullptr;
  for (const auto& [k, v] : job.values)
    if (k->name == axis) spec = k;
  if (!vals || !spec) throw InputError("refine_axis: " + quote_input(axis) + " is not a key of this job");
  if (spec->type == KeyType::Text) throw InputError("refine_axis: " + axis + " holds text; refine along a numeric axis");
  if (vals->size() < 2)
    throw InputError("refine_axis: " + axis + " has one value (" + vals->front() + "); give it two or more to bracket");
  return axis;
}

const std::string* value_of(const Job& job, const std::string& key) {
  const auto* v = job.find(key);
  return v && !v->empty() ? &v->front() : nullptr;
}

}  // namespace

RefineSpec phase_spec(const std::string& text, const std::string& key) {
  RefineSpec r;
  r.text = text;
  if (!parse_threshold(text, r, key)) r.column = trim(text);
  if (r.column.empty()) throw InputError(key + ": no column in " + quote_input(text));
  return r;
}

RefineSpec refine_spec(const Job& job) {
  const std::string* text = value_of(job, "refine");
  if (!text) {
    for (const char* k : {"refine_axis", "refine_tol", "refine_max"})
      if (value_of(job, k)) throw InputError(std::string(k) + ": given without refine (what defines the phase?)");
    return {};
  }
  RefineSpec r = phase_spec(*text);
  check_column(*job.model, r);
  r.axis = refine_axis(job, value_of(job, "refine_axis") ? *value_of(job, "refine_axis") : "");
  for (const auto& v : *job.find(r.axis)) {
    double x = 0;
    r.geometric = r.geometric && parse_number(v, x) && x > 0;
  }
  for (const auto& [spec, vals] : job.values)
    if (spec->name == r.axis) r.integer = spec->type == KeyType::Integer;
  if (const std::string* t = value_of(job, "refine_tol")) r.tol = parse_double("refine_tol", *t);
  if (const std::string* m = value_of(job, "refine_max")) r.max = static_cast<long>(parse_double("refine_max", *m));
  return r;
}

std::string RefineSpec::phase(const std::string& regime, const std::string& value) const {
  if (regime == "diverged" || regime == "error") return regime;
  if (op == Op::Value) return value;
  double x = 0;
  if (!finite_number(value, x)) return "nan";
  const bool in = op == Op::Lt ? x < threshold : op == Op::Gt ? x > threshold : op == Op::Le ? x <= threshold : x >= threshold;
  return in ? "true" : "false";
}

double RefineSpec::midpoint(double lo, double hi) const {
  const double m = geometric ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
  return integer ? std::clamp(std::round(m), lo + 1, hi - 1) : m;
}

bool RefineSpec::narrow(double lo, double hi) const {
  if (integer && hi - lo <= 1) return true;
  return geometric ? hi / lo - 1 <= tol : hi - lo <= tol;
}

long RefineSpec::max_added(const std::vector<double>& values) const {
  long need = 0;
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    const double lo = values[i], hi = values[i + 1];
    if (narrow(lo, hi)) continue;
    const double ratio = integer ? hi - lo : geometric ? std::log(hi / lo) / std::log1p(tol) : (hi - lo) / tol;
    need += static_cast<long>(std::ceil(std::log2(ratio)));
  }
  return std::min(need, max);
}

}  // namespace eos
