// eos-sweep: parameter sweeps of gradient descent at the edge of stability.
#include <cstdio>
#include <cstring>
#include <string>

#include "eos/cli/cli.h"
#include "eos/numerics/blas.h"
#include "eos/numerics/simd.h"
#include "eos/util/version.h"

namespace {

const char* kUsage =
    "usage: eos-sweep COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run JOB --out DIR [--set KEY=VALUE ...]   run a sweep (resumes into DIR)\n"
    "  plan JOB [--set KEY=VALUE ...]            check a job and print its grid\n"
    "  aggregate RESULTS... --x AXIS [--y AXIS] --value COLUMN [--out DIR]\n"
    "                                            phase tables and diagrams\n"
    "  trace TRACE.csv... [--out DIR]            draw per-step traces\n"
    "  boundary RESULTS... [--along AXIS] [--by AXIS] [--value PHASE]\n"
    "                                            phase boundaries, their fit and figure\n"
    "  keys [MODEL]                              the job-file reference (Markdown)\n"
    "  files DIR [--all]                         a results folder's files (for scripts)\n"
    "  --version                                 version, git commit, and the kernels this CPU runs\n"
    "\n"
    "'eos-sweep COMMAND --help' describes a command. See README.md for job keys.\n";

// One line (the SLURM scripts log it): the version, the commit, and, unless EOS_SIMD or EOS_MATMUL
// is unusable, the vector path and the products' kernels this CPU would run, as a run's manifest
// records them.
void print_version() {
  std::printf("eos-sweep %s (commit %s", eos::version(), eos::git_commit());
  if (eos::simd_env_problem().empty() && eos::matmul_env_problem().empty())
    std::printf("; vector path %s, products %s", eos::simd_name(eos::simd_path()), eos::matmul_backend().c_str());
  std::printf(")\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return eos::kExitBadInput;
  }
  const std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    print_version();
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  // EOS_SIMD names the vector path of the kernels, EOS_MATMUL the products' implementation:
  // refused here, before any command writes.
  for (const std::string& problem : {eos::simd_env_problem(), eos::matmul_env_problem()})
    if (!problem.empty()) {
      std::fprintf(stderr, "eos-sweep: error: %s\n", problem.c_str());
      return eos::kExitBadInput;
    }
  if (cmd == "run") return eos::cmd_run(argc - 1, argv + 1);
  if (cmd == "plan") return eos::cmd_plan(argc - 1, argv + 1);
  if (cmd == "aggregate") return eos::cmd_aggregate(argc - 1, argv + 1);
  if (cmd == "trace") return eos::cmd_trace(argc - 1, argv + 1);
  if (cmd == "boundary") return eos::cmd_boundary(argc - 1, argv + 1);
  if (cmd == "keys") return eos::cmd_keys(argc - 1, argv + 1);
  if (cmd == "files") return eos::cmd_files(argc - 1, argv + 1);
  std::fprintf(stderr, "eos-sweep: error: unknown command '%s' (eos-sweep --help lists the commands)\n", cmd.c_str());
  return eos::kExitBadInput;
}
