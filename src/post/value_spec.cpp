// Values of phase tables: aliases, labels, fractions.
#include "eos/post/value_spec.h"

#include <cctype>
#include <cmath>

#include "eos/io/schema.h"
#include "eos/model/registry.h"
#include "eos/util/error.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

// Normal form of a value name for alias lookup: lower case, no spaces, η → eta, · × → *,
// "sharpness" → "s".
std::string alias_form(const std::string& text) {
  std::string s;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\xce\xb7") == 0) {  // η
      s += "eta";
      ++i;
    } else if (text.compare(i, 2, "\xc2\xb7") == 0 || text.compare(i, 2, "\xc3\x97") == 0) {  // · ×
      s += '*';
      ++i;
    } else if (text[i] != ' ') {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
  }
  for (std::size_t p; (p = s.find("sharpness")) != std::string::npos;) s.replace(p, 9, "s");
  return s;
}

// The column name stands for: itself, or the column of its alias.
std::string resolve_column(const std::string& name, const ResultsHead& set) {
  if (set.column(name) >= 0) return name;
  const std::string form = alias_form(name);
  for (const auto& [alias, col] : value_aliases())
    if (alias_form(alias) == form && set.column(col) >= 0) return col;
  std::vector<std::string> cols(set.header.begin() + std::min<std::ptrdiff_t>(2, set.header.size()), set.header.end());
  throw InputError("--value: no column '" + name + "' in the results (columns: " + join(cols, ", ") + ")");
}

}  // namespace

SameValue::SameValue(std::string value) : text_(std::move(value)) { number_ = parse_number(text_, x_); }

bool SameValue::operator()(std::string_view field) const {
  double x = 0;
  if (number_ && parse_number(field, x)) return x == x_ || (std::isnan(x) && std::isnan(x_));
  return field == text_;
}

bool same_value(const std::string& a, const std::string& b) { return SameValue(b)(a); }

const std::vector<std::pair<std::string, std::string>>& value_aliases() {
  static const std::vector<std::pair<std::string, std::string>> a = {
      {"eta*S_max/2", "edge_max"},   {"eta*S_tail/2", "edge_tail"}, {"eta*S_final/2", "edge_final"},
      {"eta*S/2", "edge_tail"},      {"edge", "edge_tail"},
  };
  return a;
}

std::string ValueSpec::stem() const {
  if (!fraction) return column;
  std::string s = "frac-" + column + "-";
  for (char c : equals) s += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return s;
}

ValueSpec parse_value(const std::string& text, const ResultsHead& set) {
  ValueSpec v;
  v.text = text;
  const auto eq = text.find('=');
  const std::string name = eq == std::string::npos ? text : text.substr(0, eq);
  if (eq != std::string::npos) {
    v.fraction = true;
    v.equals = text.substr(eq + 1);
    if (name.empty() || v.equals.empty())
      throw InputError("--value '" + text + "': a fraction is COLUMN=VALUE, e.g. regime=eos");
  }
  v.column = resolve_column(name, set);
  if (v.column == "id" || v.column == "model" || v.column == "message")
    throw InputError("--value: column '" + v.column + "' holds text; use " + v.column + "=VALUE for a fraction");
  const std::string label = column_label(find_model(set.model), v.column, schema_options(set.header).methods);
  v.label = v.fraction ? "fraction of " + label + " = " + v.equals : label;
  return v;
}

}  // namespace eos
