// eos-sweep plan: check a job and print its grid and the work it implies, running nothing. One
// pass over the grid checks every point, counts the work and looks for repeated ids (on every
// core); the rows printed are walked again as they come: nothing is held per point.
#include <cstdio>
#include <iostream>
#include <thread>

#include "eos/cli/cli.h"
#include "eos/grid/grid.h"

namespace po = boost::program_options;

namespace eos {
namespace {

// An axis's values on one line, the middle elided when there are more than 12.
void print_axis(const std::string& name, const std::vector<std::string>& vals) {
  std::printf("  %s (%zu):", name.c_str(), vals.size());
  for (std::size_t i = 0; i < vals.size(); ++i) {
    if (vals.size() > 12 && i == 5) {
      std::printf(" ... (%zu more) ...", vals.size() - 10);
      i = vals.size() - 5;
    }
    std::printf(" %s", vals[i].c_str());
  }
  std::printf("\n");
}

void print_summary(const Job& job, std::size_t count, double steps) {
  std::printf("model: %s\n", job.model->name.c_str());
  std::printf("points: %zu\n", count);
  std::printf("axes:%s\n", job.axes.empty() ? " (none)" : "");
  for (const auto& a : job.axes) print_axis(a, *job.find(a));
  std::printf("total GD steps: %.0f\n", steps);
}

// The first `shown` points, one line each: index, id, eta, steps and the other axes.
void print_rows(const Job& job, std::size_t shown, std::size_t count) {
  std::printf("grid:\nindex id eta steps");
  for (const auto& a : job.axes)
    if (a != "eta") std::printf(" %s", a.c_str());
  std::printf("\n");
  GridWalker walker(job);
  Point p;
  for (std::size_t i = 0; i < shown && walker.next(p); ++i) {
    std::printf("%zu %s %s %s", p.index, p.id.c_str(), p.params.text("eta").c_str(), p.params.text("steps").c_str());
    for (const auto& a : job.axes)
      if (a != "eta") std::printf(" %s", p.params.text(a).c_str());
    std::printf("\n");
  }
  if (count > shown) std::printf("... %zu more points (--all prints them)\n", count - shown);
}

}  // namespace

int cmd_plan(int argc, char** argv) {
  po::options_description desc("eos-sweep plan JOB [options]");
  desc.add_options()("help,h", "this help")("set", po::value<std::vector<std::string>>()->composing(),
                                            "override a job key: KEY=VALUE (repeatable)")(
      "all", "print every point (default: at most 50)")("job", po::value<std::string>(), "job file");
  po::positional_options_description pos;
  pos.add("job", 1);
  try {
    const po::variables_map vm = parse_options(argc, argv, desc, pos);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    if (!vm.count("job")) return input_error("plan", "missing job file");
    const auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    const Job job = load_job(vm["job"].as<std::string>(), sets, {.check_ids = true, .threads = threads});
    if (!job.summary.id_clash.empty()) throw InputError(job.summary.id_clash);
    const std::size_t count = job.summary.points;
    print_summary(job, count, job.summary.steps);
    print_rows(job, vm.count("all") ? count : std::min<std::size_t>(count, 50), count);
  } catch (const InputError& e) {
    return input_error("plan", e.what());
  }
  return kExitOk;
}

}  // namespace eos
