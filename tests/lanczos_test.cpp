// Lanczos sharpness: largest algebraic (not largest magnitude) eigenvalue against a dense solve,
// crowded top eigenvalues, tiny dimensions, non-convergence, and the warm start's saving.
#define BOOST_TEST_MODULE lanczos
#include <boost/test/unit_test.hpp>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "eos/numerics/lanczos.h"
#include "eos/model/model.h"
#include "eos/util/rng.h"
#include "eos/gd/sharpness.h"

using namespace eos;

namespace {

// A quadratic model with a given Hessian A; counts its Hessian-vector products.
class Quadratic final : public Model {
 public:
  explicit Quadratic(Mat A) : A_(std::move(A)) {}
  Vec initial() const override { return Vec::Zero(A_.rows()); }
  double evaluate(const Vec& t, Vec& g, Mat* h) override {
    g = A_ * t;
    if (h) *h = A_;
    return 0.5 * t.dot(g);
  }
  void hvp(const Vec&, const Vec& v, Vec& out) override {
    out = A_ * v;
    ++hvps;
  }
  long hvps = 0;

 private:
  Mat A_;
};

// Q·diag(eigs)·Qᵀ with a random orthogonal Q.
Mat with_spectrum(const Vec& eigs, long seed) {
  const long n = eigs.size();
  Rng rng("lanczos-test", {static_cast<double>(seed)});
  Mat G(n, n);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) G(i, j) = rng.normal();
  Eigen::HouseholderQR<Mat> qr(G);
  const Mat Q = qr.householderQ();
  return Q * eigs.asDiagonal() * Q.transpose();
}

}  // namespace

BOOST_AUTO_TEST_CASE(largest_algebraic_not_largest_magnitude) {
  const long n = 200;
  Vec eigs = Vec::LinSpaced(n, -50, 3);  // the most negative is much larger in magnitude
  Quadratic q(with_spectrum(eigs, 1));
  const LanczosResult r = lanczos_sharpness(q, Vec::Zero(n), n, {});
  BOOST_TEST(r.converged);
  BOOST_TEST(std::fabs(r.value - 3) < 1e-9 * 3);
  BOOST_TEST(r.hvps == q.hvps);
  BOOST_TEST(std::fabs(r.vector.norm() - 1) < 1e-12);
}

BOOST_AUTO_TEST_CASE(crowded_top_matches_dense) {
  const long n = 300;
  Vec eigs = Vec::LinSpaced(n, -1, 0.5);
  eigs[n - 1] = 1.0;
  eigs[n - 2] = 1.0 - 1e-6;  // two eigenvalues crowding at the edge
  eigs[n - 3] = 0.999;
  const Mat A = with_spectrum(eigs, 2);
  Quadratic q(A);
  const double dense = top_eigenvalue(A);
  const LanczosResult r = lanczos_sharpness(q, Vec::Zero(n), n, {});
  BOOST_TEST(r.converged);
  BOOST_TEST(std::fabs(r.value - dense) < 1e-8 * dense);
}

BOOST_AUTO_TEST_CASE(tiny_dimensions) {
  for (long n : {1L, 2L, 3L, 4L, 5L}) {
    Vec eigs = Vec::LinSpaced(n, -7, 2);
    if (n == 1) eigs[0] = -3;
    const Mat A = with_spectrum(eigs, n);
    Quadratic q(A);
    const LanczosResult r = lanczos_sharpness(q, Vec::Zero(n), n, {});
    BOOST_TEST(r.converged);
    BOOST_TEST(std::fabs(r.value - eigs.maxCoeff()) < 1e-10, "n = " << n);
    BOOST_TEST((A * r.vector - r.value * r.vector).norm() < 1e-8, "n = " << n);
  }
}

BOOST_AUTO_TEST_CASE(non_convergence_is_reported_not_thrown) {
  const long n = 400;
  const Mat A = with_spectrum(Vec::LinSpaced(n, 0, 1), 3);  // evenly spaced: slow to converge
  Quadratic q(A);
  LanczosOptions opt;
  opt.ncv = 5;
  opt.maxit = 0;  // no restarts at all
  const LanczosResult r = lanczos_sharpness(q, Vec::Zero(n), n, {}, opt);
  BOOST_TEST(!r.converged);
  BOOST_TEST(std::isnan(r.value));
  BOOST_TEST(r.attempts == 2);
  BOOST_TEST(r.hvps > 0);
  // Through the estimator: the sample is NaN (the runner skips it), nothing throws.
}

// Along a trajectory of slowly changing Hessians, warm-starting from the previous solve saves
// Hessian-vector products (and gives the same values).
BOOST_AUTO_TEST_CASE(warm_start_saves_hvps_on_a_trajectory) {
  const long n = 500;
  Vec eigs = Vec::LinSpaced(n, -1, 1);
  const Mat A0 = with_spectrum(eigs, 4), B = with_spectrum(Vec::LinSpaced(n, -1, 1), 5);
  long cold = 0, warm = 0;
  Vec start;
  for (int t = 0; t < 20; ++t) {
    const Mat A = A0 + 1e-3 * t * B;  // a slowly moving Hessian
    Quadratic qc(A), qw(A);
    const LanczosResult rc = lanczos_sharpness(qc, Vec::Zero(n), n, {});
    const LanczosResult rw = lanczos_sharpness(qw, Vec::Zero(n), n, start);
    BOOST_TEST(std::fabs(rc.value - rw.value) < 1e-9 * std::fabs(rc.value));
    cold += rc.hvps;
    warm += rw.hvps;
    start = rw.start;
  }
  BOOST_TEST_MESSAGE("HVPs over 20 estimates: cold " << cold << ", warm " << warm);
  BOOST_TEST(warm < cold);
}

BOOST_AUTO_TEST_CASE(estimator_modes_agree) {
  const long n = 100;
  const Mat A = with_spectrum(Vec::LinSpaced(n, -4, 2.5), 6);
  Quadratic q(A);
  SharpnessEstimator check(q, n, "check", 64);
  const double s = check.estimate(Vec::Zero(n), &A);
  BOOST_TEST(std::fabs(s - 2.5) < 1e-12);
  BOOST_TEST(check.check_diff() < 1e-8);
  SharpnessEstimator lz(q, n, "auto", 64);  // n > cutoff: Lanczos
  BOOST_TEST(!lz.wants_dense());
  BOOST_TEST(std::fabs(lz.estimate(Vec::Zero(n), nullptr) - 2.5) < 1e-8);
  BOOST_TEST(lz.last_hvps() > 0);
}
