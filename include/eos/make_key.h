// One-line construction of a job key's spec, shared by the models that declare their keys
// (name, type, default, documentation, whether it may be an axis, lower bound).
#pragma once
#include <string>

#include "eos/settings.h"

namespace eos {

inline KeySpec make_key(std::string name, KeyType type, std::string def, std::string doc, bool axis, double min,
                        bool min_exclusive = false) {
  KeySpec k;
  k.name = std::move(name);
  k.type = type;
  k.default_value = std::move(def);
  k.doc = std::move(doc);
  k.axis = axis;
  k.min = min;
  k.min_exclusive = min_exclusive;
  return k;
}

}  // namespace eos
