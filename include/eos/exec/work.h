// The master's queue: where the scheduler takes the next point to run. Longest first; a source
// may grow while the sweep runs (refinement adds points when results arrive). No MPI here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <queue>
#include <vector>

namespace eos {

struct WorkItem {
  std::uint64_t index;  // the point: a grid index, or any number the source and the runner agree on
  double cost;          // estimated relative work; larger runs first
  // A point added by refinement: the grid point at index with the refine axis at this value
  // (NaN: the grid point itself).
  double axis_value = std::numeric_limits<double>::quiet_NaN();
  bool added() const { return axis_value == axis_value; }
};

// The scheduler calls a source from one thread at a time (it holds a lock around every call and
// around its sink, so a sink may add items to its source).
class WorkSource {
 public:
  virtual ~WorkSource() = default;
  // The next item to run, or nullopt when none is ready now.
  virtual std::optional<WorkItem> next() = 0;
  // Whether items may still come after next() returned nullopt (a growing source); false when
  // the source is empty for good.
  virtual bool may_grow() const { return false; }
  // Items handed out or still to come, and their summed cost, as far as known (for progress).
  virtual std::size_t total() const = 0;
  virtual double total_cost() const = 0;
  // Points of the sweep found done already (in the results), not run again.
  virtual std::size_t skipped() const { return 0; }
};

// A max-heap of items by cost (ties: the smaller index first).
class CostHeap {
 public:
  void push(WorkItem item) { heap_.push(item); }
  std::optional<WorkItem> pop();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Shorter {
    bool operator()(const WorkItem& a, const WorkItem& b) const {
      return a.cost < b.cost || (a.cost == b.cost && a.index > b.index);
    }
  };
  std::priority_queue<WorkItem, std::vector<WorkItem>, Shorter> heap_;
};

// A fixed list of items, longest first, to which more may be added (tests, benchmarks, and
// the refinement's queue).
class ListWork final : public WorkSource {
 public:
  explicit ListWork(const std::vector<WorkItem>& items = {});
  void add(WorkItem item);
  // Keep may_grow() true until close() (the producer has more to add).
  void keep_open(bool open) { open_ = open; }
  std::optional<WorkItem> next() override { return heap_.pop(); }
  bool may_grow() const override { return open_; }
  std::size_t total() const override { return total_; }
  double total_cost() const override { return cost_; }

 private:
  CostHeap heap_;
  bool open_ = false;
  std::size_t total_ = 0;
  double cost_ = 0;
};

}  // namespace eos
