// Runs one grid point end to end: builds the model, runs GD, writes its trace if asked, and
// returns its typed row. A failure inside the model becomes an error row, never a crash.
#pragma once
#include <atomic>
#include <string>

#include "eos/grid/grid.h"
#include "eos/io/result.h"
#include "eos/io/results_store.h"

namespace eos {

// Does the job's trace_points setting select this point?
bool traced(const Point& point);

// A warning of the sweep, one line on stderr: "eos-sweep run: warning: MSG".
void warn(const std::string& msg);

// What a run of one point may be watched by.
struct PointHooks {
  const std::atomic<bool>* stop = nullptr;  // raised: the run throws Interrupted
  const ResultsStore* store = nullptr;      // where traces and final parameters go; null: nowhere
  TraceSink watch;                          // receives every trace row (trace_every > 0), file or not
};

// The row of the point. Throws Interrupted when the stop flag is raised.
PointResult run_point(const ModelInfo& model, const Point& point, const PointHooks& hooks = {});

}  // namespace eos
