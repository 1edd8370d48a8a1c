// The methods: their names, edges and rules, their state as bytes, and the factory. The updates
// themselves are in gd/methods.cpp.
#include "eos/gd/method.h"

#include <cmath>
#include <cstring>
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

void save_state(StateWriter& out, const MethodState& s) {
  out.put(std::string("method state 1"));
  out.put(s.updates);
  out.put(s.flow_sharpness);
  for (const auto& [name, v] : s.arrays()) out.put(*v);
}

MethodState load_state(StateReader& in) {
  if (in.value<std::string>() != "method state 1") throw StateError("not a method state");
  MethodState s;
  in.get(s.updates);
  in.get(s.flow_sharpness);
  for (auto& [name, v] : s.arrays()) in.get(*v);
  return s;
}

}  // namespace eos
