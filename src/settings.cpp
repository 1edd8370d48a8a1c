// Key validation and canonical formatting of values.
#include "eos/settings.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace eos {

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string quote_input(const std::string& text) {
  constexpr std::size_t kShown = 60;
  std::size_t cut = text.size();
  if (cut > kShown) {
    cut = kShown;
    // Do not split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = "'";
  for (std::size_t i = 0; i < cut; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += cut < text.size() ? "...'" : "'";
  return out;
}

double parse_double(const std::string& key, const std::string& text) {
  std::size_t b = text.find_first_not_of(" \t");
  std::size_t e = text.find_last_not_of(" \t");
  if (b == std::string::npos) throw InputError(key + ": empty value");
  std::string t = text.substr(b, e - b + 1);
  const char* first = t.data();
  // One leading '+' is allowed ("+1e-3"); from_chars takes no sign but '-'.
  if (*first == '+' && t.size() > 1 && t[1] != '-' && t[1] != '+') ++first;
  double v = 0;
  auto res = std::from_chars(first, t.data() + t.size(), v);
  if (res.ec == std::errc::result_out_of_range && res.ptr == t.data() + t.size())
    throw InputError(key + ": number out of range: " + quote_input(t));
  if (res.ec != std::errc() || res.ptr != t.data() + t.size()) throw InputError(key + ": not a number: " + quote_input(t));
  if (!std::isfinite(v)) throw InputError(key + ": not a finite number: " + quote_input(t));
  return v;
}

std::string canonical_value(const KeySpec& spec, const std::string& raw) {
  if (spec.type == KeyType::Text) {
    std::size_t b = raw.find_first_not_of(" \t");
    std::size_t e = raw.find_last_not_of(" \t");
    std::string t = b == std::string::npos ? "" : raw.substr(b, e - b + 1);
    if (t.empty()) throw InputError(spec.name + ": empty value");
    for (unsigned char c : t)
      if (c < 0x20 || c == 0x7F) throw InputError(spec.name + ": control character in " + quote_input(t));
    if (!spec.choices.empty()) {
      bool ok = false;
      std::string list;
      for (const auto& c : spec.choices) {
        ok = ok || c == t;
        list += (list.empty() ? "" : ", ") + c;
      }
      if (!ok) throw InputError(spec.name + ": " + quote_input(t) + " is not one of: " + list);
    }
    return t;
  }
  double v = parse_double(spec.name, raw);
  if (spec.type == KeyType::Integer) {
    if (v != std::floor(v)) throw InputError(spec.name + ": not an integer: " + quote_input(raw));
    if (std::fabs(v) > 9.007199254740992e15) throw InputError(spec.name + ": integer too large: " + quote_input(raw));
  }
  auto bound = [&](const char* op, double lim) {
    throw InputError(spec.name + ": must be " + op + " " + format_double(lim) + " (got " +
                     format_double(v) + ")");
  };
  if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) bound(spec.min_exclusive ? ">" : ">=", spec.min);
  if (!(v <= spec.max)) bound("<=", spec.max);
  if (v == 0.0) v = 0.0;  // canonical +0
  return format_double(v);
}

void Params::set(const std::string& key, const std::string& canonical) { values_[key] = canonical; }

const std::string& Params::text(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("parameter not set: " + key);
  return it->second;
}

double Params::real(const std::string& key) const {
  const std::string& t = text(key);
  double v = 0;
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (res.ec != std::errc() || res.ptr != t.data() + t.size())
    throw std::logic_error("parameter " + key + " is not numeric: " + t);
  return v;
}

long integer_of(double v) { return static_cast<long>(std::llround(v)); }

long Params::integer(const std::string& key) const { return integer_of(real(key)); }

}  // namespace eos
