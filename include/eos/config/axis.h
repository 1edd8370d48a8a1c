// The value syntax of a job key: a single value, a comma-separated list, and generated ranges
// linspace(a, b, n), logspace(a, b, n) (n values log-spaced from a to b, both included) and
// range(a, b[, step]) (a, a+step, ... below b, as in Python). Items may be mixed: "1, range(2, 5)".
#pragma once
#include <string>
#include <vector>

#include "eos/config/key.h"

namespace eos {

// Upper bound on the values one generated range may produce.
constexpr long kMaxAxisValues = 1000000;

// The canonical values the text stands for, each checked against spec (throws InputError).
// Refuses duplicates, empty items, lists for a key that is not an axis, and more than
// kMaxAxisValues values.
std::vector<std::string> expand_axis(const KeySpec& spec, const std::string& text);

// How many values expand_axis(spec, text) would give, from the syntax alone (the arguments of
// each range are checked, no value is generated): cost linear in the text, so a grid can be
// refused as too large before any axis is expanded. Throws InputError on malformed syntax.
double axis_size(const KeySpec& spec, const std::string& text);

}  // namespace eos
