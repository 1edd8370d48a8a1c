// Grid points on demand: resolution, ids, costs, the walker.
#include "eos/grid/grid.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <thread>

#include "eos/gd/settings.h"
#include "eos/util/hash.h"
#include "eos/util/number.h"

namespace eos {
namespace {

// precision = float32 only for a model with a single-precision path.
void check_precision(const ModelInfo& model, const Params& params) {
  if (!model.float32 && params.has("precision") && params.text("precision") == "float32")
    throw InputError("precision: model " + model.name + " has no float32 path: precision = float64 only");
}

// batch_size only for a model with a finite training set, and at most its size.
void check_batch_size(const ModelInfo& model, const Params& params) {
  if (!params.has("batch_size")) return;
  const long n = model.samples ? model.samples(params) : 0;
  if (!model.samples)
    throw InputError("batch_size: model " + model.name + " has a population loss, no finite training set to batch");
  if (n < 1) throw InputError("batch_size: model " + model.name + " has no training set to batch at this point");
  if (params.integer("batch_size") > n)
    throw InputError("batch_size: " + params.text("batch_size") + " is larger than the training set (" +
                     std::to_string(n) + " samples)");
}

// steps = ⌈horizon/η⌉, where a quotient within rounding of a whole number counts as that number.
long horizon_steps(double horizon, double eta) {
  const double t = horizon / eta;
  const double r = std::round(t);
  const double steps = std::fabs(t - r) <= 1e-9 * std::max(1.0, t) ? r : std::ceil(t);
  if (!(steps <= 1e15)) throw InputError("horizon: horizon/eta = " + format_double(t) + " steps is too many");
  return std::max(1L, static_cast<long>(steps));
}

// The runner's and the model's keys of a point resolved and checked across keys, by name.
void check_point(const ModelInfo& model, Params& params) {
  resolve_run_keys(model, params);
  check_precision(model, params);
  if (model.check) model.check(params);
  check_run_keys(params);
  check_batch_size(model, params);
}

// Resolve the derived keys of one point in place: eta from eta_rel, steps from horizon; then
// the model's own cross-key checks.
void resolve(const ModelInfo& model, Params& params, bool derive_eta, bool derive_steps) {
  if (derive_eta) {
    const double eta = params.real("eta_rel") * model.eta_star(params);
    if (!(eta > 0) || !std::isfinite(eta))
      throw InputError("eta_rel: " + params.text("eta_rel") + " resolves to eta = " + format_double(eta));
    params.set("eta", format_double(eta), eta);
  }
  if (derive_steps) {
    const long steps = horizon_steps(params.real("horizon"), params.real("eta"));
    params.set("steps", std::to_string(steps), static_cast<double>(steps));
  }
  if (model.resolve) model.resolve(params);
  check_point(model, params);
}

// The cost of a resolved point: steps × the model's cost of a step (of a minibatch step: B/n of it).
double cost_of(const ModelInfo& model, const Params& p) {
  double step = model.step_cost ? model.step_cost(p) : 1.0;
  if (p.has("batch_size")) step *= static_cast<double>(p.integer("batch_size")) / static_cast<double>(model.samples(p));
  return static_cast<double>(p.integer("steps")) * step;
}

}  // namespace

Point point_at(const Job& job, std::size_t index) {
  if (static_cast<double>(index) >= job.point_count()) throw std::out_of_range("point_at: index past the grid");
  Point p;
  p.index = index;
  std::size_t rest = index;
  for (std::size_t k = job.values.size(); k-- > 0;) {
    const auto& vals = job.values[k].second;
    p.params.set(job.values[k].first->name, vals[rest % vals.size()]);
    rest /= vals.size();
  }
  resolve(*job.model, p.params, job.find("eta_rel") != nullptr, job.find("steps") == nullptr);
  p.hash = PointIds(*job.model).hash(p.params);
  p.id = hex_id(p.hash);
  p.cost = cost_of(*job.model, p.params);
  return p;
}

Point point_with(const Job& job, std::size_t index, const std::string& key, double value) {
  Point p = point_at(job, index);
  const KeySpec* spec = nullptr;
  for (const auto& [k, v] : job.values)
    if (k->name == key) spec = k;
  if (!spec) throw std::invalid_argument("point_with: no key " + key);
  p.params.set(key, canonical_value(*spec, format_double(value)));
  resolve(*job.model, p.params, job.find("eta_rel") != nullptr, job.find("steps") == nullptr);
  p.hash = PointIds(*job.model).hash(p.params);
  p.id = hex_id(p.hash);
  p.cost = cost_of(*job.model, p.params);
  return p;
}

AxisLayout axis_layout(const Job& job, const std::string& key) {
  AxisLayout a;
  for (std::size_t k = job.values.size(); k-- > 0;) {
    if (job.values[k].first->name == key) {
      a.count = job.values[k].second.size();
      return a;
    }
    a.stride *= job.values[k].second.size();
  }
  throw std::invalid_argument("axis_layout: no key " + key);
}

GridWalker::GridWalker(const Job& job, std::size_t start)
    : job_(job),
      ids_(*job.model),
      derive_eta_(job.find("eta_rel") != nullptr),
      derive_steps_(job.find("steps") == nullptr),
      rehash_all_(job.model->resolve || job.find("init_state")),
      position_(start),
      size_(static_cast<std::size_t>(job.point_count())),
      digits_(job.values.size(), 0) {
  std::size_t rest = start;
  for (std::size_t k = job.values.size(); k-- > 0;) {
    const std::size_t n = job.values[k].second.size();
    digits_[k] = rest % n;
    rest /= n;
  }
  for (std::size_t k = 0; k < job.values.size(); ++k)
    if (job.values[k].second.size() > 1) turning_.push_back(k);
  for (const auto& [spec, vals] : job.values) {
    numbers_.emplace_back();
    for (const auto& v : vals) {
      double x = 0;
      numbers_.back().push_back(parse_number(v, x) ? x : std::nan(""));
    }
  }
}

// The first point sets every key by name; later ones move the odometer (last key fastest) and set
// the keys whose digit changed, at their known positions; a key of one value never changes. Returns
// the smallest position changed.
std::size_t GridWalker::advance(Params& params) {
  const std::size_t nk = job_.values.size();
  if (!started_) {
    started_ = true;
    params = Params();
    for (std::size_t k = 0; k < nk; ++k) params.set(job_.values[k].first->name, job_.values[k].second[digits_[k]]);
    return 0;
  }
  std::size_t changed = std::string::npos;
  for (std::size_t t = turning_.size(); t-- > 0;) {
    const std::size_t k = turning_[t];
    const auto& vals = job_.values[k].second;
    digits_[k] = digits_[k] + 1 == vals.size() ? 0 : digits_[k] + 1;
    const double x = numbers_[k][digits_[k]];
    params.set_at(slots_[k], vals[digits_[k]], x, !std::isnan(x));
    value_changed(slots_[k]);
    changed = std::min(changed, slots_[k]);
    if (digits_[k] != 0) break;
  }
  return changed;
}

// Derive eta and steps in place (as resolve() does) at their known positions, then check the
// point when what the checks touched has changed (every point for a model with a resolve step).
void GridWalker::derive(Params& params) {
  const auto& e = params.all();
  if (derive_eta_) {
    const double eta = e[rel_slot_].number * job_.model->eta_star(params);
    if (!(eta > 0) || !std::isfinite(eta))
      throw InputError("eta_rel: " + e[rel_slot_].text + " resolves to eta = " + format_double(eta));
    set_derived(params, eta_slot_, format_double(eta), eta);
  }
  if (derive_steps_) {
    const long steps = horizon_steps(e[horizon_slot_].number, e[eta_slot_].number);
    set_derived(params, steps_slot_, std::to_string(steps), static_cast<double>(steps));
  }
  if (job_.model->resolve) {
    job_.model->resolve(params);
    check_point(*job_.model, params);
  } else if (checks_stale_) {
    check(params);
  }
}

// A derived entry's new value (often the last point's: then nothing changes).
void GridWalker::set_derived(Params& params, std::size_t position, const std::string& text, double number) {
  const Params::Entry& e = params.all()[position];
  if (e.numeric && e.number == number && e.text == text) return;
  params.set_at(position, text, number, true);
  value_changed(position);
}

// An entry of the point took a new value: the checks run again if they touched it.
void GridWalker::value_changed(std::size_t position) {
  if (checked_[position]) checks_stale_ = true;
}

// Run the checks, keeping what they touched; a run that rewrote an entry or touched them all
// leaves the checks stale (they run again at the next point), as does one that throws.
void GridWalker::check(Params& params) {
  checks_stale_ = true;
  Params::Recording recording(params);
  check_point(*job_.model, params);
  const Params::Touches& t = recording.touches();
  if (t.rewritten || t.everything) return;
  std::fill(checked_.begin(), checked_.end(), 0);
  for (std::size_t position : t.positions) checked_[position] = 1;
  checks_stale_ = false;
}

// Keep where everything is, once the first point is resolved.
void GridWalker::learn_positions(const Params& params) {
  for (const auto& kv : job_.values) slots_.push_back(params.position(kv.first->name));
  id_slots_ = ids_.slots(params);
  prefix_.assign(id_slots_.size() + 1, 0);
  rel_slot_ = params.position("eta_rel");
  eta_slot_ = params.position("eta");
  horizon_slot_ = params.position("horizon");
  steps_slot_ = params.position("steps");
  checked_.assign(params.all().size(), 0);
}

bool GridWalker::next(Point& p) {
  if (position_ >= size_) return false;
  std::size_t changed = advance(p.params);
  try {
    if (slots_.empty()) {
      resolve(*job_.model, p.params, derive_eta_, derive_steps_);
      learn_positions(p.params);
    } else {
      derive(p.params);
      if (derive_eta_) changed = std::min(changed, eta_slot_);
      if (derive_steps_) changed = std::min(changed, steps_slot_);
      if (rehash_all_) changed = 0;
    }
  } catch (const InputError& e) {
    std::string where;
    for (const auto& a : job_.axes) where += (where.empty() ? "" : ", ") + a + "=" + p.params.text(a);
    throw InputError(std::string(e.what()) + (where.empty() ? "" : " (at grid point " + where + ")"));
  }
  p.index = position_++;
  p.hash = hash(p.params, changed);
  hex_id_into(p.hash, p.id);
  p.cost = cost_of(*job_.model, p.params);
  return true;
}

// The id, rehashing only from the first in_id key at or after position changed (FNV-1a is a
// running state: the prefix before it is the last point's).
std::uint64_t GridWalker::hash(const Params& params, std::size_t changed) {
  std::size_t from = 0;
  while (from < id_slots_.size() && id_slots_[from].position < changed) ++from;
  if (changed == 0 || !hashed_) {
    from = 0;
    hashed_ = true;
  }
  prefix_[0] = ids_.start();
  const auto& e = params.all();
  for (std::size_t j = from; j < id_slots_.size(); ++j)
    prefix_[j + 1] = ids_.extend(prefix_[j], e[id_slots_[j].position], id_slots_[j].quiet);
  return prefix_.back();
}

void for_each_point(const Job& job, const std::function<void(const Point&)>& fn) {
  GridWalker walker(job);
  Point p;
  while (walker.next(p)) fn(p);
}

void for_each_point_parallel(const Job& job, unsigned threads,
                             const std::function<void(unsigned block, const Point&)>& fn) {
  const std::size_t n = static_cast<std::size_t>(job.point_count());
  threads = static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(1, n / 100000)));
  std::vector<std::exception_ptr> errors(threads);
  auto block = [&](unsigned b) {
    const std::size_t from = n * b / threads, to = n * (b + 1) / threads;
    GridWalker walker(job, from);
    Point p;
    try {
      for (std::size_t i = from; i < to && walker.next(p); ++i) fn(b, p);
    } catch (...) {
      errors[b] = std::current_exception();  // this block's first; the blocks are in grid order
    }
  };
  std::vector<std::thread> pool;
  for (unsigned b = 1; b < threads; ++b) pool.emplace_back(block, b);
  block(0);
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

std::vector<Point> expand(const Job& job) {
  std::vector<Point> points;
  points.reserve(static_cast<std::size_t>(job.point_count()));
  for_each_point(job, [&points](const Point& p) { points.push_back(p); });
  return points;
}

PointIds::PointIds(const ModelInfo& model) : model_("model=" + model.name) {
  // The model's keys first: a model that declared a key before the runner offered it to every
  // model keeps its own spec (and so its ids).
  auto known = [this](const std::string& name) {
    for (const auto& k : keys_)
      if (k.name == name) return true;
    return false;
  };
  for (const auto* ks : {&model.keys, &runner_keys()})
    for (const auto& k : *ks) {
      if (!k.in_id || known(k.name)) continue;
      IdKey id{k.name};
      if (!k.in_id_at_default && !k.default_value.empty()) {
        id.has_quiet = true;
        id.quiet = canonical_value(k, k.default_value);
      }
      keys_.push_back(std::move(id));
    }
  for (const auto* entries : {&model.id_entries, &runner_id_entries()})
    for (const auto& e : *entries)
      if (!known(e)) keys_.push_back({e});
  std::sort(keys_.begin(), keys_.end(), [](const IdKey& a, const IdKey& b) { return a.name < b.name; });
}

std::vector<PointIds::Slot> PointIds::slots(const Params& params) const {
  // Both lists are sorted by name.
  std::vector<Slot> out;
  auto key = keys_.begin();
  const auto& entries = params.all();
  for (std::size_t i = 0; i < entries.size() && key != keys_.end(); ++i) {
    while (key != keys_.end() && key->name < entries[i].key) ++key;
    if (key != keys_.end() && key->name == entries[i].key) out.push_back({i, key->has_quiet ? &key->quiet : nullptr});
  }
  return out;
}

std::uint64_t PointIds::start() const { return fnv1a(model_); }

std::uint64_t PointIds::extend(std::uint64_t h, const Params::Entry& e, const std::string* quiet) const {
  if (quiet && e.text == *quiet) return h;
  h = fnv1a(";", h);
  h = fnv1a(e.key, h);
  h = fnv1a("=", h);
  return fnv1a(e.text, h);
}

std::uint64_t PointIds::hash_at(const Params& params, const std::vector<Slot>& slots) const {
  // "model=M;k1=v1;k2=v2...": the in_id keys the point has, sorted by name.
  std::uint64_t h = start();
  for (const Slot& s : slots) h = extend(h, params.all()[s.position], s.quiet);
  return h;
}

std::uint64_t PointIds::hash(const Params& params) const { return hash_at(params, slots(params)); }

std::string point_id(const ModelInfo& model, const Params& params) { return hex_id(PointIds(model).hash(params)); }

bool in_shard(const std::string& id, long i, long n) {
  return static_cast<long>(fnv1a(id) % static_cast<std::uint64_t>(n)) == i;
}

}  // namespace eos
