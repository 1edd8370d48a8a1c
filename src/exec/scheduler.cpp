// Master/worker scheduling over Boost.MPI: batches of point indices out, typed rows back.
#include "eos/exec/scheduler.h"

#include <algorithm>
#include <boost/mpi/status.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "mpi_world.h"
#include "wire.h"

namespace eos {
namespace {

enum Tag { kWork = 1, kResult = 2 };

// One item sent to a worker: its serial number of this sweep (what the reply names), the grid
// index and the refine axis's value of an added point.
struct Order {
  std::uint64_t serial = 0, index = 0;
  double axis_value = 0;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar & serial & index & axis_value;
  }
};

// What a worker sends back: the rows it finished by serial number, and whether it stopped early.
struct Reply {
  std::vector<std::pair<std::uint64_t, PointResult>> rows;
  bool interrupted = false;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar & rows & interrupted;
  }
};

using Clock = std::chrono::steady_clock;

bool stopped(const ScheduleOptions& o) { return o.stop && o.stop->load(); }

// Waits between polls: a few yields first (a reply is often microseconds away), then sleeps from
// 20 µs doubling to 250 µs, so that a rank waiting for a message costs about 1% of a core (a
// blocking MPI receive spins one) and answers within a quarter of a millisecond (near the end of
// a sweep a worker waits for its next point); reset when there was something to do.
class Backoff {
 public:
  void idle() {
    if (spins_ < kSpins) {
      ++spins_;
      std::this_thread::yield();
      return;
    }
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, std::chrono::microseconds(250));
  }
  void busy() {
    spins_ = 0;
    wait_ = std::chrono::microseconds(20);
  }

 private:
  static constexpr int kSpins = 50;
  int spins_ = 0;
  std::chrono::microseconds wait_{20};
};

// A worker rank: run each batch it is sent until an empty one comes.
void worker(const boost::mpi::communicator& comm, const RunFn& run) {
  Backoff backoff;
  for (;;) {
    while (!comm.iprobe(0, kWork)) backoff.idle();
    backoff.busy();
    std::vector<Order> batch;
    comm.recv(0, kWork, batch);
    if (batch.empty()) return;
    Reply reply;
    for (const Order& o : batch) {
      auto row = run(WorkItem{o.index, 0, o.axis_value});
      if (!row) {
        reply.interrupted = true;
        break;
      }
      reply.rows.emplace_back(o.serial, std::move(*row));
    }
    comm.send(0, kResult, reply);
  }
}

// Rank 0: hands out work to the other ranks and runs points on a thread of its own; records every
// row. While plenty of work is left each worker holds two batches, the one it runs and the next,
// so it never waits for the master between points; near the end only one, so that no batch waits
// behind a running point while another rank idles (the balanced tail). The source, the sink and
// the local thread's queue share one lock.
class Master {
 public:
  Master(const boost::mpi::communicator& comm, WorkSource& source, const RunFn& run, const SinkFn& sink,
         const ScheduleOptions& opts)
      : comm_(comm),
        source_(source),
        run_(run),
        sink_(sink),
        opts_(opts),
        batch_(std::max<std::size_t>(1, opts.batch)),
        workers_(static_cast<std::size_t>(comm.size())) {}
  ScheduleOutcome run();

 private:
  struct Worker {
    int in_flight = 0;   // batches sent and not answered
    bool stop_sent = false;
  };
  // Under mu_.
  bool ready();
  bool exhausted() { return stopped(opts_) || (!ready() && !source_.may_grow()); }
  std::optional<std::pair<std::uint64_t, WorkItem>> take();
  bool plenty_left();
  void feed(int r);
  void record(std::uint64_t serial, PointResult&& row);
  bool retired(int r) const;
  // The master's compute thread.
  void local_loop();
  bool poll();
  void idle(Backoff& backoff);

  const boost::mpi::communicator& comm_;
  WorkSource& source_;
  const RunFn& run_;
  const SinkFn& sink_;
  const ScheduleOptions& opts_;
  const std::size_t batch_;
  std::vector<Worker> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable local_row_;  // the compute thread has a row for the loop, or has ended
  std::optional<WorkItem> lookahead_;                 // the source's next item, taken to test readiness
  std::unordered_map<std::uint64_t, WorkItem> out_items_;  // items out and not recorded, by serial
  std::size_t taken_ = 0;                                   // items handed out (to ranks or the thread)
  std::vector<std::pair<std::uint64_t, PointResult>> local_done_;
  bool local_running_ = true;
  ScheduleOutcome out_;
  double done_cost_ = 0;
};

bool Master::ready() {
  if (!lookahead_) lookahead_ = source_.next();
  return lookahead_.has_value();
}

// The next item and its serial number, kept until its row is recorded.
std::optional<std::pair<std::uint64_t, WorkItem>> Master::take() {
  if (stopped(opts_) || !ready()) return std::nullopt;
  const WorkItem it = *lookahead_;
  lookahead_.reset();
  const std::uint64_t serial = taken_++;
  out_items_.emplace(serial, it);
  return std::make_pair(serial, it);
}

// More items ready or known to come than one batch for every compute unit (each worker and the
// master's thread): then a second batch per worker cannot leave anyone idle. (A growing source
// counts only what it knows of: a refinement's next points wait on the ones running.)
bool Master::plenty_left() {
  const std::size_t units = static_cast<std::size_t>(comm_.size());
  const std::size_t total = source_.total(), left = total > taken_ ? total - taken_ : 0;
  return left > units * batch_;
}

// Top worker r up to two batches; with nothing to give, tell it to finish (or, while the source
// may grow, leave it waiting until there is).
void Master::feed(int r) {
  Worker& w = workers_[static_cast<std::size_t>(r)];
  while (!w.stop_sent && w.in_flight < (plenty_left() ? 2 : 1)) {
    std::vector<Order> b;
    while (b.size() < batch_)
      if (auto t = take()) b.push_back(Order{t->first, t->second.index, t->second.axis_value});
      else break;
    if (b.empty() && !exhausted()) return;
    comm_.send(r, kWork, b);
    if (b.empty()) w.stop_sent = true;
    else ++w.in_flight;
  }
}

void Master::record(std::uint64_t serial, PointResult&& row) {
  auto it = out_items_.find(serial);
  if (it == out_items_.end()) return;  // not ours (cannot happen: a reply names what was sent)
  const WorkItem item = it->second;
  out_items_.erase(it);
  sink_(item, std::move(row));
  ++out_.done;
  done_cost_ += item.cost;
  const double total = source_.total_cost();
  if (opts_.progress) opts_.progress->update(out_.done, source_.total(), total > 0 ? done_cost_ / total : 1.0);
}

bool Master::retired(int r) const {
  const Worker& w = workers_[static_cast<std::size_t>(r)];
  return w.stop_sent && w.in_flight == 0;
}

void Master::local_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    std::optional<std::pair<std::uint64_t, WorkItem>> item;
    wake_.wait(lock, [&] { return (item = take()) || exhausted(); });
    if (!item) break;
    lock.unlock();
    auto row = run_(item->second);
    lock.lock();
    if (!row) {
      out_.interrupted = true;  // not done: it runs again next time
      break;
    }
    local_done_.emplace_back(item->first, std::move(*row));
    local_row_.notify_one();
  }
  local_running_ = false;
  local_row_.notify_one();
}

// Between rounds that found nothing to do. Alone (one rank) nothing can come by MPI, so the loop
// sleeps until the compute thread has a row, instead of polling thousands of times a second on
// the core that thread computes on; it still looks at the stop flag every 50 ms.
void Master::idle(Backoff& backoff) {
  if (comm_.size() > 1) return backoff.idle();
  std::unique_lock<std::mutex> lock(mu_);
  local_row_.wait_for(lock, std::chrono::milliseconds(50), [&] { return !local_done_.empty() || !local_running_; });
}

// One round of the master's loop: answers, local rows, parked workers. Returns whether anything
// happened.
bool Master::poll() {
  bool progressed = false;
  while (auto st = comm_.iprobe(boost::mpi::any_source, kResult)) {
    Reply reply;
    comm_.recv(st->source(), kResult, reply);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [i, row] : reply.rows) record(i, std::move(row));
    if (reply.interrupted) out_.interrupted = true;
    --workers_[static_cast<std::size_t>(st->source())].in_flight;
    progressed = true;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [i, row] : std::exchange(local_done_, {})) {
    record(i, std::move(row));
    progressed = true;
  }
  // New rows may have added work, or ended the source: every rank hears of it.
  for (int r = 1; r < comm_.size(); ++r) feed(r);
  wake_.notify_all();
  return progressed;
}

ScheduleOutcome Master::run() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int r = 1; r < comm_.size(); ++r) feed(r);
  }
  std::thread local([this] { local_loop(); });
  // A failure here (the results file cannot be written) must not wait for the local thread to
  // finish the queue: raise the stop flag so it returns within a few hundred steps.
  struct JoinOnExit {
    std::thread& t;
    std::atomic<bool>* stop;
    std::condition_variable& wake;
    ~JoinOnExit() {
      if (stop && std::uncaught_exceptions() > 0) stop->store(true);
      wake.notify_all();
      if (t.joinable()) t.join();
    }
  } join{local, opts_.stop, wake_};

  Backoff backoff;
  std::optional<Clock::time_point> stop_seen;
  for (;;) {
    if (poll()) backoff.busy();
    else idle(backoff);
    if (stopped(opts_) && !stop_seen) stop_seen = Clock::now();
    bool all_retired = true;
    for (int r = 1; r < comm_.size(); ++r) all_retired = all_retired && retired(r);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (all_retired && !local_running_ && local_done_.empty()) break;
    }
    if (stop_seen && std::chrono::duration<double>(Clock::now() - *stop_seen).count() > opts_.grace_s) {
      out_.abandoned = true;  // a rank that never saw the signal is still busy
      break;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  out_.interrupted = out_.interrupted || out_.done < source_.total();
  return out_;
}

}  // namespace

ScheduleOutcome schedule(const MpiContext& mpi, WorkSource* source, const RunFn& run, const SinkFn& sink,
                         const ScheduleOptions& opts) {
  const boost::mpi::communicator& comm = mpi.world().comm;
  if (comm.rank() != 0) {
    worker(comm, run);
    return {};
  }
  ListWork none;
  Master master(comm, source ? *source : none, run, sink, opts);
  return master.run();
}

}  // namespace eos
