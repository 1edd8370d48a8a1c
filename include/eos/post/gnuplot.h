// The gnuplot backend: a Figure as a self-contained gnuplot script (data inline; it draws
// STEM.png with pngcairo, and STEM.svg, next to itself from any folder), and running gnuplot.
// Only this header and its sources (gnuplot.cpp, gnuplot_run.cpp) know gnuplot.
#pragma once
#include <string>

#include "eos/post/figure.h"

namespace eos {

struct GnuplotOptions {
  bool svg = false;  // also draw STEM.svg
};

// The script that draws f into STEM.png (and STEM.svg) in the script's folder.
std::string gnuplot_script(const Figure& f, const std::string& stem, const GnuplotOptions& o = {});

// The gnuplot program: $EOS_GNUPLOT if set, else gnuplot on PATH. Empty, with the reason in
// *why, when there is none.
std::string find_gnuplot(std::string* why);

// Run gnuplot on a script file; returns "" on success, else what went wrong (its stderr).
std::string run_gnuplot(const std::string& gnuplot, const std::string& script);

}  // namespace eos
