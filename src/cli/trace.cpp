// eos-sweep trace: per-step traces drawn as stacked panels against the step. Every trace is
// read and its figure built before anything is written.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "eos/cli/cli.h"
#include "eos/io/results_store.h"
#include "eos/io/trace_file.h"
#include "eos/post/flows_figure.h"
#include "eos/post/minibatch_figure.h"
#include "eos/post/overlay_figure.h"
#include "eos/post/trace_figure.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/text.h"
#include "figure_files.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace eos {
namespace {

const char* kTraceHelp =
    "Draws per-step traces (written by runs with trace_every = k > 0 into DIR/traces/ID.csv)\n"
    "as stacked panels against the step: loss, d*(a- + a+), sharpness with 2/eta, bias\n"
    "(the paper's Figure 2). Writes ID.gp and ID.png [ID.svg] per trace. TRACES are trace files,\n"
    "folders of them, or a sweep folder (its traces/ folder).\n\n";

struct TraceArgs {
  std::vector<std::string> inputs;
  std::string out, panels;
  bool svg = false, overlay = false;
};

// The arguments into a; an exit status when the command is done (help, bad options).
std::optional<int> parse_args(int argc, char** argv, TraceArgs& a) {
  po::options_description desc("eos-sweep trace TRACE.csv|DIR... [options]");
  desc.add_options()("help,h", "this help")("out,o", po::value(&a.out), "output folder (default: next to each trace)")(
      "svg", po::bool_switch(&a.svg), "also write an SVG image")(
      "overlay", po::bool_switch(&a.overlay), "draw every trace on one set of axes (sharpness with 2/eta, loss) into overlay.*")(
      "panels", po::value(&a.panels),
      "columns to draw, top to bottom, comma-separated (default: the model's, e.g. loss,d_asum,sharpness,bias)")(
      "traces", po::value(&a.inputs), "trace files or folders of them");
  po::positional_options_description pos;
  pos.add("traces", -1);
  try {
    if (parse_options(argc, argv, desc, pos).count("help")) {
      std::cout << kTraceHelp << desc << "\n";
      return kExitOk;
    }
  } catch (const InputError& e) {
    return input_error("trace", e.what());
  }
  return std::nullopt;
}

// A sweep folder (one with results files) stands for its traces/ folder (the one a user names
// first).
std::string trace_folder(const std::string& in) {
  std::error_code ec;
  const ResultsStore store(in);
  if (!fs::is_directory(in, ec) || store.results_files().empty()) return in;
  if (fs::is_directory(store.traces(), ec)) return store.traces();
  throw InputError(in + ": a sweep folder without traces (run the job with trace_every = K to write them)");
}

// The trace files that inputs name: a file as given, a folder by every *.csv in it, sorted; a
// sweep folder by its traces.
std::vector<fs::path> trace_files(const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw InputError("no trace file or folder given");
  auto is_csv = [](const std::string& name) { return fs::path(name).extension() == ".csv"; };
  std::vector<std::string> folders;
  for (const auto& in : inputs) folders.push_back(trace_folder(in));
  std::vector<fs::path> files;
  for (const auto& f : input_files(folders, is_csv, "no trace files (*.csv) in this folder")) files.emplace_back(f);
  return files;
}

// One trace's figure and where it goes.
struct Item {
  std::string base;  // DIR/ID: the script BASE.gp, the images BASE.png, BASE.svg
  Figure figure;
};

// Read a trace and build its figure; throws InputError.
Item plan_item(const fs::path& f, const std::vector<std::string>& panels, const std::string& out) {
  const TraceTable t = read_trace(f.string());
  const TraceSource source = trace_source(f.string());
  const fs::path dir = !out.empty() ? fs::path(out) : f.has_parent_path() ? f.parent_path() : fs::path(".");
  const std::string base = (dir / f.stem()).string();
  if (panels.empty() && has_flows(t)) return {base, flows_figure(t, source)};  // GD beside its flows
  const auto& drawn = panels.empty() ? default_trace_panels(source.model, t.columns) : panels;
  return {base, trace_figure(t, drawn, source, f.string())};
}

// All traces on one figure, DIR/overlay (DIR: --out, else the first trace's folder).
Item plan_overlay(const std::vector<fs::path>& files, const std::string& out) {
  std::vector<TraceTable> tables;
  std::vector<TraceSource> sources;
  for (const auto& f : files) {
    tables.push_back(read_trace(f.string()));
    sources.push_back(trace_source(f.string()));
  }
  const fs::path dir = !out.empty() ? fs::path(out) : files[0].has_parent_path() ? files[0].parent_path() : fs::path(".");
  if (minibatch_traces(tables)) return {(dir / "overlay").string(), minibatch_figure(tables, sources)};
  return {(dir / "overlay").string(), overlay_figure(tables, sources)};
}

// Every trace read and drawn in memory, then the output folder made; throws InputError.
std::vector<Item> plan(const TraceArgs& a) {
  const std::vector<fs::path> files = trace_files(a.inputs);
  const std::vector<std::string> panels = split_list(a.panels);
  if (!a.panels.empty() && panels.empty()) throw InputError("--panels: no column named");
  std::vector<Item> items;
  if (a.overlay) items.push_back(plan_overlay(files, a.out));
  else
    for (const auto& f : files) items.push_back(plan_item(f, panels, a.out));
  if (!a.out.empty()) prepare_dir(a.out);
  return items;
}

}  // namespace

int cmd_trace(int argc, char** argv) {
  TraceArgs a;
  if (auto done = parse_args(argc, argv, a)) return *done;
  std::vector<Item> items;
  try {
    items = plan(a);
  } catch (const InputError& e) {
    return input_error("trace", e.what());
  }
  std::vector<Drawing> drawings;
  try {
    for (const auto& it : items) drawings.push_back(write_script(it.figure, it.base, a.svg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep trace: error: %s\n", e.what());
    return kExitFailure;
  }
  std::fflush(stdout);
  return draw("trace", drawings) ? kExitOk : kExitFailure;
}

}  // namespace eos
