// One grid point: model + GD + trace + typed row.
#include "eos/exec/point_runner.h"

#include <chrono>
#include <cstdio>
#include <optional>

#include "eos/exec/checkpoint.h"
#include "eos/io/params_file.h"
#include "eos/io/state_file.h"
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

// A point's run and its states: started from init_state's saved state when the job names one,
// with the states save_states asks for written to the store, and its checkpoints
// (exec/checkpoint.h): continued from a checkpoint that matches the point (one that does not, or
// whose state the run refuses, is set aside, and the run starts again), with its state written
// every checkpoint_every seconds and when the sweep stops.
class CheckpointedRun {
 public:
  CheckpointedRun(const ModelInfo& model, const Point& point, const PointHooks& hooks, const RunConfig& cfg,
                  std::optional<TraceWriter>& trace)
      : point_(point), store_(hooks.store), trace_(trace) {
    start_from_state(point.params);
    save_states(model, point);
    if (!store_ || !(cfg.checkpoint_every > 0)) return;
    checkpoints_.every_s = cfg.checkpoint_every;
    checkpoints_.write = [this](const std::string& state, long step) { write(state, step); };
    std::string why;
    if (auto c = read_checkpoint(*store_, point_, why)) resume(*c);
    else if (!why.empty()) warn(why);
  }
  RunOutcome run(Model& m, const ModelInfo& model, const RunConfig& cfg, const TraceSink& sink) {
    try {
      return run_gd(m, model, cfg, sink, &checkpoints_);
    } catch (const StateError& e) {  // a checkpoint of this point and build that the run refuses
      warn(set_checkpoint_aside(*store_, point_, std::string("its state does not fit the run (") + e.what() + ")"));
      checkpoints_.resume.clear();
      before_s_ = 0;
      if (trace_) trace_->restore(first_trace_);
      auto fresh = model.make(point_.params);
      return run_gd(*fresh, model, cfg, sink, &checkpoints_);
    }
  }
  double before_s() const { return before_s_; }   // seconds of earlier runs of the point
  bool written() const { return written_; }

 private:
  // A branch starts from the saved state init_state names (checked when the job was loaded).
  void start_from_state(const Params& p) {
    if (!p.has("init_state")) return;
    start_ = read_state_file(p.text("init_state"));
    checkpoints_.start = &start_.state;
  }
  // The states save_states asks for, into the store.
  void save_states(const ModelInfo& model, const Point& point) {
    checkpoints_.save_at = save_steps(point.params);
    if (!store_ || checkpoints_.save_at.empty()) return;
    checkpoints_.save = [this, name = model.name](const SavedState& s) {
      write_state_file(store_->state(point_.id, s.step), {s, name, point_.id});
    };
  }
  void resume(const Checkpoint& c) {
    checkpoints_.resume = c.run_state;
    before_s_ = c.wall_s;
    if (trace_) {
      first_trace_ = trace_->text();
      trace_->restore(c.trace);
    }
    std::fprintf(stderr, "eos-sweep run: point %s continues from its checkpoint at step %ld\n", point_.id.c_str(),
                 c.step);
  }
  void write(const std::string& state, long step) {
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    write_checkpoint(*store_, point_, {step, state, trace_ ? trace_->text() : std::string(), before_s_ + now});
    written_ = true;
  }
  const Point& point_;
  const ResultsStore* store_;
  std::optional<TraceWriter>& trace_;
  StateFile start_;
  RunStates checkpoints_;
  std::string first_trace_;
  double before_s_ = 0;
  bool written_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

void warn(const std::string& msg) { std::fprintf(stderr, "eos-sweep run: warning: %s\n", msg.c_str()); }

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
    CheckpointedRun run(model, point, hooks, cfg, trace);
    PointResult r;
    r.run = run.run(*m, model, cfg, sink);
    r.theory = theory_of(model, point, r.run.finite_params);
    if (trace) trace->save(hooks.store->trace(point.id));
    if (r.run.final_params.size() && hooks.store) save_params(hooks.store->params_file(point.id), r.run.final_params);
    r.checkpointed = run.written() || run.before_s() > 0;
    r.wall_s = run.before_s() + elapsed();
    return r;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    return PointResult::failure(e.what(), elapsed());
  }
}

}  // namespace eos
