// The central flow of gradient descent (Cohen, Damian et al., ICLR 2025; SCIENCE.md §11): the ODE
// that follows the time-average of GD's oscillating trajectory at the edge of stability, advanced
// one GD step's worth of time (η) at a time as a companion of a GD run from the same θ₀.
//
// Time is counted in GD steps (t = η·step in GD's own time). One step is `substeps` Euler substeps
// of dt = 1/substeps. At the first substep the tracked top eigenpairs (λᵢ, uᵢ) of H(w) are solved,
// warm-started from the last step's block (the tracked set grows, up to max_tracked, while its
// smallest eigenvalue is above track/η), and the critical set is fixed for the step: the tracked
// λᵢ > critical/η. Each substep then:
//   1. g = ∇L(w); M = UᵀH(w)U on the critical eigenvectors U: diag(λ) at the first substep, the
//      Rayleigh quotients (k HVPs) at the others (or a fresh solve at every substep when
//      eigs_every_substep). An empty critical set: a gradient-flow substep w ← w − dt·η·g.
//   2. Tᵢⱼ = ∇_w(uᵢᵀH uⱼ) for i ≤ j (Model::third).
//   3. X solves the SDCP (numerics/sdcp.h) with A = (2/η)I − M − dt·[Tᵢⱼ·(−ηg)] (the stability
//      margin one substep ahead) and B[X]ᵢⱼ = dt·(η/2)·Σₖₗ (Tᵢⱼ·Tₖₗ)·mₖₗ·Xₖₗ, m = 1 on and 2 off
//      the diagonal.
//   4. w ← w + dt·(−ηg − (η/2)·Σ_{i≤j} mᵢⱼ·Xᵢⱼ·Tᵢⱼ).
// Units: X is the covariance of GD's oscillation around w in the basis of the critical
// eigenvectors, in parameter units (θ²): Σ = U X Uᵀ. The predicted time-averaged loss is
// L(w) + tr(X)/η, i.e. L(w) + ½⟨H, Σ⟩ with H = 2/η on the oscillation's span (the authors'
// `L + Σ_eig.sum()/lr`); its eigenvalues are the predicted variances along Σ's eigenvectors.
// Needs only the model (loss, gradient, HVPs, third derivatives): no GD run, observer or file.
#pragma once
#include <vector>

#include "eos/gd/central_flow_eigs.h"
#include "eos/gd/state_io.h"
#include "eos/model/model.h"

namespace eos {

struct CentralFlowOptions {
  int substeps = 4;          // Euler substeps per GD step (dt = 1/substeps)
  double critical = 1.95;    // critical set: λ > critical/η
  double track = 1.5;        // the tracked set grows while its smallest λ > track/η
  int initial_tracked = 1;   // eigenpairs tracked from the start
  int max_tracked = 6;       // k ≤ 6 (the SDCP has k(k+1)/2 unknowns)
  bool eigs_every_substep = false;  // solve the eigenpairs at every substep (the PyTorch fork's
                                    // minimal.py) instead of once per step plus Rayleigh quotients
  TopEigenOptions eigs;      // the eigen-solver's settings
};

// What one step shows, measured at its start (time t, the point w(t)), as GD's step t shows θ_t.
struct CentralFlowRecord {
  long step = 0;              // t in GD steps (time η·t in GD's units)
  double loss = 0;            // L(w)
  double predicted_loss = 0;  // L(w) + tr(X)/η: GD's predicted time-averaged loss (cf_loss)
  double sharpness = 0;       // λ₁(H(w)) (cf_sharpness)
  std::vector<double> sigma2; // eigenvalues of X, largest first (empty off the edge)
  double sigma2_max() const { return sigma2.empty() ? 0.0 : sigma2.front(); }  // cf_sigma2
  Vec top_direction;          // the unit eigenvector of Σ = UXUᵀ for sigma2_max, in parameter space
                              // (empty off the edge): GD's swing about w is predicted along it
  int critical = 0;           // size of the critical set at the first substep
  int tracked = 0;            // eigenpairs tracked at the first substep
  // Costs of the whole step (all substeps): gradients, HVPs (eigen-solves), third-derivative
  // products, dense Hessians (small models), and the largest SDCP residual (numerics/sdcp.h).
  long gradients = 0, hvps = 0, thirds = 0, dense = 0;
  double sdcp_residual = 0;
  bool eigs_converged = true;
};

class CentralFlow {
 public:
  // Throws std::invalid_argument for a model without third derivatives (Model::has_third) or
  // bad options.
  CentralFlow(Model& model, Vec w0, double eta, CentralFlowOptions opt = {});
  // Advance by one GD step's worth of time; the record is of the point where the step began.
  const CentralFlowRecord& step();
  const CentralFlowRecord& last() const { return last_; }
  const Vec& w() const { return w_; }
  long steps() const { return steps_; }
  double eta() const { return eta_; }
  // Its state between steps (checkpoints): w, the time, the tracked set and the warm block.
  void save(StateWriter& w) const;
  void load(StateReader& r);

 private:
  // One Euler substep of length dt (in steps); fills rec's per-substep fields when first.
  void substep(double dt, bool first, CentralFlowRecord& rec);
  // The tracked eigenpairs at w_ into values_/vectors_, growing the tracked set as needed, and
  // the critical set's size into critical_.
  void solve_eigs(CentralFlowRecord& rec);
  // M = UᵀH(w_)U on the k critical eigenvectors (k HVPs).
  Mat projected_hessian(long k, CentralFlowRecord& rec);

  Model& model_;
  Vec w_;
  double eta_;
  CentralFlowOptions opt_;
  long steps_ = 0;
  long tracked_, critical_ = 0;
  Vec values_;
  Mat vectors_, block_;  // the tracked eigenvectors, and the solver's block (the warm start)
  CentralFlowRecord last_;
};

}  // namespace eos
