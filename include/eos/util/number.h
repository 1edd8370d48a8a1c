// Numbers as text: the shortest text that reads back exactly, strict parsing of user input, and
// lenient parsing of fields read back from files.
#pragma once
#include <string>
#include <string_view>

namespace eos {

// Shortest text that reads back to exactly the same double ("nan", "inf", "-inf" for the rest).
std::string format_double(double v);
// Parse a whole string as a finite double (surrounding blanks and one leading '+' allowed);
// throws InputError naming key.
double parse_double(const std::string& key, const std::string& text);
// Parse a whole field as a double, nan and inf included; false when it is not a number. strtod's
// syntax (hex, a leading '+', "infinity", ...), with std::from_chars first: both round correctly,
// so a field from_chars reads whole gets the same double, several times faster.
bool parse_number(std::string_view field, double& out);
// A field as a finite number: false when empty, "nan", not finite, or not a number at all.
bool finite_number(std::string_view field, double& out);

}  // namespace eos
