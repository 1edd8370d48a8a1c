// eos-sweep aggregate: phase tables and their figures from results files. Every input is checked,
// and every figure built, before anything is written.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <set>

#include "eos/cli/cli.h"
#include "eos/io/manifest.h"
#include "eos/post/aggregate.h"
#include "eos/post/boundary.h"
#include "eos/post/table_figure.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "figure_files.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace eos {
namespace {

const char* kAggregateHelp =
    "eos-sweep aggregate RESULTS... --x AXIS [--y AXIS] --value VALUE [options]\n"
    "\n"
    "Phase tables and diagrams. RESULTS are results files or folders (every results*.csv in a\n"
    "folder, e.g. SLURM shards). Rows are grouped by the axes; over the rows left in a group\n"
    "(seeds, and any --over parameter) mean, sample std, min, max and count are computed. Other\n"
    "parameters that vary make one line each (one axis) or must be fixed with --where (two axes).\n"
    "Writes NAME.csv (tidy table), NAME.gp (gnuplot script) and NAME.png [NAME.svg] into --out.\n"
    "\n"
    "VALUE: a numeric result column (bias_final, test_acc, sharpness_tail, ...); a derived name:\n"
    "  eta*S_max/2 = edge_max, eta*S_tail/2 = edge_tail (also eta*S/2, edge), eta*S_final/2 =\n"
    "  edge_final; or COLUMN=V, the fraction of rows where COLUMN equals V (regime=eos,\n"
    "  converged=1). Error rows are left out and counted.\n";

struct AggregateArgs {
  std::vector<std::string> inputs, values, over, where;
  std::string x, y, out, name, xscale = "auto", yscale = "auto";
  bool svg = false, no_plot = false, inset = false;
};

po::options_description aggregate_options(AggregateArgs& a) {
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("x", po::value(&a.x), "first axis (a parameter column)")(
      "y", po::value(&a.y), "second axis: a heatmap over (x, y)")(
      "value", po::value(&a.values)->composing(), "what to aggregate (repeatable)")(
      "out,o", po::value(&a.out), "output folder (default: RESULTS folder/figures)")(
      "svg", po::bool_switch(&a.svg), "also write an SVG image")(
      "name", po::value(&a.name), "file name stem (default VALUE-by-X[-Y]; one --value only)")(
      "over", po::value(&a.over)->composing(), "also average over this parameter (repeatable; seed and *_seed always are)")(
      "where", po::value(&a.where)->composing(), "keep rows with COLUMN=V or COLUMN=V1,V2 (repeatable)")(
      "xscale", po::value(&a.xscale), "auto | log | lin (default auto: log when log-spaced)")(
      "yscale", po::value(&a.yscale), "auto | log | lin")("no-plot", po::bool_switch(&a.no_plot), "write the tables only")(
      "inset", po::bool_switch(&a.inset), "one axis (eta or eta_rel): an inset zooming on [eta*/2, 2 eta*]")(
      "results", po::value(&a.inputs), "results files or folders");
  return desc;
}

// The arguments into a; an exit status when the command is done (help, bad options).
std::optional<int> parse_args(int argc, char** argv, AggregateArgs& a) {
  const po::options_description desc = aggregate_options(a);
  po::positional_options_description pos;
  pos.add("results", -1);
  try {
    if (parse_options(argc, argv, desc, pos).count("help")) {
      std::cout << kAggregateHelp << "\n" << desc << "\n";
      return kExitOk;
    }
  } catch (const InputError& e) {
    return input_error("aggregate", e.what());
  }
  return std::nullopt;
}

// One table to write, and its figure.
struct Output {
  AggregateTable table;
  std::string stem;
  Figure figure;
};

// Everything aggregate writes, checked and built, and what was read.
struct Plan {
  std::string model;
  std::size_t files = 0, rows = 0, duplicates = 0;
  std::size_t added = 0;  // rows a refinement added, left out of the tables
  std::vector<std::string> warnings;
  std::vector<Output> outputs;
  std::string out;
};

// The flags that must be given, and --name; throws InputError.
void check_flags(const AggregateArgs& a) {
  if (a.inputs.empty()) throw InputError("no results file or folder given");
  if (a.x.empty()) throw InputError("--x: missing axis");
  if (a.values.empty()) throw InputError("--value: missing (a result column, a derived name or COLUMN=VALUE)");
  if (!a.name.empty() && a.values.size() > 1) throw InputError("--name: give one --value with it");
  if (a.name.find('/') != std::string::npos) throw InputError("--name: a file name stem, not a path");
}

// The spec of the flags (everything but the value); throws InputError.
AggregateSpec spec_of(const AggregateArgs& a) {
  AggregateSpec spec;
  spec.axes = {a.x};
  if (!a.y.empty()) spec.axes.push_back(a.y);
  spec.over = a.over;
  for (const auto& w : a.where) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--where '" + w + "': expected COLUMN=VALUE");
    spec.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return spec;
}

// The output folder: --out, else figures/ in the first RESULTS folder or beside the first file.
std::string out_dir(const AggregateArgs& a) {
  if (!a.out.empty()) return a.out;
  std::error_code ec;
  const fs::path first(a.inputs[0]);
  return ((fs::is_directory(first, ec) ? first : first.parent_path()) / "figures").string();
}

// A first pass that keeps nothing: the errors of reading alone.
struct NoRows : RowSink {
  void add(RowView) override {}
  void replace(RowView, RowView) override {}
};

// The --value texts resolved against the columns. A bad one fails after what comes before it
// fails first, as each value in turn did: reading, the tables and figures of the values before.
std::vector<ValueSpec> parse_values(const AggregateArgs& a, RowSource& source, const Grouping& spec,
                                    const std::function<void(AggregateTable&&)>& build) {
  std::vector<ValueSpec> values;
  for (const auto& v : a.values) {
    try {
      values.push_back(parse_value(v, source.head()));
    } catch (const InputError&) {
      NoRows none;
      if (values.empty()) source.scan(none);
      else aggregate_each(source, spec, values, build);
      throw;
    }
  }
  return values;
}

// The rows read, from the set read whole (a refined sweep) or from the merge.
void note_read(Plan& p, const MergedResults& merged, const std::optional<ResultSet>& set) {
  p.model = merged.head().model;
  p.files = merged.head().files.size();
  if (set) {
    p.rows = set->rows.size() + p.added;
    p.duplicates = set->duplicates;
    p.warnings = set->warnings;
  } else {
    p.rows = merged.rows();
    p.duplicates = merged.duplicates();
    p.warnings = merged.warnings();
  }
}

// Read, aggregate and draw (in memory), then make the output folder; throws InputError. The
// files stream past (twice: a second pass for the stds); a refined sweep is read whole, for its
// boundaries, and tabled on its coarse grid.
Plan plan(const AggregateArgs& a) {
  check_flags(a);
  const TableFigureOptions fo{parse_scale("--xscale", a.xscale), parse_scale("--yscale", a.yscale), a.inset};
  const AggregateSpec spec = spec_of(a);
  Plan p;
  const std::vector<std::string> files = find_results_files(a.inputs);
  MergedResults merged(files);
  std::optional<ResultSet> set;
  std::optional<SetRows> set_rows;
  std::optional<BoundaryTable> refined;
  if (merged.head().column("refine_depth") >= 0) {
    set = load_results(files);
    refined = find_boundaries(*set, {"", "", "", results_job(a.inputs)});
    p.added = keep_coarse_grid(*set);
    set_rows.emplace(*set);
  }
  RowSource& source = set ? static_cast<RowSource&>(*set_rows) : merged;
  std::set<std::string> stems;
  auto build = [&](AggregateTable&& t) {
    const std::string stem = a.name.empty() ? t.value.stem() + "-by-" + a.x + (a.y.empty() ? "" : "-" + a.y) : a.name;
    if (!stems.insert(stem).second) throw InputError("--value " + t.value.text + " given twice");
    Output o{std::move(t), stem, {}};
    if (!a.no_plot) o.figure = table_figure(o.table, fo);
    if (!a.no_plot && refined) add_boundary_points(o.figure, o.table, *refined);
    p.outputs.push_back(std::move(o));
  };
  aggregate_each(source, spec, parse_values(a, source, spec, build), build);
  note_read(p, merged, set);
  p.out = out_dir(a);
  prepare_dir(p.out);
  return p;
}

// What was read: rows, files, duplicates, error rows and rows left out by --where.
void report_read(const Plan& p) {
  print_warnings("aggregate", p.warnings);
  std::printf("read    %zu rows of %s from %zu file%s", p.rows, p.model.c_str(), p.files, p.files == 1 ? "" : "s");
  if (p.duplicates) std::printf(" (%zu duplicate ids counted once)", p.duplicates);
  if (p.added) std::printf("; the coarse grid only (%zu points added by refinement left out)", p.added);
  std::printf("\n");
  const auto& t0 = p.outputs.front().table;
  if (t0.error_rows)
    warn("aggregate", std::to_string(t0.error_rows) + " error rows left out of the statistics (see their message column)");
  if (t0.filtered_rows) std::printf("where   %zu rows left out by --where\n", t0.filtered_rows);
}

// "table   DIR/NAME.csv  (8 rows; final bias b over seed; one line per d)"
void report_table(const std::string& base, const AggregateTable& t) {
  std::printf("table   %s.csv  (%zu rows; %s", base.c_str(), t.cells.size(), t.value.label.c_str());
  if (!t.over.empty()) {
    std::printf(" over");
    for (const auto& v : t.over) std::printf(" %s", v.c_str());
  }
  if (!t.splits.empty()) {
    std::printf("; one line per");
    for (const auto& v : t.splits) std::printf(" %s", v.c_str());
  }
  std::printf(")\n");
}

// The tables and scripts; returns what gnuplot is to draw. Throws std::runtime_error.
std::vector<Drawing> write_outputs(const Plan& p, const AggregateArgs& a) {
  std::vector<Drawing> drawings;
  for (const auto& o : p.outputs) {
    const std::string base = (fs::path(p.out) / o.stem).string();
    write_atomic(base + ".csv", table_csv(o.table));
    report_table(base, o.table);
    if (!a.no_plot) drawings.push_back(write_script(o.figure, base, a.svg));
  }
  return drawings;
}

}  // namespace

int cmd_aggregate(int argc, char** argv) {
  AggregateArgs a;
  if (auto done = parse_args(argc, argv, a)) return *done;
  Plan p;
  try {
    p = plan(a);
  } catch (const InputError& e) {
    return input_error("aggregate", e.what());
  }
  report_read(p);
  std::vector<Drawing> drawings;
  try {
    drawings = write_outputs(p, a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep aggregate: error: %s\n", e.what());
    return kExitFailure;
  }
  std::fflush(stdout);
  if (!a.no_plot && !draw("aggregate", drawings)) return kExitFailure;
  return kExitOk;
}

}  // namespace eos
