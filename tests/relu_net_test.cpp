// The unknown-basis ReLU network: loss against a per-sample slow evaluation, gradient and exact
// Hessian-vector product against finite differences, the dense Hessian, and Lanczos against dense.
#define BOOST_TEST_MODULE relu_net
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "eos/model/registry.h"
#include "eos/numerics/lanczos.h"
#include "eos/numerics/logistic.h"
#include "eos/model/model.h"
#include "eos/models/relu_net.h"
#include "eos/models/sparse_coding.h"
#include "eos/gd/run.h"
#include "eos/gd/sharpness.h"

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

Vec random_vec(long n, long seed) {
  Rng rng("test-dir", {static_cast<double>(seed)});
  Vec v(n);
  for (long k = 0; k < n; ++k) v[k] = rng.normal();
  return v;
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
    const Vec th = point(*model, s);
    const long P = th.size();
    Vec g, gp, gm;
    model->evaluate(th, g, nullptr);
    // Gradient, coordinate by coordinate.
    for (long k = 0; k < P; ++k) {
      const double h = 1e-6;
      Vec e = Vec::Zero(P);
      e[k] = h;
      const double lp = model->evaluate(th + e, gp, nullptr), lm = model->evaluate(th - e, gm, nullptr);
      BOOST_TEST(std::fabs((lp - lm) / (2 * h) - g[k]) < 1e-8, "coordinate " << k);
    }
    // HVP along random directions: (∇L(θ + hv) − ∇L(θ − hv))/2h.
    for (long r = 0; r < 4; ++r) {
      const Vec v = random_vec(P, 10 * s + r);
      Vec hv;
      model->hvp(th, v, hv);
      const double h = 1e-6;
      model->evaluate(th + h * v, gp, nullptr);
      model->evaluate(th - h * v, gm, nullptr);
      const Vec fd = (gp - gm) / (2 * h);
      BOOST_TEST((hv - fd).norm() < 1e-6 * std::max(1.0, hv.norm()), "direction " << r << ": " << (hv - fd).norm());
    }
  }
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
  auto model = info().make(params(10, 8, 100, 0));
  RunConfig cfg;
  cfg.eta = 2;
  cfg.steps = 100;
  cfg.sharpness_every = 20;
  cfg.solver = "check";
  const RunResult r = run_gd(*model, info(), cfg);
  std::map<std::string, std::string> c(r.columns.begin(), r.columns.end());
  BOOST_TEST(std::stod(c["solver_check_diff"]) < 1e-8);
  BOOST_TEST(std::stod(c["hvps_per_estimate"]) > 0);
  const double acc = std::stod(c["test_acc"]), align = std::stod(c["alignment"]);
  BOOST_TEST((acc >= 0 && acc <= 1));
  BOOST_TEST((align > 0 && align <= 1));
}
