// One grid point: model + GD + trace + row.
#include "eos/exec/point_runner.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eos/util/csv.h"
#include "eos/util/files.h"
#include "eos/util/number.h"
#include "eos/util/text.h"
#include "eos/io/results_file.h"
#include "eos/gd/run.h"

namespace eos {

bool traced(const Point& point) {
  if (point.params.integer("trace_every") <= 0) return false;
  const std::string& sel = point.params.text("trace_points");
  if (sel == "all") return true;
  for (const auto& item : split_list(sel, ' '))
    if (item == point.id || item == std::to_string(point.index)) return true;
  return false;
}

std::string run_point(const ModelInfo& model, const Point& point, const std::atomic<bool>* stop,
                      const std::string& trace_dir) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  try {
    RunConfig cfg = run_config(point.params);
    cfg.stop = stop;
    auto m = model.make(point.params);
    TraceSink sink;
    std::string trace_text;
    const std::string two_over_eta = format_double(2.0 / cfg.eta);
    const bool tracing = traced(point) && !trace_dir.empty();
    if (tracing) {
      std::vector<std::string> head = {"step", "loss", "sharpness", "two_over_eta"};
      for (const auto& t : model.tracked) head.push_back(t);
      trace_text = csv_line(head);
      sink = [&](long step, double loss, double s, const std::vector<double>& tracked) {
        trace_text += std::to_string(step) + ',' + format_double(loss) + ',' + format_double(s) + ',' + two_over_eta;
        for (double v : tracked) trace_text += ',' + format_double(v);
        trace_text += '\n';
      };
    }
    RunResult r = run_gd(*m, model, cfg, sink);
    if (tracing) {
      // Written whole under a temporary name, then renamed: a trace file is complete or absent.
      std::filesystem::create_directories(trace_dir);
      write_atomic(trace_dir + "/" + point.id + ".csv", trace_text);
    }
    return csv_line(result_row(model, point, &r, elapsed(), ""));
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    return csv_line(result_row(model, point, nullptr, elapsed(), e.what()));
  }
}

}  // namespace eos
