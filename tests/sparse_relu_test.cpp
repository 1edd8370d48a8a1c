// The sparse-coding ReLU model and its data: loss, gradient and Hessian against finite
// differences, per-sample statistics against a direct loop, the generator's statistics, and
// determinism (same seed, same data; data and θ₀ independent of η).
#define BOOST_TEST_MODULE sparse_relu
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "eos/grid/grid.h"
#include "eos/models/sparse_coding_cache.h"
#include "eos/models/sparse_relu.h"
#include "eos/models/sparse_relu_fast.h"

using namespace eos;

namespace {

Params params_of(const std::string& text) {
  std::istringstream in("model = sparse-relu\n" + text);
  return expand(parse_job(in, "test", {})).at(0).params;
}

// Distance from b to the nearest kink: a coordinate equal to −b (first ReLU) or b (second).
double kink_distance(const SparseCodingData& data, double b) {
  double best = INFINITY;
  for (double x : data.x) best = std::min({best, std::fabs(x + b), std::fabs(x - b)});
  return best;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_and_hessian_match_finite_differences) {
  for (const char* path : {"fast", "oracle"}) {
    for (long d : {20L, 200L}) {
      Params p = params_of("d = " + std::to_string(d) + "\nn = 60\nseed = 2\neta = 1e-3\nsteps = 1\npath = " + path);
      auto model = make_sparse_relu(p);
      const auto data = make_sparse_coding("train", 2, d, 3.0, 60);
      Rng rng("fd", {static_cast<double>(d)});
      const double h = 1e-6;
      int checked = 0;
      while (checked < 12) {
        Vec theta(3);
        theta << 0.3 * rng.normal(), 0.3 * rng.normal(), 1.5 * rng.normal();
        if (kink_distance(data, theta[2]) < 4 * h) continue;  // no kink inside the stencil
        ++checked;
        Vec g, gp, gm;
        Mat H, Hp, Hm;
        model->evaluate(theta, g, &H);
        BOOST_TEST_CONTEXT(path << " d = " << d << " theta = " << theta.transpose()) {
          for (int k = 0; k < 3; ++k) {
            Vec tp = theta, tm = theta;
            tp[k] += h;
            tm[k] -= h;
            const double lp = model->evaluate(tp, gp, &Hp);
            const double lm = model->evaluate(tm, gm, &Hm);
            const double fd = (lp - lm) / (2 * h);
            BOOST_TEST(std::fabs(fd - g[k]) <= 1e-6 * std::max(1.0, std::fabs(g[k])), "grad " << k << ": " << fd << " vs " << g[k]);
            const Vec col = (gp - gm) / (2 * h);  // column k of the Hessian
            for (int r = 0; r < 3; ++r)
              BOOST_TEST(std::fabs(col[r] - H(r, k)) <= 1e-5 * std::max(1.0, std::fabs(H(r, k))),
                         "hess " << r << k << ": " << col[r] << " vs " << H(r, k));
          }
          BOOST_TEST((H - H.transpose()).norm() == 0.0);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(loss_is_the_mean_logistic_loss_of_the_network) {
  // Loss from the definition: (1/n) Σ log(1 + exp(−y f(x))), f from SparseRelu::output.
  Params p = params_of("d = 30\nn = 50\nseed = 5\neta = 1e-3\nsteps = 1\n");
  auto model = make_sparse_relu(p);
  const auto data = make_sparse_coding("train", 5, 30, 3.0, 50);
  Rng rng("loss", {0});
  for (int k = 0; k < 20; ++k) {
    Vec theta(3), g;
    theta << rng.normal(), rng.normal(), rng.normal();
    long double ref = 0;
    for (long i = 0; i < data.n; ++i) {
      // f written out with max(·, 0), independently of the model's code
      long double f = 0;
      for (long j = 0; j < data.d; ++j) {
        const long double x = data.row(i)[j];
        f += theta[0] * std::max(-x + theta[2], 0.0L) + theta[1] * std::max(x + theta[2], 0.0L);
      }
      BOOST_TEST(std::fabs(SparseRelu::output(data.row(i), data.d, theta) - static_cast<double>(f)) <=
                 1e-12 * (1 + std::fabs(static_cast<double>(f))));
      ref += std::log1p(std::exp(-data.y[i] * f));
    }
    ref /= data.n;
    const double loss = model->evaluate(theta, g, nullptr);
    BOOST_TEST(std::fabs(loss - static_cast<double>(ref)) <= 1e-13 * static_cast<double>(ref));
  }
}

BOOST_AUTO_TEST_CASE(per_sample_statistics_match_a_direct_loop) {
  auto data = std::make_shared<const SparseCodingData>(make_sparse_coding("train", 9, 40, 3.0, 25));
  OracleStats oracle(data);
  FastStats fast(data, std::make_shared<const SortedSamples>(*data));
  std::vector<double> P(25), N(25), cP(25), cN(25);
  Rng rng("stats", {0});
  for (int k = 0; k < 50; ++k) {
    const double b = k < 40 ? 2 * rng.normal() : data->x[static_cast<std::size_t>(k)];
    for (SampleStats* s : {static_cast<SampleStats*>(&oracle), static_cast<SampleStats*>(&fast)}) {
      s->compute(b, P.data(), N.data(), cP.data(), cN.data());
      for (long i = 0; i < 25; ++i) {
        long double p = 0, q = 0;
        long cp = 0, cq = 0;
        for (long j = 0; j < 40; ++j) {
          const long double x = data->row(i)[j];
          p += std::max(x + b, 0.0L);
          q += std::max(-x + b, 0.0L);
          cp += x > -b;  // ReLU'(0) = 0
          cq += x < b;
        }
        BOOST_TEST(std::fabs(P[i] - static_cast<double>(p)) <= 1e-13 * (1 + static_cast<double>(p)));
        BOOST_TEST(std::fabs(N[i] - static_cast<double>(q)) <= 1e-13 * (1 + static_cast<double>(q)));
        BOOST_TEST(cP[i] == cp);
        BOOST_TEST(cN[i] == cq);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(generator_has_the_stated_distribution) {
  // x = λ·y·e_j + ξ: n = 20000 samples of d = 10, λ = 2.5. Tolerances are 5 standard errors.
  const long n = 20000, d = 10;
  const double lambda = 2.5;
  const auto data = make_sparse_coding("train", 7, d, lambda, n);
  double ysum = 0, signal = 0, signal2 = 0, noise = 0, noise2 = 0, cross = 0;
  std::vector<long> count(d, 0);
  long noise_count = 0;
  for (long i = 0; i < n; ++i) {
    const double y = data.y[i];
    BOOST_REQUIRE((y == 1 || y == -1));
    const long j = data.j[i];
    BOOST_REQUIRE((j >= 0 && j < d));
    ++count[j];
    ysum += y;
    const double s = y * data.row(i)[j];  // λ + y·ξ_j
    signal += s;
    signal2 += s * s;
    for (long k = 0; k < d; ++k) {
      if (k == j) continue;
      const double x = data.row(i)[k];
      noise += x;
      noise2 += x * x;
      cross += y * x;  // noise is independent of the label
      ++noise_count;
    }
  }
  const double se_n = 1 / std::sqrt(static_cast<double>(n));
  BOOST_TEST(std::fabs(ysum / n) < 5 * se_n);  // labels balanced
  // signal coordinate uniform: each count within 5 binomial standard deviations of n/d
  const double p = 1.0 / d, sd = std::sqrt(n * p * (1 - p));
  for (long k = 0; k < d; ++k) BOOST_TEST(std::fabs(count[k] - n * p) < 5 * sd);
  // strength λ along y on the signal coordinate, with unit noise variance
  const double smean = signal / n;
  BOOST_TEST(std::fabs(smean - lambda) < 5 * se_n);
  BOOST_TEST(std::fabs(signal2 / n - smean * smean - 1) < 5 * std::sqrt(2.0) * se_n);
  const double m = static_cast<double>(noise_count), se_m = 1 / std::sqrt(m);
  BOOST_TEST(std::fabs(noise / m) < 5 * se_m);
  BOOST_TEST(std::fabs(noise2 / m - 1) < 5 * std::sqrt(2.0) * se_m);
  BOOST_TEST(std::fabs(cross / m) < 5 * se_m);
}

BOOST_AUTO_TEST_CASE(initial_weights_have_variance_one_over_2d) {
  const long d = 8, seeds = 2000;
  double s0 = 0, s1 = 0, s01 = 0;
  for (long seed = 0; seed < seeds; ++seed) {
    auto model = make_sparse_relu(
        params_of("d = 8\nn = 1\nn_test = 0\neta = 1e-3\nsteps = 1\nseed = " + std::to_string(seed)));
    const Vec t = model->initial();
    BOOST_REQUIRE(t[2] == 0.0);  // b₀ = 0
    s0 += t[0] * t[0] * 2 * d;
    s1 += t[1] * t[1] * 2 * d;
    s01 += t[0] * t[1] * 2 * d;
  }
  const double se = std::sqrt(2.0 / seeds);
  BOOST_TEST(std::fabs(s0 / seeds - 1) < 5 * se);
  BOOST_TEST(std::fabs(s1 / seeds - 1) < 5 * se);
  BOOST_TEST(std::fabs(s01 / seeds) < 5 / std::sqrt(static_cast<double>(seeds)));  // independent
  SparseCodingCache::shared().clear();
}

BOOST_AUTO_TEST_CASE(data_and_init_are_deterministic_and_independent_of_eta) {
  const auto a = make_sparse_coding("train", 3, 50, 3.0, 100);
  const auto b = make_sparse_coding("train", 3, 50, 3.0, 100);
  BOOST_TEST(a.x == b.x);
  BOOST_TEST(a.y == b.y);
  BOOST_TEST(a.j == b.j);
  BOOST_TEST(make_sparse_coding("train", 4, 50, 3.0, 100).x != a.x);
  BOOST_TEST(make_sparse_coding("test", 3, 50, 3.0, 100).x != a.x);
  // Two models at different η, each built from scratch (empty cache): same θ₀, same loss
  // (bit for bit) at the same θ, same reports.
  Vec g;
  std::vector<double> r1(4), r2(4);
  SparseCodingCache::shared().clear();
  auto m1 = make_sparse_relu(params_of("d = 50\nn = 100\nseed = 3\neta = 1e-3\nn_test = 300\n"));
  SparseCodingCache::shared().clear();
  auto m2 = make_sparse_relu(params_of("d = 50\nn = 100\nseed = 3\neta = 7e-2\nn_test = 300\n"));
  BOOST_TEST((m1->initial() - m2->initial()).norm() == 0.0);
  Vec theta(3);
  theta << 0.2, -0.1, -0.4;
  BOOST_TEST(m1->evaluate(theta, g, nullptr) == m2->evaluate(theta, g, nullptr));
  m1->report(theta, r1.data());
  m2->report(theta, r2.data());
  BOOST_TEST(r1 == r2);
  // A different seed changes θ₀.
  auto m3 = make_sparse_relu(params_of("d = 50\nn = 100\nseed = 4\neta = 1e-3\n"));
  BOOST_TEST((m1->initial() - m3->initial()).norm() > 0.0);
}
