// What a phase table averages per row: a numeric result column (by name or a derived alias such
// as eta*S_max/2), or the indicator of COLUMN=VALUE whose mean is a fraction.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eos/post/results_set.h"

namespace eos {

struct ValueSpec {
  std::string text;    // as given on the command line
  std::string column;  // the column it reads (aliases resolved)
  bool fraction = false;
  std::string equals;  // the compared value, for a fraction
  // For figures and messages: the column's label ("final bias b", "η·S_max/2") or
  // "fraction of regime = eos".
  std::string label;
  // A file-name-safe name: "bias_final", "edge_max", "frac-regime-eos".
  std::string stem() const;
};

// Friendly names of derived values and the columns that hold them, for help texts:
// {"eta*S_max/2", "edge_max"}, ...
const std::vector<std::pair<std::string, std::string>>& value_aliases();

// Resolve --value text against the columns (throws InputError naming the column).
ValueSpec parse_value(const std::string& text, const ResultsHead& head);

// COLUMN=VALUE matching: numbers compare as numbers (30.0 is 30), text as text.
bool same_value(const std::string& a, const std::string& b);
// The same against one value, read once: SameValue(b)(a) is same_value(a, b).
class SameValue {
 public:
  explicit SameValue(std::string value);
  bool operator()(std::string_view field) const;

 private:
  std::string text_;
  bool number_ = false;
  double x_ = 0;
};

}  // namespace eos
