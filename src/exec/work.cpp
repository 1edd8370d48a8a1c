// Work queues.
#include "eos/exec/work.h"

namespace eos {

std::optional<WorkItem> CostHeap::pop() {
  if (heap_.empty()) return std::nullopt;
  WorkItem top = heap_.top();
  heap_.pop();
  return top;
}

ListWork::ListWork(const std::vector<WorkItem>& items) {
  for (const auto& it : items) add(it);
}

void ListWork::add(WorkItem item) {
  heap_.push(item);
  ++total_;
  cost_ += item.cost;
}

}  // namespace eos
