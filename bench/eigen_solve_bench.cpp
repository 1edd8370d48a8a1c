// Products per top-k eigen-solve along a GD run of the mlp model, and their accuracy: at every
// sample the warm block solve (numerics/block_eigen.h, as solver = block runs it) and the warm
// Spectra Lanczos (solver = lanczos) against a tight cold solve (Spectra, tol 1e-12). fc-tanh on
// the digits, MSE, float64, one thread. Prints one line per sample and a JSON summary.
//
//   build/bench/eigen_solve_bench [eta 0.2] [steps 300] [every 50] [n 1500] [width 200] [eigs 2] [tol 1e-7] [guard 2] [max_basis 24]
//       [compare 1] [tol_others 1e-5] [grow 1] [dataset digits]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "eos/data/prepare.h"
#include "eos/models/mlp.h"
#include "eos/numerics/block_eigen.h"
#include "eos/numerics/lanczos.h"

using namespace eos;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int main(int argc, char** argv) {
  auto arg = [&](int i, double d) { return argc > i ? std::atof(argv[i]) : d; };
  const double eta = arg(1, 0.2), tol = arg(7, 1e-7);
  const long steps = static_cast<long>(arg(2, 300)), every = static_cast<long>(arg(3, 50)),
             n = static_cast<long>(arg(4, 1500)), width = static_cast<long>(arg(5, 200)),
             eigs = static_cast<long>(arg(6, 2)), guard = static_cast<long>(arg(8, 2));
  PreparedData d = prepare_data(load_data(argc > 13 ? argv[13] : "digits"), n, 0, 10);
  const MlpShape shape = mlp_shape(d.x_train.rows(), width, 2, 10);
  Mlp model(MlpNet(shape, Activation::Tanh, LossKind::Mse, d.x_train, d.y_train), mlp_default_init(shape, 0), d);
  Vec theta = model.initial(), g;
  Mat warm_block;
  BlockEigenWork work;  // kept between solves, as the sharpness estimator keeps it
  Vec warm_vec;
  long block_total = 0, lanczos_total = 0, samples = 0, block_warm = 0;
  double worst = 0, worst2 = 0, solve_s = 0, product_s = 0;
  for (long t = 0; t <= steps; ++t) {
    model.evaluate(theta, g, nullptr);
    if (t % every == 0) {
      const VectorProduct hv = [&](const Vec& x, Vec& out) { model.hvp(theta, x, out); };
      // The block solve's own time beside its products (the products timed apart).
      const VectorProduct timed = [&](const Vec& x, Vec& out) {
        const auto t0 = Clock::now();
        model.hvp(theta, x, out);
        product_s += seconds_since(t0);
      };
      BlockEigenOptions bo;
      bo.nev = static_cast<int>(eigs);
      bo.tol = tol;
      bo.tol_others = arg(11, 1e-5);
      bo.guard = static_cast<int>(guard);
      bo.max_basis = static_cast<long>(arg(9, 24));
      bo.grow = static_cast<int>(arg(12, 1));
      const auto t0 = Clock::now();
      const BlockEigenResult b = block_top_eigen(timed, theta.size(), warm_block, bo, &work);
      solve_s += seconds_since(t0);
      LanczosOptions lo;
      lo.nev = static_cast<int>(std::max(2L, eigs));
      const bool compare = arg(10, 1) != 0;  // 0: the block solve alone (its products; errors 0)
      const LanczosResult l = compare ? lanczos_top_eigenvalue(hv, theta.size(), warm_vec, lo) : LanczosResult{};
      LanczosOptions tight = lo;
      tight.tol = 1e-12;
      tight.ncv = 30;
      LanczosResult ref;
      if (compare) ref = lanczos_top_eigenvalue(hv, theta.size(), {}, tight);
      else ref.value = b.values.at(0), ref.values = b.values;
      const double err = std::fabs(b.values.empty() ? NAN : b.values[0] - ref.value) / ref.value;
      const double err2 = b.values.size() > 1 && ref.values.size() > 1
                              ? std::fabs(b.values[1] - ref.values[1]) / ref.values[1] : 0;
      std::printf("step %5ld  sharpness %.10f  block %3ld products (%d it) err %.1e  λ2 err %.1e  lanczos %3ld err %.1e\n",
                  t, ref.value, b.hvps, b.iterations, err, err2, l.hvps, std::fabs(l.value - ref.value) / ref.value);
      if (t > 0) {
        block_warm += b.hvps;
        lanczos_total += l.hvps;
        ++samples;
      }
      block_total += b.hvps;
      worst = std::max(worst, err);
      worst2 = std::max(worst2, err2);
      if (b.converged) warm_block = b.vectors;
      if (l.converged) warm_vec = l.start;
    }
    if (t < steps) theta -= eta * g;
  }
  std::printf("{\"warm_block_per_solve\": %.1f, \"warm_lanczos_per_solve\": %.1f, \"block_all\": %ld, "
              "\"worst_rel_err\": %.2e, \"worst_rel_err_lambda2\": %.2e, \"ms_per_product\": %.2f, "
              "\"solver_ms_per_product\": %.2f}\n",
              static_cast<double>(block_warm) / static_cast<double>(std::max(1L, samples)),
              static_cast<double>(lanczos_total) / static_cast<double>(std::max(1L, samples)), block_total, worst, worst2,
              1e3 * product_s / static_cast<double>(block_total),
              1e3 * (solve_s - product_s) / static_cast<double>(block_total));
}
