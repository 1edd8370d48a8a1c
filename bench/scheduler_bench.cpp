// Master throughput: how many trivial grid points per second one master rank hands out and
// records, i.e. the sweep rate above which the master, not the workers, is the bottleneck.
//
//   mpirun --oversubscribe -np K BUILD/bench/scheduler_bench [--batch B[,B...]] [--points P]
//          [--repeat R] [--row-bytes N]
//
// Every point is trivial: a worker returns at once a typed row shaped like a sparse-relu row (the
// run statistics, 2 tracked scalars, 4 end-of-run values) plus N bytes of message text (default
// 0), so the time measured is the scheduler's: messages, serialisation, the master's loop and
// its sink. The master's own compute thread takes one point and returns it only after
// every other point is recorded, so the rate is that of handing out to other ranks. For each
// batch size (default 1 and 16) the best of R runs (default 3) of P points (default 20000) is
// printed, and the ratio to batch 1 measured in the same run. Rank count K is mpirun's -np; run
// once per K. On a machine with fewer cores than ranks the workers compete with the master for
// CPU: the numbers are then a lower bound for a real cluster, where each rank has its core.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "eos/exec/scheduler.h"

namespace {

struct Args {
  std::vector<std::size_t> batches = {1, 16};
  std::size_t points = 20000;
  int repeat = 3;
  std::size_t row_bytes = 0;
};

bool parse_count(const std::string& s, std::size_t& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 12) return false;
  out = std::stoull(s);
  return out >= 1;
}

// Returns an error message, empty when the arguments are fine.
std::string parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h") return "usage: scheduler_bench [--batch B[,B...]] [--points P] [--repeat R] [--row-bytes N]";
    if (i + 1 >= argc) return k + ": missing value";
    const std::string v = argv[++i];
    std::size_t n = 0;
    if (k == "--batch") {
      a.batches.clear();
      std::stringstream ss(v);
      std::string part;
      while (std::getline(ss, part, ',')) {
        if (!parse_count(part, n)) return "--batch: expected numbers >= 1, got '" + v + "'";
        a.batches.push_back(n);
      }
      if (a.batches.empty()) return "--batch: empty";
    } else if (k == "--points") {
      if (!parse_count(v, n)) return "--points: expected a number >= 1, got '" + v + "'";
      a.points = n;
    } else if (k == "--repeat") {
      if (!parse_count(v, n) || n > 1000) return "--repeat: expected 1..1000, got '" + v + "'";
      a.repeat = static_cast<int>(n);
    } else if (k == "--row-bytes") {
      if (!(v == "0" || parse_count(v, n)) || n > 1 << 20) return "--row-bytes: expected 0..1048576, got '" + v + "'";
      a.row_bytes = n;
    } else {
      return "unknown option '" + k + "'";
    }
  }
  return "";
}

struct Timing {
  double seconds = 0;
  std::size_t recorded = 0;
};

// A typed row shaped like a sparse-relu row.
eos::PointResult trivial_row(std::size_t index, std::size_t text_bytes) {
  eos::PointResult r;
  r.run.stats.steps_run = static_cast<long>(index);
  r.run.stats.loss_final = 0.5;
  r.run.tracked_final = {1, 2};
  r.run.tracked_tail = {1, 2};
  r.run.reports = {0.5, 0.6, 0.1, 0.2};
  r.message.assign(text_bytes, 'x');
  return r;
}

// One schedule() of `points` trivial points; meaningful on rank 0.
Timing run_once(const eos::MpiContext& comm, const Args& a, std::size_t batch) {
  eos::ListWork work;
  if (comm.rank() == 0)
    for (std::size_t i = 0; i < a.points; ++i) work.add({i, 1.0 + static_cast<double>(i % 7)});
  std::atomic<std::size_t> recorded{0};
  Timing st;
  eos::RunFn run = [&](const eos::WorkItem& item) -> std::optional<eos::PointResult> {
    const std::uint64_t index = item.index;
    if (comm.rank() == 0) {
      // The master's compute thread: hold this point until all others are recorded.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (recorded.load() + 1 < a.points && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return trivial_row(index, a.row_bytes);
  };
  eos::SinkFn sink = [&](const eos::WorkItem&, eos::PointResult&&) { recorded.fetch_add(1); };
  eos::ScheduleOptions opts;
  opts.batch = batch;
  comm.barrier();
  const auto t0 = std::chrono::steady_clock::now();
  const auto outcome = eos::schedule(comm, comm.rank() == 0 ? &work : nullptr, run, sink, opts);
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  st.recorded = outcome.done;
  comm.barrier();
  return st;
}

}  // namespace

int main(int argc, char** argv) {
  eos::MpiContext mpi(argc, argv);
  const auto& comm = mpi;
  Args a;
  const std::string err = parse(argc, argv, a);
  if (!err.empty()) {
    if (comm.rank() == 0) std::fprintf(stderr, "scheduler_bench: %s\n", err.c_str());
    return err.rfind("usage", 0) == 0 ? 0 : 2;
  }
  if (comm.rank() == 0) {
    std::printf("scheduler_bench: %d ranks (1 master + %d workers), %zu points of typed rows (+%zu text bytes), best of %d\n",
                comm.size(), comm.size() - 1, a.points, a.row_bytes, a.repeat);
    std::printf("%8s %12s %14s %14s %10s\n", "batch", "best_s", "points/s", "messages/s", "vs_batch1");
  }
  double base_rate = 0;
  int status = 0;
  for (std::size_t batch : a.batches) {
    double best = 1e300;
    std::size_t recorded = 0;
    for (int r = 0; r < a.repeat; ++r) {
      const Timing st = run_once(comm, a, batch);
      best = std::min(best, st.seconds);
      recorded = st.recorded;
    }
    if (comm.rank() != 0) continue;
    if (recorded != a.points) {
      std::fprintf(stderr, "scheduler_bench: batch %zu recorded %zu of %zu points\n", batch, recorded, a.points);
      status = 1;
    }
    const double rate = static_cast<double>(a.points) / best;
    if (batch == 1) base_rate = rate;
    const double msgs = static_cast<double>((a.points + batch - 1) / batch) / best;
    if (base_rate > 0)
      std::printf("%8zu %12.4f %14.0f %14.0f %9.2fx\n", batch, best, rate, msgs, rate / base_rate);
    else
      std::printf("%8zu %12.4f %14.0f %14.0f %10s\n", batch, best, rate, msgs, "-");
    std::fflush(stdout);
  }
  return status;
}
