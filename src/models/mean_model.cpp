// The mean model: loss, gradient, exact 3×3 Hessian and third derivative, and the theory's
// limiting bias.
#include "eos/models/mean_model.h"

#include <cmath>

#include "eos/models/chain_third.h"
#include "eos/models/sparse_coding.h"

namespace eos {

namespace {
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // φ(0) = g(0)
double phi(double x) { return kInvSqrt2Pi * std::exp(-0.5 * x * x); }
double Phi(double x) { return 0.5 * std::erfc(-x / M_SQRT2); }
}  // namespace

double mean_model_g(double b) {
  if (b >= 0) return b * Phi(b) + phi(b);
  // b = −x < 0: g = φ(x) − x·Φ̄(x); erfc keeps Φ̄ accurate in relative terms, and the
  // cancellation costs only a factor ≈ x² (g ≈ φ(x)/x²) of relative accuracy.
  const double x = -b;
  return std::max(0.0, phi(x) - x * 0.5 * std::erfc(x / M_SQRT2));
}

double mean_model_bias_theory(double d, double eta) {
  const double c = 2.0 / (d * std::sqrt(eta));
  if (!(c < kInvSqrt2Pi)) return 0.0;  // η ≤ 8π/d²: the gradient-flow regime
  // g is increasing with g(0) > c and g(b) → 0 as b → −∞: bracket the root, then bisect.
  double hi = 0.0, lo = -1.0;
  while (mean_model_g(lo) > c && lo > -64) {
    hi = lo;
    lo *= 2;
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, -lo); ++it) {
    const double mid = 0.5 * (lo + hi);
    (mean_model_g(mid) > c ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

SymLogistic::SymLogistic(double s) {
  const double a = std::fabs(s);
  const double e = std::exp(-a);  // in (0, 1]
  // log(2cosh(s/2)) = |s|/2 + log1p(e^{−|s|}); tanh(|s|/2) = (1 − e)/(1 + e).
  value = 0.5 * a + std::log1p(e);
  const double t = -std::expm1(-a) / (1.0 + e);
  d1 = 0.5 * std::copysign(t, s);
  d2 = e / ((1.0 + e) * (1.0 + e));  // ¼·sech²(s/2)
  d3 = -2 * d1 * d2;                  // −¼·tanh(s/2)·sech²(s/2)
}

MeanModel::MeanModel(double d, Vec theta0) : d_(d), theta0_(std::move(theta0)) {}

double MeanModel::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  const double asum = theta[0] + theta[1], b = theta[2];
  const double g = mean_model_g(b), gp = Phi(b), gpp = phi(b);
  const double s = d_ * asum * g;
  const SymLogistic l(s);
  // ∇s = d·(g, g, (a₋ + a₊)·Φ(b)); ∂²s/∂a±∂b = d·Φ(b), ∂²s/∂b² = d·(a₋ + a₊)·φ(b).
  const double s0 = d_ * g, s2 = d_ * asum * gp;
  grad.resize(3);
  grad << l.d1 * s0, l.d1 * s0, l.d1 * s2;
  if (hess) {
    hess->resize(3, 3);
    const double h00 = l.d2 * s0 * s0, h02 = l.d2 * s0 * s2 + l.d1 * d_ * gp, h22 = l.d2 * s2 * s2 + l.d1 * d_ * asum * gpp;
    *hess << h00, h00, h02, h00, h00, h02, h02, h02, h22;
  }
  return l.value;
}

void MeanModel::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  using V3 = Eigen::Vector3d;
  const double asum = theta[0] + theta[1], b = theta[2];
  const double g = mean_model_g(b), gp = Phi(b), gpp = phi(b), gppp = -b * phi(b);
  const SymLogistic l(d_ * asum * g);
  const V3 ds(d_ * g, d_ * g, d_ * asum * gp), uu(u[0], u[1], u[2]), vv(v[0], v[1], v[2]);
  Eigen::Matrix3d d2s;
  d2s << 0, 0, d_ * gp, 0, 0, d_ * gp, d_ * gp, d_ * gp, d_ * asum * gpp;
  // D³s: ∂³s/∂a±∂b² = d·φ(b), ∂³s/∂b³ = d·(a₋ + a₊)·g'''(b); every other entry is zero.
  const double ua = u[0] + u[1], va = v[0] + v[1];
  const double aab = d_ * gpp * u[2] * v[2];
  const V3 d3s(aab, aab, d_ * gpp * (ua * v[2] + u[2] * va) + d_ * asum * gppp * u[2] * v[2]);
  out = chain_third<V3>(l.d1, l.d2, l.d3, ds, d2s, d3s, uu, vv);
}

void MeanModel::track(const Vec& theta, double* out) const {
  out[0] = theta[2];
  out[1] = d_ * (theta[0] + theta[1]);
}

void MeanModel::report(const Vec& theta, double* out) {
  out[0] = theta[0];
  out[1] = theta[1];
}

void mean_model_predict(const Params& p, double* out) {
  const double d = static_cast<double>(p.integer("d"));
  const double b = mean_model_bias_theory(d, p.real("eta"));
  const double g = mean_model_g(b);
  out[0] = b;
  out[1] = d * d * g * g / 2;
}

namespace {

std::unique_ptr<Model> make_mean_model(const Params& p) {
  const long d = p.integer("d"), seed = p.integer("seed");
  const Vec theta0 = sparse_coding_start(seed, d, p.real("init_scale"), p.real("b0"));
  return std::make_unique<MeanModel>(static_cast<double>(d), theta0);
}

}  // namespace

ModelInfo mean_model_info() {
  return {.name = "mean-model", .doc = "mean model of the sparse-coding network: l_sym(d (a- + a+) g(b)) (Ahn et al., section 3)",
      .keys = {
          {.name = "d", .type = KeyType::Integer, .default_value = "200",
           .doc = "dimension (scales the model; eta* = 8 pi/d^2)", .axis = true, .min = 1},
          {.name = "seed", .type = KeyType::Integer, .default_value = "0", .doc = "seed of the initialisation", .axis = true,
           .min = 0},
          {.name = "init_scale", .default_value = "1", .doc = "a± ~ N(0, init_scale²/(2d))", .axis = true, .min = 0},
          {.name = "b0", .default_value = "0", .doc = "initial bias b₀", .axis = true, .label = "b₀"},
      },
      .tracked = {"bias", "d_asum"},
      .theory = {"bias_theory", "sharpness_theory"},
      .predict = mean_model_predict,
      .reports = {"a_minus", "a_plus"},
      .eta_star = sparse_coding_eta_star,
      .eta_star_formula = "8π/d²",
      .eta_star_stability = true,
      .labels = sparse_coding_labels(
          {{"bias_theory", "limiting bias b∞ (theory)"}, {"sharpness_theory", "sharpness at b∞ (theory)"}}),
      .trace_panels = {"loss", "d_asum", "sharpness", "bias"},
      .step_cost = [](const Params&) { return 1.0; },
      .dim = [](const Params&) { return 3L; },
      .make = make_mean_model,
  };
}

}  // namespace eos
