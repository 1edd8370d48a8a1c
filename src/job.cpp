// Job files: reading (Boost.Program_options INI syntax), checking, resolving and expanding.
#include "eos/job.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "eos/axis.h"
#include "eos/runner.h"

namespace po = boost::program_options;

namespace eos {
namespace {

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

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

std::string model_list() {
  std::string s;
  for (const auto& m : model_registry()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

// The key/value pairs of an INI text, each key at most once (program_options checks syntax).
std::map<std::string, std::string> read_pairs(const std::string& text, const std::string& name,
                                              const std::vector<const KeySpec*>* keys) {
  po::options_description desc;
  if (keys)
    for (const KeySpec* k : *keys) desc.add_options()(k->name.c_str(), po::value<std::string>());
  std::istringstream in(text);
  po::variables_map vm;
  std::map<std::string, std::string> out;
  try {
    auto parsed = po::parse_config_file(in, desc, keys == nullptr);
    for (const auto& opt : parsed.options) {
      if (opt.unregistered && keys) throw InputError(name + ": unknown key '" + opt.string_key + "'");
      if (opt.value.empty()) continue;
      if (out.count(opt.string_key)) throw InputError(name + ": key '" + opt.string_key + "' given twice");
      out[opt.string_key] = opt.value.front();
    }
  } catch (const po::unknown_option& e) {
    throw InputError(name + ": unknown key '" + e.get_option_name() + "'");
  } catch (const po::error& e) {
    throw InputError(name + ": " + e.what());
  }
  return out;
}

// steps = ⌈horizon/η⌉, where a quotient within rounding of a whole number counts as that number.
long horizon_steps(double horizon, double eta) {
  const double t = horizon / eta;
  const double r = std::round(t);
  const double steps = std::fabs(t - r) <= 1e-9 * std::max(1.0, t) ? r : std::ceil(t);
  if (!(steps <= 1e15)) throw InputError("horizon: horizon/eta = " + format_double(t) + " steps is too many");
  return std::max(1L, static_cast<long>(steps));
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
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxJobFileBytes) throw InputError(name + ": job file larger than " + std::to_string(kMaxJobFileBytes) + " bytes");
  if (text.find('\0') != std::string::npos) throw InputError(name + ": not a text file (contains a NUL byte)");

  // --set overrides, checked for form first.
  std::map<std::string, std::string> overrides;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--set: expected KEY=VALUE, got '" + s + "'");
    std::string key = s.substr(0, eq);
    key.erase(key.find_last_not_of(" \t") + 1);
    overrides[key] = s.substr(eq + 1);
  }

  // First pass: which model?
  auto loose = read_pairs(text, name, nullptr);
  std::string model_name = overrides.count("model") ? overrides["model"] : loose.count("model") ? loose["model"] : "";
  model_name.erase(0, model_name.find_first_not_of(" \t"));
  model_name.erase(model_name.find_last_not_of(" \t") + 1);
  if (model_name.empty()) throw InputError("model: missing (one of: " + model_list() + ")");
  Job job;
  job.model = find_model(model_name);
  if (!job.model) throw InputError("model: unknown model '" + model_name + "' (one of: " + model_list() + ")");

  // Second pass: every key must belong to this model or the runner.
  std::vector<const KeySpec*> keys = {&model_key()};
  for (const auto& k : job.model->keys) keys.push_back(&k);
  for (const auto& k : runner_keys()) keys.push_back(&k);
  auto given = read_pairs(text, name, &keys);
  for (const auto& [k, v] : overrides) {
    bool known = false;
    for (const KeySpec* s : keys) known = known || s->name == k;
    if (!known) throw InputError("--set: unknown key '" + k + "' for model " + model_name);
    given[k] = v;
  }

  const bool has_eta = given.count("eta"), has_rel = given.count("eta_rel");
  if (has_eta && has_rel) throw InputError("eta: give eta or eta_rel, not both");
  if (!has_eta && !has_rel) throw InputError("eta: missing (give eta, or eta_rel relative to the model's eta*)");
  if (has_rel && !job.model->eta_star) throw InputError("eta_rel: model " + model_name + " has no critical step size; give eta");
  if (given.count("steps") && given.count("horizon")) throw InputError("steps: give steps or horizon, not both");

  for (const KeySpec* k : keys) {
    if (k == &model_key()) continue;
    auto it = given.find(k->name);
    std::string raw = it != given.end() ? it->second : k->default_value;
    if (it == given.end() && raw.empty()) continue;
    if ((k->name == "horizon" && given.count("steps")) || (k->name == "eta" && has_rel)) continue;
    auto vals = expand_axis(*k, raw);
    if (vals.size() > 1) job.axes.push_back(k->name);
    job.values.emplace_back(k, std::move(vals));
  }
  if (job.point_count() > kMaxPoints)
    throw InputError("grid: " + format_double(job.point_count()) + " points, more than the limit of " + format_double(kMaxPoints));
  // Resolve every point once so a bad combination is an input error now, not a failed run later.
  for_each_point(job, [](Point&&) {});
  return job;
}

Job load_job(const std::string& path, const std::vector<std::string>& sets) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a job file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read job file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxJobFileBytes) throw InputError(path + ": job file larger than " + std::to_string(kMaxJobFileBytes) + " bytes");
  return parse_job(in, path, sets);
}

std::string point_id(const ModelInfo& model, const Params& params) {
  std::map<std::string, std::string> relevant;
  auto add = [&](const std::vector<KeySpec>& ks) {
    for (const auto& k : ks)
      if (k.in_id && params.has(k.name)) relevant[k.name] = params.text(k.name);
  };
  add(model.keys);
  add(runner_keys());
  std::string canon = "model=" + model.name;
  for (const auto& [k, v] : relevant) canon += ";" + k + "=" + v;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(canon)));
  return buf;
}

bool in_shard(const std::string& id, long i, long n) { return static_cast<long>(fnv1a(id) % static_cast<std::uint64_t>(n)) == i; }

std::vector<Point> expand(const Job& job) {
  std::vector<Point> points;
  points.reserve(static_cast<std::size_t>(job.point_count()));
  for_each_point(job, [&points](Point&& p) { points.push_back(std::move(p)); });
  return points;
}

void for_each_point(const Job& job, const std::function<void(Point&&)>& fn) {
  const ModelInfo& model = *job.model;
  const std::size_t total = static_cast<std::size_t>(job.point_count());
  std::vector<std::size_t> idx(job.values.size(), 0);
  for (std::size_t p = 0; p < total; ++p) {
    // Odometer over the axes: the last key varies fastest.
    std::size_t rest = p;
    for (std::size_t k = job.values.size(); k-- > 0;) {
      const std::size_t len = job.values[k].second.size();
      idx[k] = rest % len;
      rest /= len;
    }
    Point pt;
    pt.index = p;
    for (std::size_t k = 0; k < job.values.size(); ++k) pt.params.set(job.values[k].first->name, job.values[k].second[idx[k]]);
    if (pt.params.has("eta_rel")) {
      const double eta = pt.params.real("eta_rel") * model.eta_star(pt.params);
      if (!(eta > 0) || !std::isfinite(eta)) throw InputError("eta_rel: resolves to eta = " + format_double(eta));
      pt.params.set("eta", format_double(eta));
    }
    if (!pt.params.has("steps")) pt.params.set("steps", std::to_string(horizon_steps(pt.params.real("horizon"), pt.params.real("eta"))));
    if (model.check) model.check(pt.params);
    pt.id = point_id(model, pt.params);
    pt.cost = static_cast<double>(pt.params.integer("steps")) * (model.step_cost ? model.step_cost(pt.params) : 1.0);
    fn(std::move(pt));
  }
}

}  // namespace eos
