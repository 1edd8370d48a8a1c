// Job files: reading (the INI syntax of Boost.Program_options), checking, resolving and expanding.
#include "eos/grid/job.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "eos/config/axis.h"
#include "eos/config/job_text.h"
#include "eos/gd/run.h"
#include "eos/model/registry.h"
#include "eos/util/hash.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

const KeySpec& model_key() {
  static const KeySpec k = [] {
    KeySpec s;
    s.name = "model";
    s.type = KeyType::Text;
    s.doc = "the model to run (sparse-relu, ...)";
    return s;
  }();
  return k;
}

// steps = ⌈horizon/η⌉, where a quotient within rounding of a whole number counts as that number.
long horizon_steps(double horizon, double eta) {
  const double t = horizon / eta;
  const double r = std::round(t);
  const double steps = std::fabs(t - r) <= 1e-9 * std::max(1.0, t) ? r : std::ceil(t);
  if (!(steps <= 1e15)) throw InputError("horizon: horizon/eta = " + format_double(t) + " steps is too many");
  return std::max(1L, static_cast<long>(steps));
}

// Where a key's value came from, for messages: "FILE:LINE" or "--set".
struct Given {
  std::string value;
  std::string origin;
};

// Run fn, prefixing any InputError it throws with "origin: ".
template <class F>
auto located(const std::string& origin, F&& fn) {
  try {
    return fn();
  } catch (const InputError& e) {
    if (origin.empty()) throw;
    throw InputError(origin + ": " + e.what());
  }
}

// Keys that say the same thing two ways: a --set of one replaces the other from the file.
const std::vector<std::pair<std::string, std::string>>& alternatives() {
  static const std::vector<std::pair<std::string, std::string>> alt = {{"eta", "eta_rel"}, {"steps", "horizon"}};
  return alt;
}

// Resolve the derived keys of one point in place: eta from eta_rel, steps from horizon; then
// the model's own cross-key checks.
void resolve(const ModelInfo& model, Params& params, bool derive_eta, bool derive_steps) {
  if (derive_eta) {
    const double eta = params.real("eta_rel") * model.eta_star(params);
    if (!(eta > 0) || !std::isfinite(eta))
      throw InputError("eta_rel: " + params.text("eta_rel") + " resolves to eta = " + format_double(eta));
    params.set("eta", format_double(eta));
  }
  if (derive_steps) params.set("steps", std::to_string(horizon_steps(params.real("horizon"), params.real("eta"))));
  if (model.check) model.check(params);
}

// Visit every point of the grid in order with its parameters resolved; one Params is reused,
// only the axes that change are set again (the odometer's last key moves fastest).
template <class F>
void walk(const Job& job, F&& fn) {
  const ModelInfo& model = *job.model;
  const bool derive_eta = job.find("eta_rel") != nullptr;
  const bool derive_steps = job.find("steps") == nullptr;
  const std::size_t total = static_cast<std::size_t>(job.point_count());
  const std::size_t nk = job.values.size();
  std::vector<std::size_t> idx(nk, 0);
  Params params;
  for (std::size_t k = 0; k < nk; ++k) params.set(job.values[k].first->name, job.values[k].second[0]);
  for (std::size_t p = 0; p < total; ++p) {
    if (p > 0) {
      for (std::size_t k = nk; k-- > 0;) {
        const auto& vals = job.values[k].second;
        idx[k] = idx[k] + 1 == vals.size() ? 0 : idx[k] + 1;
        params.set(job.values[k].first->name, vals[idx[k]]);
        if (idx[k] != 0) break;
      }
    }
    try {
      resolve(model, params, derive_eta, derive_steps);
    } catch (const InputError& e) {
      std::string where;
      for (const auto& a : job.axes) where += (where.empty() ? "" : ", ") + a + "=" + params.text(a);
      throw InputError(std::string(e.what()) + (where.empty() ? "" : " (at grid point " + where + ")"));
    }
    fn(p, params);
  }
}

Point make_point(const ModelInfo& model, std::size_t index, const Params& params) {
  Point pt;
  pt.index = index;
  pt.params = params;
  pt.id = point_id(model, pt.params);
  pt.cost = static_cast<double>(pt.params.integer("steps")) * (model.step_cost ? model.step_cost(pt.params) : 1.0);
  return pt;
}

}  // namespace

const std::vector<KeySpec>& job_keys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> k = {model_key()};
    for (const auto& r : runner_keys()) k.push_back(r);
    return k;
  }();
  return keys;
}

double Job::point_count() const {
  double n = 1;
  for (const auto& [spec, vals] : values) n *= static_cast<double>(vals.size());
  return n;
}

const std::vector<std::string>* Job::find(const std::string& key) const {
  for (const auto& [spec, vals] : values)
    if (spec->name == key) return &vals;
  return nullptr;
}

Job parse_job(std::istream& in, const std::string& name, const std::vector<std::string>& sets) {
  return parse_job_text(read_job_text(in, name), name, sets);
}

Job parse_job_text(const std::string& text, const std::string& name, const std::vector<std::string>& sets) {
  const std::vector<JobLine> lines = scan_job_text(text, name);

  // The file's keys, each at most once.
  std::map<std::string, Given> given;
  std::map<std::string, int> first_line;
  for (const auto& jl : lines) {
    const std::string origin = name + ":" + std::to_string(jl.line);
    if (first_line.count(jl.key))
      throw InputError(origin + ": key " + quote_input(jl.key) + " given twice (first on line " +
                       std::to_string(first_line[jl.key]) + ")");
    first_line[jl.key] = jl.line;
    given[jl.key] = {jl.value, origin};
  }

  // --set overrides, each KEY=VALUE and each key at most once.
  std::map<std::string, Given> overrides;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(s.substr(0, eq));
    if (eq == std::string::npos || key.empty()) throw InputError("--set: expected KEY=VALUE, got " + quote_input(s));
    if (overrides.count(key)) throw InputError("--set: key " + quote_input(key) + " given twice");
    overrides[key] = {s.substr(eq + 1), "--set"};
  }

  // Which model?
  const Given* model_given = overrides.count("model") ? &overrides["model"] : given.count("model") ? &given["model"] : nullptr;
  if (!model_given) {
    if (lines.empty() && sets.empty()) throw InputError(name + ": empty job file (no KEY = VALUE lines; start with model = NAME)");
    throw InputError("model: missing (one of: " + model_names() + ")");
  }
  const std::string model_name = located(model_given->origin, [&] { return canonical_value(model_key(), model_given->value); });
  Job job;
  job.model = find_model(model_name);
  if (!job.model)
    throw InputError(model_given->origin + ": model: unknown model " + quote_input(model_name) + " (one of: " + model_names() + ")");

  // Every key must belong to this model or the runner.
  std::vector<const KeySpec*> keys = {&model_key()};
  for (const auto& k : job.model->keys) keys.push_back(&k);
  for (const auto& k : runner_keys()) keys.push_back(&k);
  auto known = [&](const std::string& key) {
    for (const KeySpec* s : keys)
      if (s->name == key) return true;
    return false;
  };
  for (const auto& jl : lines)
    if (!known(jl.key))
      throw InputError(name + ":" + std::to_string(jl.line) + ": unknown key " + quote_input(jl.key) + " for model " + model_name);
  for (const auto& [k, g] : overrides)
    if (!known(k)) throw InputError("--set: unknown key " + quote_input(k) + " for model " + model_name);
  for (const auto& [a, b] : alternatives()) {
    if (overrides.count(a) && overrides.count(b))
      throw InputError("--set: give " + a + " or " + b + ", not both");
    if (overrides.count(a)) given.erase(b);
    if (overrides.count(b)) given.erase(a);
  }
  for (auto& [k, g] : overrides) given[k] = g;

  const bool has_eta = given.count("eta"), has_rel = given.count("eta_rel");
  auto both = [&](const std::string& a, const std::string& b) {
    throw InputError(given[a].origin + ": " + a + ": give " + a + " or " + b + ", not both (" + b + " at " + given[b].origin + ")");
  };
  if (has_eta && has_rel) both("eta", "eta_rel");
  if (!has_eta && !has_rel) throw InputError("eta: missing (give eta, or eta_rel relative to the model's eta*)");
  if (has_rel && !job.model->eta_star)
    throw InputError(given["eta_rel"].origin + ": eta_rel: model " + model_name + " has no critical step size; give eta");
  if (given.count("steps") && given.count("horizon")) both("steps", "horizon");

  // The keys that take part, with their text; then the grid's size, before expanding anything.
  struct Entry {
    const KeySpec* spec;
    std::string raw, origin;
  };
  std::vector<Entry> entries;
  for (const KeySpec* k : keys) {
    if (k == &model_key()) continue;
    if ((k->name == "horizon" && given.count("steps")) || (k->name == "eta" && has_rel)) continue;
    auto it = given.find(k->name);
    if (it == given.end() && k->default_value.empty()) continue;
    entries.push_back(it != given.end() ? Entry{k, it->second.value, it->second.origin} : Entry{k, k->default_value, ""});
  }
  double points = 1;
  std::string sizes;
  for (const auto& e : entries) {
    const double n = located(e.origin, [&] { return axis_size(*e.spec, e.raw); });
    points *= n;
    if (n > 1) sizes += (sizes.empty() ? "" : " x ") + e.spec->name + " " + format_double(n);
  }
  if (points > kMaxPoints)
    throw InputError("grid: " + format_double(points) + " points (" + sizes + "), more than the limit of " +
                     format_double(kMaxPoints));
  for (const auto& e : entries) {
    auto vals = located(e.origin, [&] { return expand_axis(*e.spec, e.raw); });
    if (vals.size() > 1) job.axes.push_back(e.spec->name);
    job.values.emplace_back(e.spec, std::move(vals));
  }
  // Resolve every point once so a bad combination is an input error now, not a failed run later.
  walk(job, [](std::size_t, const Params&) {});
  return job;
}

Job load_job(const std::string& path, const std::vector<std::string>& sets) {
  return parse_job_text(read_job_file(path), path, sets);
}

std::string point_id(const ModelInfo& model, const Params& params) {
  // The in_id keys, sorted by name and each once: "model=M;k1=v1;k2=v2..." (no map per call:
  // this runs once per grid point).
  std::vector<const std::string*> names;
  names.reserve(model.keys.size() + runner_keys().size());
  for (const auto* ks : {&model.keys, &runner_keys()})
    for (const auto& k : *ks)
      if (k.in_id && params.has(k.name)) names.push_back(&k.name);
  std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  names.erase(std::unique(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a == *b; }),
              names.end());
  std::string canon = "model=" + model.name;
  for (const std::string* k : names) {
    canon += ';';
    canon += *k;
    canon += '=';
    canon += params.text(*k);
  }
  return hex_id(fnv1a(canon));
}

bool in_shard(const std::string& id, long i, long n) { return static_cast<long>(fnv1a(id) % static_cast<std::uint64_t>(n)) == i; }

std::vector<Point> expand(const Job& job) {
  std::vector<Point> points;
  points.reserve(static_cast<std::size_t>(job.point_count()));
  for_each_point(job, [&points](Point&& p) { points.push_back(std::move(p)); });
  return points;
}

void for_each_point(const Job& job, const std::function<void(Point&&)>& fn) {
  walk(job, [&](std::size_t index, const Params& params) { fn(make_point(*job.model, index, params)); });
}

Point point_at(const Job& job, std::size_t index) {
  if (static_cast<double>(index) >= job.point_count()) throw std::out_of_range("point_at: index past the grid");
  Params params;
  std::size_t rest = index;
  for (std::size_t k = job.values.size(); k-- > 0;) {
    const auto& vals = job.values[k].second;
    params.set(job.values[k].first->name, vals[rest % vals.size()]);
    rest /= vals.size();
  }
  resolve(*job.model, params, job.find("eta_rel") != nullptr, job.find("steps") == nullptr);
  return make_point(*job.model, index, params);
}

}  // namespace eos
