// Sharpness: the largest (algebraic) eigenvalue of the loss Hessian, from the dense Hessian for
// small models, or over Hessian-vector products for large ones: by Lanczos (Spectra, warm-started
// from one vector) or by the block solver (numerics/block_eigen.h, warm-started from the last
// solve's block of Ritz vectors); and of the preconditioned Hessian DHD, D = P^{−½} diagonal (an
// adaptive method's), the same ways.
#pragma once
#include <string>
#include <vector>

#include "eos/gd/state_io.h"
#include "eos/model/model.h"
#include "eos/numerics/block_eigen.h"
#include "eos/numerics/lanczos.h"

namespace eos {

// The products of the model's Hessian at theta, or with d of DHD (D = diag(d)); theta and d must
// outlive the callable.
HessianProduct hessian_product(Model& model, const Vec& theta, const Vec* d = nullptr);
// Lanczos over the model's Hessian-vector products at theta (dim parameters); with d, over the
// products of DHD (D = diag(d)).
LanczosResult lanczos_sharpness(Model& model, const Vec& theta, long dim, const Vec& warm,
                                const LanczosOptions& opt = {}, const Vec* d = nullptr);

class SharpnessEstimator {
 public:
  // solver: "dense", "lanczos", "block", "check" (dense and lanczos, recording their difference),
  // "auto" (dense when dim <= cutoff, else lanczos) or "auto-block" (dense or block).
  // eigs: how many of the top eigenvalues each estimate keeps (last_values).
  SharpnessEstimator(Model& model, long dim, const std::string& solver, long cutoff, long eigs = 1);
  // Whether estimate() wants the dense Hessian of the same point (so the runner can ask the
  // model for it in the same pass as the gradient).
  bool wants_dense() const { return dense_ || check_; }
  // Top eigenvalue at theta; hess is the dense Hessian there when wants_dense(). With d, the top
  // eigenvalue of DHD (D = diag(d)) instead: keep one estimator for each operator, so that each
  // keeps its own warm start.
  double estimate(const Vec& theta, const Mat* hess, const Vec* d = nullptr);
  // Hessian-vector products used by the last Lanczos or block estimate (0 for dense).
  long last_hvps() const { return last_hvps_; }
  // The top eigenvalues of the last estimate, largest first (eigs of them; NaN where unknown).
  const std::vector<double>& last_values() const { return last_values_; }
  long total_hvps() const { return total_hvps_; }
  long lanczos_estimates() const { return lanczos_estimates_; }
  // Largest relative difference |dense − lanczos| / |dense| seen in check mode.
  double check_diff() const { return check_diff_; }
  bool uses_lanczos() const { return !dense_ || check_; }
  // The warm starts and counts between estimates (checkpoints): a restored estimator gives the
  // same next estimate.
  void save(StateWriter& w) const;
  void load(StateReader& r);
  // The warm starts alone (a saved state's), and set from one (a branch's) when they fit.
  const Vec& warm() const { return warm_; }
  const Mat& warm_block() const { return warm_block_; }
  void set_warm(const Vec& warm, const Mat& block);

 private:
  double lanczos(const Vec& theta, const Vec* d);
  double block(const Vec& theta, const Vec* d);
  void count(long hvps);
  Model& model_;
  long dim_, eigs_;
  std::vector<double> last_values_;
  bool dense_ = true, check_ = false, block_ = false;
  Vec warm_;         // previous top eigenvector (Lanczos warm start)
  Mat warm_block_;   // previous Ritz vectors (block warm start)
  BlockEigenWork block_work_;  // the block solver's basis, kept between solves when small
  long last_hvps_ = 0, total_hvps_ = 0, lanczos_estimates_ = 0;
  double check_diff_ = 0;
};

}  // namespace eos
