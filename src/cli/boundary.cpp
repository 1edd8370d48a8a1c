// eos-sweep boundary: phase boundaries from results (refined or not): the table of brackets, the
// summary over seeds, a power-law fit and a figure. Everything is read and built before anything
// is written.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "eos/cli/cli.h"
#include "eos/io/manifest.h"
#include "eos/model/registry.h"
#include "eos/post/boundary.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/text.h"
#include "figure_files.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace eos {
namespace {

const char* kBoundaryHelp =
    "eos-sweep boundary RESULTS... [--along AXIS] [--by AXIS] [--value PHASE] [--out DIR]\n"
    "\n"
    "Where a phase changes along an axis. A line is the set of rows that differ only in the axis\n"
    "(and in what the job derived from it: eta from eta_rel, steps from horizon). Wherever two\n"
    "neighbours on a line are in different phases, [lower, upper] is a boundary; its estimate is\n"
    "the bracket's geometric mean on a positive axis (else its midpoint). A run that diverged or\n"
    "failed is a phase of its own. Writes into --out:\n"
    "  boundary.csv          one row per line and change: the line's axes, lower, upper, estimate,\n"
    "                        width, below, above (the phases), points, theory (η*, or 1 along eta_rel)\n"
    "  boundary-summary.csv  per value of --by: mean, std, count of the estimates over seeds\n"
    "  boundary-fit.csv      estimate = C·by^(−p): p and C with 95% intervals (3+ boundaries)\n"
    "  boundary-by-BY.gp/.png  the estimates against --by with the theory and the fit\n"
    "\n"
    "Defaults come from the results folder's manifest (the job's refine and refine_axis): PHASE is a\n"
    "result column (regime, converged, ...) or a threshold on one (\"bias_tail < -0.05\"; also >,\n"
    "<=, >=); without a manifest, regime along eta.\n";

struct BoundaryArgs {
  std::vector<std::string> inputs;
  std::string along, by, value, out;
  bool svg = false, no_plot = false;
};

po::options_description boundary_options(BoundaryArgs& a) {
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("along", po::value(&a.along), "the axis the phase changes along")(
      "by", po::value(&a.by), "summarise and fit against this axis (default: the first non-seed axis of the lines)")(
      "value", po::value(&a.value), "what defines the phase: a column or \"COLUMN OP NUMBER\"")(
      "out,o", po::value(&a.out), "output folder (default: RESULTS folder/boundary)")(
      "svg", po::bool_switch(&a.svg), "also write an SVG image")("no-plot", po::bool_switch(&a.no_plot),
                                                                  "write the tables only")(
      "results", po::value(&a.inputs), "results files or folders");
  return desc;
}

std::optional<int> parse_args(int argc, char** argv, BoundaryArgs& a) {
  const po::options_description desc = boundary_options(a);
  po::positional_options_description pos;
  pos.add("results", -1);
  try {
    if (parse_options(argc, argv, desc, pos).count("help")) {
      std::cout << kBoundaryHelp << "\n" << desc << "\n";
      return kExitOk;
    }
  } catch (const InputError& e) {
    return input_error("boundary", e.what());
  }
  return std::nullopt;
}

struct Plan {
  ResultSet set;
  BoundaryTable table;
  std::vector<BoundarySummary> summary;
  std::vector<PowerFit> fits;
  Figure figure;
  std::string out;
};

Plan plan(const BoundaryArgs& a) {
  if (a.inputs.empty()) throw InputError("no results file or folder given");
  Plan p;
  p.set = load_results(find_results_files(a.inputs));
  p.table = find_boundaries(p.set, {a.along, a.by, a.value, results_job(a.inputs)});
  p.summary = summarize_boundaries(p.table);
  p.fits = fit_power_laws(p.table);
  if (!a.no_plot && !p.summary.empty()) p.figure = boundary_figure(p.table, p.summary, p.fits, find_model(p.set.model));
  std::error_code ec;
  const fs::path first(a.inputs[0]);
  p.out = !a.out.empty() ? a.out : ((fs::is_directory(first, ec) ? first : first.parent_path()) / "boundary").string();
  prepare_dir(p.out);
  return p;
}

void report(const Plan& p) {
  const BoundaryTable& t = p.table;
  print_warnings("boundary", p.set.warnings);
  std::printf("read    %zu rows of %s: %zu lines along %s", p.set.rows.size(), t.model.c_str(), t.lines, t.along.c_str());
  if (!t.line_axes.empty()) std::printf(" (by %s)", join(t.line_axes, ", ").c_str());
  std::printf("; phase: %s\n", t.phase.text.c_str());
  std::printf("found   %zu boundaries\n", t.rows.size());
  for (const auto& f : p.fits) std::printf("fit     %s\n", fit_line(t, f).c_str());
  if (t.by.empty()) std::printf("note    no axis besides seeds varies between lines: no summary, fit or figure\n");
}

std::vector<Drawing> write_outputs(const Plan& p, const BoundaryArgs& a) {
  const fs::path out(p.out);
  write_atomic((out / "boundary.csv").string(), boundary_csv(p.table));
  std::printf("table   %s\n", (out / "boundary.csv").c_str());
  if (p.summary.empty()) return {};
  write_atomic((out / "boundary-summary.csv").string(), summary_csv(p.table, p.summary));
  write_atomic((out / "boundary-fit.csv").string(), fit_csv(p.table, p.fits));
  std::printf("table   %s\ntable   %s\n", (out / "boundary-summary.csv").c_str(), (out / "boundary-fit.csv").c_str());
  if (a.no_plot) return {};
  return {write_script(p.figure, (out / ("boundary-by-" + p.table.by)).string(), a.svg)};
}

}  // namespace

int cmd_boundary(int argc, char** argv) {
  BoundaryArgs a;
  if (auto done = parse_args(argc, argv, a)) return *done;
  Plan p;
  try {
    p = plan(a);
  } catch (const InputError& e) {
    return input_error("boundary", e.what());
  }
  report(p);
  std::vector<Drawing> drawings;
  try {
    drawings = write_outputs(p, a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep boundary: error: %s\n", e.what());
    return kExitFailure;
  }
  std::fflush(stdout);
  if (!drawings.empty() && !draw("boundary", drawings)) return kExitFailure;
  return kExitOk;
}

}  // namespace eos
