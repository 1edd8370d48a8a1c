// CSV lines: quoting where needed, and splitting a line back into fields (RFC 4180 subset).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eos {

// A field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s);
// Fields joined by commas, ending in '\n'.
std::string csv_line(const std::vector<std::string>& fields);
// The fields of one line (without its '\n'); nullopt when the quoting is broken.
std::optional<std::vector<std::string>> csv_split(const std::string& line);
// The same without copying: out holds views into line, or into scratch for a quoted field with
// doubled quotes (both must outlive out); false when the quoting is broken. A line without
// quotes is cut at its commas in one sweep.
bool csv_split_views(std::string_view line, std::vector<std::string_view>& out, std::string& scratch);

}  // namespace eos
