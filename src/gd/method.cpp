// The methods: their names, edges and rules, their state as bytes, and the factory. The updates
// themselves are in gd/methods.cpp.
#include "eos/gd/method.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <istream>
#include <ostream>
#include <stdexcept>

namespace eos {
namespace {

struct Named {
  MethodKind kind;
  const char* name;
};
constexpr Named kNames[] = {{MethodKind::Gd, "gd"},           {MethodKind::Flow, "flow"},
                            {MethodKind::Polyak, "polyak"},   {MethodKind::Nesterov, "nesterov"},
                            {MethodKind::Rmsprop, "rmsprop"}, {MethodKind::Adam, "adam"}};

}  // namespace

MethodKind method_kind(const std::string& name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.kind;
  throw std::invalid_argument("unknown method '" + name + "'");
}

const char* method_name(MethodKind kind) {
  for (const auto& n : kNames)
    if (n.kind == kind) return n.name;
  return "?";
}

double edge_level(const MethodSpec& m) {
  const double b = m.momentum, b1 = m.beta1;
  switch (m.kind) {
    case MethodKind::Polyak: return (2 + 2 * b) / m.eta;
    case MethodKind::Nesterov: return (2 + 2 * b) / ((1 + 2 * b) * m.eta);
    case MethodKind::Adam: return (2 + 2 * b1) / ((1 - b1) * m.eta);
    default: return 2.0 / m.eta;
  }
}

double edge_scale(const MethodSpec& m) {
  const double b = m.momentum, b1 = m.beta1;
  switch (m.kind) {
    case MethodKind::Polyak: return m.eta / (2 + 2 * b);
    case MethodKind::Nesterov: return (1 + 2 * b) * m.eta / (2 + 2 * b);
    case MethodKind::Adam: return (1 - b1) * m.eta / (2 + 2 * b1);
    default: return m.eta / 2;
  }
}

double eta_star_factor(const MethodSpec& m) {
  switch (m.kind) {
    case MethodKind::Gd: return 1;
    case MethodKind::Polyak: return 1 + m.momentum;
    case MethodKind::Nesterov: return (1 + m.momentum) / (1 + 2 * m.momentum);
    default: return std::nan("");
  }
}

StepGeometry step_geometry(const MethodSpec& m) {
  if (m.kind == MethodKind::Gd) return StepGeometry::GdStep;
  return m.momentum_method() ? StepGeometry::ActualStep : StepGeometry::None;
}

EdgeRule edge_rule(const MethodSpec& m) {
  return {.loss_rises = m.kind == MethodKind::Gd, .sharpness = m.kind != MethodKind::Flow};
}

std::vector<std::pair<std::string, Vec*>> MethodState::arrays() {
  return {{"velocity", &velocity}, {"second", &second}, {"precondition", &precondition}, {"step", &step}, {"gd", &gd}};
}

std::vector<std::pair<std::string, const Vec*>> MethodState::arrays() const {
  std::vector<std::pair<std::string, const Vec*>> out;
  for (const auto& [name, v] : const_cast<MethodState*>(this)->arrays()) out.emplace_back(name, v);
  return out;
}

bool MethodState::operator==(const MethodState& o) const {
  auto same = [](const Vec& a, const Vec& b) {
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0);
  };
  const auto mine = arrays(), theirs = o.arrays();
  for (std::size_t k = 0; k < mine.size(); ++k)
    if (!same(*mine[k].second, *theirs[k].second)) return false;
  return updates == o.updates && std::memcmp(&flow_sharpness, &o.flow_sharpness, sizeof(double)) == 0;
}

namespace {

constexpr char kStateMagic[8] = {'e', 'o', 's', 'm', 's', 't', '0', '1'};

void put(std::ostream& out, const void* p, std::size_t n) { out.write(static_cast<const char*>(p), static_cast<std::streamsize>(n)); }

void get(std::istream& in, void* p, std::size_t n) {
  if (!in.read(static_cast<char*>(p), static_cast<std::streamsize>(n))) throw std::runtime_error("method state: cut short");
}

}  // namespace

// Magic, updates, flow_sharpness, then per array (in arrays() order) its length and doubles.
void write_state(std::ostream& out, const MethodState& s) {
  put(out, kStateMagic, sizeof kStateMagic);
  const std::int64_t updates = s.updates;
  put(out, &updates, sizeof updates);
  put(out, &s.flow_sharpness, sizeof s.flow_sharpness);
  for (const auto& [name, v] : s.arrays()) {
    const std::int64_t n = v->size();
    put(out, &n, sizeof n);
    put(out, v->data(), sizeof(double) * static_cast<std::size_t>(n));
  }
}

MethodState read_state(std::istream& in) {
  char magic[sizeof kStateMagic];
  get(in, magic, sizeof magic);
  if (std::memcmp(magic, kStateMagic, sizeof magic) != 0) throw std::runtime_error("method state: not one (bad magic)");
  MethodState s;
  std::int64_t updates = 0;
  get(in, &updates, sizeof updates);
  s.updates = static_cast<long>(updates);
  get(in, &s.flow_sharpness, sizeof s.flow_sharpness);
  for (auto& [name, v] : s.arrays()) {
    std::int64_t n = 0;
    get(in, &n, sizeof n);
    if (n < 0 || n > (std::int64_t{1} << 40)) throw std::runtime_error("method state: bad length of " + name);
    v->resize(n);
    get(in, v->data(), sizeof(double) * static_cast<std::size_t>(n));
  }
  return s;
}

}  // namespace eos
