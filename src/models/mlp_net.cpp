// The fully connected network: activations, forward and backward passes, and the exact
// Hessian-vector product. Matrices are features × samples; W_l is read in place from θ as its
// transpose (the row-major out × in block is a column-major in × out matrix).
#include "eos/models/mlp_net.h"

#include <cmath>
#include <stdexcept>

#include "eos/numerics/blas.h"

namespace eos {
namespace {

using ConstMap = Eigen::Map<const Mat>;

// Mean loss over the columns of the outputs f against labels y; err (when not null) gets
// ∂L/∂f (the 1/n included), p (ce) the softmax.
double output_loss(const Mat& f, const std::vector<int>& y, LossKind kind, Mat* err, Mat* p) {
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
        const double r = f(k, i) - (k == yi ? 1.0 : 0.0);
        s += r * r;
        if (err) (*err)(k, i) = r * inv;
      }
      loss += 0.5 * s;
      continue;
    }
    const double m = f.col(i).maxCoeff();
    double s = 0;
    for (long k = 0; k < c; ++k) s += std::exp(f(k, i) - m);
    loss += std::log(s) + m - f(yi, i);
    for (long k = 0; k < c; ++k) {
      const double pk = std::exp(f(k, i) - m) / s;
      if (p) (*p)(k, i) = pk;
      if (err) (*err)(k, i) = (pk - (k == yi ? 1.0 : 0.0)) * inv;
    }
  }
  return loss * inv;
}

double accuracy(const Mat& f, const std::vector<int>& y) {
  long right = 0;
  for (long i = 0; i < f.cols(); ++i) {
    Eigen::Index best = 0;
    f.col(i).maxCoeff(&best);
    right += best == y[static_cast<std::size_t>(i)];
  }
  return f.cols() ? static_cast<double>(right) / static_cast<double>(f.cols()) : std::nan("");
}

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

Activation activation_named(const std::string& name) {
  if (name == "tanh") return Activation::Tanh;
  if (name == "relu") return Activation::Relu;
  if (name == "elu") return Activation::Elu;
  if (name == "softplus") return Activation::Softplus;
  if (name == "gelu") return Activation::Gelu;
  if (name == "identity") return Activation::Identity;
  throw std::invalid_argument("unknown activation " + name);
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

MlpNet::MlpNet(MlpShape shape, Activation act, LossKind loss, Mat x, std::vector<int> y)
    : shape_(std::move(shape)), act_(act), loss_kind_(loss), x_(std::move(x)), y_(std::move(y)) {
  const std::size_t hidden = static_cast<std::size_t>(shape_.layers() - 1);
  a_.resize(hidden + 1);
  s1_.resize(hidden);
  s2_.resize(hidden);
  u_.resize(hidden);
  zdot_.resize(hidden + 1);
  adot_.resize(hidden + 1);
  delta_.resize(hidden + 1);
}

void MlpNet::forward(const Vec& theta) {
  const long L = shape_.layers();
  Mat z;
  for (long l = 0; l < L; ++l) {
    const Mat& in = l == 0 ? x_ : a_[static_cast<std::size_t>(l)];
    if (l == L - 1) {
      affine(shape_, theta, l, in, f_);
      break;
    }
    Mat& zl = s2_[static_cast<std::size_t>(l)];  // holds z until prepare_hvp needs σ''
    affine(shape_, theta, l, in, zl);
    Mat& a = a_[static_cast<std::size_t>(l) + 1];
    Mat& s1 = s1_[static_cast<std::size_t>(l)];
    a.resize(zl.rows(), zl.cols());
    s1.resize(zl.rows(), zl.cols());
    if (act_ == Activation::Tanh) {  // vectorised: tanh z = 1 − 2/(e^{2z} + 1)
      a.array() = 1 - 2 / ((2 * zl.array()).exp() + 1);
      s1.array() = 1 - a.array().square();
      continue;
    }
    for (long k = 0; k < zl.size(); ++k) {
      const ActivationValues v = activate(act_, zl.data()[k]);
      a.data()[k] = v.value;
      s1.data()[k] = v.d1;
    }
  }
  loss_ = output_loss(f_, y_, loss_kind_, &delta_.back(), &p_);
  at_ = theta;
  have_ = true;
  have_s2_ = false;
}

void MlpNet::backward(const Vec& theta, Vec& grad) {
  const long L = shape_.layers();
  grad.resize(shape_.dim());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const Mat& in = l == 0 ? x_ : a_[k];
    Eigen::Map<Mat> gw(grad.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    matmul(in, false, delta_[k], true, gw);
    grad.segment(shape_.bias_offset(l), shape_.out(l)) = delta_[k].rowwise().sum();
    if (l == 0) break;
    const ConstMap wt(theta.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    Mat& u = u_[k - 1];
    u.resize(shape_.in(l), delta_[k].cols());
    matmul(wt, false, delta_[k], false, u);
    delta_[k - 1] = s1_[k - 1].cwiseProduct(u);
  }
}

double MlpNet::loss_grad(const Vec& theta, Vec& grad) {
  forward(theta);
  backward(theta, grad);
  return loss_;
}

void MlpNet::prepare_hvp(const Vec& theta) {
  if (!at(theta)) {
    Vec g;
    loss_grad(theta, g);
  }
  if (have_s2_) return;
  for (std::size_t l = 0; l < s2_.size(); ++l) {
    Mat& m = s2_[l];
    if (act_ == Activation::Tanh) m.array() = -2 * a_[l + 1].array() * s1_[l].array();  // σ'' = −2t(1 − t²)
    else
      for (long k = 0; k < m.size(); ++k) m.data()[k] = activate(act_, m.data()[k]).d2;
  }
  have_s2_ = true;
}

void MlpNet::hvp(const Vec& theta, const Vec& v, Vec& out) {
  prepare_hvp(theta);
  const long L = shape_.layers(), n = samples();
  // The tangent forward pass: ż_l = V_l·a_l + W_l·ȧ_l + c_l, ȧ_{l+1} = σ'(z_l)∘ż_l.
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const ConstMap vt(v.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    Mat& zd = zdot_[k];
    zd.resize(shape_.out(l), n);
    matmul(vt, true, l == 0 ? x_ : a_[k], false, zd);
    if (l > 0) {
      const ConstMap wt(theta.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
      matmul(wt, true, adot_[k], false, zd, 1, 1);
    }
    zd.colwise() += v.segment(shape_.bias_offset(l), shape_.out(l));
    if (l < L - 1) adot_[k + 1] = s1_[k].cwiseProduct(zd);
  }
  // The tangent of ∂L/∂f: ż/n (mse) or (diag p − p pᵀ)·ż/n (ce).
  const Mat& fd = zdot_.back();
  const double inv = 1.0 / static_cast<double>(n);
  if (loss_kind_ == LossKind::Mse) {
    ddot_ = fd * inv;
  } else {
    ddot_ = p_.cwiseProduct(fd);
    const Eigen::RowVectorXd s = ddot_.colwise().sum();
    ddot_ = (ddot_ - p_ * s.asDiagonal()) * inv;
  }
  out.resize(shape_.dim());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    Eigen::Map<Mat> ow(out.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    matmul(l == 0 ? x_ : a_[k], false, ddot_, true, ow);
    if (l > 0) matmul(adot_[k], false, delta_[k], true, ow, 1, 1);
    out.segment(shape_.bias_offset(l), shape_.out(l)) = ddot_.rowwise().sum();
    if (l == 0) break;
    // R{δ_{l−1}} = σ''∘ż_{l−1}∘u_{l−1} + σ'∘(V_lᵀδ_l + W_lᵀ·R{δ_l}).
    const ConstMap vt(v.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    const ConstMap wt(theta.data() + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    ddot_prev_.resize(shape_.in(l), n);
    matmul(vt, false, delta_[k], false, ddot_prev_);
    matmul(wt, false, ddot_, false, ddot_prev_, 1, 1);
    ddot_prev_ = s1_[k - 1].cwiseProduct(ddot_prev_) + s2_[k - 1].cwiseProduct(zdot_[k - 1]).cwiseProduct(u_[k - 1]);
    ddot_.swap(ddot_prev_);
  }
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
  loss = output_loss(z, y, loss_kind_, nullptr, nullptr);
  acc = accuracy(z, y);
}

double MlpNet::train_accuracy(const Vec& theta) const {
  if (at(theta)) return accuracy(f_, y_);
  double loss = 0, acc = 0;
  evaluate_on(theta, x_, y_, loss, acc);
  return acc;
}

}  // namespace eos
