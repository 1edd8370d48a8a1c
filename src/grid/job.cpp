// Job files: reading the keys given, checking them against the model's and the runner's keys,
// resolving the grid's axes.
#include "eos/grid/job.h"

#include <algorithm>
#include <map>

#include "eos/config/axis.h"
#include "eos/config/job_text.h"
#include "eos/gd/settings.h"
#include "eos/grid/grid.h"
#include "eos/grid/id_census.h"
#include "eos/grid/refine.h"
#include "eos/model/registry.h"
#include "eos/util/hash.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

const KeySpec& model_key() {
  static const KeySpec k{.name = "model", .type = KeyType::Text, .doc = "the model to run (sparse-relu, ...)"};
  return k;
}

// A key's text and where it came from, for messages: "FILE:LINE" or "--set".
struct Given {
  std::string value;
  std::string origin;
};
using GivenKeys = std::map<std::string, Given>;

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

// The file's keys, each at most once.
GivenKeys file_keys(const std::vector<JobLine>& lines, const std::string& name) {
  GivenKeys given;
  std::map<std::string, int> first_line;
  for (const auto& jl : lines) {
    const std::string origin = name + ":" + std::to_string(jl.line);
    if (first_line.count(jl.key))
      throw InputError(origin + ": key " + quote_input(jl.key) + " given twice (first on line " +
                       std::to_string(first_line[jl.key]) + ")");
    first_line[jl.key] = jl.line;
    given[jl.key] = {jl.value, origin};
  }
  return given;
}

// --set overrides, each KEY=VALUE and each key at most once.
GivenKeys set_keys(const std::vector<std::string>& sets) {
  GivenKeys overrides;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(s.substr(0, eq));
    if (eq == std::string::npos || key.empty()) throw InputError("--set: expected KEY=VALUE, got " + quote_input(s));
    if (overrides.count(key)) throw InputError("--set: key " + quote_input(key) + " given twice");
    overrides[key] = {s.substr(eq + 1), "--set"};
  }
  return overrides;
}

// The model named by --set or the file.
const ModelInfo& chosen_model(const GivenKeys& given, const GivenKeys& overrides, bool empty, const std::string& name) {
  const auto o = overrides.find("model"), g = given.find("model");
  const Given* m = o != overrides.end() ? &o->second : g != given.end() ? &g->second : nullptr;
  if (!m) {
    if (empty) throw InputError(name + ": empty job file (no KEY = VALUE lines; start with model = NAME)");
    throw InputError("model: missing (one of: " + model_names() + ")");
  }
  const std::string model = located(m->origin, [&] { return canonical_value(model_key(), m->value); });
  const ModelInfo* info = find_model(model);
  if (!info)
    throw InputError(m->origin + ": model: unknown model " + quote_input(model) + " (one of: " + model_names() + ")");
  return *info;
}

// Every key of a job of this model, in declaration order: model, the model's, the runner's, the
// refinement's. A key the model declares itself (mlp's method, from before the runner offered it
// to every model) is the model's: the runner's spec of the same name is left out.
std::vector<const KeySpec*> keys_of(const ModelInfo& model) {
  std::vector<const KeySpec*> keys = {&model_key()};
  auto add = [&keys](const KeySpec& k) {
    for (const KeySpec* s : keys)
      if (s->name == k.name) return;
    keys.push_back(&k);
  };
  for (const auto& k : model.keys) add(k);
  for (const auto& k : runner_keys()) add(k);
  for (const auto& k : refine_keys()) add(k);
  return keys;
}

// Refuse keys that belong neither to the model nor to the runner.
void check_known(const std::vector<const KeySpec*>& keys, const std::vector<JobLine>& lines, const GivenKeys& overrides,
                 const std::string& name, const std::string& model) {
  auto known = [&](const std::string& key) {
    for (const KeySpec* s : keys)
      if (s->name == key) return true;
    return false;
  };
  for (const auto& jl : lines)
    if (!known(jl.key))
      throw InputError(name + ":" + std::to_string(jl.line) + ": unknown key " + quote_input(jl.key) + " for model " + model);
  for (const auto& [k, g] : overrides)
    if (!known(k)) throw InputError("--set: unknown key " + quote_input(k) + " for model " + model);
}

// The file's keys with the overrides applied: a --set of eta or eta_rel replaces the other from
// the file, likewise steps and horizon.
GivenKeys merged(GivenKeys given, const GivenKeys& overrides) {
  for (const auto& [a, b] : alternatives()) {
    if (overrides.count(a) && overrides.count(b)) throw InputError("--set: give " + a + " or " + b + ", not both");
    if (overrides.count(a)) given.erase(b);
    if (overrides.count(b)) given.erase(a);
  }
  for (const auto& [k, g] : overrides) given[k] = g;
  return given;
}

// Exactly one of eta and eta_rel (eta_rel only for a model with η*); at most one of steps and horizon.
void check_alternatives(const GivenKeys& given, const ModelInfo& model) {
  const bool has_eta = given.count("eta"), has_rel = given.count("eta_rel");
  auto both = [&](const std::string& a, const std::string& b) {
    throw InputError(given.at(a).origin + ": " + a + ": give " + a + " or " + b + ", not both (" + b + " at " +
                     given.at(b).origin + ")");
  };
  if (has_eta && has_rel) both("eta", "eta_rel");
  if (!has_eta && !has_rel) throw InputError("eta: missing (give eta, or eta_rel relative to the model's eta*)");
  if (has_rel && !model.eta_star)
    throw InputError(given.at("eta_rel").origin + ": eta_rel: model " + model.name + " has no critical step size; give eta");
  if (given.count("steps") && given.count("horizon")) both("steps", "horizon");
}

// A key that takes part in the job, with its text.
struct Entry {
  const KeySpec* spec;
  std::string raw, origin;
};

// The keys that take part: given ones, and defaults (not horizon when steps is given, nor eta
// when eta_rel is).
std::vector<Entry> entries_of(const std::vector<const KeySpec*>& keys, const GivenKeys& given) {
  std::vector<Entry> entries;
  for (const KeySpec* k : keys) {
    if (k == &model_key()) continue;
    if ((k->name == "horizon" && given.count("steps")) || (k->name == "eta" && given.count("eta_rel"))) continue;
    auto it = given.find(k->name);
    if (it == given.end() && k->default_value.empty()) continue;
    entries.push_back(it != given.end() ? Entry{k, it->second.value, it->second.origin} : Entry{k, k->default_value, ""});
  }
  return entries;
}

// Refuse a grid larger than kMaxPoints, from the syntax alone (before any axis is expanded).
void check_grid_size(const std::vector<Entry>& entries) {
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
}

// Which points have one of the ids: their grid indices.
std::vector<std::size_t> points_with(const Job& job, const std::vector<std::uint64_t>& ids) {
  std::vector<std::size_t> found;
  for_each_point(job, [&](const Point& p) {
    if (std::binary_search(ids.begin(), ids.end(), p.hash)) found.push_back(p.index);
  });
  return found;
}

}  // namespace

std::string describe_id_clash(const Job& job, const std::vector<std::uint64_t>& ids) {
  const auto found = points_with(job, ids);
  auto name = [&](std::size_t i) {
    const Point p = point_at(job, i);
    std::string s = "point " + std::to_string(i);
    std::string axes;
    for (const auto& a : job.axes) axes += (axes.empty() ? "" : ", ") + a + "=" + p.params.text(a);
    return s + (axes.empty() ? "" : " (" + axes + ")");
  };
  std::string msg = "grid: " + name(found.at(0)) + " and " + name(found.at(1)) + " have the same id " +
                    hex_id(point_at(job, found[0]).hash) +
                    " (a 64-bit hash collision: their rows could not be told apart); change either by a value";
  if (ids.size() > 1 || found.size() > 2) msg += " (" + std::to_string(found.size()) + " points share " +
                                                 std::to_string(ids.size()) + " ids)";
  return msg;
}

namespace {

// Resolve every point once (a bad combination is an input error now, not a failed run later),
// counting the work and, if asked, every id.
GridSummary check_grid(const Job& job, const ParseOptions& opt) {
  const unsigned threads = std::max(1u, opt.threads);
  std::vector<GridSummary> parts(threads);
  IdCensus census(IdCensus::kBudget / threads);  // the same memory for any number of threads
  std::vector<IdCensus::Part> ids;
  for (unsigned t = 0; t < threads; ++t) ids.push_back(census.part());
  for_each_point_parallel(job, threads, [&](unsigned b, const Point& p) {
    ++parts[b].points;
    parts[b].steps += static_cast<double>(p.params.integer("steps"));
    if (opt.check_ids) ids[b].add(p.hash);
  });
  GridSummary total;
  for (const auto& part : parts) {
    total.points += part.points;
    total.steps += part.steps;
  }
  if (!opt.check_ids) return total;
  for (auto& part : ids) census.close(part);
  total.ids_checked = true;
  const auto repeated = census.repeated();
  if (!repeated.empty()) total.id_clash = describe_id_clash(job, repeated);
  return total;
}

}  // namespace

const std::vector<KeySpec>& job_keys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> k = {model_key()};
    for (const auto& r : runner_keys()) k.push_back(r);
    for (const auto& r : refine_keys()) k.push_back(r);
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

Job parse_job(std::istream& in, const std::string& name, const std::vector<std::string>& sets,
              const ParseOptions& opt) {
  return parse_job_text(read_job_text(in, name), name, sets, opt);
}

Job parse_job_text(const std::string& text, const std::string& name, const std::vector<std::string>& sets,
                   const ParseOptions& opt) {
  const std::vector<JobLine> lines = scan_job_text(text, name);
  const GivenKeys file = file_keys(lines, name), overrides = set_keys(sets);
  Job job;
  job.model = &chosen_model(file, overrides, lines.empty() && sets.empty(), name);
  const auto keys = keys_of(*job.model);
  check_known(keys, lines, overrides, name, job.model->name);
  const GivenKeys given = merged(file, overrides);
  check_alternatives(given, *job.model);
  const std::vector<Entry> entries = entries_of(keys, given);
  for (const auto& [k, g] : given) job.given.push_back(k);
  check_grid_size(entries);
  for (const auto& e : entries) {
    auto vals = located(e.origin, [&] { return expand_axis(*e.spec, e.raw); });
    if (vals.size() > 1) job.axes.push_back(e.spec->name);
    job.values.emplace_back(e.spec, std::move(vals));
  }
  refine_spec(job);  // its checks: a bad refinement is an input error now
  job.summary = check_grid(job, opt);
  return job;
}

Job load_job(const std::string& path, const std::vector<std::string>& sets, const ParseOptions& opt) {
  return parse_job_text(read_job_file(path), path, sets, opt);
}

}  // namespace eos
