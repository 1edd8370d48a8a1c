// The vector paths of the sparse-relu kernels give bit-identical results: every kernel on random
// and extreme inputs (partial blocks, several chunks, margins where exp falls back to libm, NaN),
// whole GD trajectories and sweep rows, under each path this CPU supports; and EOS_SIMD's check.
#define BOOST_TEST_MODULE sparse_relu_simd
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "eos/exec/point_runner.h"
#include "eos/io/row_writer.h"
#include "eos/model/registry.h"
#include "eos/models/sparse_relu.h"
#include "eos/models/sparse_relu_simd.h"
#include "eos/numerics/simd.h"
#include "eos/util/rng.h"
#include "support.h"

using namespace eos;

namespace {

// The paths to compare with the baseline: every other supported one.
std::vector<SimdPath> wide_paths() {
  std::vector<SimdPath> out;
  for (SimdPath p : {SimdPath::avx2, SimdPath::avx512})
    if (simd_supported(p)) out.push_back(p);
  return out;
}

bool same_bits(const void* a, const void* b, std::size_t bytes) { return std::memcmp(a, b, bytes) == 0; }
// Doubles equal bit for bit, except that any two NaNs are equal (which operand's payload a NaN
// carries depends on the compiler's operand order, and no row prints it).
bool same_bits(const double* a, const double* b, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    if (!(std::isnan(a[k]) && std::isnan(b[k])) && std::memcmp(a + k, b + k, sizeof(double)) != 0) return false;
  return true;
}
bool same_bits(const SparseReluLaneSums& a, const SparseReluLaneSums& b) {
  static_assert(sizeof a == sizeof(double) * (1 + 10 * SparseReluLaneSums::kLanes));
  return same_bits(&a.hinge[0], &b.hinge[0], 1 + 10 * SparseReluLaneSums::kLanes);
}
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && same_bits(a.data(), b.data(), a.size());
}

// Statistics for n samples whose margins are of the given scale; every eleventh one extreme.
struct LossCase {
  std::vector<double> y, P, N, cP, cN;
};
LossCase loss_case(Rng& rng, long n, double scale) {
  LossCase c;
  for (long i = 0; i < n; ++i) {
    c.y.push_back(rng.sign());
    c.P.push_back(scale * rng.uniform());
    c.N.push_back(scale * rng.uniform());
    c.cP.push_back(static_cast<double>(rng.below(200)));
    c.cN.push_back(static_cast<double>(rng.below(200)));
    if (i % 11 == 5) c.P.back() = 1e6 * rng.uniform();  // |m| beyond 708: exp through libm
  }
  return c;
}

SparseReluLaneSums loss_on(SimdPath path, const LossCase& c, double am, double ap, bool hess) {
  SparseReluLaneSums z;
  std::memset(&z, 0, sizeof z);
  sparse_relu_kernels(path).loss(static_cast<long>(c.y.size()), c.y.data(), c.P.data(), c.N.data(), c.cP.data(),
                                 c.cN.data(), am, ap, hess, z);
  return z;
}

// The path forced for one scope.
struct UsePath {
  explicit UsePath(SimdPath p) : before(simd_path()) { set_simd_path(p); }
  ~UsePath() { set_simd_path(before); }
  SimdPath before;
};

}  // namespace

BOOST_AUTO_TEST_CASE(this_cpu_has_the_wide_paths_it_claims) {
  BOOST_TEST(simd_supported(SimdPath::baseline));
  BOOST_TEST((simd_best() == simd_path()));  // no EOS_SIMD in the test environment
  BOOST_TEST_MESSAGE("paths compared with the baseline: " << wide_paths().size() << " (best: "
                                                          << simd_name(simd_best()) << ")");
}

BOOST_AUTO_TEST_CASE(loss_kernel_is_bit_identical_on_every_path) {
  Rng rng("simd-loss", {0});
  for (long n : {1L, 7L, 8L, 9L, 300L, 960L, 961L, 2003L}) {  // partial blocks, one and three chunks
    for (double scale : {1e-3, 1.0, 30.0, 800.0}) {
      const LossCase c = loss_case(rng, n, scale);
      const double am = 0.1 * rng.normal(), ap = 0.1 * rng.normal();
      for (bool hess : {false, true}) {
        const SparseReluLaneSums want = loss_on(SimdPath::baseline, c, am, ap, hess);
        BOOST_TEST(std::isfinite(want.logs));
        for (SimdPath p : wide_paths())
          BOOST_TEST(same_bits(want, loss_on(p, c, am, ap, hess)),
                     simd_name(p) << ", n = " << n << ", scale " << scale << ", hess " << hess);
      }
    }
  }
  // NaN and signed zeros travel alike.
  LossCase c = loss_case(rng, 19, 1.0);
  c.P[3] = NAN;
  c.N[4] = -0.0;
  c.y[5] = 0.0;
  const SparseReluLaneSums want = loss_on(SimdPath::baseline, c, 0.3, -0.2, true);
  BOOST_TEST(std::isnan(want.logs));
  for (SimdPath p : wide_paths()) BOOST_TEST(same_bits(want, loss_on(p, c, 0.3, -0.2, true)));
}

BOOST_AUTO_TEST_CASE(stats_and_stale_kernels_are_bit_identical_on_every_path) {
  Rng rng("simd-stats", {0});
  for (long n : {1L, 8L, 13L, 300L}) {
    std::vector<double> a[6], lo(n), hi(n);
    for (auto& v : a)
      for (long i = 0; i < n; ++i) v.push_back(50 * rng.normal());
    for (long i = 0; i < n; ++i) {
      a[0][i] = static_cast<double>(rng.below(3200));  // counts
      a[3][i] = static_cast<double>(rng.below(3200));
      lo[i] = rng.normal() - 0.5;
      hi[i] = lo[i] + rng.uniform();
    }
    const SparseReluPositions pos{a[0].data(), a[1].data(), a[2].data(), a[3].data(), a[4].data(), a[5].data()};
    for (double b : {0.0, -0.0, 0.3, -1.7, 1e-300, 12345.678}) {
      std::vector<double> want[4], got[4];
      for (auto& v : want) v.assign(n, 0.0);
      sparse_relu_kernels(SimdPath::baseline).stats(n, b, pos, want[0].data(), want[1].data(), want[2].data(),
                                                    want[3].data());
      std::vector<std::int32_t> want_idx(n), got_idx(n);
      const long want_count = sparse_relu_kernels(SimdPath::baseline).stale(n, b, lo.data(), hi.data(), want_idx.data());
      for (SimdPath p : wide_paths()) {
        for (auto& v : got) v.assign(n, 1.0);
        sparse_relu_kernels(p).stats(n, b, pos, got[0].data(), got[1].data(), got[2].data(), got[3].data());
        for (int k = 0; k < 4; ++k) BOOST_TEST(same_bits(want[k], got[k]), simd_name(p) << " n " << n << " b " << b);
        const long count = sparse_relu_kernels(p).stale(n, b, lo.data(), hi.data(), got_idx.data());
        BOOST_TEST(count == want_count);
        BOOST_TEST(same_bits(want_idx.data(), got_idx.data(), sizeof(std::int32_t) * static_cast<std::size_t>(count)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(trajectories_are_bit_identical_on_every_path) {
  // 3000 steps at the edge of stability (the bias moves, samples change places) with the
  // Hessian every 7 steps: θ, loss, gradient and Hessian after every step.
  const long d = 50;
  const double eta = 3 * 8 * M_PI / (d * d);
  auto pts = test::points_of("model = sparse-relu\nd = 50\nn = 203\nseed = 2\nsteps = 3000\neta = " +
                             std::to_string(eta) + "\n");
  auto trace = [&](SimdPath p) {
    UsePath use(p);
    auto model = make_sparse_relu(pts.at(0).params);
    Vec theta = model->initial(), grad;
    Mat hess;
    std::vector<double> out;
    for (int t = 0; t < 3000; ++t) {
      out.push_back(model->evaluate(theta, grad, t % 7 == 0 ? &hess : nullptr));
      out.insert(out.end(), grad.data(), grad.data() + 3);
      if (t % 7 == 0) out.insert(out.end(), hess.data(), hess.data() + 9);
      theta -= eta * grad;
      out.insert(out.end(), theta.data(), theta.data() + 3);
    }
    return out;
  };
  const std::vector<double> want = trace(SimdPath::baseline);
  BOOST_TEST(want[want.size() - 1] < -0.01);  // the bias did move
  for (SimdPath p : wide_paths()) BOOST_TEST(same_bits(want, trace(p)), simd_name(p));
}

BOOST_AUTO_TEST_CASE(sweep_rows_are_identical_on_every_path) {
  const ModelInfo* info = find_model("sparse-relu");
  BOOST_REQUIRE(info);
  const Schema schema(*info);
  const auto points = test::points_of("model = sparse-relu\nd = 40\nn = 77\nseed = 0, 1\neta_rel = 0.5, 4\n"
                                      "horizon = 3\nsharpness_every = 13\nn_test = 300\n");
  auto rows = [&](SimdPath p) {
    UsePath use(p);
    std::vector<std::string> out;
    for (const Point& pt : points) {
      PointResult r = run_point(*info, pt);
      r.wall_s = 0;  // timing is the one column that may differ
      out.push_back(csv_row(schema, pt, r));
    }
    return out;
  };
  const auto want = rows(SimdPath::baseline);
  for (SimdPath p : wide_paths()) {
    const auto got = rows(p);
    BOOST_REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) BOOST_TEST(got[k] == want[k], simd_name(p) << " row " << k);
  }
}

BOOST_AUTO_TEST_CASE(eos_simd_is_checked) {
  auto problem_with = [](const char* value) {
    setenv("EOS_SIMD", value, 1);
    const std::string p = simd_env_problem();
    unsetenv("EOS_SIMD");
    return p;
  };
  BOOST_TEST(problem_with("") == "");
  BOOST_TEST(problem_with("baseline") == "");
  BOOST_TEST(problem_with("sse9").find("not one of baseline, avx2, avx512") != std::string::npos);
  BOOST_TEST(problem_with("AVX2").find("not one of") != std::string::npos);  // names are exact
  for (SimdPath p : {SimdPath::avx2, SimdPath::avx512}) {
    const std::string msg = problem_with(simd_name(p));
    BOOST_TEST(msg.empty() == simd_supported(p), simd_name(p) << ": '" << msg << "'");
    if (!simd_supported(p)) {
      BOOST_CHECK_THROW(set_simd_path(p), std::invalid_argument);
      BOOST_CHECK_THROW(sparse_relu_kernels(p), std::invalid_argument);
    }
  }
  BOOST_TEST(simd_env_problem() == "");
}
