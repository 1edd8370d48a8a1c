// Cost of a GD step of the sparse-coding ReLU model, fast path against the O(n·d) oracle, on
// each vector path this CPU has (numerics/simd.h), its parts (statistics, loss kernel), and one
// whole Figure-1 run. Prints Google Benchmark's table, then a summary of best-of-repetitions CPU
// times and ratios measured in the same run. "fast" is the default path (EOS_SIMD or the widest),
// "fast_PATH" a forced one.
//
// Run: BUILD/bench/sparse_relu_bench            (about two minutes; best of 5 repetitions)
//      BUILD/bench/sparse_relu_bench --benchmark_filter=Step   (steps only)
//      bench/numpy_speedup.sh BUILD                (the fast step against NumPy)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "eos/util/number.h"
#include "eos/model/registry.h"
#include "eos/grid/grid.h"
#include "eos/io/row_writer.h"
#include "eos/numerics/logistic.h"
#include "eos/models/sparse_coding_cache.h"
#include "eos/models/sparse_relu.h"
#include "eos/models/sparse_relu_fast.h"
#include "eos/numerics/simd.h"
#include "eos/exec/point_runner.h"

namespace {

using namespace eos;

constexpr int kRepetitions = 5;
const std::vector<long> kDims = {50, 200, 800, 3200};
constexpr SimdPath kPaths[] = {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512};

// The vector path of one benchmark run ("fast": the default one), restored afterwards.
class PathScope {
 public:
  explicit PathScope(const std::string& path) : before_(simd_path()) {
    for (SimdPath p : kPaths)
      if (path == std::string("fast_") + simd_name(p)) set_simd_path(p);
  }
  ~PathScope() { set_simd_path(before_); }

 private:
  SimdPath before_;
};

// The one point of a job given as text (KEY = VALUE lines).
Point point_of(const std::string& text) {
  std::istringstream in("model = sparse-relu\n" + text);
  auto points = expand(parse_job(in, "bench", {}));
  return points.at(0);
}

// ns per GD step: loss and gradient every step, the Hessian every 100 steps (as the runner does
// with sharpness_every = 100), θ ← θ − η∇L. η = eta_rel·8π/d²; the run restarts from θ₀ after
// its horizon of 10/η steps, so the benchmark sees the bias move as in a real run.
void StepBench(benchmark::State& state, const std::string& path, double eta_rel) {
  const PathScope scope(path);
  const long d = state.range(0);
  const double eta = eta_rel * 8 * M_PI / static_cast<double>(d * d);
  Point pt = point_of("d = " + std::to_string(d) + "\nn = 300\nlambda = 3\nseed = 0\npath = " +
                      (path == "oracle" ? "oracle" : "fast") +
                      "\neta = " + format_double(eta) + "\nhorizon = 10\n");
  auto model = make_sparse_relu(pt.params);
  const long T = pt.params.integer("steps");
  Vec theta = model->initial(), grad(3);
  Mat hess(3, 3);
  long t = 0;
  double sink = 0;
  for (auto _ : state) {
    sink += model->evaluate(theta, grad, t % 100 == 0 ? &hess : nullptr);
    theta.noalias() -= eta * grad;
    if (++t > T) {
      t = 0;
      theta = model->initial();
    }
  }
  benchmark::DoNotOptimize(sink);
  state.counters["bias"] = theta[2];
}

// One whole Figure-1 point through run_point: building the data set (the cache is emptied
// first), 50 000 GD steps with sharpness every 100 steps, train and test accuracy (n_test = 2000)
// and the CSV row.
void Figure1(benchmark::State& state, const std::string& path) {
  const PathScope scope(path);
  Point pt = point_of(
      "d = 200\nn = 300\nlambda = 3\nseed = 0\neta = 2e-4\nhorizon = 10\nsharpness_every = 100\nn_test = 2000\n"
      "path = " + std::string(path == "oracle" ? "oracle" : "fast") + "\n");
  const ModelInfo* info = find_model("sparse-relu");
  const Schema schema(*info);
  for (auto _ : state) {
    SparseCodingCache::shared().clear();
    const std::string row = csv_row(schema, pt, run_point(*info, pt));
    benchmark::DoNotOptimize(row.data());
  }
}

// The statistics alone (FastStats or OracleStats::compute), replaying the biases of the first
// 20 000 steps of the same run as Step.
void Stats(benchmark::State& state, const std::string& path, double eta_rel) {
  const PathScope scope(path);
  const long d = state.range(0), n = 300;
  const double eta = eta_rel * 8 * M_PI / static_cast<double>(d * d);
  Point pt = point_of("d = " + std::to_string(d) + "\nn = 300\nlambda = 3\nseed = 0\neta = " + format_double(eta) +
                      "\nhorizon = 10\n");
  auto model = make_sparse_relu(pt.params);
  const long T = std::min(20000L, pt.params.integer("steps"));
  std::vector<double> bs;
  Vec theta = model->initial(), grad(3);
  for (long t = 0; t < T; ++t) {
    bs.push_back(theta[2]);
    model->evaluate(theta, grad, nullptr);
    theta -= eta * grad;
  }
  auto set = SparseCodingCache::shared().train(0, d, 3.0, n, path != "oracle");
  std::unique_ptr<SampleStats> stats;
  if (path != "oracle")
    stats = std::make_unique<FastStats>(set.data, set.sorted);
  else
    stats = std::make_unique<OracleStats>(set.data);
  std::vector<double> P(n), N(n), cP(n), cN(n);
  std::size_t t = 0;
  for (auto _ : state) {
    stats->compute(bs[t], P.data(), N.data(), cP.data(), cN.data());
    benchmark::DoNotOptimize(P.data());
    if (++t == bs.size()) t = 0;
  }
}

// The loss kernel alone at n = 300 (statistics given): sparse_relu_loss against the direct one.
void Loss(benchmark::State& state, const std::string& path, bool direct) {
  const PathScope scope(path);
  const long n = 300;
  Rng rng("bench", {1});
  std::vector<double> y(n), P(n), N(n), cP(n), cN(n);
  for (long i = 0; i < n; ++i) {
    y[i] = rng.sign();
    P[i] = 80 * rng.uniform();
    N[i] = 80 * rng.uniform();
    cP[i] = 100;
    cN[i] = 100;
  }
  Vec theta(3), grad(3);
  theta << -0.02, 0.03, -0.1;
  double sink = 0;
  for (auto _ : state) {
    theta[0] += 1e-12;
    sink += (direct ? sparse_relu_loss_direct : sparse_relu_loss)(y, P.data(), N.data(), cP.data(), cN.data(), theta,
                                                                  grad, nullptr);
  }
  benchmark::DoNotOptimize(sink);
}

// Records the best (smallest) CPU time of every benchmark over its repetitions (CPU time, not
// wall time, so that other processes on a shared machine disturb the figures less).
class Recorder : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> best;  // name (without repetition suffix) -> ns per iteration
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      const std::string name = r.run_name.function_name + "/" + r.run_name.args;
      const double ns = r.GetAdjustedCPUTime() * (r.time_unit == benchmark::kMillisecond ? 1e6 : 1.0);
      auto it = best.find(name);
      if (it == best.end() || ns < it->second) best[name] = ns;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

// The fast variants to measure: the default path, and each supported one forced.
std::vector<std::string> fast_variants() {
  std::vector<std::string> out = {"fast"};
  for (SimdPath p : kPaths)
    if (simd_supported(p)) out.push_back(std::string("fast_") + simd_name(p));
  return out;
}

void register_all() {
  for (const std::string& path : fast_variants()) {
    for (long d : kDims)
      benchmark::RegisterBenchmark(("Step/" + path).c_str(), StepBench, path, 2.0)
          ->Arg(d)
          ->Unit(benchmark::kNanosecond)
          ->Repetitions(kRepetitions)
          ->MinTime(0.1);
    benchmark::RegisterBenchmark(("Stats/" + path).c_str(), Stats, path, 2.0)
        ->Arg(200)
        ->Unit(benchmark::kNanosecond)
        ->Repetitions(kRepetitions)
        ->MinTime(0.1);
    benchmark::RegisterBenchmark(("Loss/" + path).c_str(), Loss, path, false)
        ->Unit(benchmark::kNanosecond)
        ->Repetitions(kRepetitions);
  }
  for (long d : kDims)
    benchmark::RegisterBenchmark("Step/oracle", StepBench, std::string("oracle"), 2.0)
        ->Arg(d)
        ->Unit(benchmark::kNanosecond)
        ->Repetitions(kRepetitions)
        ->MinTime(d >= 800 ? 0.3 : 0.1);
  for (long d : kDims) {
    benchmark::RegisterBenchmark("Step/fast_gf", StepBench, std::string("fast"), 0.5)
        ->Arg(d)
        ->Unit(benchmark::kNanosecond)
        ->Repetitions(kRepetitions)
        ->MinTime(0.1);
    benchmark::RegisterBenchmark("Stats/fast", Stats, std::string("fast"), 2.0)
        ->Arg(d)
        ->Unit(benchmark::kNanosecond)
        ->Repetitions(kRepetitions)
        ->MinTime(0.1);
  }
  benchmark::RegisterBenchmark("Loss/direct", Loss, std::string("fast"), true)
      ->Unit(benchmark::kNanosecond)
      ->Repetitions(kRepetitions);
  for (const char* path : {"fast", "fast_baseline"})
    benchmark::RegisterBenchmark((std::string("Figure1/") + path).c_str(), Figure1, std::string(path))
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(kRepetitions);
  benchmark::RegisterBenchmark("Figure1/oracle", Figure1, std::string("oracle"))
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->Repetitions(2);
}

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Recorder rec;
  benchmark::RunSpecifiedBenchmarks(&rec);
  benchmark::Shutdown();

  auto get = [&rec](const std::string& name) {
    auto it = rec.best.find(name);
    return it == rec.best.end() ? NAN : it->second;
  };
  const std::string def = simd_name(simd_path());
  std::printf("\nSparse-relu GD step, n = 300, eta = 2*8pi/d^2 (EoS regime), best CPU time of %d repetitions, "
              "ns per step; default path %s:\n", kRepetitions, def.c_str());
  std::printf("%6s %10s %10s %10s %10s %12s %12s %10s\n", "d", "fast", "baseline", "avx2", "avx512", "oracle",
              "oracle/fast", "fast(gf)");
  for (long d : kDims) {
    const std::string a = "/" + std::to_string(d);
    const double f = get("Step/fast" + a), o = get("Step/oracle" + a);
    std::printf("%6ld %10.0f %10.0f %10.0f %10.0f %12.0f %12.1f %10.0f\n", d, f, get("Step/fast_baseline" + a),
                get("Step/fast_avx2" + a), get("Step/fast_avx512" + a), o, o / f, get("Step/fast_gf" + a));
  }
  std::printf("fast step, d = 3200 over d = 50: %.2f (eos), %.2f (gf)\n", get("Step/fast/3200") / get("Step/fast/50"),
              get("Step/fast_gf/3200") / get("Step/fast_gf/50"));
  std::printf("parts of a fast step at n = 300 (%s): statistics %.0f ns (d = 50), %.0f ns (d = 200), %.0f ns "
              "(d = 3200); loss kernel %.0f ns (direct kernel: %.0f ns)\n",
              def.c_str(), get("Stats/fast/50"), get("Stats/fast/200"), get("Stats/fast/3200"), get("Loss/fast/"),
              get("Loss/direct/"));
  for (SimdPath p : kPaths) {
    const std::string v = std::string("fast_") + simd_name(p);
    if (simd_supported(p))
      std::printf("  %-8s step %.0f ns = statistics %.0f + loss kernel %.0f + the rest (d = 200)\n", simd_name(p),
                  get("Step/" + v + "/200"), get("Stats/" + v + "/200"), get("Loss/" + v + "/"));
  }
  std::printf("whole Figure-1 run (d = 200, n = 300, eta = 2e-4, 50000 steps, n_test = 2000): fast %.1f ms "
              "(baseline path %.1f ms), oracle %.1f ms\n",
              get("Figure1/fast/") / 1e6, get("Figure1/fast_baseline/") / 1e6, get("Figure1/oracle/") / 1e6);
  return 0;
}
