// Parsing of value lists and generated ranges.
#include "eos/axis.h"

#include <cmath>
#include <set>

namespace eos {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Split at top-level commas (commas inside parentheses belong to a range).
std::vector<std::string> split_items(const KeySpec& spec, const std::string& text) {
  std::vector<std::string> items;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) throw InputError(spec.name + ": unbalanced ')' in '" + text + "'");
    if (c == ',' && depth == 0) {
      items.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) throw InputError(spec.name + ": unbalanced '(' in '" + text + "'");
  items.push_back(trim(cur));
  return items;
}

long count_arg(const KeySpec& spec, const std::string& fn, const std::string& text) {
  double n = parse_double(spec.name, text);
  if (n != std::floor(n) || n < 1) throw InputError(spec.name + ": " + fn + " count must be a whole number >= 1 (got '" + text + "')");
  if (n > kMaxAxisValues) throw InputError(spec.name + ": " + fn + " count " + text + " exceeds the limit of " + std::to_string(kMaxAxisValues));
  return static_cast<long>(n);
}

std::vector<double> generate(const KeySpec& spec, const std::string& item) {
  const std::size_t open = item.find('(');
  const std::string fn = trim(item.substr(0, open));
  if (item.back() != ')') throw InputError(spec.name + ": malformed range '" + item + "'");
  const std::string inner = item.substr(open + 1, item.size() - open - 2);
  KeySpec argspec;
  argspec.name = spec.name;
  std::vector<std::string> args = split_items(argspec, inner);
  std::vector<double> out;
  auto need = [&](std::size_t lo, std::size_t hi) {
    if (args.size() < lo || args.size() > hi)
      throw InputError(spec.name + ": " + fn + " takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " or " + std::to_string(hi)) +
                       " arguments: '" + item + "'");
  };
  if (fn == "linspace" || fn == "logspace") {
    need(3, 3);
    const double a = parse_double(spec.name, args[0]), b = parse_double(spec.name, args[1]);
    const long n = count_arg(spec, fn, args[2]);
    if (fn == "logspace" && (a <= 0 || b <= 0)) throw InputError(spec.name + ": logspace needs positive end points: '" + item + "'");
    for (long i = 0; i < n; ++i) {
      const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
      double v = fn == "linspace" ? a + (b - a) * t : std::exp(std::log(a) + (std::log(b) - std::log(a)) * t);
      if (i == n - 1 && n > 1) v = b;  // end points exactly as written
      if (i == 0) v = a;
      out.push_back(v);
    }
  } else if (fn == "range") {
    need(2, 3);
    const double a = parse_double(spec.name, args[0]), b = parse_double(spec.name, args[1]);
    const double step = args.size() == 3 ? parse_double(spec.name, args[2]) : 1.0;
    if (step == 0) throw InputError(spec.name + ": range step must not be 0: '" + item + "'");
    const double count = std::ceil((b - a) / step);
    if (count > kMaxAxisValues) throw InputError(spec.name + ": range '" + item + "' has more than " + std::to_string(kMaxAxisValues) + " values");
    for (long i = 0; i < static_cast<long>(count); ++i) out.push_back(a + static_cast<double>(i) * step);
    if (out.empty()) throw InputError(spec.name + ": empty range '" + item + "'");
  } else {
    throw InputError(spec.name + ": unknown range function '" + fn + "' (use linspace, logspace or range)");
  }
  return out;
}

}  // namespace

std::vector<std::string> expand_axis(const KeySpec& spec, const std::string& text) {
  std::vector<std::string> values;
  std::set<std::string> seen;
  for (const std::string& item : split_items(spec, text)) {
    if (item.empty()) throw InputError(spec.name + ": empty value in '" + trim(text) + "'");
    std::vector<std::string> raw;
    if (spec.type != KeyType::Text && item.find('(') != std::string::npos) {
      for (double v : generate(spec, item)) {
        // Round generated integers (range(0, 1e3, 1) style) to the exact whole number.
        if (spec.type == KeyType::Integer && std::fabs(v - std::round(v)) < 1e-9 * std::max(1.0, std::fabs(v))) v = std::round(v);
        raw.push_back(format_double(v));
      }
    } else {
      raw.push_back(item);
    }
    for (const auto& r : raw) {
      std::string c = canonical_value(spec, r);
      if (!seen.insert(c).second) throw InputError(spec.name + ": value " + c + " appears twice");
      values.push_back(c);
    }
    if (static_cast<long>(values.size()) > kMaxAxisValues)
      throw InputError(spec.name + ": more than " + std::to_string(kMaxAxisValues) + " values");
  }
  if (!spec.axis && values.size() > 1)
    throw InputError(spec.name + ": is not a sweep axis; give a single value (got " + std::to_string(values.size()) + ")");
  return values;
}

}  // namespace eos
