// Provenance: DIR/manifest.jsonl gets one JSON record when a run starts and one when it ends,
// with the resolved job, the build (version, commit, compiler, libraries), hosts and ranks.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "eos/grid/job.h"

namespace eos {

struct RunRecord {
  std::string run_id;                    // start time and pid
  std::string event;                     // "start" or "end"
  std::string command;                   // the command line
  std::map<std::string, std::string> job;  // every key with its value(s)
  std::vector<std::string> hosts;
  std::string mpi_library;
  int ranks = 1;
  std::string time;                      // ISO 8601, UTC
  std::size_t points_total = 0, points_skipped = 0, points_done = 0;
  std::string status;                    // running, complete, interrupted, failed
};

// The job's keys with their values as written in canonical form (lists joined by ", ").
std::map<std::string, std::string> resolved_job(const Job& job);
// The current UTC time, ISO 8601.
std::string utc_now();
// The record as one JSON line (with version, commit, compiler and library versions).
std::string manifest_line(const RunRecord& r);
// Append the record to path (throws std::runtime_error when it cannot).
void append_manifest(const std::string& path, const RunRecord& r);
// The job of the first of inputs (results folders, or files in one) whose folder has a
// manifest.jsonl; empty when none has.
std::map<std::string, std::string> results_job(const std::vector<std::string>& inputs);
// The job of the last record of a manifest that has one (its "job" object, key to value); empty
// when the file is missing or holds no readable job.
std::map<std::string, std::string> last_job(const std::string& path);

}  // namespace eos
