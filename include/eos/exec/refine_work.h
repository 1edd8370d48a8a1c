// The work of a refining sweep: the coarse grid's points, then the midpoints that bisect every
// bracket whose ends disagree, added as soon as both ends are done (no rounds, no barrier) and
// run longest first with the rest. Lines — the points that differ only in the refine axis — are
// held whole, in this shard only (a line lives in the shard of its first grid point).
//
// Resume is a replay: the refinement is a function of the phases, so the work starts from the
// coarse grid, takes the phase of every point already in the results instead of running it,
// and bisects from there; a finished refinement replays to nothing to run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "eos/exec/work.h"
#include "eos/grid/grid.h"
#include "eos/grid/refine.h"

namespace eos {

// The point of a refining sweep's item: the grid point, or an added point (its line's grid
// point with the refine axis at the item's value). Depth 0 here (RefineWork::point knows it).
Point refine_point(const Job& job, const RefineSpec& spec, const WorkItem& item);

// The phase of a finished point by its id hash, for the points already in the results.
using KnownPhases = std::unordered_map<std::uint64_t, std::string>;

class RefineWork final : public WorkSource {
 public:
  RefineWork(const Job& job, const RefineSpec& spec, const KnownPhases& known, long shard_i, long shard_n);
  std::optional<WorkItem> next() override;
  bool may_grow() const override { return in_flight_ > 0; }
  std::size_t total() const override { return queued_; }
  double total_cost() const override { return cost_; }
  std::size_t skipped() const override { return replayed_; }
  // The point of an item handed out by next(), with its depth.
  Point point(const WorkItem& item) const;
  // The phase of a finished item: adds the midpoints its brackets now call for.
  void finished(const WorkItem& item, const std::string& phase);

  struct Counts {
    std::size_t lines = 0, coarse = 0, added = 0, unresolved = 0;
  };
  Counts counts() const { return counts_; }

 private:
  struct Node {
    double value;
    long depth;
    int phase;  // into phases_; -1 while it runs or waits
  };
  struct Line {
    std::size_t start;  // grid index of the line's first point
    std::vector<Node> nodes;  // sorted by value
    long added = 0;
  };
  void add_line(const Point& first);
  void settle(Line& line);
  bool should_split(const Line& line, std::size_t j) const;
  void split(Line& line, std::size_t j);
  void enqueue(const WorkItem& item);
  // Where an item's node is: its line's slot and its place on the line.
  std::pair<std::size_t, std::size_t> locate(const WorkItem& item) const;
  int intern(const std::string& phase);

  const Job& job_;
  RefineSpec spec_;
  const KnownPhases& known_;
  AxisLayout layout_;
  std::vector<double> coarse_values_;  // the axis's grid values as numbers, in grid order
  std::vector<Line> lines_;
  std::unordered_map<std::size_t, std::size_t> line_of_;  // line start → lines_
  std::vector<std::string> phases_;
  CostHeap heap_;
  std::size_t queued_ = 0, replayed_ = 0, in_flight_ = 0;
  double cost_ = 0;
  Counts counts_;
};

// The phases of the rows of a results file (the points it holds), by id.
KnownPhases known_phases(const std::string& results_path, const RefineSpec& spec);

}  // namespace eos
