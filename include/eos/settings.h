// The keys a job file may set (type, default, bounds, documentation) and the resolved
// values of one grid point. Models and the runner declare keys; the job parser checks them.
#pragma once
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace eos {

// Bad user input (job file, --set, command line): one line, names the key; exit status 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class KeyType { Real, Integer, Text };

struct KeySpec {
  std::string name;
  KeyType type = KeyType::Real;
  std::string default_value;  // empty: the key has no default (must be given, or is optional)
  std::string doc;
  bool axis = false;          // may hold a list or range of values (a sweep axis)
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // allowed values of a Text key
  bool in_id = true;          // changes a point's result, so it is part of the point's id
};

// Check one value against its spec; returns the canonical text (throws InputError).
std::string canonical_value(const KeySpec& spec, const std::string& raw);

// Shortest text that reads back to exactly the same double.
std::string format_double(double v);
// Parse a whole string as a double (no trailing junk); throws InputError naming `key`.
double parse_double(const std::string& key, const std::string& text);
// User text made safe to quote in a one-line message: in single quotes, control characters
// escaped (\n, \x01, ...), cut to about 60 bytes with "..." when longer.
std::string quote_input(const std::string& text);

// The values of one grid point: every key of the model and the runner, resolved.
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
