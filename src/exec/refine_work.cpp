// Refinement as a growing source of points.
#include "eos/exec/refine_work.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "eos/io/results_file.h"
#include "eos/util/error.h"
#include "eos/util/hash.h"
#include "eos/util/number.h"

namespace eos {

Point refine_point(const Job& job, const RefineSpec& spec, const WorkItem& item) {
  if (!item.added()) return point_at(job, static_cast<std::size_t>(item.index));
  return point_with(job, static_cast<std::size_t>(item.index), spec.axis, item.axis_value);
}

RefineWork::RefineWork(const Job& job, const RefineSpec& spec, const KnownPhases& known, long shard_i, long shard_n)
    : job_(job), spec_(spec), known_(known), layout_(axis_layout(job, spec.axis)) {
  for (const auto& v : *job.find(spec.axis)) {
    double x = 0;
    if (!parse_number(v, x)) throw std::invalid_argument("refine: axis value " + v + " is not a number");
    coarse_values_.push_back(x);
  }
  for_each_point(job, [&](const Point& p) {
    const std::size_t start = layout_.line_start(p.index);
    if (start == p.index && in_shard(p.id, shard_i, shard_n)) add_line(p);
    const auto line = line_of_.find(start);
    if (line == line_of_.end()) return;
    lines_[line->second].nodes.push_back({coarse_values_[layout_.position(p.index)], 0, -1});
    ++counts_.coarse;
    if (const auto k = known_.find(p.hash); k != known_.end()) {
      lines_[line->second].nodes.back().phase = intern(k->second);
      ++replayed_;
    } else {
      enqueue({p.index, p.cost});
    }
  });
  for (auto& line : lines_) {
    std::sort(line.nodes.begin(), line.nodes.end(), [](const Node& a, const Node& b) { return a.value < b.value; });
    settle(line);
  }
}

void RefineWork::add_line(const Point& first) {
  line_of_.emplace(first.index, lines_.size());
  lines_.push_back(Line{first.index, {}, 0});
  ++counts_.lines;
}

int RefineWork::intern(const std::string& phase) {
  const auto it = std::find(phases_.begin(), phases_.end(), phase);
  if (it != phases_.end()) return static_cast<int>(it - phases_.begin());
  phases_.push_back(phase);
  return static_cast<int>(phases_.size() - 1);
}

void RefineWork::enqueue(const WorkItem& item) {
  heap_.push(item);
  ++queued_;
  cost_ += item.cost;
}

// Split every bracket that calls for it until none does; a midpoint whose phase is known (a
// replay) counts at once and may call for more.
void RefineWork::settle(Line& line) {
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t j = 0; j + 1 < line.nodes.size(); ++j)
      if (should_split(line, j)) {
        split(line, j);
        grew = true;
      }
  }
}

bool RefineWork::should_split(const Line& line, std::size_t j) const {
  const Node &a = line.nodes[j], &b = line.nodes[j + 1];
  return a.phase >= 0 && b.phase >= 0 && a.phase != b.phase && line.added < spec_.max &&
         !spec_.narrow(a.value, b.value);
}

// Add the midpoint of nodes j and j+1: queued to run, or (a replay) with its phase from the
// results. A midpoint that cannot be resolved (the model's checks refuse it) is a phase of its
// own, "error", with a warning and no row.
void RefineWork::split(Line& line, std::size_t j) {
  const Node &a = line.nodes[j], &b = line.nodes[j + 1];
  WorkItem item{line.start, 0, spec_.midpoint(a.value, b.value)};
  Node node{item.axis_value, std::max(a.depth, b.depth) + 1, -1};
  ++line.added;
  ++counts_.added;
  try {
    const Point p = refine_point(job_, spec_, item);
    node.value = item.axis_value = p.params.real(spec_.axis);
    item.cost = p.cost;
    if (const auto k = known_.find(p.hash); k != known_.end()) {
      node.phase = intern(k->second);
      ++replayed_;
    } else {
      enqueue(item);
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "eos-sweep run: warning: refine: no point at %s = %s (%s); counted as an error\n",
                 spec_.axis.c_str(), format_double(item.axis_value).c_str(), e.what());
    node.phase = intern("error");
    ++counts_.unresolved;
  }
  line.nodes.insert(line.nodes.begin() + static_cast<std::ptrdiff_t>(j) + 1, node);
}

std::optional<WorkItem> RefineWork::next() {
  auto item = heap_.pop();
  if (item) ++in_flight_;
  return item;
}

std::pair<std::size_t, std::size_t> RefineWork::locate(const WorkItem& item) const {
  const std::size_t index = static_cast<std::size_t>(item.index);
  const std::size_t slot = line_of_.at(layout_.line_start(index));
  const auto& nodes = lines_[slot].nodes;
  const double v = item.added() ? item.axis_value : coarse_values_[layout_.position(index)];
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), v, [](const Node& n, double x) { return n.value < x; });
  if (it == nodes.end() || it->value != v) throw std::logic_error("refine: an item that is not on its line");
  return {slot, static_cast<std::size_t>(it - nodes.begin())};
}

Point RefineWork::point(const WorkItem& item) const {
  Point p = refine_point(job_, spec_, item);
  const auto [slot, k] = locate(item);
  p.depth = lines_[slot].nodes[k].depth;
  return p;
}

void RefineWork::finished(const WorkItem& item, const std::string& phase) {
  const auto [slot, k] = locate(item);
  lines_[slot].nodes[k].phase = intern(phase);
  if (in_flight_ > 0) --in_flight_;
  settle(lines_[slot]);
}

KnownPhases known_phases(const std::string& results_path, const RefineSpec& spec) {
  ResultsReader reader(results_path);
  const int regime = reader.column("regime"), value = reader.column(spec.column);
  if (regime < 0 || value < 0) throw InputError(results_path + ": no regime or " + spec.column + " column");
  KnownPhases known;
  std::vector<std::string> f;
  while (reader.next(f)) {
    std::uint64_t id = 0;
    if (parse_hex_id(f[0], id))
      known.emplace(id, spec.phase(f[static_cast<std::size_t>(regime)], f[static_cast<std::size_t>(value)]));
  }
  return known;
}

}  // namespace eos
