// Progress printers.
#include "eos/exec/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace eos {

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  else if (t >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}

namespace {

using Clock = std::chrono::steady_clock;

class Printer : public Progress {
 public:
  Printer(std::FILE* out, bool bar, double interval) : out_(out), bar_(bar), interval_(interval) {}
  void start(std::size_t total, std::size_t skipped) override {
    total_ = total;
    t0_ = Clock::now();
    if (total == 0) {
      std::fprintf(out_, "eos-sweep: nothing to run: all %zu points already done\n", skipped);
    } else {
      std::fprintf(out_, "eos-sweep: %zu points to run", total);
      if (skipped) std::fprintf(out_, ", %zu already done (skipped)", skipped);
      std::fprintf(out_, "\n");
    }
    std::fflush(out_);
  }
  void update(std::size_t done, std::size_t total, double frac) override {
    const double el = secs();
    total_ = std::max(total_, total);
    if (bar_) {
      if (el - last_ < 0.2 && done < total_) return;
    } else if (el - last_ < interval_ && done < total_) {
      return;
    }
    last_ = el;
    print(done, frac, el);
  }
  void finish(std::size_t done, bool interrupted) override {
    if (total_ == 0) return;  // start() said there was nothing to run
    const double el = secs();
    if (bar_) {
      print(done, total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0, el);
      std::fprintf(out_, "\n");
    }
    std::fprintf(out_, "eos-sweep: %s: %zu/%zu points in %s\n", interrupted ? "interrupted" : "done", done, total_,
                 format_duration(el).c_str());
    std::fflush(out_);
  }

 private:
  double secs() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }
  void print(std::size_t done, double frac, double el) {
    const double rate = el > 0 ? static_cast<double>(done) / el : 0;
    const double eta = frac > 0 ? el * (1 - frac) / frac : NAN;
    // Points and work apart: points differ in cost, and the ETA follows the work.
    const int work = static_cast<int>(100.0 * std::min(1.0, frac));
    if (bar_) {
      const int width = 30, fill = static_cast<int>(width * std::min(1.0, frac));
      std::string b(static_cast<std::size_t>(fill), '#');
      b.resize(width, ' ');
      std::fprintf(out_, "\r[%s] %zu/%zu points, %d%% of the work, ETA %s   ", b.c_str(), done, total_, work,
                   format_duration(eta).c_str());
    } else {
      std::fprintf(out_, "eos-sweep: %zu/%zu points, %d%% of the work, %.3g points/s, elapsed %s, ETA %s\n", done,
                   total_, work, rate, format_duration(el).c_str(), format_duration(eta).c_str());
    }
    std::fflush(out_);
  }
  std::FILE* out_;
  bool bar_;
  double interval_;
  std::size_t total_ = 0;
  Clock::time_point t0_;
  double last_ = -1e9;
};

class Silent : public Progress {
 public:
  void start(std::size_t, std::size_t) override {}
  void update(std::size_t, std::size_t, double) override {}
  void finish(std::size_t, bool) override {}
};

}  // namespace

std::unique_ptr<Progress> make_progress(const std::string& mode, std::FILE* out, double interval_s) {
  if (mode == "none") return std::make_unique<Silent>();
  const bool bar = mode == "bar" || (mode == "auto" && ::isatty(::fileno(out)));
  return std::make_unique<Printer>(out, bar, interval_s);
}

}  // namespace eos
