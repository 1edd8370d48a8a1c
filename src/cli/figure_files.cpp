// Scripts and images of aggregate and trace.
#include "figure_files.h"

#include <cstdio>
#include <filesystem>

#include "eos/post/gnuplot.h"
#include "eos/util/files.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr std::size_t kMaxWarnings = 10;

}  // namespace

void warn(const std::string& cmd, const std::string& msg) {
  std::fprintf(stderr, "eos-sweep %s: warning: %s\n", cmd.c_str(), msg.c_str());
}

void print_warnings(const std::string& cmd, const std::vector<std::string>& ws) {
  for (std::size_t i = 0; i < ws.size() && i < kMaxWarnings; ++i) warn(cmd, ws[i]);
  if (ws.size() > kMaxWarnings) warn(cmd, std::to_string(ws.size() - kMaxWarnings) + " more warnings like these");
}

Drawing write_script(const Figure& f, const std::string& base, bool svg) {
  const std::string stem = fs::path(base).filename().string();
  write_atomic(base + ".gp", gnuplot_script(f, stem, {.svg = svg}));
  std::printf("script  %s.gp\n", base.c_str());
  Drawing d{base + ".gp", {base + ".png"}};
  if (svg) d.images.push_back(base + ".svg");
  return d;
}

bool draw(const std::string& cmd, const std::vector<Drawing>& drawings) {
  std::string why;
  const std::string gnuplot = find_gnuplot(&why);
  if (gnuplot.empty()) {
    std::fprintf(stderr, "eos-sweep %s: images skipped: %s; the scripts are written, run gnuplot on them later\n",
                 cmd.c_str(), why.c_str());
    return true;
  }
  bool ok = true;
  for (const auto& d : drawings) {
    const std::string err = run_gnuplot(gnuplot, fs::absolute(d.script).string());
    if (!err.empty()) {
      std::fprintf(stderr, "eos-sweep %s: error: %s: %s\n", cmd.c_str(), d.script.c_str(), err.c_str());
      ok = false;
      continue;
    }
    for (const auto& img : d.images) std::printf("image   %s\n", img.c_str());
  }
  return ok;
}

}  // namespace eos
