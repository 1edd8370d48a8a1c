// The central flow's step: Euler substeps that each solve the tracked eigenpairs, the third-
// derivative products of the critical ones, and the SDCP for the oscillation's covariance.
#include "eos/gd/central_flow.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eos/numerics/sdcp.h"

namespace eos {
namespace {

// The SDCP of one substep from the projected Hessian M on the critical eigenvectors: A and Q (B in
// svec coordinates) as in the header; T holds Tᵢⱼ at svec position (i, j).
void sdcp_problem(const Mat& M, const std::vector<Vec>& T, const Vec& g, double eta, double dt, Mat& A, Mat& Q) {
  const long k = M.rows(), n = svec_size(k);
  A.resize(k, k);
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j) {
      // the substep's change of uᵢᵀHuⱼ along the stable velocity −ηg
      const double drift = dt * T[static_cast<std::size_t>(svec_index(k, i, j))].dot(-eta * g);
      A(i, j) = A(j, i) = (i == j ? 2 / eta : 0.0) - 0.5 * (M(i, j) + M(j, i)) - drift;
    }
  // svec(B[X]) = Q·svec(X): Q_pq = dt·(η/2)·√m_p·√m_q·(T_p·T_q).
  Vec root(n);
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j) root[svec_index(k, i, j)] = i == j ? 1.0 : M_SQRT2;
  Q.resize(n, n);
  for (long p = 0; p < n; ++p)
    for (long q = p; q < n; ++q)
      Q(p, q) = Q(q, p) = dt * (eta / 2) * root[p] * root[q] * T[static_cast<std::size_t>(p)].dot(T[static_cast<std::size_t>(q)]);
}

}  // namespace

CentralFlow::CentralFlow(Model& model, Vec w0, double eta, CentralFlowOptions opt)
    : model_(model), w_(std::move(w0)), eta_(eta), opt_(opt) {
  if (!model_.has_third()) throw std::invalid_argument("central flow: the model offers no third derivatives");
  if (!(eta > 0)) throw std::invalid_argument("central flow: eta must be positive");
  if (opt_.substeps < 1) throw std::invalid_argument("central flow: substeps must be at least 1");
  if (opt_.max_tracked < 1 || opt_.max_tracked > 6) throw std::invalid_argument("central flow: max_tracked must be in 1..6");
  tracked_ = std::clamp<long>(opt_.initial_tracked, 1, std::min<long>(opt_.max_tracked, w_.size()));
}

void CentralFlow::solve_eigs(CentralFlowRecord& rec) {
  for (;;) {
    TopEigen e = top_eigenpairs(model_, w_, tracked_, block_, opt_.eigs);
    rec.hvps += e.hvps;
    rec.dense += e.dense;
    rec.eigs_converged = rec.eigs_converged && e.converged;
    values_ = e.values;
    vectors_ = e.vectors;
    block_ = e.block;
    const bool grow = values_[tracked_ - 1] > opt_.track / eta_ && tracked_ < opt_.max_tracked && tracked_ < w_.size();
    if (!grow) break;
    ++tracked_;  // an eigenvalue may be near the edge beyond the tracked set: track one more
  }
  critical_ = 0;
  while (critical_ < tracked_ && values_[critical_] > opt_.critical / eta_) ++critical_;
}

Mat CentralFlow::projected_hessian(long k, CentralFlowRecord& rec) {
  Mat HU(w_.size(), k);
  Vec out;
  for (long i = 0; i < k; ++i) {
    model_.hvp(w_, vectors_.col(i), out);
    HU.col(i) = out;
    ++rec.hvps;
  }
  return vectors_.leftCols(k).transpose() * HU;
}

void CentralFlow::substep(double dt, bool first, CentralFlowRecord& rec) {
  Vec g;
  const double loss = model_.evaluate(w_, g, nullptr);
  ++rec.gradients;
  if (first || opt_.eigs_every_substep) solve_eigs(rec);
  const long k = critical_;
  if (first) {
    rec.loss = rec.predicted_loss = loss;
    rec.sharpness = values_[0];
    rec.critical = static_cast<int>(k);
    rec.tracked = static_cast<int>(tracked_);
  }
  if (k == 0) {
    w_ -= dt * eta_ * g;
    return;
  }
  const bool fresh = first || opt_.eigs_every_substep;
  const Mat M = fresh ? Mat(values_.head(k).asDiagonal()) : projected_hessian(k, rec);
  // The third-derivative products of the critical pairs, in svec order.
  std::vector<Vec> T;
  model_.third_pairs(w_, vectors_.leftCols(k), T);
  rec.thirds += svec_size(k);
  Mat A, Q;
  sdcp_problem(M, T, g, eta_, dt, A, Q);
  const SdcpResult x = solve_sdcp(A, Q);
  rec.sdcp_residual = std::max(rec.sdcp_residual, x.residual());
  Vec velocity = -eta_ * g;
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j)
      velocity -= (eta_ / 2) * (i == j ? 1.0 : 2.0) * x.X(i, j) * T[static_cast<std::size_t>(svec_index(k, i, j))];
  w_ += dt * velocity;
  if (first) {
    const Eigen::SelfAdjointEigenSolver<Mat> es(x.X);  // eigenvalues ascending
    const Vec& sig = es.eigenvalues();
    rec.sigma2.assign(sig.data(), sig.data() + sig.size());
    std::sort(rec.sigma2.rbegin(), rec.sigma2.rend());
    rec.top_direction = vectors_.leftCols(k) * es.eigenvectors().col(k - 1);
    rec.predicted_loss = loss + x.X.trace() / eta_;
  }
}

const CentralFlowRecord& CentralFlow::step() {
  CentralFlowRecord rec;
  rec.step = steps_;
  const double dt = 1.0 / opt_.substeps;
  for (int s = 0; s < opt_.substeps; ++s) substep(dt, s == 0, rec);
  ++steps_;
  last_ = std::move(rec);
  return last_;
}

void CentralFlow::save(StateWriter& w) const {
  w.put(w_);
  w.put(steps_);
  w.put(tracked_);
  w.put(block_);
}

void CentralFlow::load(StateReader& r) {
  r.get(w_);
  r.get(steps_);
  r.get(tracked_);
  r.get(block_);
}

}  // namespace eos
