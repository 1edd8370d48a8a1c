// eos-sweep aggregate and eos-sweep trace: phase tables and diagrams from results files, and
// per-step traces as stacked panels. Every input is checked before anything is written.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "eos/post/aggregate.h"
#include "eos/cli/cli.h"
#include "eos/util/csv.h"
#include "eos/post/plot.h"
#include "eos/io/results_file.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr std::size_t kMaxWarnings = 10;

void warn(const std::string& cmd, const std::string& msg) {
  std::fprintf(stderr, "eos-sweep %s: warning: %s\n", cmd.c_str(), msg.c_str());
}

void print_warnings(const std::string& cmd, const std::vector<std::string>& ws) {
  for (std::size_t i = 0; i < ws.size() && i < kMaxWarnings; ++i) warn(cmd, ws[i]);
  if (ws.size() > kMaxWarnings) warn(cmd, std::to_string(ws.size() - kMaxWarnings) + " more warnings like these");
}

std::string check_scale(const std::string& flag, const std::string& v) {
  if (v != "auto" && v != "log" && v != "lin") throw InputError(flag + ": '" + v + "' is not one of auto, log, lin");
  return v;
}

// Run gnuplot on each script; prints the images made. Returns false when gnuplot failed.
bool draw(const std::string& cmd, const std::vector<std::pair<std::string, std::vector<std::string>>>& jobs) {
  std::string why;
  const std::string gnuplot = find_gnuplot(&why);
  if (gnuplot.empty()) {
    std::fprintf(stderr, "eos-sweep %s: images skipped: %s; the scripts are written, run gnuplot on them later\n",
                 cmd.c_str(), why.c_str());
    return true;
  }
  bool ok = true;
  for (const auto& [script, images] : jobs) {
    const std::string err = run_gnuplot(gnuplot, fs::absolute(script).string());
    if (!err.empty()) {
      std::fprintf(stderr, "eos-sweep %s: error: %s: %s\n", cmd.c_str(), script.c_str(), err.c_str());
      ok = false;
      continue;
    }
    for (const auto& img : images) std::printf("image   %s\n", img.c_str());
  }
  return ok;
}

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

}  // namespace

int cmd_aggregate(int argc, char** argv) {
  std::vector<std::string> inputs, values, over, where;
  std::string x, y, out, name, xscale = "auto", yscale = "auto";
  bool svg = false, no_plot = false;
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("x", po::value<std::string>(&x), "first axis (a parameter column)")(
      "y", po::value<std::string>(&y), "second axis: a heatmap over (x, y)")(
      "value", po::value<std::vector<std::string>>(&values)->composing(), "what to aggregate (repeatable)")(
      "out,o", po::value<std::string>(&out), "output folder (default: RESULTS folder/figures)")(
      "svg", po::bool_switch(&svg), "also write an SVG image")(
      "name", po::value<std::string>(&name), "file name stem (default VALUE-by-X[-Y]; one --value only)")(
      "over", po::value<std::vector<std::string>>(&over)->composing(),
      "also average over this parameter (repeatable; seed and *_seed always are)")(
      "where", po::value<std::vector<std::string>>(&where)->composing(),
      "keep rows with COLUMN=V or COLUMN=V1,V2 (repeatable)")(
      "xscale", po::value<std::string>(&xscale), "auto | log | lin (default auto: log when log-spaced)")(
      "yscale", po::value<std::string>(&yscale), "auto | log | lin")("no-plot", po::bool_switch(&no_plot),
                                                                      "write the tables only")(
      "results", po::value<std::vector<std::string>>(&inputs), "results files or folders");
  po::positional_options_description pos;
  pos.add("results", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kAggregateHelp << "\n" << desc << "\n";
      return 0;
    }
  } catch (const po::error& e) {
    return input_error("aggregate", e.what());
  }

  struct Output {
    AggregateTable table;
    std::string stem, script;
  };
  std::vector<Output> outputs;
  ResultSet set;
  PlotOptions popt;
  try {
    if (inputs.empty()) throw InputError("no results file or folder given");
    if (x.empty()) throw InputError("--x: missing axis");
    if (values.empty()) throw InputError("--value: missing (a result column, a derived name or COLUMN=VALUE)");
    if (!name.empty() && values.size() > 1) throw InputError("--name: give one --value with it");
    if (name.find('/') != std::string::npos) throw InputError("--name: a file name stem, not a path");
    popt.svg = svg;
    popt.xscale = check_scale("--xscale", xscale);
    popt.yscale = check_scale("--yscale", yscale);
    AggregateSpec spec;
    spec.axes = {x};
    if (!y.empty()) spec.axes.push_back(y);
    spec.over = over;
    for (const auto& w : where) {
      const auto eq = w.find('=');
      if (eq == std::string::npos || eq == 0) throw InputError("--where '" + w + "': expected COLUMN=VALUE");
      spec.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    set = load_results(find_results_files(inputs));
    std::set<std::string> stems;
    for (const auto& v : values) {
      spec.value = parse_value(v, set);
      Output o;
      o.table = aggregate(set, spec);
      o.stem = name.empty() ? spec.value.stem() + "-by-" + x + (y.empty() ? "" : "-" + y) : name;
      if (!stems.insert(o.stem).second) throw InputError("--value " + v + " given twice");
      if (!no_plot) o.script = aggregate_script(o.table, o.stem, popt);
      outputs.push_back(std::move(o));
    }
    if (out.empty()) {
      std::error_code ec;
      const fs::path first(inputs[0]);
      out = ((fs::is_directory(first, ec) ? first : first.parent_path()) / "figures").string();
    }
    prepare_dir(out);
  } catch (const InputError& e) {
    return input_error("aggregate", e.what());
  }

  print_warnings("aggregate", set.warnings);
  std::printf("read    %zu rows of %s from %zu file%s", set.rows.size(), set.model.c_str(), set.files.size(),
              set.files.size() == 1 ? "" : "s");
  if (set.duplicates) std::printf(" (%zu duplicate ids counted once)", set.duplicates);
  std::printf("\n");
  const auto& t0 = outputs.front().table;
  if (t0.error_rows)
    warn("aggregate", std::to_string(t0.error_rows) + " error rows left out of the statistics (see their message column)");
  if (t0.filtered_rows) std::printf("where   %zu rows left out by --where\n", t0.filtered_rows);

  std::vector<std::pair<std::string, std::vector<std::string>>> jobs;
  try {
    for (const auto& o : outputs) {
      const std::string base = (fs::path(out) / o.stem).string();
      write_atomic(base + ".csv", table_csv(o.table));
      std::printf("table   %s.csv  (%zu rows; %s", base.c_str(), o.table.cells.size(), o.table.value.label.c_str());
      if (!o.table.over.empty()) {
        std::printf(" over");
        for (const auto& v : o.table.over) std::printf(" %s", v.c_str());
      }
      if (!o.table.splits.empty()) {
        std::printf("; one line per");
        for (const auto& v : o.table.splits) std::printf(" %s", v.c_str());
      }
      std::printf(")\n");
      if (no_plot) continue;
      write_atomic(base + ".gp", o.script);
      std::printf("script  %s.gp\n", base.c_str());
      std::vector<std::string> images = {base + ".png"};
      if (svg) images.push_back(base + ".svg");
      jobs.emplace_back(base + ".gp", images);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep aggregate: error: %s\n", e.what());
    return kExitFailure;
  }
  std::fflush(stdout);
  if (!no_plot && !draw("aggregate", jobs)) return kExitFailure;
  return 0;
}

namespace {

// A number with 4 significant digits, for titles; text as it is.
std::string short_number(const std::string& v) {
  double x = 0;
  if (!finite_number(v, x)) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// The title of a trace: the model and the point's parameters, from the results file of the
// sweep folder holding DIR/traces/ID.csv (just the id when there is none).
std::string trace_title(const fs::path& trace) {
  const std::string id = trace.stem().string();
  const fs::path sweep = trace.parent_path().parent_path();
  try {
    if (trace.parent_path().filename() != "traces") return id;
    for (const auto& f : find_results_files({sweep.empty() ? "." : sweep.string()})) {
      ResultsTable t = read_results(f);
      const int regime = t.column("regime");
      for (const auto& row : t.rows) {
        if (row[0] != id) continue;
        // The parameters that vary in this file, and η.
        std::string s = row[1] + "   ";
        for (int c = 2; c < regime; ++c) {
          const std::string& k = t.header[static_cast<std::size_t>(c)];
          bool varies = k == "eta";
          for (const auto& r : t.rows) varies = varies || r[static_cast<std::size_t>(c)] != row[static_cast<std::size_t>(c)];
          if (varies && k != "steps" && k != "eta_star") s += k + " = " + short_number(row[static_cast<std::size_t>(c)]) + "   ";
        }
        const int reg = t.column("regime");
        if (reg >= 0) s += "regime " + row[static_cast<std::size_t>(reg)] + "   ";
        return s + "(id " + id + ")";
      }
    }
  } catch (const InputError&) {
  }
  return id;
}

}  // namespace

int cmd_trace(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string out, panels_text;
  bool svg = false;
  po::options_description desc("eos-sweep trace TRACE.csv|DIR... [options]");
  desc.add_options()("help,h", "this help")("out,o", po::value<std::string>(&out),
                                            "output folder (default: next to each trace)")(
      "svg", po::bool_switch(&svg), "also write an SVG image")(
      "panels", po::value<std::string>(&panels_text),
      "columns to draw, top to bottom, comma-separated (default: loss,d_asum,sharpness,bias when present)")(
      "traces", po::value<std::vector<std::string>>(&inputs), "trace files or folders of them");
  po::positional_options_description pos;
  pos.add("traces", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << "Draws per-step traces (written by runs with trace_every = k > 0 into DIR/traces/ID.csv)\n"
                   "as stacked panels against the step: loss, d*(a- + a+), sharpness with 2/eta, bias\n"
                   "(the paper's Figure 2). Writes ID.gp and ID.png [ID.svg] per trace.\n\n"
                << desc << "\n";
      return 0;
    }
  } catch (const po::error& e) {
    return input_error("trace", e.what());
  }

  struct Item {
    fs::path data, dir;
    TracePlot plot;
  };
  std::vector<Item> items;
  PlotOptions popt;
  popt.svg = svg;
  try {
    if (inputs.empty()) throw InputError("no trace file or folder given");
    std::vector<fs::path> files;
    for (const auto& in : inputs) {
      std::error_code ec;
      if (fs::is_directory(in, ec)) {
        std::vector<fs::path> found;
        for (const auto& e : fs::directory_iterator(in, ec))
          if (e.is_regular_file(ec) && e.path().extension() == ".csv") found.push_back(e.path());
        if (found.empty()) throw InputError(in + ": no trace files (*.csv) in this folder");
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
      } else if (fs::exists(in, ec)) {
        files.emplace_back(in);
      } else {
        throw InputError(in + ": no such file or folder");
      }
    }
    const std::vector<std::string> panels = split_list(panels_text);
    if (!panels_text.empty() && panels.empty()) throw InputError("--panels: no column named");
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) throw InputError(f.string() + ": cannot read trace file");
      std::string line;
      if (!std::getline(in, line)) throw InputError(f.string() + ": empty trace file");
      auto head = csv_split(line);
      if (!head || head->size() < 4 || (*head)[0] != "step" || (*head)[1] != "loss" || (*head)[2] != "sharpness" ||
          (*head)[3] != "two_over_eta")
        throw InputError(f.string() + ": not an eos-sweep trace file (expected columns step, loss, sharpness, two_over_eta, ...)");
      Item it;
      it.data = f;
      it.dir = out.empty() ? (f.has_parent_path() ? f.parent_path() : fs::path(".")) : fs::path(out);
      it.plot.columns = *head;
      it.plot.panels = panels.empty() ? default_trace_panels(*head) : panels;
      for (const auto& p : it.plot.panels)
        if (std::find(head->begin(), head->end(), p) == head->end() || p == "step")
          throw InputError("--panels: no column '" + p + "' in " + f.string());
      // Loss range: a log scale when it spans more than a factor of 20.
      double lo = INFINITY, hi = 0;
      long rows = 0;
      while (std::getline(in, line)) {
        auto fields = csv_split(line);
        if (!fields || fields->size() != head->size()) continue;
        ++rows;
        double v = 0;
        if (finite_number((*fields)[1], v) && v > 0) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
      if (rows == 0) throw InputError(f.string() + ": trace file without rows");
      it.plot.log_loss = hi > 20 * lo;
      items.push_back(std::move(it));
    }
    // Checked everything: now the output folder, and paths relative to it.
    if (!out.empty()) prepare_dir(out);
    for (auto& it : items) {
      const fs::path& f = it.data;
      std::error_code ec;
      fs::path rel = fs::relative(fs::absolute(f), fs::absolute(it.dir), ec);
      it.plot.data = ec || rel.empty() ? fs::absolute(f).string() : rel.string();
      it.plot.title = trace_title(f);
    }
  } catch (const InputError& e) {
    return input_error("trace", e.what());
  }

  std::vector<std::pair<std::string, std::vector<std::string>>> jobs;
  try {
    for (auto& it : items) {
      const std::string stem = it.data.stem().string();
      const std::string base = (it.dir / stem).string();
      write_atomic(base + ".gp", trace_script(it.plot, stem, popt));
      std::printf("script  %s.gp\n", base.c_str());
      std::vector<std::string> images = {base + ".png"};
      if (svg) images.push_back(base + ".svg");
      jobs.emplace_back(base + ".gp", images);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eos-sweep trace: error: %s\n", e.what());
    return kExitFailure;
  }
  std::fflush(stdout);
  return draw("trace", jobs) ? 0 : kExitFailure;
}

}  // namespace eos
