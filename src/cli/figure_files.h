// What eos-sweep aggregate and eos-sweep trace share: writing a figure's gnuplot script beside
// its images, running gnuplot on the scripts, and their warnings (src/cli only).
#pragma once
#include <string>
#include <vector>

#include "eos/post/figure.h"

namespace eos {

// "eos-sweep CMD: warning: MSG" on stderr.
void warn(const std::string& cmd, const std::string& msg);
// The first few warnings, then how many more there were.
void print_warnings(const std::string& cmd, const std::vector<std::string>& warnings);

// A written script and the images gnuplot makes from it.
struct Drawing {
  std::string script;
  std::vector<std::string> images;
};

// Write BASE.gp, drawing f into BASE.png (and BASE.svg); prints "script  BASE.gp". Throws
// std::runtime_error when it cannot be written.
Drawing write_script(const Figure& f, const std::string& base, bool svg);

// Run gnuplot on each script and print the images made; without gnuplot, a one-line note that
// images were skipped. Returns false when gnuplot failed on a script.
bool draw(const std::string& cmd, const std::vector<Drawing>& drawings);

}  // namespace eos
