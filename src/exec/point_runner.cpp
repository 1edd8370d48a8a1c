// One grid point: model + GD + trace + typed row.
#include "eos/exec/point_runner.h"

#include <chrono>
#include <optional>

#include "eos/io/params_file.h"
#include "eos/io/trace_file.h"
#include "eos/util/text.h"

namespace eos {

bool traced(const Point& point) {
  if (point.params.integer("trace_every") <= 0) return false;
  const std::string& sel = point.params.text("trace_points");
  if (sel == "all") return true;
  for (const auto& item : split_list(sel, ' '))
    if (item == point.id || (point.depth == 0 && item == std::to_string(point.index))) return true;
  return false;
}

namespace {

// The model's theory columns of the point; NaN when the run ended with non-finite parameters.
std::vector<double> theory_of(const ModelInfo& model, const Point& point, bool finite_params) {
  std::vector<double> out(model.theory.size(), RunStats::kNaN);
  if (finite_params && !out.empty()) model.predict(point.params, out.data());
  return out;
}

}  // namespace

PointResult run_point(const ModelInfo& model, const Point& point, const PointHooks& hooks) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  try {
    RunConfig cfg = run_config(point.params);
    cfg.stop = hooks.stop;
    auto m = model.make(point.params);
    std::optional<TraceWriter> trace;
    if (traced(point) && hooks.store) trace.emplace(trace_columns(model, cfg), cfg.method.eta);
    TraceSink sink;
    if (trace || hooks.watch)
      sink = [&](long t, double loss, double s, const std::vector<double>& tr) {
        if (trace) trace->add(t, loss, s, tr);
        if (hooks.watch) hooks.watch(t, loss, s, tr);
      };
    PointResult r;
    r.run = run_gd(*m, model, cfg, sink);
    r.theory = theory_of(model, point, r.run.finite_params);
    if (trace) trace->save(hooks.store->trace(point.id));
    if (r.run.final_params.size() && hooks.store) save_params(hooks.store->params_file(point.id), r.run.final_params);
    r.wall_s = elapsed();
    return r;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    return PointResult::failure(e.what(), elapsed());
  }
}

}  // namespace eos
