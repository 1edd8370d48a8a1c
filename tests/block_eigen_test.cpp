// The block eigensolver (numerics/block_eigen.h): the top eigenvalues against a dense solve
// (largest algebraic, a crowded top, tiny dimensions), the block and one-vector forms alike, a
// failure reported rather than thrown, the warm start's saving along a moving operator, and along
// a real GD run of the mlp model every sample's sharpness within 1e-7 (λ₂ within 1e-5) of a tight
// cold solve with fewer products than Spectra's warm Lanczos, through the SharpnessEstimator
// (solver = block); and the huge-page advice the solver gives its basis.
#define BOOST_TEST_MODULE block_eigen
#include <boost/test/unit_test.hpp>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "eos/data/prepare.h"
#include "eos/gd/sharpness.h"
#include "eos/models/mlp.h"
#include "eos/numerics/block_eigen.h"
#include "eos/numerics/lanczos.h"
#include "eos/util/rng.h"

using namespace eos;

namespace {

// Q·diag(eigs)·Qᵀ with a random orthogonal Q.
Mat spectrum_matrix(const Vec& eigs, long seed) {
  const long n = eigs.size();
  Rng rng("block-eigen-test", {static_cast<double>(seed)});
  Mat g(n, n);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) g(i, j) = rng.normal();
  const Mat q = Eigen::HouseholderQR<Mat>(g).householderQ();
  return q * eigs.asDiagonal() * q.transpose();
}

VectorProduct times(const Mat& a, long* count = nullptr) {
  return [&a, count](const Vec& x, Vec& out) {
    out = a * x;
    if (count) ++*count;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(top_two_against_dense_largest_algebraic) {
  const long n = 300;
  Vec eigs = Vec::LinSpaced(n, -50, 2);  // the most negative is far larger in magnitude
  eigs[n - 1] = 3;
  const Mat a = spectrum_matrix(eigs, 1);
  long count = 0;
  BlockEigenOptions opt;
  opt.tol_others = opt.tol;
  const BlockEigenResult r = block_top_eigen(times(a, &count), n, Mat(), opt);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.hvps == count);
  BOOST_TEST(std::fabs(r.values[0] - 3) < opt.tol * 3);  // the bound holds
  BOOST_TEST(std::fabs(r.values[1] - eigs[n - 2]) < opt.tol * 3);
  BOOST_TEST(r.vectors.cols() == 4);  // nev + guard
  BOOST_TEST((r.vectors.transpose() * r.vectors - Mat::Identity(4, 4)).norm() < 1e-10);
}

BOOST_AUTO_TEST_CASE(crowded_top_matches_dense) {
  const long n = 300;
  Vec eigs = Vec::LinSpaced(n, -1, 0.5);
  eigs[n - 1] = 1.0;
  eigs[n - 2] = 1.0 - 1e-6;
  eigs[n - 3] = 0.999;
  const Mat a = spectrum_matrix(eigs, 2);
  BlockEigenOptions opt;
  opt.tol = opt.tol_others = 1e-10;
  const BlockEigenResult r = block_top_eigen(times(a), n, Mat(), opt);
  BOOST_TEST(r.converged);
  BOOST_TEST(std::fabs(r.values[0] - 1.0) < 1e-9);
  BOOST_TEST(std::fabs(r.values[1] - (1.0 - 1e-6)) < 1e-9);
}

BOOST_AUTO_TEST_CASE(block_and_vector_forms_agree) {
  const long n = 120;
  const Mat a = spectrum_matrix(Vec::LinSpaced(n, -2, 4), 3);
  const BlockProduct block = [&a](const Mat& x, Mat& out) { out = a * x; };
  const BlockEigenResult rb = block_top_eigen(block, n, Mat()), rv = block_top_eigen(times(a), n, Mat());
  BOOST_TEST(rb.hvps == rv.hvps);
  BOOST_TEST(rb.values[0] == rv.values[0]);
}

// A kept work space (as the sharpness estimator keeps one along a run) changes nothing: the same
// values, vectors and products as solves with their own space, across operators of other sizes
// and after a failed solve left it full of NaN.
BOOST_AUTO_TEST_CASE(kept_work_space_changes_nothing) {
  BlockEigenWork work;
  const VectorProduct nan = [](const Vec& x, Vec& out) { out = Vec::Constant(x.size(), std::nan("")); };
  BOOST_TEST(!block_top_eigen(nan, 150, Mat(), {}, &work).converged);
  for (long n : {200L, 90L, 200L}) {
    const Mat a = spectrum_matrix(Vec::LinSpaced(n, -3, 5), n);
    const BlockEigenResult own = block_top_eigen(times(a), n, Mat());
    const BlockEigenResult kept = block_top_eigen(times(a), n, Mat(), {}, &work);
    BOOST_TEST(kept.converged);
    BOOST_TEST(kept.hvps == own.hvps);
    BOOST_TEST(kept.values == own.values);
    BOOST_TEST((kept.vectors - own.vectors).norm() == 0.0);
  }
}

// advise_huge_pages (numerics/linalg.h), which the solver applies to its basis: the contents are
// unchanged, small or oddly placed storage is left alone, and where the kernel takes the advice
// (transparent huge pages in madvise or always mode) the large buffer is backed by huge pages
// once touched: its mapping in /proc/self/smaps counts AnonHugePages.
namespace {

std::string thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  const auto open = line.find('['), close = line.find(']');
  return open == std::string::npos || close == std::string::npos ? "" : line.substr(open + 1, close - open - 1);
}

// kB of AnonHugePages in the mapping of /proc/self/smaps that holds p (-1: not found).
long anon_huge_kb(const void* p) {
  std::ifstream in("/proc/self/smaps");
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    unsigned long from = 0, to = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find(':') > line.find('-')) {
      inside = from <= at && at < to;
      continue;
    }
    long kb = 0;
    if (inside && std::sscanf(line.c_str(), "AnonHugePages: %ld kB", &kb) == 1) return kb;
  }
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(huge_page_advice_keeps_contents_and_takes_effect) {
  Mat small = Mat::Random(30, 7);
  const Mat small_copy = small;
  advise_huge_pages(small);
  BOOST_TEST((small - small_copy).norm() == 0.0);
  Mat empty;
  advise_huge_pages(empty);

  Mat big(200000, 24);  // 38 MB, as the solver's basis for a 200 000-parameter network
  advise_huge_pages(big);
  big.setConstant(1.5);  // the first touch
  big(12345, 7) = -2;
  BOOST_TEST(big.sum() == 1.5 * static_cast<double>(big.size() - 1) - 2);
  // (The advice splits the mapping at 2 MiB boundaries: look in the middle, inside the advised part.)
  const long kb = anon_huge_kb(big.data() + big.size() / 2);
  const std::string mode = thp_mode();
  BOOST_TEST_MESSAGE("transparent huge pages: " << mode << ", AnonHugePages " << kb << " kB");
  if (mode == "madvise" || mode == "always") BOOST_TEST(kb >= 2048);
}

BOOST_AUTO_TEST_CASE(tiny_dimensions_go_dense) {
  for (long n : {1L, 2L, 5L, 9L}) {
    const Mat a = spectrum_matrix(Vec::LinSpaced(n, -7, 2), n);
    const BlockEigenResult r = block_top_eigen(times(a), n, Mat());
    BOOST_TEST(r.converged);
    BOOST_TEST(std::fabs(r.values[0] - 2) < 1e-12, "n = " << n);
    BOOST_TEST(r.hvps == n);
  }
}

BOOST_AUTO_TEST_CASE(failure_is_reported_not_thrown) {
  const long n = 100;
  const VectorProduct nan = [](const Vec& x, Vec& out) { out = Vec::Constant(x.size(), std::nan("")); };
  const BlockEigenResult r = block_top_eigen(nan, n, Mat());
  BOOST_TEST(!r.converged);
  BOOST_TEST(r.values.empty());
  const Mat a = spectrum_matrix(Vec::LinSpaced(n, 0, 1), 4);  // evenly spaced: slow
  BlockEigenOptions opt;
  opt.maxit = 2;
  BOOST_TEST(!block_top_eigen(times(a), n, Mat(), opt).converged);
  // Through the estimator a failed block solve falls back to Spectra's, which converges.
}

BOOST_AUTO_TEST_CASE(warm_block_saves_products_on_a_moving_operator) {
  const long n = 400;
  const Mat a0 = spectrum_matrix(Vec::LinSpaced(n, -1, 1), 5), b = spectrum_matrix(Vec::LinSpaced(n, -1, 1), 6);
  long cold = 0, warm = 0;
  Mat start;
  for (int t = 0; t < 10; ++t) {
    const Mat a = a0 + 1e-3 * t * b;
    const BlockEigenResult rc = block_top_eigen(times(a), n, Mat()), rw = block_top_eigen(times(a), n, start);
    BOOST_TEST(std::fabs(rc.values[0] - rw.values[0]) < 1e-8);
    cold += rc.hvps;
    warm += rw.hvps;
    start = rw.vectors;
  }
  BOOST_TEST_MESSAGE("products over 10 solves: cold " << cold << ", warm " << warm);
  BOOST_TEST(warm * 2 < cold);
}

// GD on fc-tanh 32-32 on 300 digits (MSE, η = 0.5: up to the edge, 2/η = 4): at every sample the
// warm block solve's top-2 against Spectra's cold solve at tol 1e-12.
BOOST_AUTO_TEST_CASE(along_a_gd_run_within_1e_7_of_a_tight_solve) {
  PreparedData d = prepare_data(load_data("digits"), 300, 0, 10);
  const MlpShape shape = mlp_shape(64, 32, 2, 10);
  Mlp model(MlpNet(shape, Activation::Tanh, LossKind::Mse, d.x_train, d.y_train), mlp_default_init(shape, 0), d);
  Vec theta = model.initial(), g;
  SharpnessEstimator block(model, theta.size(), "block", 64, 2), lanczos(model, theta.size(), "lanczos", 64, 2);
  double worst = 0, worst2 = 0, edge = 0;
  for (int t = 0; t <= 400; ++t) {
    model.evaluate(theta, g, nullptr);
    if (t % 25 == 0) {
      const double s = block.estimate(theta, nullptr);
      lanczos.estimate(theta, nullptr);
      LanczosOptions tight;
      tight.tol = 1e-12;
      tight.ncv = 30;
      const LanczosResult ref =
          lanczos_top_eigenvalue([&](const Vec& x, Vec& out) { model.hvp(theta, x, out); }, theta.size(), {}, tight);
      worst = std::max(worst, std::fabs(s - ref.value) / ref.value);
      worst2 = std::max(worst2, std::fabs(block.last_values()[1] - ref.values[1]) / ref.value);
      edge = std::max(edge, 0.5 * s * 0.5);
    }
    theta -= 0.5 * g;
  }
  BOOST_TEST_MESSAGE("worst relative error " << worst << " (λ₂: " << worst2 << "); products per solve: block "
                     << static_cast<double>(block.total_hvps()) / block.lanczos_estimates() << ", lanczos "
                     << static_cast<double>(lanczos.total_hvps()) / lanczos.lanczos_estimates()
                     << "; largest η·S/2 " << edge);
  BOOST_TEST(worst < 1e-7);    // the sharpness: BlockEigenOptions::tol
  BOOST_TEST(worst2 < 1e-5);   // λ₂: tol_others
  BOOST_TEST(edge > 0.95);  // the run reached the edge
  BOOST_TEST(block.total_hvps() < lanczos.total_hvps());
}
