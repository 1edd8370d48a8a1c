// The resolved values of one grid point: every key of the model and the runner, in canonical
// text, read back as text, reals or integers.
#pragma once
#include <map>
#include <string>

namespace eos {

class Params {
 public:
  void set(const std::string& key, const std::string& canonical);
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::string& text(const std::string& key) const;
  double real(const std::string& key) const;
  long integer(const std::string& key) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace eos
