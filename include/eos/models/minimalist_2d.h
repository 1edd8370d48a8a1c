// Model B (docs/science.md §7.2): the minimalist example of progressive sharpening and EoS, f(x) = α(β₁x₁ + β₂x₂)
// with population loss ½λ₁α²β₁² + ½λ₂(αβ₂ − 1)², θ = (α, β₁, β₂), and its gradient-flow theory.
#pragma once
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
  Minimalist2d(double lambda1, double lambda2, Vec theta0);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // The loss is a polynomial: its third derivative has the four entries ∂³/∂α²∂β₁ = 2λ₁β₁,
  // ∂³/∂α∂β₁² = 2λ₁α, ∂³/∂α²∂β₂ = 2λ₂β₂, ∂³/∂α∂β₂² = 2λ₂α (and their permutations).
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  // alpha, beta1, beta2, balance = α² − β₁² − β₂².
  void track(const Vec& theta, double* out) const override;

  double loss(const Vec& theta) const;
  Mat hessian(const Vec& theta) const;

 private:
  double l1_, l2_;
  Vec theta0_;
};

ModelInfo minimalist_2d_info();

}  // namespace eos
