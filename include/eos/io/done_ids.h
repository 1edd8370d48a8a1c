// The ids of the points already in a results folder, in 8 bytes each: what the master keeps of a
// finished sweep to resume it.
#pragma once
#include <cstdint>
#include <vector>

namespace eos {

class DoneIds {
 public:
  // Add an id (call sorted() before contains()).
  void add(std::uint64_t id) { ids_.push_back(id); }
  // Sort and drop repeats; returns how many repeats there were.
  std::size_t sorted();
  bool contains(std::uint64_t id) const;
  std::size_t size() const { return ids_.size(); }

 private:
  std::vector<std::uint64_t> ids_;
};

}  // namespace eos
