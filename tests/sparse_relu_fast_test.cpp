// The fast path of the sparse-coding ReLU model against the O(n·d) oracle: per-sample statistics,
// loss, gradient and Hessian at single points (b anywhere, on a coordinate, jumping), whole GD
// trajectories in both regimes, sweep rows, the Log1pSum accumulator and the data-set cache.
#define BOOST_TEST_MODULE sparse_relu_fast
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <thread>

#include "eos/util/number.h"
#include "eos/model/registry.h"
#include "eos/util/csv.h"
#include "eos/grid/job.h"
#include "eos/numerics/lane_math.h"
#include "eos/models/sparse_coding_cache.h"
#include "eos/models/sparse_relu.h"
#include "eos/models/sparse_relu_fast.h"
#include "eos/exec/point_runner.h"
#include "eos/io/row_writer.h"
#include "support.h"

using namespace eos;

namespace {

// |a − b| ≤ tol·max(|a|, |b|), with equal non-finite values counting as equal.
bool close(double a, double b, double tol) {
  if (!std::isfinite(a) || !std::isfinite(b)) return (std::isnan(a) && std::isnan(b)) || a == b;
  return std::fabs(a - b) <= tol * std::max(std::fabs(a), std::fabs(b));
}

std::shared_ptr<const SparseCodingData> data_set(long seed, long d, double lambda, long n) {
  return std::make_shared<const SparseCodingData>(make_sparse_coding("train", seed, d, lambda, n));
}

// Compare FastStats and OracleStats at every b of the sequence, in order (the fast one keeps
// its positions between calls). Counts must agree exactly, sums to 1e-12 relative.
void compare_stats(const std::shared_ptr<const SparseCodingData>& data, FastStats& fast,
                   const std::vector<double>& bs) {
  OracleStats oracle(data);
  const auto n = static_cast<std::size_t>(data->n);
  std::vector<double> P(n), N(n), cP(n), cN(n), P2(n), N2(n), cP2(n), cN2(n);
  for (double b : bs) {
    fast.compute(b, P.data(), N.data(), cP.data(), cN.data());
    oracle.compute(b, P2.data(), N2.data(), cP2.data(), cN2.data());
    for (std::size_t i = 0; i < n; ++i) {
      BOOST_TEST_CONTEXT("b = " << b << ", sample " << i) {
        BOOST_TEST(cP[i] == cP2[i]);
        BOOST_TEST(cN[i] == cN2[i]);
        BOOST_TEST(close(P[i], P2[i], 1e-12), P[i] << " vs " << P2[i]);
        BOOST_TEST(close(N[i], N2[i], 1e-12), N[i] << " vs " << N2[i]);
      }
    }
  }
}

// The one point of a job given as text.
std::vector<Point> points_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  return test::points_of("model = sparse-relu\n" + text, sets);
}

// Loss, gradient and Hessian of the fast and the oracle model agree entry by entry: relative
// 1e-12 of the entry, or of the largest entry of its kind where an entry is a cancellation
// of terms (a gradient component near zero).
void compare_models(Model& fast, Model& oracle, const Vec& theta) {
  Vec gf, go;
  Mat hf, ho;
  const double lf = fast.evaluate(theta, gf, &hf);
  const double lo = oracle.evaluate(theta, go, &ho);
  BOOST_TEST_CONTEXT("theta = " << theta.transpose()) {
    BOOST_TEST(close(lf, lo, 1e-12), lf << " vs " << lo);
    const double gscale = go.cwiseAbs().maxCoeff();
    for (int k = 0; k < 3; ++k)
      BOOST_TEST(std::fabs(gf[k] - go[k]) <= 1e-12 * std::max(std::fabs(go[k]), 1e-3 * gscale),
                 "grad " << k << ": " << gf[k] << " vs " << go[k]);
    const double hscale = ho.cwiseAbs().maxCoeff();
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c)
        BOOST_TEST(std::fabs(hf(r, c) - ho(r, c)) <= 1e-12 * std::max(std::fabs(ho(r, c)), 1e-3 * hscale),
                   "hess " << r << c << ": " << hf(r, c) << " vs " << ho(r, c));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(stats_agree_with_oracle_anywhere) {
  for (long d : {1L, 7L, 200L}) {
    BOOST_TEST_CONTEXT("d = " << d) {
      auto data = data_set(3, d, 3.0, 40);
      FastStats fast(data, std::make_shared<const SortedSamples>(*data));
      Rng rng("test-b", {static_cast<double>(d)});
      std::vector<double> bs = {0.0, -0.0, 1e-300, -1e-300, 5e-324};
      // Small random moves (walking), then random jumps over the whole range (binary search).
      double b = 0;
      for (int k = 0; k < 200; ++k) bs.push_back(b += 0.01 * rng.normal());
      for (int k = 0; k < 50; ++k) bs.push_back(8 * (rng.uniform() - 0.5));
      // b exactly on a coordinate value, ±x_k (ReLU'(0) = 0 on both sides), and next to it.
      for (int k = 0; k < 40; ++k) {
        const double x = data->x[static_cast<std::size_t>(rng.below(data->x.size()))];
        for (double v : {x, -x, std::nextafter(x, INFINITY), std::nextafter(-x, -INFINITY)}) bs.push_back(v);
      }
      // Far outside every coordinate, and back.
      for (double v : {1e3, -1e3, 0.5, 1e300, -1e300, -0.5, 40.0, -40.0, 0.0}) bs.push_back(v);
      compare_stats(data, fast, bs);
      if (d > 8) BOOST_TEST(fast.searches() > 2 * data->n);  // jumps were found by search...
      BOOST_TEST(fast.walked() > 0);              // ...small moves by walking
    }
  }
}

BOOST_AUTO_TEST_CASE(stats_on_tied_coordinates_and_non_finite_b) {
  // Hand-made samples with repeated values: the strict thresholds must count ties exactly.
  auto data = std::make_shared<SparseCodingData>();
  data->d = 6;
  data->n = 2;
  data->lambda = 0;
  data->x = {1, 1, 1, -1, -1, 0, 2, -2, 0.5, 0.5, -0.5, 0};
  data->y = {1, -1};
  data->j = {0, 0};
  std::shared_ptr<const SparseCodingData> cdata = data;
  FastStats fast(cdata, std::make_shared<const SortedSamples>(*cdata));
  compare_stats(cdata, fast, {1, -1, 0, 0.5, -0.5, 2, -2, 1, 0.25, -3, 3, 1});
  // b exactly 1: coordinate 1 is not counted by cN (−1 + 1 = 0), -1 is not counted by cP.
  std::vector<double> P(2), N(2), cP(2), cN(2);
  fast.compute(1.0, P.data(), N.data(), cP.data(), cN.data());
  BOOST_TEST(cN[0] == 3);  // -1, -1, 0 < 1
  BOOST_TEST(cP[0] == 4);  // 1, 1, 1, 0 > -1
  BOOST_TEST(N[0] == 2 + 2 + 1);
  BOOST_TEST(P[0] == 2 + 2 + 2 + 1);
  // Non-finite b: the same as the direct loop (which the runner never feeds, but callers might).
  OracleStats oracle(cdata);
  std::vector<double> P2(2), N2(2), cP2(2), cN2(2);
  for (double b : {INFINITY, -INFINITY, NAN}) {
    fast.compute(b, P.data(), N.data(), cP.data(), cN.data());
    oracle.compute(b, P2.data(), N2.data(), cP2.data(), cN2.data());
    for (int i = 0; i < 2; ++i) {
      BOOST_TEST(close(P[i], P2[i], 0));
      BOOST_TEST(close(N[i], N2[i], 0));
      BOOST_TEST(cP[i] == cP2[i]);
      BOOST_TEST(cN[i] == cN2[i]);
    }
  }
  compare_stats(cdata, fast, {0.5, -2});  // positions recover after non-finite calls
}

BOOST_AUTO_TEST_CASE(stats_are_accurate_under_cancellation) {
  // b far below zero: P = Σ (x_k + b) over the few x_k > −b is a small difference of large
  // sums. Against a long-double direct loop the fast path is within a few ulp.
  auto data = data_set(11, 3200, 3.0, 30);
  FastStats fast(data, std::make_shared<const SortedSamples>(*data));
  std::vector<double> P(30), N(30), cP(30), cN(30);
  for (double b : {-2.5, -1.0, 0.7, 3.1}) {
    fast.compute(b, P.data(), N.data(), cP.data(), cN.data());
    for (long i = 0; i < 30; ++i) {
      long double p = 0, q = 0;
      for (long k = 0; k < 3200; ++k) {
        const long double x = data->row(i)[k];
        if (x + b > 0) p += x + b;
        if (-x + b > 0) q += -x + b;
      }
      BOOST_TEST(std::fabs(P[i] - static_cast<double>(p)) <= 4e-16 * static_cast<double>(p) + 1e-300);
      BOOST_TEST(std::fabs(N[i] - static_cast<double>(q)) <= 4e-16 * static_cast<double>(q) + 1e-300);
    }
  }
}

BOOST_AUTO_TEST_CASE(log1p_sum_matches_log1p_terms) {
  Rng rng("log1p", {0});
  std::vector<std::vector<double>> cases;
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(rng.uniform());
  cases.push_back(v);
  v.clear();
  for (int i = 0; i < 700; ++i) v.push_back(std::exp(-40 * rng.uniform()));  // from 1 down to 4e-18
  cases.push_back(v);
  v.clear();
  for (int i = 0; i < 300; ++i) v.push_back(1e-30 * rng.uniform());  // tiny sum: relative accuracy
  cases.push_back(v);
  cases.push_back({1.0, 1.0, 1.0, 0.0, 5e-324, 0x1p-25, 0x1p-25 - 0x1p-60, 0x1p-26, 1 - 0x1p-53});
  cases.push_back({});
  for (const auto& c : cases) {
    lanes::Log1pSum sum;  // eight terms to a product add, 120 adds to a log
    long double ref = 0;
    for (double e : c) {
      sum.add(e);
      ref += std::log1p(static_cast<long double>(e));
    }
    const double got = sum.value();
    BOOST_TEST(std::fabs(got - static_cast<double>(ref)) <= 1e-15 * static_cast<double>(ref),
               got << " vs " << static_cast<double>(ref));
  }
  lanes::Log1pSum nan;
  nan.add(0.5);
  nan.add(NAN);
  BOOST_TEST(std::isnan(nan.value()));
}

BOOST_AUTO_TEST_CASE(vector_exp_is_within_an_ulp_or_two) {
  Rng rng("exp", {0});
  double worst = 0;
  // Lanes 0 and 1 hold a and b, the others copies: a lane's value never depends on the others.
  auto check = [&worst](double a, double b) {
    double in[8] = {a, b, a, b, b, a, -1.0, a}, out[8];
    lanes::store(out, lanes::exp_nonpos(lanes::load(in)));
    for (int k = 0; k < 8; ++k) {
      const double ref = std::exp(in[k]);
      if (ref == 0 || !std::isfinite(ref)) {
        BOOST_TEST(close(out[k], ref, 0), "exp(" << in[k] << ") = " << out[k]);
      } else {
        worst = std::max(worst, std::fabs(out[k] - ref) / ref);
      }
    }
  };
  for (int k = 0; k < 100000; ++k) check(-40 * rng.uniform(), -1e-3 * rng.uniform());
  for (int k = 0; k < 20000; ++k) check(-750 * rng.uniform(), -std::ldexp(rng.uniform(), -static_cast<int>(rng.below(60))));
  for (double x : {0.0, -0.0, -708.0, -708.1, -745.0, -746.0, -1e300, -double(INFINITY), double(NAN), 0.5, 3.0, -0x1p-1074})
    check(x, -1.0);
  BOOST_TEST(worst <= 2.3e-16);  // ≈ 1 ulp, as std::exp itself is ≤ 1 ulp from exact
  double zero[8] = {0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0}, one[8];
  lanes::store(one, lanes::exp_nonpos(lanes::load(zero)));
  for (double v : one) BOOST_TEST(v == 1.0);
}

BOOST_AUTO_TEST_CASE(fast_loss_kernel_matches_direct_kernel) {
  // Same statistics, both loss kernels: large margins (loss ~1e-20), mixed, negative margins.
  Rng rng("kernel", {0});
  for (long n : {1000L, 600L, 301L, 1L}) {  // two chunks, padded lanes, a single sample
  std::vector<double> y(n), P(n), N(n), cP(n), cN(n);
  for (double scale : {1e-3, 1.0, 30.0, 800.0}) {
    for (long i = 0; i < n; ++i) {
      y[i] = rng.sign();
      P[i] = scale * rng.uniform();
      N[i] = scale * rng.uniform();
      cP[i] = static_cast<double>(rng.below(100));
      cN[i] = static_cast<double>(rng.below(100));
    }
    for (int rep = 0; rep < 5; ++rep) {
      Vec theta(3);
      theta << rng.normal(), rng.normal(), rng.normal();
      // Put every margin on the right side at the largest scale: a tiny loss.
      if (scale == 30.0) {
        for (long i = 0; i < n; ++i) {
          P[i] = y[i] > 0 ? scale + rng.uniform() : rng.uniform();
          N[i] = y[i] > 0 ? rng.uniform() : scale + rng.uniform();
        }
        theta << -1.5, 1.5, 0.1;
      }
      Vec g1, g2;
      Mat h1, h2;
      const double l1 = sparse_relu_loss(y, P.data(), N.data(), cP.data(), cN.data(), theta, g1, &h1);
      const double l2 = sparse_relu_loss_direct(y, P.data(), N.data(), cP.data(), cN.data(), theta, g2, &h2);
      BOOST_TEST_CONTEXT("scale " << scale << " loss " << l2) {
        BOOST_TEST(close(l1, l2, 1e-13), l1 << " vs " << l2);
        BOOST_TEST((g1 - g2).norm() <= 1e-13 * g2.norm());
        BOOST_TEST((h1 - h2).norm() <= 1e-13 * h2.norm());
      }
    }
  }
  }
}

BOOST_AUTO_TEST_CASE(models_agree_at_random_points) {
  auto fast_pt = points_of("d = 200\nn = 300\nseed = 4\neta = 1e-4\nsteps = 10\npath = fast\n").at(0);
  auto oracle_pt = points_of("d = 200\nn = 300\nseed = 4\neta = 1e-4\nsteps = 10\npath = oracle\n").at(0);
  auto fast = make_sparse_relu(fast_pt.params);
  auto oracle = make_sparse_relu(oracle_pt.params);
  auto data = make_sparse_coding("train", 4, 200, 3.0, 300);
  Rng rng("points", {0});
  Vec theta(3);
  for (int k = 0; k < 120; ++k) {
    theta[0] = 0.1 * rng.normal();
    theta[1] = 0.1 * rng.normal();
    if (k % 4 == 0)
      theta[2] = 4 * rng.normal();  // big jumps, both signs
    else if (k % 4 == 1)
      theta[2] = data.x[static_cast<std::size_t>(rng.below(data.x.size()))];  // on a coordinate
    else if (k % 4 == 2)
      theta[2] = -data.x[static_cast<std::size_t>(rng.below(data.x.size()))];
    else
      theta[2] += 1e-3 * rng.normal();  // a small move from the last place
    compare_models(*fast, *oracle, theta);
  }
}

BOOST_AUTO_TEST_CASE(trajectories_agree_in_both_regimes) {
  // 2000 GD steps on both paths: gradient-flow regime (η = 0.5·η*) and EoS (η = 3·η*).
  const long d = 200;
  for (double rel : {0.5, 3.0}) {
    BOOST_TEST_CONTEXT("eta_rel = " << rel) {
      const double eta = rel * 8 * M_PI / (d * d);
      auto pts = points_of("d = 200\nn = 300\nseed = 1\nsteps = 2000\neta = " + format_double(eta) + "\n");
      Params pf = pts.at(0).params, po = pf;
      pf.set("path", "fast");
      po.set("path", "oracle");
      auto fast = make_sparse_relu(pf);
      auto oracle = make_sparse_relu(po);
      Vec tf = fast->initial(), to = oracle->initial(), gf, go;
      BOOST_TEST((tf - to).norm() == 0.0);
      double max_theta = 0, max_loss = 0, b_min = 0;
      long rises = 0;
      double prev = INFINITY;
      for (int t = 0; t < 2000; ++t) {
        const double lf = fast->evaluate(tf, gf, nullptr);
        const double lo = oracle->evaluate(to, go, nullptr);
        max_loss = std::max(max_loss, std::fabs(lf - lo) / std::fabs(lo));
        max_theta = std::max(max_theta, (tf - to).norm() / to.norm());
        rises += lo > prev * (1 + 1e-12);
        prev = lo;
        tf -= eta * gf;
        to -= eta * go;
        b_min = std::min(b_min, to[2]);
      }
      BOOST_TEST(max_loss <= 1e-9);
      BOOST_TEST(max_theta <= 1e-9);
      // The regimes are what they claim to be: EoS oscillates (loss rises) and moves b down.
      if (rel > 1) {
        BOOST_TEST(rises > 10);
        BOOST_TEST(b_min < -0.01);
      } else {
        BOOST_TEST(rises == 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(sweep_rows_are_unchanged_by_the_path) {
  const ModelInfo* info = find_model("sparse-relu");
  BOOST_REQUIRE(info);
  const std::string job = "d = 60\nn = 100\nseed = 0, 1\neta_rel = 0.5, 3\nsteps = 1500\nn_test = 500\n";
  auto fast = points_of(job, {"path=fast"});
  auto oracle = points_of(job, {"path=oracle"});
  BOOST_REQUIRE(fast.size() == 4u);
  const Schema schema(*info);
  const auto header = schema.header();
  for (std::size_t p = 0; p < fast.size(); ++p) {
    BOOST_TEST(fast[p].id == oracle[p].id);  // path is not part of the id
    std::istringstream rf(csv_row(schema, fast[p], run_point(*info, fast[p]))),
        ro(csv_row(schema, oracle[p], run_point(*info, oracle[p])));
    std::string lf, lo;
    std::getline(rf, lf);
    std::getline(ro, lo);
    const auto pf = csv_split(lf), po = csv_split(lo);
    BOOST_REQUIRE(pf.has_value());
    BOOST_REQUIRE(po.has_value());
    const auto &cf = *pf, &co = *po;
    BOOST_REQUIRE(cf.size() == header.size());
    BOOST_REQUIRE(co.size() == header.size());
    int numeric = 0;
    for (std::size_t k = 0; k < header.size(); ++k) {
      if (header[k] == "wall_s" || header[k] == "path") continue;
      BOOST_TEST_CONTEXT("point " << p << ", column " << header[k]) {
        char* end = nullptr;
        const double a = std::strtod(cf[k].c_str(), &end);
        const bool is_num = !cf[k].empty() && end && *end == '\0';
        if (is_num && !co[k].empty()) {
          ++numeric;
          BOOST_TEST(close(a, std::strtod(co[k].c_str(), nullptr), 1e-9), cf[k] << " vs " << co[k]);
        } else {
          BOOST_TEST(cf[k] == co[k]);
        }
      }
    }
    BOOST_TEST(numeric > 20);
  }
}

BOOST_AUTO_TEST_CASE(cache_shares_and_bounds_data_sets) {
  SparseCodingCache cache(std::size_t{3} << 20);  // 3 MiB
  auto a = cache.train(0, 100, 3.0, 300, false);  // 240 kB of data
  BOOST_TEST(!a.sorted);
  auto b = cache.train(0, 100, 3.0, 300, true);  // same data, sorted samples added
  BOOST_TEST(b.data == a.data);
  BOOST_TEST(b.sorted != nullptr);
  auto c = cache.train(0, 100, 3.0, 300, true);
  BOOST_TEST(c.data == a.data);
  BOOST_TEST(c.sorted == b.sorted);
  BOOST_TEST(cache.hits() == 1);
  // The cached data set is exactly the generator's.
  const auto direct = make_sparse_coding("train", 0, 100, 3.0, 300);
  BOOST_TEST(direct.x == c.data->x);
  BOOST_TEST(direct.y == c.data->y);
  // Every key component matters.
  BOOST_TEST(cache.train(1, 100, 3.0, 300, false).data != a.data);
  BOOST_TEST(cache.train(0, 101, 3.0, 300, false).data != a.data);
  BOOST_TEST(cache.train(0, 100, 2.0, 300, false).data != a.data);
  BOOST_TEST(cache.train(0, 100, 3.0, 299, false).data != a.data);
  BOOST_TEST(cache.bytes() <= std::size_t{3} << 20);
  // A big set evicts the others but is itself kept; users keep their copies alive.
  auto big = cache.train(0, 2000, 3.0, 300, true);  // ~19 MB
  BOOST_TEST(cache.entries() == 1u);
  BOOST_TEST(a.data->x.size() == 30000u);
  BOOST_TEST(cache.train(0, 2000, 3.0, 300, true).sorted == big.sorted);
  // Concurrent use from two threads (the master's compute thread and its scheduler).
  SparseCodingCache shared(std::size_t{64} << 20);
  std::vector<CachedTrainingSet> got(2);
  std::thread t1([&] {
    for (long s = 0; s < 20; ++s) got[0] = shared.train(s % 4, 50, 3.0, 100, true);
  });
  std::thread t2([&] {
    for (long s = 0; s < 20; ++s) got[1] = shared.train(s % 4, 50, 3.0, 100, s % 2 == 0);
  });
  t1.join();
  t2.join();
  BOOST_TEST(shared.entries() == 4u);
  BOOST_TEST(got[0].data->x == make_sparse_coding("train", 3, 50, 3.0, 100).x);
}
