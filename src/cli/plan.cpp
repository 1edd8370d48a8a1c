// eos-sweep plan: check a job and print its grid and the work it implies, running nothing. One
// pass over the grid checks every point, counts the work and looks for repeated ids (on every
// core); the rows printed are walked again as they come: nothing is held per point.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "eos/cli/cli.h"
#include "eos/grid/grid.h"
#include "eos/grid/refine.h"
#include "eos/util/number.h"

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
  std::printf("points: %zu%s\n", count, refine_spec(job).enabled() ? " (the coarse grid)" : "");
  std::printf("axes:%s\n", job.axes.empty() ? " (none)" : "");
  for (const auto& a : job.axes) print_axis(a, *job.find(a));
  std::printf("total GD steps: %.0f\n", steps);
}

// What a refinement may add: lines, and the most points each can gain.
void print_refinement(const Job& job, std::size_t count) {
  const RefineSpec r = refine_spec(job);
  if (!r.enabled()) return;
  std::vector<double> values;
  for (const auto& v : *job.find(r.axis)) values.push_back(parse_double(r.axis, v));
  std::sort(values.begin(), values.end());
  const std::size_t lines = count / values.size();
  const long most = r.max_added(values);
  std::printf("refinement: %s along %s until %s %s (%s), refine_max %ld\n", r.text.c_str(),
              r.axis.c_str(), r.geometric ? "upper/lower - 1 <=" : "upper - lower <=", format_double(r.tol).c_str(),
              r.geometric ? "a positive axis" : "an axis that is not positive", r.max);
  std::printf("  %zu lines of %zu grid points; at most %ld points added per line, %.0f in all (at most %.0f points)\n",
              lines, values.size(), most, static_cast<double>(lines) * static_cast<double>(most),
              static_cast<double>(count) + static_cast<double>(lines) * static_cast<double>(most));
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
    print_refinement(job, count);
    print_rows(job, vm.count("all") ? count : std::min<std::size_t>(count, 50), count);
  } catch (const InputError& e) {
    return input_error("plan", e.what());
  }
  return kExitOk;
}

}  // namespace eos
