// The keys a job file may set: name, type, default, bounds, documentation, and whether a key is a
// sweep axis and part of a point's id. Models and the runner declare their keys with designated
// initializers, {.name = "d", .type = KeyType::Integer, ...}; the job parser checks values here.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "eos/util/error.h"

namespace eos {

enum class KeyType { Real, Integer, Text };

struct KeySpec {
  std::string name;
  KeyType type = KeyType::Real;
  std::string default_value;  // empty: the key has no default (must be given, or is optional)
  std::string doc;
  bool axis = false;          // may hold a list or range of values (a sweep axis)
  bool list = false;          // one value that is itself a list: its commas separate items, not points
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  bool max_exclusive = false;
  std::vector<std::string> choices;  // allowed values of a Text key
  bool in_id = true;          // changes a point's result, so it is part of the point's id
  // Whether the id holds the key at its default value too. True for the keys of eos-sweep 0.1;
  // false for every key added since: at its default such a key stays out of the id, so adding it
  // to a model changes no existing id (a point that computes what it computed before keeps its id).
  bool in_id_at_default = true;
  std::string label;          // for figures ("λ", "η/η*"); empty: the name
};

// Check one value against its spec; returns the canonical text (throws InputError).
std::string canonical_value(const KeySpec& spec, const std::string& raw);

// The key called name in keys, or null.
const KeySpec* find_key(const std::vector<KeySpec>& keys, const std::string& name);

}  // namespace eos
