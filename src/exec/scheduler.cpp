// Master/worker scheduling over Boost.MPI.
#include "eos/exec/scheduler.h"

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/status.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cstdlib>
#include <mpi.h>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace eos {
namespace {

enum Tag { kWork = 1, kResult = 2 };

// What a worker sends back: the lines it finished, and whether it stopped early.
struct Reply {
  std::vector<std::pair<std::uint64_t, std::string>> lines;
  bool interrupted = false;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar & lines & interrupted;
  }
};

using Clock = std::chrono::steady_clock;

bool stopped(const ScheduleOptions& o) { return o.stop && o.stop->load(); }

void worker(const boost::mpi::communicator& comm, const RunFn& run) {
  for (;;) {
    std::vector<std::uint64_t> batch;
    comm.recv(0, kWork, batch);
    if (batch.empty()) return;  // no more work
    Reply reply;
    for (std::uint64_t i : batch) {
      auto line = run(static_cast<std::size_t>(i));
      if (!line) {
        reply.interrupted = true;
        break;
      }
      reply.lines.emplace_back(i, std::move(*line));
    }
    comm.send(0, kResult, reply);
  }
}

// The master's own compute thread: takes items from the shared queue until it is empty or
// the sweep stops.
class LocalWorker {
 public:
  LocalWorker(std::deque<WorkItem>& queue, std::mutex& mu, const RunFn& run, const ScheduleOptions& opts)
      : queue_(queue), mu_(mu), run_(run), opts_(opts), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    if (thread_.joinable()) thread_.join();
  }
  // Lines finished since the last call.
  std::vector<std::pair<std::size_t, std::string>> take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(finished_, {});
  }
  bool running() const { return running_.load(); }

 private:
  void loop() {
    for (;;) {
      WorkItem item;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.empty() || stopped(opts_)) break;
        item = queue_.front();
        queue_.pop_front();
      }
      auto line = run_(item.index);
      if (!line) {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_front(item);  // not done: back in line (it will be rerun next time)
        break;
      }
      std::lock_guard<std::mutex> lock(mu_);
      finished_.emplace_back(item.index, std::move(*line));
    }
    running_ = false;
  }
  std::deque<WorkItem>& queue_;
  std::mutex& mu_;
  const RunFn& run_;
  const ScheduleOptions& opts_;
  std::vector<std::pair<std::size_t, std::string>> finished_;
  std::atomic<bool> running_{true};
  std::thread thread_;
};

}  // namespace

struct MpiContext::World {
  World(int& argc, char**& argv) : env(argc, argv, boost::mpi::threading::funneled) {}
  boost::mpi::environment env;
  boost::mpi::communicator comm;
};

MpiContext::MpiContext(int& argc, char**& argv) : world_(std::make_unique<World>(argc, argv)) {}
MpiContext::~MpiContext() = default;

int MpiContext::rank() const { return world_->comm.rank(); }
int MpiContext::size() const { return world_->comm.size(); }
void MpiContext::barrier() const { world_->comm.barrier(); }

bool MpiContext::all_ok(bool ok) const {
  int v = ok ? 1 : 0;
  boost::mpi::broadcast(world_->comm, v, 0);
  return v == 1;
}

std::vector<std::string> MpiContext::hosts() const {
  std::vector<std::string> all;
  boost::mpi::gather(world_->comm, boost::mpi::environment::processor_name(), all, 0);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string MpiContext::library_version() const {
  char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(buf, &len);
  std::string s(buf, static_cast<std::size_t>(len));
  auto nl = s.find_first_of("\r\n,");
  return nl == std::string::npos ? s : s.substr(0, nl);
}

void MpiContext::abort(int code) const {
  world_->comm.abort(code);
  std::_Exit(code);
}

ScheduleOutcome schedule(const MpiContext& mpi, std::vector<WorkItem> items, const RunFn& run,
                         const SinkFn& sink, const ScheduleOptions& opts) {
  const boost::mpi::communicator& comm = mpi.world().comm;
  ScheduleOutcome out;
  if (comm.rank() != 0) {
    worker(comm, run);
    return out;
  }
  std::stable_sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) { return a.cost > b.cost; });
  double total_cost = 0, done_cost = 0;
  std::vector<double> cost_of;
  for (const auto& it : items) {
    total_cost += it.cost;
    if (cost_of.size() <= it.index) cost_of.resize(it.index + 1);
    cost_of[it.index] = it.cost;
  }
  std::deque<WorkItem> queue(items.begin(), items.end());
  std::mutex mu;
  const std::size_t batch = std::max<std::size_t>(1, opts.batch);
  const int nworkers = comm.size() - 1;
  // Each worker holds up to two batches: the one it runs and the next, so it never waits for
  // the master between points. A worker is retired once it was told to stop and has answered
  // every batch it held.
  std::vector<int> in_flight(static_cast<std::size_t>(comm.size()), 0);
  std::vector<bool> stop_sent(static_cast<std::size_t>(comm.size()), false);
  int retired = 0;

  auto record = [&](std::size_t index, const std::string& line) {
    sink(index, line);
    ++out.done;
    done_cost += cost_of[index];
    if (opts.progress) opts.progress->update(out.done, total_cost > 0 ? done_cost / total_cost : 1.0);
  };
  // Send the next batch to worker r, or tell it to finish.
  auto feed = [&](int r) {
    std::vector<std::uint64_t> b;
    {
      std::lock_guard<std::mutex> lock(mu);
      while (!stopped(opts) && !queue.empty() && b.size() < batch) {
        b.push_back(queue.front().index);
        queue.pop_front();
      }
    }
    const auto w = static_cast<std::size_t>(r);
    comm.send(r, kWork, b);
    if (b.empty()) {
      stop_sent[w] = true;
    } else {
      ++in_flight[w];
    }
  };
  auto answered = [&](int r) {
    const auto w = static_cast<std::size_t>(r);
    --in_flight[w];
    if (!stop_sent[w]) feed(r);
    if (stop_sent[w] && in_flight[w] == 0) ++retired;
  };

  for (int r = 1; r <= nworkers; ++r) feed(r);
  for (int r = 1; r <= nworkers; ++r)
    if (!stop_sent[static_cast<std::size_t>(r)]) feed(r);
  for (int r = 1; r <= nworkers; ++r)
    if (stop_sent[static_cast<std::size_t>(r)] && in_flight[static_cast<std::size_t>(r)] == 0) ++retired;
  LocalWorker local(queue, mu, run, opts);
  // A failure here (the results file cannot be written) must not wait for the local thread to
  // finish the queue: raise the stop flag so it returns within a few hundred steps.
  struct StopOnUnwind {
    std::atomic<bool>* stop;
    ~StopOnUnwind() {
      if (stop && std::uncaught_exceptions() > 0) stop->store(true);
    }
  } stop_on_unwind{opts.stop};

  auto sleep_for = std::chrono::microseconds(20);
  std::optional<Clock::time_point> stop_seen;
  for (;;) {
    bool progressed = false;
    while (auto st = comm.iprobe(boost::mpi::any_source, kResult)) {
      Reply reply;
      comm.recv(st->source(), kResult, reply);
      for (auto& [i, line] : reply.lines) record(static_cast<std::size_t>(i), line);
      if (reply.interrupted) out.interrupted = true;
      answered(st->source());
      progressed = true;
    }
    for (auto& [i, line] : local.take()) {
      record(i, line);
      progressed = true;
    }
    if (stopped(opts) && !stop_seen) stop_seen = Clock::now();
    if (retired == nworkers && !local.running()) break;
    if (stop_seen && std::chrono::duration<double>(Clock::now() - *stop_seen).count() > opts.grace_s) {
      out.abandoned = true;  // a rank that never saw the signal is still busy
      break;
    }
    if (progressed) {
      sleep_for = std::chrono::microseconds(20);
    } else {
      std::this_thread::sleep_for(sleep_for);
      sleep_for = std::min(sleep_for * 2, std::chrono::microseconds(2000));
    }
  }
  if (!out.abandoned) {
    for (auto& [i, line] : local.take()) record(i, line);
  }
  out.interrupted = out.done < items.size();
  return out;
}

}  // namespace eos
