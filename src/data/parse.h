// Helpers shared by the data readers: labels checked as class numbers, numbers for messages, a
// set's class count and largest value filled in.
#pragma once
#include <string>

#include "eos/data/dataset.h"

namespace eos {

constexpr int kMaxClasses = 65536;

// A label value as a class number 0 ≤ y < kMaxClasses; throws InputError "WHERE: label ...".
int class_of(double v, const std::string& where);
// A number as a label or count in a message (an integer without decimals).
std::string format_label(double v);
// classes and max_value from the labels and features.
Dataset finish_dataset(Dataset d);

}  // namespace eos
