// A sweep: a job run into a results folder over the MPI world. Rank 0 opens (or resumes) the
// results file, streams the pending points to the scheduler, writes every row and records
// provenance; every rank runs points. The command line only chooses the options.
#pragma once
#include <atomic>
#include <string>

#include "eos/exec/scheduler.h"
#include "eos/grid/job.h"

namespace eos {

struct SweepOptions {
  std::string out;                 // the results folder
  long shard_i = 0, shard_n = 1;   // run only shard I of N
  bool retry_errors = false;       // rerun the points of error rows
  std::size_t batch = 1;           // points per message
  double grace_s = 30;             // after a stop signal: how long to wait for busy ranks
  std::string progress = "auto";   // auto | bar | lines | none
  std::string command;             // the command line, for the manifest
};

enum class SweepEnd { Complete, Interrupted, Failed, BadOutput };

struct SweepResult {
  SweepEnd end = SweepEnd::Complete;
  std::string error;       // BadOutput, Failed: what went wrong (rank 0)
  bool abandoned = false;  // some rank did not answer after a stop: the caller ends the world
};

// Collective: every rank calls it with the same job and options. stop is raised by a signal.
SweepResult run_sweep(const MpiContext& mpi, const Job& job, const SweepOptions& o, std::atomic<bool>& stop);

}  // namespace eos
