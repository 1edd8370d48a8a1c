// Typed cells as text.
#include "eos/util/field.h"

#include <cmath>

#include "eos/util/number.h"

namespace eos {

std::string format_field(const Field& f) {
  if (const long* i = std::get_if<long>(&f)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&f)) return format_double(*d);
  if (const std::string* s = std::get_if<std::string>(&f)) return *s;
  return "";
}

double field_number(const Field& f) {
  if (const long* i = std::get_if<long>(&f)) return static_cast<double>(*i);
  if (const double* d = std::get_if<double>(&f)) return *d;
  return std::nan("");
}

}  // namespace eos
