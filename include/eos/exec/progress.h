// Progress of a sweep as an interface of its own: the scheduler reports, a printer formats.
// A bar for terminals, plain periodic lines for batch logs, or nothing.
#pragma once
#include <cstdio>
#include <memory>
#include <string>

namespace eos {

class Progress {
 public:
  virtual ~Progress() = default;
  // total: points to run now; skipped: points already in the results file.
  virtual void start(std::size_t total, std::size_t skipped) = 0;
  // done points so far of total (which grows when a refinement adds points); work_fraction:
  // share of the estimated work done (for the ETA).
  virtual void update(std::size_t done, std::size_t total, double work_fraction) = 0;
  virtual void finish(std::size_t done, bool interrupted) = 0;
};

// mode: "auto" (bar on a terminal, lines otherwise), "bar", "lines" or "none".
// Lines are printed every interval_s seconds.
std::unique_ptr<Progress> make_progress(const std::string& mode, std::FILE* out, double interval_s = 10.0);

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace eos
