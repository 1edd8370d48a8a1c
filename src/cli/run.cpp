// eos-sweep run: read the command line and check the job before MPI starts (so bad input never
// depends on MPI start-up), then run the sweep over the MPI world and turn its end into an exit
// status. Every input error is found before anything is written.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "eos/cli/cli.h"
#include "eos/exec/sweep.h"
#include "eos/grid/job.h"

namespace po = boost::program_options;

namespace eos {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

struct RunArgs {
  std::string job;
  std::vector<std::string> sets;
  SweepOptions sweep;
};

void parse_shard(const std::string& s, SweepOptions& o) {
  const auto slash = s.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("");
    std::size_t p1 = 0, p2 = 0;
    o.shard_i = std::stol(s.substr(0, slash), &p1);
    o.shard_n = std::stol(s.substr(slash + 1), &p2);
    if (p1 != slash || p2 != s.size() - slash - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw InputError("--shard: expected I/N, got '" + s + "'");
  }
  if (o.shard_n < 1 || o.shard_i < 0 || o.shard_i >= o.shard_n)
    throw InputError("--shard: need 0 <= I < N, got '" + s + "'");
}

po::options_description run_options(RunArgs& a, long& batch) {
  po::options_description desc("eos-sweep run JOB --out DIR [options]");
  desc.add_options()("help,h", "this help")("out,o", po::value<std::string>(&a.sweep.out), "results folder (required)")(
      "set", po::value<std::vector<std::string>>(&a.sets)->composing(), "override a job key: KEY=VALUE (repeatable)")(
      "shard", po::value<std::string>(), "run only shard I of N (I/N, 0-based); shards split the grid by id")(
      "progress", po::value<std::string>(&a.sweep.progress), "auto | bar | lines | none (default auto)")(
      "retry-errors", po::bool_switch(&a.sweep.retry_errors), "rerun points whose row is an error row")(
      "batch", po::value<long>(&batch), "points per message to a rank (default 1)")(
      "grace", po::value<double>(&a.sweep.grace_s), "seconds to wait for busy ranks after a stop signal (default 30)")(
      "job", po::value<std::string>(&a.job), "job file");
  return desc;
}

// Parse the command line; returns false after printing help.
bool parse_args(int argc, char** argv, RunArgs& a) {
  long batch = 1;
  const po::options_description desc = run_options(a, batch);
  po::positional_options_description pos;
  pos.add("job", 1);
  const po::variables_map vm = parse_options(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return false;
  }
  if (a.job.empty()) throw InputError("missing job file");
  if (a.sweep.out.empty()) throw InputError("--out: missing results folder");
  if (vm.count("shard")) parse_shard(vm["shard"].as<std::string>(), a.sweep);
  const std::string& p = a.sweep.progress;
  if (p != "auto" && p != "bar" && p != "lines" && p != "none")
    throw InputError("--progress: '" + p + "' is not one of auto, bar, lines, none");
  if (batch < 1) throw InputError("--batch: must be >= 1");
  a.sweep.batch = static_cast<std::size_t>(batch);
  if (!(a.sweep.grace_s >= 0)) throw InputError("--grace: must be >= 0");
  return true;
}

std::string command_line(int argc, char** argv) {
  std::string s = "eos-sweep";
  for (int i = 0; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}

// Before MPI starts a process does not know its rank; launchers say it in the environment. Only
// rank 0 (or a process started without a launcher) prints the input error every rank finds.
bool launched_as_rank_zero() {
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    const char* v = std::getenv(var);
    if (v && *v) return std::string(v) == "0";
  }
  return true;
}

// The exit status of a sweep that ran.
int exit_status(const MpiContext& mpi, const SweepResult& r) {
  const bool master = mpi.rank() == 0;
  switch (r.end) {
    case SweepEnd::BadOutput: return master ? input_error("run", r.error) : kExitBadInput;
    case SweepEnd::Failed:
      if (master) std::fprintf(stderr, "eos-sweep run: error: %s\n", r.error.c_str());
      if (mpi.size() == 1) return kExitFailure;
      mpi.abort(kExitFailure);  // other ranks may be blocked waiting for the master
    case SweepEnd::Interrupted:
      if (master) std::fprintf(stderr, "eos-sweep run: stopped early; run the same command again to resume\n");
      if (r.abandoned) mpi.abort(kExitInterrupted);
      return kExitInterrupted;
    case SweepEnd::Complete: break;
  }
  return kExitOk;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  RunArgs args;
  Job job;
  const bool rank_zero = launched_as_rank_zero();
  try {
    if (!parse_args(argc, argv, args)) return kExitOk;
    // Every rank checks every point; the launcher's rank 0 also looks for repeated ids, whose
    // verdict it shares once MPI is up (no rank may leave before the others start).
    job = load_job(args.job, args.sets, {.check_ids = rank_zero});
  } catch (const InputError& e) {
    return rank_zero ? input_error("run", e.what()) : kExitBadInput;
  }
  args.sweep.command = command_line(argc, argv);
  MpiContext mpi(argc, argv);
  if (!mpi.all_ok(job.summary.id_clash.empty()))
    return mpi.rank() == 0 ? input_error("run", job.summary.id_clash) : kExitBadInput;
  for (int sig : {SIGINT, SIGTERM, SIGUSR1, SIGUSR2}) std::signal(sig, on_signal);
  return exit_status(mpi, run_sweep(mpi, job, args.sweep, g_stop));
}

}  // namespace eos
