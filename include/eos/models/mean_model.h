// The mean model (docs/science.md §4): the sparse-coding network with its noise sums replaced by
// their expectations, L(a₋, a₊, b) = ℓ_sym(d·(a₋ + a₊)·g(b)), g(b) = bΦ(b) + φ(b).
#pragma once
#include "eos/model/model.h"

namespace eos {

// g(b) = E ReLU(z + b), z ~ N(0, 1), accurate in relative terms for very negative b.
double mean_model_g(double b);
// The theory's limiting bias for step size eta in dimension d: 0 when eta <= 8π/d², else the
// root of g(b) = 2/(d·√eta) (bracketed bisection, to machine precision).
double mean_model_bias_theory(double d, double eta);

// The symmetrised logistic loss ℓ_sym(s) = log(2cosh(s/2)) and its first three derivatives.
struct SymLogistic {
  double value, d1, d2, d3;
  explicit SymLogistic(double s);
};

class MeanModel final : public Model {
 public:
  // theta0 = (a₋, a₊, b).
  MeanModel(double d, Vec theta0);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // Through s = d·(a₋ + a₊)·g(b), g' = Φ, g'' = φ, g''' = −bφ (chain_third.h).
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  void track(const Vec& theta, double* out) const override;  // bias, d_asum = d·(a₋ + a₊)
  void report(const Vec& theta, double* out) override;       // a_minus, a_plus

 private:
  double d_;
  Vec theta0_;
};

// The theory columns of a point (keys d, eta): bias_theory (0 or the root of g(b) = 2/(d√η)) and
// sharpness_theory = d²g(bias_theory)²/2, the Hessian's top eigenvalue at a minimiser with that bias.
void mean_model_predict(const Params& p, double* out);

ModelInfo mean_model_info();

}  // namespace eos
