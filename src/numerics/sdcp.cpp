// The SDCP solver: svec coordinates, the shortcuts, and the barrier method on the normalised problem
// (‖A‖_F = 1, λ_max(Q) = 1): minimise t·f(X) − log det X by damped Newton steps for t = 1, 10,
// 100, … until the duality gap k/t is below the tolerance.
#include "eos/numerics/sdcp.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace eos {
namespace {

constexpr double kTiny = 1e-300;
constexpr double kGrowth = 10;  // t grows tenfold per stage

double min_eigenvalue(const Mat& sym) {
  if (sym.rows() == 0) return 0;
  return Eigen::SelfAdjointEigenSolver<Mat>(sym, Eigen::EigenvaluesOnly).eigenvalues()[0];
}

// The Hessian of −log det X in svec coordinates: the map D ↦ X⁻¹DX⁻¹, column by column.
Mat logdet_hessian(const Mat& Xinv) {
  const long k = Xinv.rows(), n = svec_size(k);
  Mat H(n, n);
  Vec e = Vec::Zero(n);
  for (long c = 0; c < n; ++c) {
    e[c] = 1;
    H.col(c) = svec(Xinv * smat(e, k) * Xinv);
    e[c] = 0;
  }
  return H;
}

// The barrier function t·(½xᵀQx + aᵀx) − log det smat(x); false when smat(x) is not positive definite.
bool barrier(const Vec& x, const Vec& a, const Mat& Q, double t, long k, double& value) {
  const Eigen::LLT<Mat> llt(smat(x, k));
  if (llt.info() != Eigen::Success) return false;
  const Vec d = llt.matrixLLT().diagonal();  // L's diagonal, copied (a view of a temporary would dangle)
  if ((d.array() <= 0).any() || !d.allFinite()) return false;
  value = t * (0.5 * x.dot(Q * x) + a.dot(x)) - 2 * d.array().log().sum();
  return std::isfinite(value);
}

// The largest s ≤ 1 with X + s·D positive definite, times 0.9 (X = LLᵀ positive definite).
double step_to_boundary(const Mat& X, const Mat& D) {
  const Eigen::LLT<Mat> llt(X);
  const Mat L = llt.matrixL();
  const Mat M = L.triangularView<Eigen::Lower>().solve(L.triangularView<Eigen::Lower>().solve(D).transpose());
  const double lo = Eigen::SelfAdjointEigenSolver<Mat>(0.5 * (M + M.transpose()), Eigen::EigenvaluesOnly).eigenvalues()[0];
  return lo >= 0 ? 1.0 : std::min(1.0, 0.9 / -lo);
}

// A step along the central path's tangent from t to next (the predictor): on the path
// t·S(X) = X⁻¹, so (tQ + K(X⁻¹))·dx/dt = −svec(S); as far as 0.9 of the way to the cone's boundary.
void predict(Vec& x, const Vec& a, const Mat& Q, double t, double next, long k) {
  const Mat X = smat(x, k);
  const Mat Xinv = X.llt().solve(Mat::Identity(k, k));
  const Vec dx = -(t * Q + logdet_hessian(Xinv)).ldlt().solve(Q * x + a) * (next - t);
  if (!dx.allFinite()) return;
  x += step_to_boundary(X, smat(dx, k)) * dx;
}

// The normalised problem by the barrier method; x starts at svec(I). Inside the region of quadratic
// convergence (Newton decrement below ½) the full step is taken, which self-concordance keeps
// positive definite; outside it a backtracking line search.
Vec barrier_method(const Vec& a, const Mat& Q, long k, const SdcpOptions& opt, int& steps, bool& ok) {
  Vec x = svec(Mat::Identity(k, k));
  steps = 0;
  ok = false;
  for (double t = 1;; t *= kGrowth) {
    const bool last = static_cast<double>(k) / t <= opt.tol;
    if (t > 1) predict(x, a, Q, t / kGrowth, t, k);
    double previous = INFINITY;  // the last decrement: at the last stage it stalls at the rounding level
    for (int inner = 0; inner < 60; ++inner) {
      if (steps >= opt.max_newton) return x;
      const Mat Xinv = smat(x, k).llt().solve(Mat::Identity(k, k));
      const Vec g = t * (Q * x + a) - svec(Xinv);
      const Mat H = t * Q + logdet_hessian(Xinv);
      const Vec dx = -H.ldlt().solve(g);
      const double dec2 = -g.dot(dx);  // the Newton decrement squared
      if (!dx.allFinite() || !std::isfinite(dec2)) return x;
      if (dec2 <= (last ? 1e-20 : 1e-6) || (dec2 < 1e-6 && dec2 >= 0.5 * previous)) break;
      previous = dec2;
      ++steps;
      double now = 0, next = 0;
      if (dec2 < 0.25 && barrier(x + dx, a, Q, t, k, next)) {
        x += dx;
      } else {
        barrier(x, a, Q, t, k, now);
        double step = 1;
        while (step > 1e-20 && !(barrier(x + step * dx, a, Q, t, k, next) && next <= now - 0.25 * step * dec2)) step *= 0.5;
        if (step <= 1e-20) break;  // no progress possible at this precision
        x += step * dx;
      }
      if (!(x.norm() < 1e15)) return x;  // unbounded: B does not hold the problem
    }
    if (last) break;
  }
  ok = true;
  return x;
}

}  // namespace

long svec_size(long k) { return k * (k + 1) / 2; }

long svec_index(long k, long i, long j) {
  if (i > j) std::swap(i, j);
  return i * k - i * (i - 1) / 2 + (j - i);
}

Vec svec(const Mat& X) {
  const long k = X.rows();
  Vec x(svec_size(k));
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j) x[svec_index(k, i, j)] = i == j ? X(i, i) : M_SQRT2 * 0.5 * (X(i, j) + X(j, i));
  return x;
}

Mat smat(const Vec& x, long k) {
  Mat X(k, k);
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j) X(i, j) = X(j, i) = i == j ? x[svec_index(k, i, j)] : x[svec_index(k, i, j)] / M_SQRT2;
  return X;
}

double SdcpResult::residual() const { return std::max({x_violation, s_violation, gap}); }

double sdcp_closed_form(double a, double q) { return a >= 0 ? 0.0 : -a / q; }

SdcpResult sdcp_check(const Mat& A, const Mat& Q, const Mat& X) {
  const long k = A.rows();
  SdcpResult r;
  r.X = X;
  const Mat BX = smat(Q * svec(X), k);
  const Mat S = A + BX;
  // Scales: the problem's own size of X, ‖A‖_F/λ_max(Q) (or ‖X‖_F when larger), and of S.
  const double beta = Eigen::SelfAdjointEigenSolver<Mat>(Q, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
  const double xs = std::max(X.norm(), beta > 0 ? A.norm() / beta : 0.0), ss = A.norm() + BX.norm();
  r.x_violation = std::max(0.0, -min_eigenvalue(X)) / std::max(xs, kTiny);
  r.s_violation = std::max(0.0, -min_eigenvalue(S)) / std::max(ss, kTiny);
  r.gap = std::fabs((X.array() * S.array()).sum()) / std::max(xs * ss, kTiny);
  return r;
}

SdcpResult solve_sdcp(const Mat& A, const Mat& Q, const SdcpOptions& opt) {
  const long k = A.rows();
  if (k == 0) return {};
  const Mat As = 0.5 * (A + A.transpose());
  if (opt.shortcuts && min_eigenvalue(As) >= 0) return sdcp_check(As, Q, Mat::Zero(k, k));
  if (opt.shortcuts && k == 1) return sdcp_check(As, Q, Mat::Constant(1, 1, sdcp_closed_form(As(0, 0), Q(0, 0))));
  // Normalise: X = (α/β)·X̃ with α = ‖A‖_F and β = λ_max(Q); then ‖Ã‖_F = 1 and λ_max(Q̃) = 1.
  const double alpha = As.norm();
  const double beta = Eigen::SelfAdjointEigenSolver<Mat>(Q, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
  if (!(alpha > 0) || !(beta > kTiny * alpha)) {
    SdcpResult r = sdcp_check(As, Q, Mat::Zero(k, k));
    r.converged = alpha == 0;
    return r;
  }
  int steps = 0;
  bool ok = false;
  const Vec x = barrier_method(svec(As) / alpha, Q / beta, k, opt, steps, ok);
  SdcpResult r = sdcp_check(As, Q, smat(x, k) * (alpha / beta));
  r.newton_steps = steps;
  r.converged = ok && r.residual() <= 1e-9;
  return r;
}

}  // namespace eos
