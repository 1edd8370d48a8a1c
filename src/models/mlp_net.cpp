// The fully connected network: activations, the loss at the outputs, the layout of θ, and the
// network itself, which hands its passes to MlpPasses in the chosen precision (mlp_passes.cpp)
// and evaluates other data in double. Matrices are features × samples; W_l is read in place from
// θ as its transpose (the row-major out × in block is a column-major in × out matrix).
#include "eos/models/mlp_net.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eos/models/mlp_passes.h"
#include "eos/numerics/blas.h"

namespace eos {
namespace {

using ConstMap = Eigen::Map<const Mat>;

// z = W_l·a + b_l (out × n), W_l and b_l read from θ.
void affine(const MlpShape& s, const Vec& theta, long l, const Mat& a, Mat& z) {
  const ConstMap wt(theta.data() + s.weight_offset(l), s.in(l), s.out(l));
  z.resize(s.out(l), a.cols());
  matmul(wt, true, a, false, z);
  z.colwise() += theta.segment(s.bias_offset(l), s.out(l));
}

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

}  // namespace

template <class M>
double output_loss(const M& f, const std::vector<int>& y, LossKind kind, M* err, M* p) {
  using T = typename M::Scalar;
  const long c = f.rows(), n = f.cols();
  const double inv = 1.0 / static_cast<double>(n);
  double loss = 0;
  if (err) err->resize(c, n);
  if (p && kind == LossKind::Ce) p->resize(c, n);
  for (long i = 0; i < n; ++i) {
    const int yi = y[static_cast<std::size_t>(i)];
    if (kind == LossKind::Mse) {
      double s = 0;
      for (long k = 0; k < c; ++k) {
        const double r = static_cast<double>(f(k, i)) - (k == yi ? 1.0 : 0.0);
        s += r * r;
        if (err) (*err)(k, i) = static_cast<T>(r * inv);
      }
      loss += 0.5 * s;
      continue;
    }
    const double m = static_cast<double>(f.col(i).maxCoeff());
    double s = 0;
    for (long k = 0; k < c; ++k) s += std::exp(static_cast<double>(f(k, i)) - m);
    loss += std::log(s) + m - static_cast<double>(f(yi, i));
    for (long k = 0; k < c; ++k) {
      const double pk = std::exp(static_cast<double>(f(k, i)) - m) / s;
      if (p) (*p)(k, i) = static_cast<T>(pk);
      if (err) (*err)(k, i) = static_cast<T>((pk - (k == yi ? 1.0 : 0.0)) * inv);
    }
  }
  return loss * inv;
}

template <class M>
double accuracy(const M& f, const std::vector<int>& y) {
  long right = 0;
  for (long i = 0; i < f.cols(); ++i) {
    Eigen::Index best = 0;
    f.col(i).maxCoeff(&best);
    right += best == y[static_cast<std::size_t>(i)];
  }
  return f.cols() ? static_cast<double>(right) / static_cast<double>(f.cols()) : std::nan("");
}

template double output_loss<Mat>(const Mat&, const std::vector<int>&, LossKind, Mat*, Mat*);
template double output_loss<MatF>(const MatF&, const std::vector<int>&, LossKind, MatF*, MatF*);
template double accuracy<Mat>(const Mat&, const std::vector<int>&);
template double accuracy<MatF>(const MatF&, const std::vector<int>&);

Activation activation_named(const std::string& name) {
  if (name == "tanh") return Activation::Tanh;
  if (name == "relu") return Activation::Relu;
  if (name == "elu") return Activation::Elu;
  if (name == "softplus") return Activation::Softplus;
  if (name == "gelu") return Activation::Gelu;
  if (name == "identity") return Activation::Identity;
  throw std::invalid_argument("unknown activation " + name);
}

Precision precision_named(const std::string& name) {
  if (name == "float64") return Precision::Float64;
  if (name == "float32") return Precision::Float32;
  throw std::invalid_argument("unknown precision " + name);
}

LossKind loss_named(const std::string& name) {
  if (name == "mse") return LossKind::Mse;
  if (name == "ce") return LossKind::Ce;
  throw std::invalid_argument("unknown loss " + name);
}

ActivationValues activate(Activation act, double z) {
  switch (act) {
    case Activation::Tanh: {
      const double t = std::tanh(z);
      return {t, 1 - t * t, -2 * t * (1 - t * t)};
    }
    case Activation::Relu: return {z > 0 ? z : 0.0, z > 0 ? 1.0 : 0.0, 0.0};
    case Activation::Elu: {
      if (z > 0) return {z, 1, 0};
      const double e = std::exp(z);
      return {std::expm1(z), e, e};
    }
    case Activation::Softplus: {
      const double s = 1 / (1 + std::exp(-z));
      return {std::max(z, 0.0) + std::log1p(std::exp(-std::fabs(z))), s, s * (1 - s)};
    }
    case Activation::Gelu: {
      const double cdf = 0.5 * std::erfc(-z * kInvSqrt2), pdf = kInvSqrt2Pi * std::exp(-0.5 * z * z);
      return {z * cdf, cdf + z * pdf, pdf * (2 - z * z)};
    }
    case Activation::Identity: return {z, 1, 0};
  }
  return {z, 1, 0};
}

long MlpShape::weight_offset(long l) const {
  long off = 0;
  for (long k = 0; k < l; ++k) off += (in(k) + 1) * out(k);
  return off;
}

MlpShape mlp_shape(long inputs, long width, long depth, long classes) {
  MlpShape s;
  s.sizes.push_back(inputs);
  for (long k = 0; k < depth; ++k) s.sizes.push_back(width);
  s.sizes.push_back(classes);
  return s;
}

MlpNet::MlpNet(MlpShape shape, Activation act, LossKind loss, Mat x, std::vector<int> y, Precision precision)
    : shape_(std::move(shape)), act_(act), loss_kind_(loss), precision_(precision),
      x_(std::make_shared<const Mat>(std::move(x))), y_(std::move(y)) {
  if (precision_ == Precision::Float64)
    f64_ = std::make_unique<MlpPasses<double>>(shape_, act_, loss_kind_, x_, y_);
  else
    f32_ = std::make_unique<MlpPasses<float>>(shape_, act_, loss_kind_, std::make_shared<const MatF>(x_->cast<float>()), y_);
}

MlpNet::MlpNet(MlpNet&&) noexcept = default;
MlpNet& MlpNet::operator=(MlpNet&&) noexcept = default;
MlpNet::~MlpNet() = default;

double MlpNet::loss_grad(const Vec& theta, Vec& grad) {
  return f64_ ? f64_->loss_grad(theta, grad) : f32_->loss_grad(theta, grad);
}

void MlpNet::hvp(const Vec& theta, const Vec& v, Vec& out) {
  if (f64_) f64_->hvp(theta, v, out);
  else f32_->hvp(theta, v, out);
}

void MlpNet::gather(std::span<const long> rows) {
  const bool have = b64_ || b32_;
  if (have && std::equal(rows.begin(), rows.end(), rows_.begin(), rows_.end())) return;
  rows_.assign(rows.begin(), rows.end());
  const long B = static_cast<long>(rows.size()), f = x_->rows();
  yb_.resize(rows.size());
  for (std::size_t j = 0; j < rows.size(); ++j) yb_[j] = y_[static_cast<std::size_t>(rows[j])];
  if (precision_ == Precision::Float64) {
    if (!xb64_) xb64_ = std::make_shared<Mat>();
    xb64_->resize(f, B);  // (no allocation while the batch size stays)
    for (long j = 0; j < B; ++j) xb64_->col(j) = x_->col(rows[static_cast<std::size_t>(j)]);
    if (!b64_) b64_ = std::make_unique<MlpPasses<double>>(shape_, act_, loss_kind_, xb64_, yb_);
    else b64_->rebind(xb64_, yb_);
  } else {
    if (!xb32_) xb32_ = std::make_shared<MatF>();
    xb32_->resize(f, B);
    for (long j = 0; j < B; ++j) xb32_->col(j) = x_->col(rows[static_cast<std::size_t>(j)]).cast<float>();
    if (!b32_) b32_ = std::make_unique<MlpPasses<float>>(shape_, act_, loss_kind_, xb32_, yb_);
    else b32_->rebind(xb32_, yb_);
  }
}

double MlpNet::loss_grad_rows(const Vec& theta, std::span<const long> rows, Vec& grad) {
  gather(rows);
  return b64_ ? b64_->loss_grad(theta, grad) : b32_->loss_grad(theta, grad);
}

void MlpNet::hvp_rows(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  gather(rows);
  if (b64_) b64_->hvp(theta, v, out);
  else b32_->hvp(theta, v, out);
}

void MlpNet::evaluate_on(const Vec& theta, const Mat& x, const std::vector<int>& y, double& loss, double& acc) const {
  if (x.cols() == 0) {
    loss = acc = std::nan("");
    return;
  }
  Mat a, z;  // x itself is the first layer's input: no copy of a set of 10⁴ images
  for (long l = 0; l < shape_.layers(); ++l) {
    affine(shape_, theta, l, l == 0 ? x : a, z);
    if (l == shape_.layers() - 1) break;
    a = z.unaryExpr([this](double t) { return activate(act_, t).value; });
  }
  loss = output_loss<Mat>(z, y, loss_kind_, nullptr, nullptr);
  acc = accuracy(z, y);
}

double MlpNet::train_accuracy(const Vec& theta) const {
  if (f64_ && f64_->at(theta)) return accuracy(f64_->outputs(), y_);
  if (f32_ && f32_->at(theta)) return accuracy(f32_->outputs(), y_);
  double loss = 0, acc = 0;
  evaluate_on(theta, *x_, y_, loss, acc);
  return acc;
}

}  // namespace eos
