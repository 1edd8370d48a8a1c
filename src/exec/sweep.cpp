// A sweep over the MPI world: results file, work, scheduler, manifest, messages.
#include "eos/exec/sweep.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "eos/exec/checkpoint.h"
#include "eos/exec/grid_work.h"
#include "eos/exec/point_runner.h"
#include "eos/exec/refine_work.h"
#include "eos/io/manifest.h"
#include "eos/io/row_writer.h"
#include "eos/util/error.h"
#include "eos/util/files.h"

namespace eos {

namespace {

void append_or_warn(const std::string& path, const RunRecord& rec) {
  try {
    append_manifest(path, rec);
  } catch (const std::exception& e) {
    warn(e.what());
  }
}

// The manifest's start record of a sweep.
RunRecord start_record(const MpiContext& mpi, const Job& job, const SweepOptions& o, const WorkSource& work,
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
  rec.points_total = work.total() + work.skipped();
  rec.points_skipped = work.skipped();
  rec.status = "running";
  return rec;
}

// Rank 0's part of the sweep, after the results file is open: the work (the grid's pending
// points, or a refinement), the rows, the progress and the manifest.
class Recorder {
 public:
  Recorder(const MpiContext& mpi, const Job& job, const RefineSpec& refine, const SweepOptions& o, const Schema& schema,
           ResultsFile& file)
      : mpi_(mpi), job_(job), refine_(refine), o_(o), store_(o.out), schema_(schema), writer_(schema_, file),
        manifest_(store_.manifest()) {
    if (refine.enabled()) {
      known_ = known_phases(store_.results(o.shard_i, o.shard_n), refine);
      refine_work_ = std::make_unique<RefineWork>(job, refine, known_, o.shard_i, o.shard_n);
    } else {
      grid_work_ = std::make_unique<GridWork>(job, file.done(), o.shard_i, o.shard_n);
    }
  }
  WorkSource& work() { return refine_work_ ? static_cast<WorkSource&>(*refine_work_) : *grid_work_; }
  void start(const std::vector<std::string>& hosts) {
    record_ = start_record(mpi_, job_, o_, work(), hosts);
    append_or_warn(manifest_, record_);
    progress_ = make_progress(o_.progress, stderr);
    progress_->start(work().total(), work().skipped());
  }
  Progress* progress() { return progress_.get(); }
  void write(const WorkItem& item, const PointResult& r) {
    const Point p = refine_work_ ? refine_work_->point(item) : point_at(job_, static_cast<std::size_t>(item.index));
    writer_.write(p, r);
    if (r.checkpointed) {  // the row is on disk before its checkpoint goes
      writer_.flush();
      remove_checkpoint(store_, p);
    }
    errors_ += r.error();
    if (refine_work_) refine_work_->finished(item, phase_of(p, r));
  }
  void finish(const ScheduleOutcome& outcome);

 private:
  std::string phase_of(const Point& p, const PointResult& r) const {
    return refine_.phase(format_field(schema_.field(p, r, "regime")), format_field(schema_.field(p, r, refine_.column)));
  }
  void report_refinement() const;
  const MpiContext& mpi_;
  const Job& job_;
  const RefineSpec& refine_;
  const SweepOptions& o_;
  ResultsStore store_;
  const Schema& schema_;
  CsvRowWriter writer_;
  std::string manifest_;
  KnownPhases known_;
  std::unique_ptr<RefineWork> refine_work_;
  std::unique_ptr<GridWork> grid_work_;
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
  report_refinement();
  if (errors_)
    std::fprintf(stderr,
                 "eos-sweep run: %zu points ended in an error row (see the message column; --retry-errors reruns them)\n",
                 errors_);
  std::fprintf(stderr, "eos-sweep run: results in %s\n", store_.results(o_.shard_i, o_.shard_n).c_str());
}

void Recorder::report_refinement() const {
  if (!refine_work_) return;
  const auto c = refine_work_->counts();
  std::fprintf(stderr, "eos-sweep run: refined %zu lines along %s: %zu grid points, %zu added", c.lines,
               refine_.axis.c_str(), c.coarse, c.added);
  if (c.unresolved) std::fprintf(stderr, " (%zu of them could not be resolved)", c.unresolved);
  std::fprintf(stderr, "\n");
}

// Rank 0 alone touches the output folder; every rank hears whether it could (collective). The
// rows' schema has the column groups the job uses and those the file already holds.
bool open_results(const MpiContext& mpi, const Job& job, const SweepOptions& o, std::optional<Schema>& schema,
                  std::unique_ptr<ResultsFile>& file, std::string& error) {
  if (mpi.rank() == 0) {
    try {
      prepare_dir(o.out);
      const std::string path = ResultsStore(o.out).results(o.shard_i, o.shard_n);
      schema.emplace(*job.model, schema_options(job) | schema_options(existing_header(path)));
      const Schema& s = *schema;
      file = std::make_unique<ResultsFile>(path, s.header(), o.retry_errors,
                                           [&s](const std::string& c) { return s.old_value(c); });
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
  std::optional<Schema> schema;
  const RefineSpec refine = refine_spec(job);
  if (!open_results(mpi, job, o, schema, file, error)) return {SweepEnd::BadOutput, error};

  std::optional<Recorder> master;
  if (file) master.emplace(mpi, job, refine, o, *schema, *file);
  const auto hosts = mpi.hosts();
  if (master) master->start(hosts);

  const ResultsStore store(o.out);
  const PointHooks hooks{&stop, &store, {}};
  RunFn run = [&](const WorkItem& item) -> std::optional<PointResult> {
    try {
      return run_point(*job.model, refine_point(job, refine, item), hooks);
    } catch (const Interrupted&) {
      return std::nullopt;
    } catch (const InputError& e) {  // an added point the model refuses (the master warned)
      return PointResult::failure(e.what(), 0);
    }
  };
  SinkFn sink = [&](const WorkItem& item, PointResult&& r) { master->write(item, r); };
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
