// Streaming the grid's pending points, longest first within a window.
#include "eos/exec/grid_work.h"

#include "eos/util/hash.h"

namespace eos {

GridWork::GridWork(const Job& job, const DoneIds& done, long shard_i, long shard_n, std::size_t window)
    : done_(done), shard_i_(shard_i), shard_n_(shard_n), window_(std::max<std::size_t>(1, window)), walker_(job) {
  for_each_point(job, [this](const Point& p) {
    if (!in_shard(p.id, shard_i_, shard_n_)) return;
    ++in_shard_;
    if (!pending(p)) return;
    ++pending_;
    cost_ += p.cost;
  });
}

bool GridWork::pending(const Point& p) const {
  std::uint64_t id = 0;
  return !(parse_hex_id(p.id, id) && done_.contains(id));
}

std::optional<WorkItem> GridWork::next() {
  while (heap_.size() < window_ && walker_.next(scratch_))
    if (in_shard(scratch_.id, shard_i_, shard_n_) && pending(scratch_)) heap_.push({scratch_.index, scratch_.cost});
  return heap_.pop();
}

}  // namespace eos
