// A sweep over the MPI world: results file, work, scheduler, manifest, messages.
#include "eos/exec/sweep.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "eos/exec/grid_work.h"
#include "eos/exec/point_runner.h"
#include "eos/io/manifest.h"
#include "eos/io/row_writer.h"
#include "eos/util/files.h"

namespace eos {

std::string results_name(const SweepOptions& o) {
  if (o.shard_n == 1) return "results.csv";
  return "results.shard-" + std::to_string(o.shard_i) + "-of-" + std::to_string(o.shard_n) + ".csv";
}

namespace {

void warn(const std::string& msg) { std::fprintf(stderr, "eos-sweep run: warning: %s\n", msg.c_str()); }

void append_or_warn(const std::string& path, const RunRecord& rec) {
  try {
    append_manifest(path, rec);
  } catch (const std::exception& e) {
    warn(e.what());
  }
}

// The manifest's start record of a sweep.
RunRecord start_record(const MpiContext& mpi, const Job& job, const SweepOptions& o, const GridWork& work,
                       const std::vector<std::string>& hosts) {
  RunRecord rec;
  rec.run_id = utc_now() + "-" + std::to_string(::getpid());
  rec.event = "start";
  rec.command = o.command;
  rec.job = resolved_job(job);
  if (o.shard_n > 1) rec.job["shard"] = std::to_string(o.shard_i) + "/" + std::to_string(o.shard_n);
  rec.hosts = hosts;
  rec.mpi_library = mpi.library_version();
  rec.ranks = mpi.size();
  rec.time = utc_now();
  rec.points_total = work.shard_points();
  rec.points_skipped = work.skipped();
  rec.status = "running";
  return rec;
}

// Rank 0's part of the sweep, after the results file is open: the work, the rows, the progress
// and the manifest.
class Recorder {
 public:
  Recorder(const MpiContext& mpi, const Job& job, const SweepOptions& o, ResultsFile& file)
      : mpi_(mpi), job_(job), o_(o), file_(file), schema_(*job.model), writer_(schema_, file),
        work_(job, file.done(), o.shard_i, o.shard_n), manifest_(o.out + "/manifest.jsonl") {}
  GridWork& work() { return work_; }
  void start(const std::vector<std::string>& hosts) {
    record_ = start_record(mpi_, job_, o_, work_, hosts);
    append_or_warn(manifest_, record_);
    progress_ = make_progress(o_.progress, stderr);
    progress_->start(work_.total(), work_.skipped());
  }
  Progress* progress() { return progress_.get(); }
  void write(std::uint64_t index, const PointResult& r) {
    writer_.write(point_at(job_, index), r);
    errors_ += r.error();
  }
  void finish(const ScheduleOutcome& outcome);

 private:
  const MpiContext& mpi_;
  const Job& job_;
  const SweepOptions& o_;
  ResultsFile& file_;
  Schema schema_;
  CsvRowWriter writer_;
  GridWork work_;
  std::string manifest_;
  RunRecord record_;
  std::unique_ptr<Progress> progress_;
  std::size_t errors_ = 0;
};

void Recorder::finish(const ScheduleOutcome& outcome) {
  writer_.flush();
  progress_->finish(outcome.done, outcome.interrupted);
  record_.event = "end";
  record_.time = utc_now();
  record_.points_done = outcome.done;
  record_.status = outcome.interrupted ? "interrupted" : "complete";
  append_or_warn(manifest_, record_);
  if (errors_)
    std::fprintf(stderr,
                 "eos-sweep run: %zu points ended in an error row (see the message column; --retry-errors reruns them)\n",
                 errors_);
  std::fprintf(stderr, "eos-sweep run: results in %s/%s\n", o_.out.c_str(), results_name(o_).c_str());
}

// Rank 0 alone touches the output folder; every rank hears whether it could (collective).
bool open_results(const MpiContext& mpi, const Job& job, const SweepOptions& o, std::unique_ptr<ResultsFile>& file,
                  std::string& error) {
  if (mpi.rank() == 0) {
    try {
      prepare_dir(o.out);
      file = std::make_unique<ResultsFile>(o.out + "/" + results_name(o), Schema(*job.model).header(), o.retry_errors);
    } catch (const std::exception& e) {  // InputError, or a full disk while writing the header
      error = e.what();
    }
  }
  return mpi.all_ok(error.empty());
}

}  // namespace

SweepResult run_sweep(const MpiContext& mpi, const Job& job, const SweepOptions& o, std::atomic<bool>& stop) {
  std::string error;
  std::unique_ptr<ResultsFile> file;
  if (!open_results(mpi, job, o, file, error)) return {SweepEnd::BadOutput, error};

  std::optional<Recorder> master;
  if (file) master.emplace(mpi, job, o, *file);
  const auto hosts = mpi.hosts();
  if (master) master->start(hosts);

  const PointHooks hooks{&stop, o.out + "/traces", {}};
  RunFn run = [&](const WorkItem& item) -> std::optional<PointResult> {
    try {
      return run_point(*job.model, point_at(job, static_cast<std::size_t>(item.index)), hooks);
    } catch (const Interrupted&) {
      return std::nullopt;
    }
  };
  SinkFn sink = [&](const WorkItem& item, PointResult&& r) { master->write(item.index, r); };
  ScheduleOptions opts{o.batch, &stop, master ? master->progress() : nullptr, o.grace_s};
  ScheduleOutcome outcome;
  try {
    outcome = schedule(mpi, master ? &master->work() : nullptr, run, sink, opts);
  } catch (const std::exception& e) {
    return {SweepEnd::Failed, e.what()};
  }
  if (!master) return {outcome.interrupted || stop ? SweepEnd::Interrupted : SweepEnd::Complete, ""};
  master->finish(outcome);
  return {outcome.interrupted ? SweepEnd::Interrupted : SweepEnd::Complete, "", outcome.abandoned};
}

}  // namespace eos
