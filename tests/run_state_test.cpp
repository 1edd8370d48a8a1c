// A run continued from its state is the run uninterrupted, bit for bit: for every kind of run —
// dense and Lanczos/block sharpness, every method, the preconditioned sharpness, the central and
// gradient flows, the model's diagnostics, traces, minibatch runs — the states a run hands to its checkpoint hook
// are resumed, and every row value and every trace row after the resume equals the uninterrupted
// run's to the last bit. A state of another run, cut short or altered is refused (StateError).
#define BOOST_TEST_MODULE run_state
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <map>

#include "eos/gd/run.h"
#include "support.h"

using namespace eos;

namespace {

struct Outcome {
  RunOutcome out;
  std::map<long, std::vector<double>> trace;  // step → loss, sharpness, extras
};

Outcome run(const test::TestJob& job, const RunStates* ck) {
  const Point& p = job.points().at(0);
  const RunConfig cfg = run_config(p.params);
  auto model = job.model().make(p.params);
  Outcome o;
  o.out = run_gd(*model, job.model(), cfg,
                 [&](long t, double loss, double s, const std::vector<double>& v) {
                   auto& row = o.trace[t];
                   row = {loss, s};
                   row.insert(row.end(), v.begin(), v.end());
                 },
                 ck);
  return o;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every field of the statistics and every value of the outcome, bit for bit.
void check_same(const RunOutcome& a, const RunOutcome& b) {
  std::vector<double> x, y;
  auto collect = [](const RunOutcome& o, std::vector<double>& v) {
    for_each_field(o.stats, [&v](const auto& f) {
      using T = std::decay_t<decltype(f)>;
      if constexpr (std::is_same_v<T, Regime>) v.push_back(static_cast<double>(f));
      else if constexpr (std::is_same_v<T, std::optional<long>> || std::is_same_v<T, std::optional<double>> ||
                         std::is_same_v<T, std::optional<bool>>)
        v.push_back(f ? static_cast<double>(*f) : -12345.0);
      else v.push_back(static_cast<double>(f));
    });
    for (const auto* part : {&o.tracked_final, &o.tracked_tail, &o.reports, &o.diagnostics})
      v.insert(v.end(), part->begin(), part->end());
  };
  collect(a, x);
  collect(b, y);
  BOOST_REQUIRE_EQUAL(x.size(), y.size());
  for (std::size_t k = 0; k < x.size(); ++k) BOOST_TEST(same_bits(x[k], y[k]), "value " << k << ": " << x[k] << " vs " << y[k]);
}

// The job run whole, then resumed from (a few of) the states it handed out.
void resumes_exactly(const std::string& text, const std::vector<std::string>& sets = {}) {
  const test::TestJob job(text, sets);
  std::map<long, std::string> states;
  RunStates every{.every_s = 1e-12, .write = [&](const std::string& s, long t) { states[t] = s; }};
  const Outcome whole = run(job, &every);
  BOOST_REQUIRE_GE(states.size(), 3u);
  const Outcome plain = run(job, nullptr);  // handing out states changes nothing
  check_same(whole.out, plain.out);
  std::vector<long> picks = {states.begin()->first, std::next(states.begin(), static_cast<long>(states.size() / 2))->first,
                             states.rbegin()->first};
  for (long t : picks) {
    BOOST_TEST_CONTEXT("resumed at step " << t) {
      RunStates from{.resume = states.at(t)};
      const Outcome r = run(job, &from);
      check_same(whole.out, r.out);
      BOOST_TEST(r.trace.begin()->first >= t);
      for (const auto& [step, row] : r.trace) {
        const auto& want = whole.trace.at(step);
        BOOST_REQUIRE_EQUAL(row.size(), want.size());
        for (std::size_t k = 0; k < row.size(); ++k) BOOST_TEST(same_bits(row[k], want[k]), "trace step " << step);
      }
    }
  }
}

const char* kSparse =
    "model = sparse-relu\nd = 30\nn = 60\nn_test = 20\nseed = 1\neta_rel = 2\nsteps = 400\nsharpness_every = 25\n"
    "trace_every = 10\n";
const char* kMlp =
    "model = mlp\ndataset = digits\nn = 80\nn_test = 20\nwidth = 6\ndepth = 2\neta = 0.3\nsteps = 120\n"
    "sharpness_every = 20\ntrace_every = 10\n";
const char* kMinimalist =
    "model = minimalist-2d\nlambda1 = 4\nlambda2 = 1\nalpha0 = 0.1\nbeta1_0 = 0.1\nbeta2_0 = 0.1\neta_rel = 1.3\n"
    "steps = 300\nsharpness_every = 10\ntrace_every = 5\n";

}  // namespace

BOOST_AUTO_TEST_CASE(gd_dense_with_midpoints_and_diagnostics) { resumes_exactly(kSparse); }
BOOST_AUTO_TEST_CASE(heavy_ball_and_nesterov) {
  resumes_exactly(kSparse, {"method=polyak", "momentum=0.9"});
  resumes_exactly(kSparse, {"method=nesterov", "momentum=0.5"});
}
BOOST_AUTO_TEST_CASE(mlp_block_solver_and_adam) {
  resumes_exactly(kMlp);
  resumes_exactly(kMlp, {"method=adam", "eta=0.01", "frozen=60"});
  resumes_exactly(kMlp, {"method=rmsprop", "eta=0.003", "solver=lanczos"});
}
BOOST_AUTO_TEST_CASE(flow_runs) { resumes_exactly(kMlp, {"method=flow"}); }
BOOST_AUTO_TEST_CASE(central_and_gradient_flows) { resumes_exactly(kMinimalist, {"flows=central gradient"}); }
BOOST_AUTO_TEST_CASE(model_diagnostics) { resumes_exactly(kMinimalist); }  // eos_loss_peak

// Minibatch runs: the order and the batch-sharpness batches come from the step and batch_seed
// alone, the watch's statistics from the state (B = 16 of n = 80: five batches an epoch, so the
// resumes fall mid-epoch).
BOOST_AUTO_TEST_CASE(minibatch_runs) {
  resumes_exactly(kMlp, {"batch_size=16", "batch_seed=3", "bs_tol=0.05"});
  resumes_exactly(kMlp, {"batch_size=16", "method=polyak", "momentum=0.5", "eta=0.1"});
  resumes_exactly(kMlp, {"batch_size=80"});  // B = n: full-batch steps, the exact S_B
  resumes_exactly(kSparse, {"batch_size=7", "method=adam", "eta=0.01"});
}

BOOST_AUTO_TEST_CASE(states_of_other_runs_are_refused) {
  const test::TestJob job(kSparse), other(kMlp);
  std::map<long, std::string> states;
  RunStates every{.every_s = 1e-12, .write = [&](const std::string& s, long t) { states[t] = s; }};
  run(job, &every);
  const std::string good = states.rbegin()->second;
  RunStates foreign{.resume = good};
  BOOST_CHECK_THROW(run(other, &foreign), StateError);  // another model's run
  RunStates cut{.resume = good.substr(0, good.size() - 5)};
  BOOST_CHECK_THROW(run(job, &cut), StateError);
  const test::TestJob adam(kSparse, {"method=adam"});
  RunStates method{.resume = good};
  BOOST_CHECK_THROW(run(adam, &method), StateError);  // another method's state
}
