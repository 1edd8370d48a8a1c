// Cost of the Lanczos sharpness on the unknown-basis ReLU network: HVPs and time per estimate for
// m·d up to about 1e5 parameters, cold and warm-started, against one gradient and one HVP.
#include <benchmark/benchmark.h>

#include "eos/model/registry.h"
#include "eos/gd/sharpness.h"
#include "eos/model/model.h"
#include "eos/models/relu_net.h"

namespace {

// A relu-net after a few GD steps (so the warm start comes from a nearby point, as in a run).
struct Instance {
  std::unique_ptr<eos::Model> model;
  eos::Vec theta, prev;
  long dim = 0;
  Instance(long d, long m, long n) {
    eos::Params p;
    for (const auto& k : eos::find_model("relu-net")->keys)
      if (!k.default_value.empty()) p.set(k.name, k.default_value);
    p.set("d", std::to_string(d));
    p.set("m", std::to_string(m));
    p.set("n", std::to_string(n));
    p.set("n_test", "0");
    model = eos::find_model("relu-net")->make(p);
    theta = model->initial();
    dim = theta.size();
    eos::Vec g;
    const double eta = 0.5;
    for (int t = 0; t < 20; ++t) {
      prev = theta;
      model->evaluate(theta, g, nullptr);
      theta -= eta * g;
    }
  }
};

constexpr long kN = 300;

void BM_Gradient(benchmark::State& state) {
  Instance in(state.range(0), state.range(1), kN);
  eos::Vec g;
  for (auto _ : state) benchmark::DoNotOptimize(in.model->evaluate(in.theta, g, nullptr));
  state.counters["params"] = static_cast<double>(in.dim);
}

void BM_Hvp(benchmark::State& state) {
  Instance in(state.range(0), state.range(1), kN);
  eos::Vec g, v = eos::Vec::Ones(in.dim), out;
  in.model->evaluate(in.theta, g, nullptr);
  for (auto _ : state) {
    in.model->hvp(in.theta, v, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["params"] = static_cast<double>(in.dim);
}

// One sharpness estimate; range(2) = 1: warm-started from the top eigenvector 20 GD steps earlier.
void BM_Lanczos(benchmark::State& state) {
  Instance in(state.range(0), state.range(1), kN);
  eos::Vec warm;
  if (state.range(2)) warm = eos::lanczos_sharpness(*in.model, in.prev, in.dim, {}).vector;
  eos::Vec g;
  in.model->evaluate(in.theta, g, nullptr);
  long hvps = 0, runs = 0;
  double value = 0;
  for (auto _ : state) {
    const auto r = eos::lanczos_sharpness(*in.model, in.theta, in.dim, warm);
    hvps += r.hvps;
    ++runs;
    value = r.value;
  }
  state.counters["params"] = static_cast<double>(in.dim);
  state.counters["hvps"] = static_cast<double>(hvps) / static_cast<double>(runs);
  state.counters["sharpness"] = value;
}

// (d, m): m·d from 200 to 1e5.
constexpr long kSizes[][2] = {{20, 10}, {50, 20}, {100, 100}, {100, 300}, {200, 500}};
void Sizes(benchmark::internal::Benchmark* b) {
  for (const auto& s : kSizes) b->Args({s[0], s[1]});
}
void SizesWarm(benchmark::internal::Benchmark* b) {
  for (const auto& s : kSizes)
    for (long w : {0L, 1L}) b->Args({s[0], s[1], w});
}

}  // namespace

BENCHMARK(BM_Gradient)->Apply(Sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hvp)->Apply(Sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lanczos)->Apply(SizesWarm)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
