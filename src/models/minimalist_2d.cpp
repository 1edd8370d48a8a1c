// The 2-D minimalist example: closed-form loss, gradient, Hessian, third derivative and
// gradient-flow solution.
#include "eos/models/minimalist_2d.h"

#include <cmath>


namespace eos {

Minimalist2dGf minimalist_2d_gf(double lambda1, double lambda2, double alpha0, double beta1_0, double beta2_0) {
  Minimalist2dGf g;
  g.conserved = alpha0 * alpha0 - beta1_0 * beta1_0 - beta2_0 * beta2_0;
  const double root = std::hypot(g.conserved, 2.0);  // √(C² + 4)
  // α∞² = (C + √(C² + 4))/2, written without cancellation when C < 0: 2/(√(C² + 4) − C).
  g.alpha_sq = g.conserved >= 0 ? (g.conserved + root) / 2 : 2.0 / (root - g.conserved);
  g.beta2_sq = 1.0 / g.alpha_sq;
  g.sharpness = std::max(lambda1 * g.alpha_sq, lambda2 * root);
  return g;
}

Minimalist2d::Minimalist2d(double lambda1, double lambda2, Vec theta0)
    : l1_(lambda1), l2_(lambda2), theta0_(std::move(theta0)) {}

double Minimalist2d::loss(const Vec& t) const {
  const double a = t[0], b1 = t[1], b2 = t[2];
  const double r = a * b2 - 1;
  return 0.5 * l1_ * a * a * b1 * b1 + 0.5 * l2_ * r * r;
}

Mat Minimalist2d::hessian(const Vec& t) const {
  const double a = t[0], b1 = t[1], b2 = t[2];
  Mat H(3, 3);
  H << l1_ * b1 * b1 + l2_ * b2 * b2, 2 * l1_ * a * b1, l2_ * (2 * a * b2 - 1),  //
      2 * l1_ * a * b1, l1_ * a * a, 0,                                        //
      l2_ * (2 * a * b2 - 1), 0, l2_ * a * a;
  return H;
}

double Minimalist2d::evaluate(const Vec& t, Vec& grad, Mat* hess) {
  const double a = t[0], b1 = t[1], b2 = t[2];
  const double r = a * b2 - 1;
  grad.resize(3);
  grad << l1_ * a * b1 * b1 + l2_ * r * b2, l1_ * a * a * b1, l2_ * r * a;
  if (hess) *hess = hessian(t);
  return loss(t);
}

void Minimalist2d::third(const Vec& t, const Vec& u, const Vec& v, Vec& out) {
  const double a = t[0], b1 = t[1], b2 = t[2];
  double T[3][3][3] = {};
  // One unique entry (index multiset {i, j, k}) written into all its permutations.
  const auto set = [&T](int i, int j, int k, double x) {
    T[i][j][k] = T[i][k][j] = T[j][i][k] = T[j][k][i] = T[k][i][j] = T[k][j][i] = x;
  };
  set(0, 0, 1, 2 * l1_ * b1);
  set(0, 1, 1, 2 * l1_ * a);
  set(0, 0, 2, 2 * l2_ * b2);
  set(0, 2, 2, 2 * l2_ * a);
  out = Vec::Zero(3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) out[k] += T[i][j][k] * u[i] * v[j];
}

void Minimalist2d::track(const Vec& t, double* out) const {
  out[0] = t[0];
  out[1] = t[1];
  out[2] = t[2];
  out[3] = t[0] * t[0] - t[1] * t[1] - t[2] * t[2];
}

namespace {

Minimalist2dGf gf_of(const Params& p) {
  return minimalist_2d_gf(p.real("lambda1"), p.real("lambda2"), p.real("alpha0"), p.real("beta1_0"), p.real("beta2_0"));
}

std::unique_ptr<Model> make_minimalist_2d(const Params& p) {
  Vec theta0(3);
  theta0 << p.real("alpha0"), p.real("beta1_0"), p.real("beta2_0");
  return std::make_unique<Minimalist2d>(p.real("lambda1"), p.real("lambda2"), theta0);
}

// gf_sharpness (the sharpness of the gradient-flow solution from θ₀) and gf_alpha_sq (its α²).
void predict_minimalist_2d(const Params& p, double* out) {
  const auto gf = gf_of(p);
  out[0] = gf.sharpness;
  out[1] = gf.alpha_sq;
}

}  // namespace

ModelInfo minimalist_2d_info() {
  return {.name = "minimalist-2d", .doc = "f = α(β₁x₁ + β₂x₂), loss ½λ₁α²β₁² + ½λ₂(αβ₂ − 1)² (Liu et al.); eta* = 2/(sharpness of the GF solution)",
      .keys = {
          {.name = "lambda1", .default_value = "4", .doc = "variance λ₁ of the irrelevant input x₁", .axis = true, .min = 0,
           .min_exclusive = true, .label = "λ₁"},
          {.name = "lambda2", .default_value = "1", .doc = "variance λ₂ of the relevant input x₂ (the target is y = x₂)",
           .axis = true, .min = 0, .min_exclusive = true, .label = "λ₂"},
          {.name = "alpha0", .default_value = "0.1", .doc = "initial α", .axis = true, .label = "α₀"},
          {.name = "beta1_0", .default_value = "0.1", .doc = "initial β₁", .axis = true, .label = "β₁(0)"},
          {.name = "beta2_0", .default_value = "0.1", .doc = "initial β₂", .axis = true, .label = "β₂(0)"},
      },
      .tracked = {"alpha", "beta1", "beta2", "balance"},
      .theory = {"gf_sharpness", "gf_alpha_sq"},
      .predict = predict_minimalist_2d,
      .diagnostics = {"eos_loss_peak"},  // the largest loss once η·S/2 ≥ 1 (the EoS phase)
      // EoS is predicted exactly when the gradient-flow solution is unstable: η > 2/S_GF.
      .eta_star = [](const Params& p) { return 2.0 / gf_of(p).sharpness; },
      .eta_star_formula = "2/S_GF",
      .eta_star_stability = true,
      .labels = {{"alpha", "α"},
                 {"beta1", "β₁"},
                 {"beta2", "β₂"},
                 {"balance", "α² − β₁² − β₂²"},
                 {"gf_sharpness", "S_GF, sharpness of the gradient-flow solution"},
                 {"gf_alpha_sq", "α² of the gradient-flow solution"},
                 {"eos_loss_peak", "largest loss in the EoS phase"}},
      .dim = [](const Params&) { return 3L; },
      .make = make_minimalist_2d,
  };
}

}  // namespace eos
