// The scheduler, the only place that speaks MPI: rank 0 hands points out dynamically, longest
// first and in batches, to the other ranks and to a compute thread of its own (so no core waits
// on a master that only listens), and alone receives every finished row, as a typed value.
// The public interface holds no MPI type: MPI headers appear only in src/exec/*.cpp.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eos/exec/progress.h"
#include "eos/exec/work.h"
#include "eos/io/result.h"

namespace eos {

// The MPI world of one eos-sweep process: set up on construction, finalised on destruction.
// Without mpirun the process is a world of one.
class MpiContext {
 public:
  MpiContext(int& argc, char**& argv);
  ~MpiContext();
  MpiContext(const MpiContext&) = delete;
  MpiContext& operator=(const MpiContext&) = delete;
  int rank() const;
  int size() const;
  // Wait for every rank; collective.
  void barrier() const;
  // Rank 0's verdict (ok) reaches every rank; collective.
  bool all_ok(bool ok) const;
  // Distinct host names of all ranks (meaningful on rank 0); collective.
  std::vector<std::string> hosts() const;
  // The MPI library's version line.
  std::string library_version() const;
  // End every rank at once with this exit code.
  [[noreturn]] void abort(int code) const;

  struct World;  // the Boost.MPI environment and communicator (mpi_context.cpp)
  const World& world() const { return *world_; }

 private:
  std::unique_ptr<World> world_;
};

struct ScheduleOptions {
  std::size_t batch = 1;                     // items per message
  std::atomic<bool>* stop = nullptr;         // raised by a signal (or a failure): stop handing out work
  Progress* progress = nullptr;              // rank 0 only
  double grace_s = 30;                       // after stop: how long to wait for busy ranks
};

struct ScheduleOutcome {
  std::size_t done = 0;       // items whose row reached the sink
  bool interrupted = false;   // stopped before every item ran
  bool abandoned = false;     // some rank did not answer within the grace period
};

// Runs an item on any rank; nullopt when interrupted (the item is then not done).
using RunFn = std::function<std::optional<PointResult>(const WorkItem& item)>;
// Receives each finished row, on rank 0 only, one at a time and under the lock that guards the
// source (so it may add items to it).
using SinkFn = std::function<void(const WorkItem& item, PointResult&& result)>;

// Collective over every rank of mpi. On rank 0, source supplies the work (other ranks pass null);
// the sweep ends when the source has nothing ready, cannot grow, and nothing is running.
ScheduleOutcome schedule(const MpiContext& mpi, WorkSource* source, const RunFn& run, const SinkFn& sink,
                         const ScheduleOptions& opts);

}  // namespace eos
