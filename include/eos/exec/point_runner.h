// Runs one grid point end to end: builds the model, runs GD, writes its trace if asked, and
// returns its results row. A failure inside the model becomes an error row, never a crash.
#pragma once
#include <atomic>
#include <string>

#include "eos/grid/job.h"

namespace eos {

// Does the job's trace_points setting select this point?
bool traced(const Point& point);

// The results line (CSV, ending in '\n') of the point. Throws Interrupted when stop is raised.
// trace_dir: folder for per-step traces (trace_every > 0 and the point selected).
std::string run_point(const ModelInfo& model, const Point& point, const std::atomic<bool>* stop,
                      const std::string& trace_dir);

}  // namespace eos
