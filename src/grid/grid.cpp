// Grid points on demand: resolution, ids, costs, the walker.
#include "eos/grid/grid.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eos/gd/settings.h"
#include "eos/util/hash.h"
#include "eos/util/number.h"

namespace eos {
namespace {

// steps = ⌈horizon/η⌉, where a quotient within rounding of a whole number counts as that number.
long horizon_steps(double horizon, double eta) {
  const double t = horizon / eta;
  const double r = std::round(t);
  const double steps = std::fabs(t - r) <= 1e-9 * std::max(1.0, t) ? r : std::ceil(t);
  if (!(steps <= 1e15)) throw InputError("horizon: horizon/eta = " + format_double(t) + " steps is too many");
  return std::max(1L, static_cast<long>(steps));
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

// Id and cost of a resolved point.
void finish_point(const ModelInfo& model, Point& p) {
  p.id = point_id(model, p.params);
  p.cost = static_cast<double>(p.params.integer("steps")) * (model.step_cost ? model.step_cost(p.params) : 1.0);
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
  finish_point(*job.model, p);
  return p;
}

GridWalker::GridWalker(const Job& job, std::size_t start)
    : job_(job),
      derive_eta_(job.find("eta_rel") != nullptr),
      derive_steps_(job.find("steps") == nullptr),
      position_(start),
      size_(static_cast<std::size_t>(job.point_count())),
      digits_(job.values.size(), 0) {
  std::size_t rest = start;
  for (std::size_t k = job.values.size(); k-- > 0;) {
    const std::size_t n = job.values[k].second.size();
    digits_[k] = rest % n;
    rest /= n;
  }
}

bool GridWalker::next(Point& p) {
  if (position_ >= size_) return false;
  const std::size_t nk = job_.values.size();
  // The first call sets every key; later ones move the odometer (last key fastest) and set the
  // keys whose digit changed.
  if (!started_) {
    started_ = true;
    p.params = Params();
    for (std::size_t k = 0; k < nk; ++k) p.params.set(job_.values[k].first->name, job_.values[k].second[digits_[k]]);
  } else {
    for (std::size_t k = nk; k-- > 0;) {
      const auto& vals = job_.values[k].second;
      digits_[k] = digits_[k] + 1 == vals.size() ? 0 : digits_[k] + 1;
      p.params.set(job_.values[k].first->name, vals[digits_[k]]);
      if (digits_[k] != 0) break;
    }
  }
  try {
    resolve(*job_.model, p.params, derive_eta_, derive_steps_);
  } catch (const InputError& e) {
    std::string where;
    for (const auto& a : job_.axes) where += (where.empty() ? "" : ", ") + a + "=" + p.params.text(a);
    throw InputError(std::string(e.what()) + (where.empty() ? "" : " (at grid point " + where + ")"));
  }
  p.index = position_++;
  finish_point(*job_.model, p);
  return true;
}

void for_each_point(const Job& job, const std::function<void(const Point&)>& fn) {
  GridWalker walker(job);
  Point p;
  while (walker.next(p)) fn(p);
}

std::vector<Point> expand(const Job& job) {
  std::vector<Point> points;
  points.reserve(static_cast<std::size_t>(job.point_count()));
  for_each_point(job, [&points](const Point& p) { points.push_back(p); });
  return points;
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

bool in_shard(const std::string& id, long i, long n) {
  return static_cast<long>(fnv1a(id) % static_cast<std::uint64_t>(n)) == i;
}

}  // namespace eos
