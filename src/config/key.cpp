// Key validation and canonical values.
#include "eos/config/key.h"

#include <cmath>

#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {

const KeySpec* find_key(const std::vector<KeySpec>& keys, const std::string& name) {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

namespace {

std::string canonical_text(const KeySpec& spec, const std::string& raw) {
  std::size_t b = raw.find_first_not_of(" \t");
  std::size_t e = raw.find_last_not_of(" \t");
  std::string t = b == std::string::npos ? "" : raw.substr(b, e - b + 1);
  if (t.empty()) throw InputError(spec.name + ": empty value");
  for (unsigned char c : t)
    if (c < 0x20 || c == 0x7F) throw InputError(spec.name + ": control character in " + quote_input(t));
  if (!spec.choices.empty()) {
    bool ok = false;
    for (const auto& c : spec.choices) ok = ok || c == t;
    if (!ok) throw InputError(spec.name + ": " + quote_input(t) + " is not one of: " + join(spec.choices, ", "));
  }
  return t;
}

}  // namespace

std::string canonical_value(const KeySpec& spec, const std::string& raw) {
  if (spec.type == KeyType::Text) return canonical_text(spec, raw);
  double v = parse_double(spec.name, raw);
  if (spec.type == KeyType::Integer) {
    if (v != std::floor(v)) throw InputError(spec.name + ": not an integer: " + quote_input(raw));
    if (std::fabs(v) > 9.007199254740992e15) throw InputError(spec.name + ": integer too large: " + quote_input(raw));
  }
  auto bound = [&](const char* op, double lim) {
    throw InputError(spec.name + ": must be " + op + " " + format_double(lim) + " (got " + format_double(v) + ")");
  };
  if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) bound(spec.min_exclusive ? ">" : ">=", spec.min);
  if (spec.max_exclusive ? !(v < spec.max) : !(v <= spec.max)) bound(spec.max_exclusive ? "<" : "<=", spec.max);
  if (v == 0.0) v = 0.0;  // canonical +0
  return format_double(v);
}

}  // namespace eos
