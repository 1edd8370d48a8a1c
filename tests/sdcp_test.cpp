// The SDCP solver: on random instances up to k = 6 its X meets X ⪰ 0, A + B[X] ⪰ 0 and
// ⟨X, A + B[X]⟩ = 0 to 1e-9 and equals a brute-force minimiser of ½⟨X, B[X]⟩ + ⟨A, X⟩ over the PSD
// cone (accelerated projected gradient run long, an independent first-order method); at k = 1 it
// equals the closed form (the central flow's σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² at the edge); svec is an isometry.
#define BOOST_TEST_MODULE sdcp
#include <boost/test/unit_test.hpp>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "eos/numerics/sdcp.h"
#include "eos/util/rng.h"

using namespace eos;

namespace {

Mat random_mat(long r, long c, Rng& rng) {
  Mat m(r, c);
  for (long k = 0; k < m.size(); ++k) m.data()[k] = rng.normal();
  return m;
}

// A symmetric A with eigenvalues of both signs (at least one negative, so X = 0 is not the answer).
Mat random_a(long k, Rng& rng) {
  const Mat V = Eigen::HouseholderQR<Mat>(random_mat(k, k, rng)).householderQ();
  Vec lam(k);
  for (long i = 0; i < k; ++i) lam[i] = rng.normal();
  lam[0] = -std::fabs(lam[0]) - 0.1;
  return V * lam.asDiagonal() * V.transpose();
}

// Q of the central flow's shape: dt·(η/2)·√m_p√m_q·(T_p·T_q) for k(k+1)/2 random vectors T_p in ℝ^D
// (m = 1 on the diagonal pairs, 2 off it), here with a random overall scale.
Mat random_q(long k, long D, Rng& rng) {
  const long n = svec_size(k);
  Mat T = random_mat(D, n, rng);
  for (long i = 0; i < k; ++i)
    for (long j = i + 1; j < k; ++j) T.col(svec_index(k, i, j)) *= M_SQRT2;
  return std::exp(rng.normal()) * T.transpose() * T;
}

double objective(const Mat& A, const Mat& Q, const Mat& X) {
  const Vec x = svec(X);
  return 0.5 * x.dot(Q * x) + svec(A).dot(x);
}

Mat project_psd(const Mat& X) {
  Eigen::SelfAdjointEigenSolver<Mat> es(0.5 * (X + X.transpose()));
  return es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).asDiagonal() * es.eigenvectors().transpose();
}

// Brute force: FISTA with adaptive restart on min ½⟨X, B[X]⟩ + ⟨A, X⟩ over X ⪰ 0, step 1/λ_max(Q),
// for a fixed, generous number of iterations.
Mat brute_force(const Mat& A, const Mat& Q, int iterations = 100000) {
  const long k = A.rows();
  const double L = Eigen::SelfAdjointEigenSolver<Mat>(Q, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
  Mat X = Mat::Zero(k, k), Y = X;
  double t = 1, last = objective(A, Q, X);
  for (int it = 0; it < iterations; ++it) {
    const Mat grad = A + smat(Q * svec(Y), k);
    const Mat next = project_psd(Y - grad / L);
    const double f = objective(A, Q, next);
    if (f > last) {  // restart the momentum
      t = 1;
      Y = X;
      continue;
    }
    const double tn = 0.5 * (1 + std::sqrt(1 + 4 * t * t));
    Y = next + ((t - 1) / tn) * (next - X);
    X = next;
    t = tn;
    last = f;
  }
  return X;
}

}  // namespace

BOOST_AUTO_TEST_CASE(svec_is_an_isometry) {
  Rng rng(5);
  for (long k = 1; k <= 6; ++k) {
    const Mat X = random_mat(k, k, rng), Y = random_mat(k, k, rng);
    const Mat Xs = X + X.transpose(), Ys = Y + Y.transpose();
    BOOST_TEST(std::fabs(svec(Xs).dot(svec(Ys)) - (Xs.array() * Ys.array()).sum()) < 1e-12 * Xs.norm() * Ys.norm());
    BOOST_TEST((smat(svec(Xs), k) - Xs).norm() < 1e-14 * Xs.norm());
  }
}

BOOST_AUTO_TEST_CASE(random_instances_meet_the_conditions_and_match_brute_force) {
  Rng rng(20);
  for (long k = 1; k <= 6; ++k) {
    double worst = 0, worst_diff = 0;
    int most_steps = 0;
    for (int trial = 0; trial < 12; ++trial) {
      const Mat A = random_a(k, rng);
      const Mat Q = random_q(k, svec_size(k) + 4 + trial, rng);
      SdcpOptions opt;
      opt.shortcuts = false;  // the general method also at k = 1
      const SdcpResult r = solve_sdcp(A, Q, opt);
      BOOST_TEST_CONTEXT("k = " << k << " trial " << trial) {
        BOOST_TEST(r.converged);
        BOOST_TEST(r.x_violation <= 1e-9);
        BOOST_TEST(r.s_violation <= 1e-9);
        BOOST_TEST(r.gap <= 1e-9);
        const Mat X = brute_force(A, Q);
        const double diff = (r.X - X).norm() / std::max(1e-12, X.norm());
        BOOST_TEST(diff <= 1e-6, "solver vs brute force " << diff);
        // The solver's objective is no worse than brute force's (it is the minimiser).
        BOOST_TEST(objective(A, Q, r.X) <= objective(A, Q, X) + 1e-12 * (1 + std::fabs(objective(A, Q, X))));
        worst = std::max(worst, r.residual());
        worst_diff = std::max(worst_diff, diff);
        most_steps = std::max(most_steps, r.newton_steps);
      }
    }
    BOOST_TEST_MESSAGE("k = " << k << ": largest residual " << worst << ", largest |X − X_brute|/|X| " << worst_diff
                               << ", Newton steps at most " << most_steps);
  }
}

BOOST_AUTO_TEST_CASE(one_direction_is_the_closed_form) {
  Rng rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const double a = rng.normal(), q = std::exp(rng.normal());
    Mat A(1, 1), Q(1, 1);
    A << a;
    Q << q;
    SdcpOptions general;
    general.shortcuts = false;
    const double want = sdcp_closed_form(a, q);
    BOOST_TEST(want == std::max(0.0, -a / q));
    BOOST_TEST(std::fabs(solve_sdcp(A, Q, general).X(0, 0) - want) <= 1e-10 * std::max(1.0, want));
    BOOST_TEST(solve_sdcp(A, Q).X(0, 0) == want);
  }
  // The central flow's form: at λ = 2/η, A = −dt·∇S·(−η∇L) and B = dt·(η/2)·‖∇S‖², so
  // X = 2⟨−∇L, ∇S⟩/‖∇S‖² (self-stabilisation's 2α/β).
  const double eta = 0.1, dt = 0.25;
  Vec g(3), dS(3);
  g << 0.3, -1.2, 0.5;
  dS << -2.0, 1.0, 0.7;
  Mat A(1, 1), Q(1, 1);
  A << -dt * dS.dot(-eta * g);
  Q << dt * (eta / 2) * dS.squaredNorm();
  BOOST_TEST(solve_sdcp(A, Q).X(0, 0) == 2 * (-g).dot(dS) / dS.squaredNorm(), boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(a_stable_margin_gives_zero) {
  Rng rng(9);
  for (long k = 1; k <= 6; ++k) {
    const Mat R = random_mat(k, k, rng);
    const Mat A = R * R.transpose();
    const SdcpResult r = solve_sdcp(A, random_q(k, 30, rng));
    BOOST_TEST(r.X.norm() == 0.0);
    BOOST_TEST(r.residual() == 0.0);
    // The general method finds the same, up to its barrier tolerance.
    SdcpOptions general;
    general.shortcuts = false;
    const SdcpResult g = solve_sdcp(A, random_q(k, 30, rng), general);
    BOOST_TEST(g.converged, "residual " << g.residual() << " steps " << g.newton_steps << " X " << g.X.norm());
    BOOST_TEST(g.residual() <= 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(an_unbounded_problem_is_reported) {
  // B = 0 along X = e₀e₀ᵀ while A pushes that way: no solution.
  Mat A = Mat::Identity(2, 2);
  A(0, 0) = -1;
  Mat Q = Mat::Zero(3, 3);
  Q(2, 2) = 1;  // only the (1, 1) entry is held
  const SdcpResult r = solve_sdcp(A, Q);
  BOOST_TEST(!r.converged);
}
