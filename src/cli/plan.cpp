// eos-sweep plan: check a job and print its grid and the work it implies, running nothing.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "eos/cli/cli.h"
#include "eos/grid/grid.h"

namespace po = boost::program_options;

namespace eos {

int input_error(const std::string& cmd, const std::string& msg) {
  std::fprintf(stderr, "eos-sweep %s: error: %s\n", cmd.c_str(), msg.c_str());
  return kExitBadInput;
}

int cmd_plan(int argc, char** argv) {
  po::options_description desc("eos-sweep plan JOB [options]");
  desc.add_options()("help,h", "this help")("set", po::value<std::vector<std::string>>()->composing(),
                                            "override a job key: KEY=VALUE (repeatable)")(
      "all", "print every point (default: at most 50)")("job", po::value<std::string>(), "job file");
  po::positional_options_description pos;
  pos.add("job", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return input_error("plan", e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (!vm.count("job")) return input_error("plan", "missing job file");
  try {
    const auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    Job job = load_job(vm["job"].as<std::string>(), sets);
    const bool all = vm.count("all") != 0;
    const std::size_t shown = all ? static_cast<std::size_t>(job.point_count()) : 50;
    // One pass over the grid, keeping only the points to print (a million points fit in no memory
    // budget as Point objects, and plan needs only their step counts).
    std::vector<Point> first;
    double steps = 0;
    std::size_t count = 0;
    for_each_point(job, [&](const Point& p) {
      ++count;
      steps += static_cast<double>(p.params.integer("steps"));
      if (first.size() < shown) first.push_back(p);
    });
    std::printf("model: %s\n", job.model->name.c_str());
    std::printf("points: %zu\n", count);
    std::printf("axes:");
    if (job.axes.empty()) std::printf(" (none)");
    std::printf("\n");
    for (const auto& a : job.axes) {
      const auto& vals = *job.find(a);
      std::printf("  %s (%zu):", a.c_str(), vals.size());
      for (std::size_t i = 0; i < vals.size(); ++i) {
        if (vals.size() > 12 && i == 5) {
          std::printf(" ... (%zu more) ...", vals.size() - 10);
          i = vals.size() - 5;
        }
        std::printf(" %s", vals[i].c_str());
      }
      std::printf("\n");
    }
    std::printf("total GD steps: %.0f\n", steps);
    std::printf("grid:\nindex id eta steps");
    for (const auto& a : job.axes)
      if (a != "eta") std::printf(" %s", a.c_str());
    std::printf("\n");
    for (const auto& p : first) {
      std::printf("%zu %s %s %s", p.index, p.id.c_str(), p.params.text("eta").c_str(), p.params.text("steps").c_str());
      for (const auto& a : job.axes)
        if (a != "eta") std::printf(" %s", p.params.text(a).c_str());
      std::printf("\n");
    }
    if (count > first.size()) std::printf("... %zu more points (--all prints them)\n", count - first.size());
  } catch (const InputError& e) {
    return input_error("plan", e.what());
  }
  return 0;
}

}  // namespace eos
