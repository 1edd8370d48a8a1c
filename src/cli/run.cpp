// eos-sweep run: check the job, open (or resume) the results file, schedule the points over
// MPI ranks, and record provenance. Every input error is found before anything is written.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "eos/cli/cli.h"
#include "eos/grid/job.h"
#include "eos/io/manifest.h"
#include "eos/exec/point_runner.h"
#include "eos/io/results_file.h"
#include "eos/gd/run.h"
#include "eos/exec/scheduler.h"
#include "eos/util/files.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace eos {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

struct RunArgs {
  std::string job, out, progress = "auto";
  std::vector<std::string> sets;
  long shard_i = 0, shard_n = 1;
  bool retry_errors = false;
  long batch = 1;
  double grace = 30;
};

void parse_shard(const std::string& s, RunArgs& a) {
  const auto slash = s.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("");
    std::size_t p1 = 0, p2 = 0;
    a.shard_i = std::stol(s.substr(0, slash), &p1);
    a.shard_n = std::stol(s.substr(slash + 1), &p2);
    if (p1 != slash || p2 != s.size() - slash - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw InputError("--shard: expected I/N, got '" + s + "'");
  }
  if (a.shard_n < 1 || a.shard_i < 0 || a.shard_i >= a.shard_n)
    throw InputError("--shard: need 0 <= I < N, got '" + s + "'");
}

// Parse the command line; returns false after printing help.
bool parse_args(int argc, char** argv, RunArgs& a) {
  po::options_description desc("eos-sweep run JOB --out DIR [options]");
  desc.add_options()("help,h", "this help")("out,o", po::value<std::string>(&a.out), "results folder (required)")(
      "set", po::value<std::vector<std::string>>(&a.sets)->composing(), "override a job key: KEY=VALUE (repeatable)")(
      "shard", po::value<std::string>(), "run only shard I of N (I/N, 0-based); shards split the grid by id")(
      "progress", po::value<std::string>(&a.progress), "auto | bar | lines | none (default auto)")(
      "retry-errors", po::bool_switch(&a.retry_errors), "rerun points whose row is an error row")(
      "batch", po::value<long>(&a.batch), "points per message to a rank (default 1)")(
      "grace", po::value<double>(&a.grace), "seconds to wait for busy ranks after a stop signal (default 30)")(
      "job", po::value<std::string>(&a.job), "job file");
  po::positional_options_description pos;
  pos.add("job", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return false;
  }
  if (a.job.empty()) throw InputError("missing job file");
  if (a.out.empty()) throw InputError("--out: missing results folder");
  if (vm.count("shard")) parse_shard(vm["shard"].as<std::string>(), a);
  if (a.progress != "auto" && a.progress != "bar" && a.progress != "lines" && a.progress != "none")
    throw InputError("--progress: '" + a.progress + "' is not one of auto, bar, lines, none");
  if (a.batch < 1) throw InputError("--batch: must be >= 1");
  if (!(a.grace >= 0)) throw InputError("--grace: must be >= 0");
  return true;
}

std::string results_name(const RunArgs& a) {
  if (a.shard_n == 1) return "results.csv";
  return "results.shard-" + std::to_string(a.shard_i) + "-of-" + std::to_string(a.shard_n) + ".csv";
}

std::string command_line(int argc, char** argv) {
  std::string s = "eos-sweep";
  for (int i = 0; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  MpiContext mpi(argc, argv);
  const bool master = mpi.rank() == 0;
  RunArgs args;
  Job job;
  std::vector<Point> points;
  std::string error;
  try {
    if (!parse_args(argc, argv, args)) return 0;
    job = load_job(args.job, args.sets);
    points = expand(job);
  } catch (const InputError& e) {
    error = e.what();
  }
  if (!error.empty()) return master ? input_error("run", error) : kExitBadInput;

  // Rank 0 alone touches the output folder.
  std::unique_ptr<ResultsWriter> writer;
  const std::string manifest_path = args.out + "/manifest.jsonl";
  if (master) {
    try {
      prepare_dir(args.out);
      writer = std::make_unique<ResultsWriter>(args.out + "/" + results_name(args), result_header(*job.model),
                                               args.retry_errors);
    } catch (const std::exception& e) {  // InputError, or a full disk while writing the header
      error = e.what();
    }
  }
  if (!mpi.all_ok(error.empty())) return master ? input_error("run", error) : kExitBadInput;

  // The work: points of this shard that are not in the results file yet.
  std::vector<WorkItem> items;
  std::size_t in_shard_count = 0;
  if (master) {
    for (const auto& p : points) {
      if (!in_shard(p.id, args.shard_i, args.shard_n)) continue;
      ++in_shard_count;
      if (!writer->done().count(p.id)) items.push_back({p.index, p.cost});
    }
  }
  const auto hosts = mpi.hosts();

  RunRecord rec;
  if (master) {
    rec.run_id = utc_now() + "-" + std::to_string(::getpid());
    rec.event = "start";
    rec.command = command_line(argc, argv);
    rec.job = resolved_job(job);
    if (args.shard_n > 1) rec.job["shard"] = std::to_string(args.shard_i) + "/" + std::to_string(args.shard_n);
    rec.hosts = hosts;
    rec.mpi_library = mpi.library_version();
    rec.ranks = mpi.size();
    rec.time = utc_now();
    rec.points_total = in_shard_count;
    rec.points_skipped = in_shard_count - items.size();
    rec.status = "running";
    try {
      append_manifest(manifest_path, rec);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "eos-sweep run: warning: %s\n", e.what());
    }
  }

  for (int sig : {SIGINT, SIGTERM, SIGUSR1, SIGUSR2}) std::signal(sig, on_signal);

  auto progress = master ? make_progress(args.progress, stderr) : nullptr;
  if (progress) progress->start(items.size(), in_shard_count - items.size());
  const std::string trace_dir = args.out + "/traces";
  RunFn run = [&](std::size_t i) -> std::optional<std::string> {
    try {
      return run_point(*job.model, points[i], &g_stop, trace_dir);
    } catch (const Interrupted&) {
      return std::nullopt;
    }
  };
  std::size_t regimes_error = 0;
  SinkFn sink = [&](std::size_t, const std::string& line) {
    writer->append(line);
    if (line.find(",error,") != std::string::npos) ++regimes_error;
  };
  ScheduleOptions opts;
  opts.batch = static_cast<std::size_t>(args.batch);
  opts.stop = &g_stop;
  opts.progress = progress.get();
  opts.grace_s = args.grace;
  ScheduleOutcome outcome;
  try {
    outcome = schedule(mpi, std::move(items), run, sink, opts);
  } catch (const std::exception& e) {
    if (master) std::fprintf(stderr, "eos-sweep run: error: %s\n", e.what());
    if (mpi.size() == 1) return kExitFailure;
    mpi.abort(kExitFailure);  // other ranks may be blocked waiting for the master
  }
  if (!master) return outcome.interrupted || g_stop ? kExitInterrupted : 0;

  writer->sync();
  progress->finish(outcome.done, outcome.interrupted);
  rec.event = "end";
  rec.time = utc_now();
  rec.points_done = outcome.done;
  rec.status = outcome.interrupted ? "interrupted" : "complete";
  try {
    append_manifest(manifest_path, rec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep run: warning: %s\n", e.what());
  }
  if (regimes_error)
    std::fprintf(stderr, "eos-sweep run: %zu points ended in an error row (see the message column; --retry-errors reruns them)\n",
                 regimes_error);
  std::fprintf(stderr, "eos-sweep run: results in %s/%s\n", args.out.c_str(), results_name(args).c_str());
  if (outcome.interrupted) {
    std::fprintf(stderr, "eos-sweep run: stopped early; run the same command again to resume\n");
    writer.reset();
    if (outcome.abandoned) mpi.abort(kExitInterrupted);
    return kExitInterrupted;
  }
  return 0;
}


}  // namespace eos
