// The set of finished ids.
#include "eos/io/done_ids.h"

#include <algorithm>

namespace eos {

std::size_t DoneIds::sorted() {
  std::sort(ids_.begin(), ids_.end());
  const auto end = std::unique(ids_.begin(), ids_.end());
  const std::size_t repeats = static_cast<std::size_t>(ids_.end() - end);
  ids_.erase(end, ids_.end());
  ids_.shrink_to_fit();
  return repeats;
}

bool DoneIds::contains(std::uint64_t id) const { return std::binary_search(ids_.begin(), ids_.end(), id); }

}  // namespace eos
