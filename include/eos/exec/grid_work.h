// The work of a sweep: the grid's points still to run — in this shard and not in the results
// yet — streamed from the grid in order and handed out longest first within a window of the next
// `window` such points (exactly longest first for any grid with fewer pending points). Holds at
// most `window` items of 16 bytes, whatever the size of the grid.
#pragma once
#include <cstddef>

#include "eos/exec/work.h"
#include "eos/grid/grid.h"
#include "eos/io/done_ids.h"

namespace eos {

class GridWork final : public WorkSource {
 public:
  static constexpr std::size_t kWindow = std::size_t{1} << 16;
  // Counts the pending points and their cost in one pass over the grid.
  GridWork(const Job& job, const DoneIds& done, long shard_i, long shard_n, std::size_t window = kWindow);
  std::optional<WorkItem> next() override;
  std::size_t total() const override { return pending_; }
  double total_cost() const override { return cost_; }
  // Points of the grid in this shard, and how many of them are done already.
  std::size_t shard_points() const { return in_shard_; }
  std::size_t skipped() const override { return in_shard_ - pending_; }

 private:
  bool pending(const Point& p) const;
  const DoneIds& done_;
  long shard_i_, shard_n_;
  std::size_t window_;
  GridWalker walker_;
  Point scratch_;
  CostHeap heap_;
  std::size_t in_shard_ = 0, pending_ = 0;
  double cost_ = 0;
};

}  // namespace eos
