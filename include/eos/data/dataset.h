// A labelled data set as read from its files (features per sample, an integer class each), and
// the files it came from. The formats are read in data/readers.h; named sets and the per-process
// cache in data/catalog.h. Knows nothing of models.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace eos {

struct Dataset {
  long samples = 0, features = 0;
  int classes = 0;   // 1 + the largest label
  double max_value = 0;  // the largest feature value (pixels: 16 for digits, 255 for IDX images)
  // The features, row-major (sample after sample): bytes for IDX images, doubles otherwise.
  std::vector<std::uint8_t> bytes;
  std::vector<double> values;
  std::vector<int> labels;

  double at(long sample, long feature) const {
    const std::size_t k = static_cast<std::size_t>(sample * features + feature);
    return bytes.empty() ? values[k] : static_cast<double>(bytes[k]);
  }
};

}  // namespace eos
