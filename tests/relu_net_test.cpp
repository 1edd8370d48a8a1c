// The unknown-basis ReLU network: loss against a per-sample slow evaluation, gradient and exact
// Hessian-vector product against finite differences, the dense Hessian, and Lanczos against dense.
#define BOOST_TEST_MODULE relu_net
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "eos/gd/sharpness.h"
#include "eos/model/registry.h"
#include "eos/models/relu_net.h"
#include "eos/models/sparse_coding.h"
#include "eos/numerics/logistic.h"
#include "support.h"

using namespace eos;

namespace {

const ModelInfo& info() { return *find_model("relu-net"); }

Params params(long d, long m, long n, long seed = 0) {
  Params p;
  for (const auto& k : info().keys)
    if (!k.default_value.empty()) p.set(k.name, k.default_value);
  p.set("d", std::to_string(d));
  p.set("m", std::to_string(m));
  p.set("n", std::to_string(n));
  p.set("seed", std::to_string(seed));
  p.set("n_test", "200");
  p.set("b0", "0.1");
  return p;
}

// θ₀ moved by a random perturbation, so every kind of parameter (and many gates) is generic.
Vec point(Model& m, long seed) {
  Vec t = m.initial();
  Rng rng("test-point", {static_cast<double>(seed)});
  for (long k = 0; k < t.size(); ++k) t[k] += 0.3 * rng.normal();
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loss_matches_a_per_sample_loop) {
  const long d = 7, m = 5, n = 40;
  auto model = info().make(params(d, m, n, 3));
  auto& net = dynamic_cast<ReluNet&>(*model);
  const Vec th = point(*model, 1);
  Vec g;
  const double L = model->evaluate(th, g, nullptr);
  const SparseCodingData data = make_sparse_coding("train", 3, d, 3.0, n);
  double ref = 0;
  for (long i = 0; i < n; ++i) {
    // f(x) = Σ_j a_j ReLU(⟨w_j, x⟩ + b_j), written out coordinate by coordinate.
    double f = 0;
    for (long j = 0; j < m; ++j) {
      double z = th[m * d + m + j];
      for (long k = 0; k < d; ++k) z += th[j * d + k] * data.row(i)[k];
      f += th[m * d + j] * std::max(z, 0.0);
    }
    BOOST_TEST(std::fabs(f - net.output(data.row(i), th)) < 1e-12 * std::max(1.0, std::fabs(f)));
    ref += Logistic(data.y[i] * f).value;
  }
  BOOST_TEST(std::fabs(L - ref / n) < 1e-13);
  BOOST_TEST(net.dim() == m * (d + 2));
}

BOOST_AUTO_TEST_CASE(gradient_and_hvp_match_finite_differences) {
  const long d = 6, m = 4, n = 50;
  auto model = info().make(params(d, m, n, 1));
  for (long s = 0; s < 3; ++s) {
    // Without a dense Hessian of its own the HVP is checked against differences of the gradient
    // along random directions.
    BOOST_TEST_CONTEXT("point " << s)
    test::check_derivatives(*model, point(*model, s),
                            {.grad_tol = 1e-8, .hess_tol = 1e-6, .floor = 1.0, .dense = false, .hvps = 4});
  }
}

// Large enough (d·m·n = 64 000) that the products go through BLAS (matmul_large), as
// jobs/relu-net.ini's do: the loss's directional derivative and the HVP against central
// differences along unit directions whose stencil keeps every one of the 16 000 gates.
BOOST_AUTO_TEST_CASE(blas_sized_gradient_and_hvp_match_finite_differences) {
  const long d = 40, m = 40, n = 400, seed = 2;
  auto model = info().make(params(d, m, n, seed));
  const Vec th = point(*model, 5);
  const SparseCodingData data = make_sparse_coding("train", seed, d, 3.0, n);
  const Eigen::Map<const Mat> X(data.x.data(), d, n);
  const auto gates = [&](const Vec& t) {
    Mat z = Eigen::Map<const Mat>(t.data(), d, m).transpose() * X;
    z.colwise() += t.tail(m);
    return (z.array() > 0).eval();
  };
  Vec g, hv, gp, gm;
  model->evaluate(th, g, nullptr);
  int checked = 0;
  for (std::uint64_t s = 0; s < 20 && checked < 3; ++s) {
    const Vec v = test::random_vec(th.size(), 300 + s).normalized();
    const double h = 1e-6;
    if ((gates(th + h * v) != gates(th)).any() || (gates(th - h * v) != gates(th)).any()) continue;
    ++checked;
    Vec unused;
    const double dl = (model->evaluate(th + h * v, unused, nullptr) - model->evaluate(th - h * v, unused, nullptr)) / (2 * h);
    BOOST_TEST(std::fabs(dl - g.dot(v)) <= 1e-7 * std::max(1e-3, std::fabs(g.dot(v))), "directional derivative " << dl << " vs " << g.dot(v));
    model->hvp(th, v, hv);
    model->evaluate(th + h * v, gp, nullptr);
    model->evaluate(th - h * v, gm, nullptr);
    const Vec want = (gp - gm) / (2 * h);
    BOOST_TEST((hv - want).norm() <= 1e-6 * want.norm(), "hvp error " << (hv - want).norm() / want.norm());
  }
  BOOST_TEST(checked == 3);
}

BOOST_AUTO_TEST_CASE(dense_hessian_is_symmetric_and_matches_finite_differences) {
  const long d = 5, m = 3, n = 30;
  auto model = info().make(params(d, m, n, 2));
  const Vec th = point(*model, 7);
  const long P = th.size();
  Vec g, gp, gm;
  Mat H;
  model->evaluate(th, g, &H);
  BOOST_TEST(H.rows() == P);
  Mat raw(P, P);  // unsymmetrised columns from the HVP
  for (long k = 0; k < P; ++k) {
    Vec e = Vec::Zero(P), col;
    e[k] = 1;
    model->hvp(th, e, col);
    raw.col(k) = col;
    const double h = 1e-6;
    model->evaluate(th + h * e, gp, nullptr);
    model->evaluate(th - h * e, gm, nullptr);
    BOOST_TEST(((gp - gm) / (2 * h) - H.col(k)).norm() < 1e-6 * std::max(1.0, H.col(k).norm()), "column " << k);
  }
  BOOST_TEST((raw - raw.transpose()).norm() < 1e-12 * raw.norm());
  // The a–w and a–b cross terms are present (a pure Gauss-Newton product would miss them).
  BOOST_TEST(H.block(m * d, 0, m, m * d).norm() > 0);
}

BOOST_AUTO_TEST_CASE(lanczos_matches_dense) {
  for (long seed : {0L, 1L, 2L}) {
    const long d = 8, m = 6, n = 60;
    auto model = info().make(params(d, m, n, seed));
    Vec th = model->initial(), g;
    Mat H;
    for (int t = 0; t < 3; ++t) {
      model->evaluate(th, g, &H);
      const double dense = top_eigenvalue(H);
      const LanczosResult r = lanczos_sharpness(*model, th, th.size(), {});
      BOOST_TEST(r.converged);
      BOOST_TEST(std::fabs(r.value - dense) <= 1e-8 * std::fabs(dense), "seed " << seed << ": " << r.value << " vs " << dense);
      BOOST_TEST((H * r.vector - dense * r.vector).norm() < 1e-6 * std::fabs(dense));
      th -= 2.0 * g;  // move on along a large-step trajectory
    }
  }
}

// The runner's check mode computes both along a run and records their largest difference.
BOOST_AUTO_TEST_CASE(check_mode_along_a_run) {
  const test::TestJob job("model = relu-net\nd = 10\nm = 8\nn = 100\nseed = 0\neta = 2\nsteps = 100\n"
                          "sharpness_every = 20\nsolver = check\n");
  const Point& p = job.points()[0];
  const PointResult r = job.run(p);
  BOOST_TEST(job.number(p, r, "solver_check_diff") < 1e-8);
  BOOST_TEST(job.number(p, r, "hvps_per_estimate") > 0);
  const double acc = job.number(p, r, "test_acc"), align = job.number(p, r, "alignment");
  BOOST_TEST((acc >= 0 && acc <= 1));
  BOOST_TEST((align > 0 && align <= 1));
}
