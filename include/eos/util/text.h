// Small text helpers shared by every layer: trimming, joining, splitting lists, lower case, and
// quoting user input safely in one-line messages.
#pragma once
#include <string>
#include <vector>

namespace eos {

// s without leading and trailing spaces, tabs and line ends.
std::string trim(const std::string& s);
// The items joined by sep.
std::string join(const std::vector<std::string>& items, const std::string& sep);
// The items of a sep-separated list, each trimmed; empty items are dropped ("a, b,,c" → a b c).
std::vector<std::string> split_list(const std::string& text, char sep = ',');
// The position of item in items, or -1.
int index_of(const std::vector<std::string>& items, const std::string& item);
// ASCII lower case.
std::string lower(std::string s);
// User text made safe to quote in a one-line message: in single quotes, control characters
// escaped (\n, \x01, ...), cut to about 60 bytes with "..." when longer.
std::string quote_input(const std::string& text);

}  // namespace eos
