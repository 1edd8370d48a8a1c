// Parsing of value lists and generated ranges.
#include "eos/config/axis.h"

#include <cmath>
#include <unordered_set>

#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

// Split at top-level commas (commas inside parentheses belong to a range).
std::vector<std::string> split_items(const std::string& key, const std::string& text) {
  std::vector<std::string> items;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) throw InputError(key + ": unbalanced ')' in " + quote_input(trim(text)));
    if (c == ',' && depth == 0) {
      items.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) throw InputError(key + ": unbalanced '(' in " + quote_input(trim(text)));
  items.push_back(trim(cur));
  return items;
}

// A generated range, its arguments checked and its length known.
struct Range {
  std::string fn;  // linspace, logspace or range
  double a = 0, b = 0, step = 1;
  long count = 0;
};

long count_arg(const std::string& key, const std::string& fn, const std::string& text) {
  const double n = parse_double(key, text);
  if (n != std::floor(n) || n < 1)
    throw InputError(key + ": " + fn + " count must be a whole number >= 1 (got " + quote_input(text) + ")");
  if (n > static_cast<double>(kMaxAxisValues))
    throw InputError(key + ": " + fn + " count " + text + " exceeds the limit of " + std::to_string(kMaxAxisValues) + " values");
  return static_cast<long>(n);
}

// Check a range item "fn(args)" and work out its length, generating nothing.
Range parse_range(const std::string& key, const std::string& item) {
  const std::size_t open = item.find('(');
  Range r;
  r.fn = trim(item.substr(0, open));
  if (r.fn != "linspace" && r.fn != "logspace" && r.fn != "range")
    throw InputError(key + ": unknown range function " + quote_input(r.fn) + " in " + quote_input(item) +
                     " (use linspace, logspace or range)");
  if (item.back() != ')') throw InputError(key + ": text after the closing ')' in " + quote_input(item));
  const std::vector<std::string> args = split_items(key, item.substr(open + 1, item.size() - open - 2));
  auto need = [&](std::size_t lo, std::size_t hi) {
    if (args.size() < lo || args.size() > hi)
      throw InputError(key + ": " + r.fn + " takes " +
                       (lo == hi ? std::to_string(lo) : std::to_string(lo) + " or " + std::to_string(hi)) +
                       " arguments, got " + std::to_string(args.size()) + " in " + quote_input(item));
    for (const auto& a : args)
      if (a.empty()) throw InputError(key + ": empty argument in " + quote_input(item));
  };
  if (r.fn == "linspace" || r.fn == "logspace") {
    need(3, 3);
    r.a = parse_double(key, args[0]);
    r.b = parse_double(key, args[1]);
    r.count = count_arg(key, r.fn, args[2]);
    if (r.fn == "logspace" && (r.a <= 0 || r.b <= 0))
      throw InputError(key + ": logspace needs positive end points: " + quote_input(item));
    return r;
  }
  need(2, 3);
  r.a = parse_double(key, args[0]);
  r.b = parse_double(key, args[1]);
  r.step = args.size() == 3 ? parse_double(key, args[2]) : 1.0;
  if (r.step == 0) throw InputError(key + ": range step must not be 0: " + quote_input(item));
  // Values a, a+step, ... strictly before b. A quotient within rounding of a whole number k
  // counts as k, so range(0, 0.3, 0.1) stops before 0.3 whichever way the division rounds.
  const double q = (r.b - r.a) / r.step;
  if (!(q > 0)) throw InputError(key + ": empty range " + quote_input(item) + " (no value from start towards end)");
  if (q > static_cast<double>(kMaxAxisValues) + 1)
    throw InputError(key + ": range " + quote_input(item) + " has more than " + std::to_string(kMaxAxisValues) + " values");
  const double k = std::round(q);
  const double count = k >= 1 && std::fabs(q - k) <= 1e-12 * q ? k : std::ceil(q);
  if (count > static_cast<double>(kMaxAxisValues))
    throw InputError(key + ": range " + quote_input(item) + " has more than " + std::to_string(kMaxAxisValues) + " values");
  r.count = static_cast<long>(count);
  return r;
}

std::vector<double> generate(const Range& r) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(r.count));
  const long n = r.count;
  for (long i = 0; i < n; ++i) {
    if (r.fn == "range") {
      out.push_back(r.a + static_cast<double>(i) * r.step);
      continue;
    }
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    // logspace as a·(b/a)^t: exact at the nice points (logspace(0.25, 4, 13) holds 1 and 2).
    double v = r.fn == "linspace" ? r.a + (r.b - r.a) * t : r.a * std::pow(r.b / r.a, t);
    if (i == n - 1 && n > 1) v = r.b;  // end points exactly as written
    if (i == 0) v = r.a;
    out.push_back(v);
  }
  return out;
}

bool is_range(const KeySpec& spec, const std::string& item) {
  return spec.type != KeyType::Text && item.find('(') != std::string::npos;
}

std::vector<std::string> checked_items(const KeySpec& spec, const std::string& text) {
  std::vector<std::string> items = split_items(spec.name, text);
  if (items.size() == 1 && items[0].empty()) throw InputError(spec.name + ": empty value");
  for (const auto& item : items)
    if (item.empty()) throw InputError(spec.name + ": empty item in the list " + quote_input(trim(text)));
  return items;
}

}  // namespace

double axis_size(const KeySpec& spec, const std::string& text) {
  if (spec.list) return 1;
  double n = 0;
  for (const std::string& item : checked_items(spec, text))
    n += is_range(spec, item) ? static_cast<double>(parse_range(spec.name, item).count) : 1.0;
  return n;
}

std::vector<std::string> expand_axis(const KeySpec& spec, const std::string& text) {
  if (spec.list) return {canonical_value(spec, trim(text))};
  const std::vector<std::string> items = checked_items(spec, text);
  const double size = axis_size(spec, text);
  if (!spec.axis && size > 1)
    throw InputError(spec.name + ": is not a sweep axis; give a single value (got " + format_double(size) + " in " +
                     quote_input(trim(text)) + ")");
  if (size > static_cast<double>(kMaxAxisValues))
    throw InputError(spec.name + ": more than " + std::to_string(kMaxAxisValues) + " values");
  std::vector<std::string> values;
  values.reserve(static_cast<std::size_t>(size));
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& raw) {
    std::string c = canonical_value(spec, raw);
    if (!seen.insert(c).second) throw InputError(spec.name + ": value " + c + " appears twice");
    values.push_back(std::move(c));
  };
  for (const std::string& item : items) {
    if (!is_range(spec, item)) {
      add(item);
      continue;
    }
    for (double v : generate(parse_range(spec.name, item))) {
      // Round generated integers (range(0, 1e3, 1) style) to the exact whole number.
      if (spec.type == KeyType::Integer && std::fabs(v - std::round(v)) < 1e-9 * std::max(1.0, std::fabs(v)))
        v = std::round(v);
      add(format_double(v));
    }
  }
  return values;
}

}  // namespace eos
