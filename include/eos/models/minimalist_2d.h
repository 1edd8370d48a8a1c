// Model B (SCIENCE.md 6B): the minimalist example of progressive sharpening and EoS, f(x) = α(β₁x₁ + β₂x₂)
// with population loss ½λ₁α²β₁² + ½λ₂(αβ₂ − 1)², θ = (α, β₁, β₂), and its gradient-flow theory.
#pragma once
#include <limits>

#include "eos/model/model.h"

namespace eos {

// The gradient-flow solution from θ₀. GF conserves C = α² − β₁² − β₂² and converges to a
// minimiser (β₁ = 0, αβ₂ = 1), so α∞² − 1/α∞² = C: α∞² = (C + √(C² + 4))/2, β₂∞² = 1/α∞².
// The Hessian there has eigenvalues λ₁α∞², λ₂(α∞² + β₂∞²) = λ₂√(C² + 4) and 0.
struct Minimalist2dGf {
  double conserved;  // C
  double alpha_sq;   // α∞²
  double beta2_sq;   // β₂∞²
  double sharpness;  // max(λ₁α∞², λ₂√(C² + 4))
};
Minimalist2dGf minimalist_2d_gf(double lambda1, double lambda2, double alpha0, double beta1_0, double beta2_0);

class Minimalist2d final : public Model {
 public:
  // eta is used only to place the edge 2/η for the eos_loss_peak observable.
  Minimalist2d(double lambda1, double lambda2, Vec theta0, double eta);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // alpha, beta1, beta2, balance = α² − β₁² − β₂². Also follows the run for eos_loss_peak: the
  // runner calls track() once per GD step, in order, on a model built for that run.
  void track(const Vec& theta, double* out) const override;
  // gf_sharpness (the sharpness of the gradient-flow solution from θ₀), gf_alpha_sq (its α²),
  // eos_loss_peak (the largest loss from the first step with η·S/2 ≥ 1 on; NaN if never).
  void report(const Vec& theta, double* out) override;

  double loss(const Vec& theta) const;
  Mat hessian(const Vec& theta) const;

 private:
  double l1_, l2_, eta_;
  Vec theta0_;
  mutable bool at_edge_ = false;
  mutable double eos_peak_ = std::numeric_limits<double>::quiet_NaN();
};

ModelInfo minimalist_2d_info();

}  // namespace eos
