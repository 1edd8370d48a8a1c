// One typed cell of a table row: nothing, an integer, a real or a text. Rows are built of fields
// and turned into text only at the edge (the CSV writer), with format_field.
#pragma once
#include <string>
#include <variant>

namespace eos {

using Field = std::variant<std::monostate, long, double, std::string>;

// "" for nothing, the integer, the shortest round-trip real ("nan", "inf"), the text.
std::string format_field(const Field& f);
// The field as a real: integers converted, NaN for nothing or text.
double field_number(const Field& f);

}  // namespace eos
