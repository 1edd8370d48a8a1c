// Numbers as text.
#include "eos/util/number.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "eos/util/error.h"
#include "eos/util/text.h"

namespace eos {

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
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

bool parse_number(std::string_view field, double& out) {
  if (field.empty()) return false;
  const char* last = field.data() + field.size();
  if (const auto r = std::from_chars(field.data(), last, out); r.ec == std::errc() && r.ptr == last) return true;
  // The rest (hex, '+', out of range, not a number) as strtod reads it, from a terminated copy.
  char small[64];
  std::string big;
  const char* begin = small;
  if (field.size() < sizeof small) {
    field.copy(small, field.size());
    small[field.size()] = '\0';
  } else {
    big.assign(field);
    begin = big.c_str();
  }
  char* end = nullptr;
  out = std::strtod(begin, &end);
  return end == begin + field.size() && !std::isspace(static_cast<unsigned char>(field[0]));
}

bool finite_number(std::string_view field, double& out) { return parse_number(field, out) && std::isfinite(out); }

}  // namespace eos
