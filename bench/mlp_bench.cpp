// The mlp model's parts, timed: one gradient (forward and backward), one Hessian-vector product
// at the same θ, and one top-2 Lanczos solve (HVPs per solve), on Cohen et al.'s fc-tanh 200-200
// with digits (n = 1797, float64, one thread), best of a few repetitions. Prints one JSON line
// (bench/mlp_speedup.sh reads it beside the PyTorch baseline).
//
//   build/bench/mlp_bench [n] [width] [depth]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "eos/data/prepare.h"
#include "eos/gd/sharpness.h"
#include "eos/models/mlp.h"
#include "eos/numerics/blas.h"

using namespace eos;

namespace {

template <class F>
double best_seconds(int reps, F&& fn) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1797, width = argc > 2 ? std::atol(argv[2]) : 200,
             depth = argc > 3 ? std::atol(argv[3]) : 2;
  PreparedData d = prepare_data(load_data("digits"), n, 0, 10);
  const MlpShape shape = mlp_shape(d.x_train.rows(), width, depth, 10);
  Mlp model(MlpNet(shape, Activation::Tanh, LossKind::Mse, d.x_train, d.y_train), mlp_default_init(shape, 0), d);
  const Vec theta = model.initial();
  Vec g, hv, v = Vec::Ones(theta.size()) / std::sqrt(static_cast<double>(theta.size()));
  const double grad_s = best_seconds(10, [&] { model.evaluate(theta, g, nullptr); });
  model.evaluate(theta, g, nullptr);
  const double hvp_s = best_seconds(10, [&] { model.hvp(theta, v, hv); });
  LanczosResult r;
  const double solve_s = best_seconds(3, [&] { r = lanczos_sharpness(model, theta, theta.size(), {}); });
  std::printf("{\"n\": %ld, \"width\": %ld, \"depth\": %ld, \"params\": %ld, \"matmul\": \"%s\", \"grad_ms\": %.3f, "
              "\"hvp_ms\": %.3f, \"cold_solve_ms\": %.1f, \"cold_solve_hvps\": %ld, \"sharpness\": %.12g}\n",
              n, width, depth, static_cast<long>(theta.size()), matmul_backend().c_str(), grad_s * 1e3, hvp_s * 1e3,
              solve_s * 1e3, r.hvps, r.value);
}
