// The single neuron ℓ(x·y): loss, gradient, exact 2×2 Hessian and third derivative, and the
// regime prediction.
#include "eos/models/single_neuron.h"

#include <cmath>
#include <stdexcept>

#include "eos/models/chain_third.h"

namespace eos {

NeuronLoss neuron_loss(const std::string& name) {
  if (name == "logcosh") return NeuronLoss::LogCosh;
  if (name == "sqrt") return NeuronLoss::Sqrt;
  if (name == "logistic") return NeuronLoss::Logistic;
  throw std::invalid_argument("unknown single-neuron loss '" + name + "'");
}

namespace {

// log cosh u, tanh u and sech² u without cancellation or overflow.
struct LogCosh {
  double value, tanh, sech2;
  explicit LogCosh(double u) {
    const double a = std::fabs(u);
    const double e = std::exp(-2 * a);  // in (0, 1]
    // cosh u − 1 = 2 sinh²(u/2): log1p of it is accurate for tiny u; for large u use
    // |u| − log 2 + log1p(e^{−2|u|}) (sinh would overflow).
    if (a < 1) {
      const double sh = std::sinh(0.5 * a);
      value = std::log1p(2 * sh * sh);
    } else {
      value = a - M_LN2 + std::log1p(e);
    }
    tanh = std::tanh(u);
    sech2 = 4 * e / ((1 + e) * (1 + e));
  }
};

}  // namespace

NeuronLossValue::NeuronLossValue(NeuronLoss loss, double s) {
  switch (loss) {
    case NeuronLoss::LogCosh: {
      const LogCosh l(s);
      value = l.value;
      d1 = l.tanh;
      d2 = l.sech2;
      d3 = -2 * l.tanh * l.sech2;
      break;
    }
    case NeuronLoss::Sqrt: {
      const double a = std::fabs(s);
      const double h = std::hypot(1.0, s);  // √(1 + s²) without overflow
      value = a * (a / (h + 1));           // = s²/(√(1+s²) + 1) = √(1+s²) − 1
      d1 = s / h;
      d2 = 1 / (h * h * h);
      d3 = -3 * s * d2 / (h * h);
      break;
    }
    case NeuronLoss::Logistic: {
      // 4·log(2cosh(s/2)) − 4·log 2 = 4·log cosh(s/2).
      const LogCosh l(0.5 * s);
      value = 4 * l.value;
      d1 = 2 * l.tanh;
      d2 = l.sech2;
      d3 = -l.tanh * l.sech2;  // d/ds sech²(s/2)
      break;
    }
  }
}

SingleNeuron::SingleNeuron(NeuronLoss loss, double x0, double y0) : loss_(loss), x0_(x0), y0_(y0) {}

Vec SingleNeuron::initial() const {
  Vec t(2);
  t << x0_, y0_;
  return t;
}

double SingleNeuron::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  const double x = theta[0], y = theta[1];
  const NeuronLossValue l(loss_, x * y);
  grad.resize(2);
  grad << l.d1 * y, l.d1 * x;
  if (hess) {
    // ℓ''·(y, x)(y, x)ᵀ + ℓ'·[[0, 1], [1, 0]]
    hess->resize(2, 2);
    *hess << l.d2 * y * y, l.d2 * x * y + l.d1, l.d2 * x * y + l.d1, l.d2 * x * x;
  }
  return l.value;
}

void SingleNeuron::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  using V2 = Eigen::Vector2d;
  const double x = theta[0], y = theta[1];
  const NeuronLossValue l(loss_, x * y);
  const V2 ds(y, x), uu(u[0], u[1]), vv(v[0], v[1]);
  Eigen::Matrix2d d2s;
  d2s << 0, 1, 1, 0;
  out = chain_third<V2>(l.d1, l.d2, l.d3, ds, d2s, V2::Zero(), uu, vv);
}

void SingleNeuron::track(const Vec& theta, double* out) const {
  out[0] = theta[1] * theta[1];
  out[1] = theta[0];
}

namespace {

// (x₀, y₀) from the keys: either x0 and y0, or gap = y₀² − x₀² and ratio = x₀/y₀.
std::pair<double, double> start(const Params& p) {
  if (p.has("gap")) {
    const double gap = p.real("gap"), r = p.real("ratio");
    const double y0 = std::sqrt(gap / (1 - r * r));
    return {r * y0, y0};
  }
  return {p.real("x0"), p.real("y0")};
}

void check_single_neuron(const Params& p) {
  const bool xy = p.has("x0") || p.has("y0"), gr = p.has("gap") || p.has("ratio");
  if (xy && gr) throw InputError("gap: give the start as (x0, y0) or as (gap, ratio), not both");
  if (!xy && !gr) throw InputError("y0: missing start (give x0 and y0, or gap and ratio)");
  if (xy && !(p.has("x0") && p.has("y0"))) throw InputError(p.has("x0") ? "y0: missing (x0 is given)" : "x0: missing (y0 is given)");
  if (gr && !(p.has("gap") && p.has("ratio"))) throw InputError(p.has("gap") ? "ratio: missing (gap is given)" : "gap: missing (ratio is given)");
  if (gr && !(std::fabs(p.real("ratio")) < 1)) throw InputError("ratio: must lie strictly between -1 and 1, got " + p.text("ratio"));
  if (xy && !(std::fabs(p.real("y0")) > std::fabs(p.real("x0"))))
    throw InputError("y0: need |y0| > |x0| (y is the weight whose square becomes the sharpness), got x0 = " + p.text("x0") +
                     ", y0 = " + p.text("y0"));
}

std::unique_ptr<Model> make_single_neuron(const Params& p) {
  check_single_neuron(p);
  const auto [x0, y0] = start(p);
  return std::make_unique<SingleNeuron>(neuron_loss(p.text("loss")), x0, y0);
}

}  // namespace

void single_neuron_predict(const Params& p, double* out) {
  const auto [x0, y0] = start(p);
  const double eta = p.real("eta");
  const double gap = y0 * y0 - x0 * x0;
  const double edge = eta * gap / 2;
  out[0] = gap;
  out[1] = 2 / eta;
  out[2] = edge;
  out[3] = edge > 1 ? 1.0 : 0.0;
  out[4] = edge > 1 ? 2 / eta : gap;
  out[5] = x0;
  out[6] = y0;
}

ModelInfo single_neuron_info() {
  return {.name = "single-neuron", .doc = "single-neuron linear network l(x y) (Ahn et al., toy model of the edge of stability)",
      .keys = {
          {.name = "loss", .type = KeyType::Text, .default_value = "logcosh",
           .doc = "loss l: logcosh (log cosh s), sqrt (sqrt(1+s^2) - 1), logistic (4 log(2 cosh(s/2)) - 4 log 2)",
           .axis = true, .choices = {"logcosh", "sqrt", "logistic"}},
          {.name = "x0", .doc = "initial x (give x0 and y0, or gap and ratio)", .axis = true, .label = "x₀"},
          {.name = "y0", .doc = "initial y, |y0| > |x0|", .axis = true, .label = "y₀"},
          {.name = "gap", .doc = "y0^2 - x0^2, conserved by gradient flow (with ratio)", .axis = true, .min = 0,
           .min_exclusive = true, .label = "y₀² − x₀²"},
          {.name = "ratio", .doc = "x0/y0, in (-1, 1) (with gap)", .axis = true, .label = "x₀/y₀"},
      },
      .tracked = {"y2", "x"},
      .theory = {"gf_prediction", "two_over_eta", "edge_gf", "eos_predicted", "y2_theory", "x0", "y0"},
      .predict = single_neuron_predict,
      .labels = {{"y2", "y²"},
                 {"x", "x"},
                 {"gf_prediction", "y₀² − x₀² (the gradient-flow limit of y²)"},
                 {"two_over_eta", "2/η"},
                 {"edge_gf", "η(y₀² − x₀²)/2"},
                 {"eos_predicted", "EoS predicted"},
                 {"y2_theory", "limit of y² (theory)"}},
      .step_cost = [](const Params&) { return 0.1; },
      .dim = [](const Params&) { return 2L; },
      .check = check_single_neuron,
      .make = make_single_neuron,
  };
}

}  // namespace eos
