// Resolved point values.
#include "eos/config/params.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace eos {

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

long Params::integer(const std::string& key) const { return static_cast<long>(std::llround(real(key))); }

}  // namespace eos
