// The fully connected network's third-derivative product: σ''' per activation, the kept passes at
// θ, and the second-order forward pass with its backward tangents. Matrices are features × samples;
// W_l is read in place from θ as its transpose, as in mlp_net.cpp; the products go through matmul.
#include "eos/models/mlp_third.h"

#include <cmath>

#include "eos/numerics/blas.h"

namespace eos {
namespace {

using ConstMap = Eigen::Map<const Mat>;

constexpr double kInvSqrt2Pi = 0.39894228040143267794;

// W_lᵀ (in × out) of the parameters p: the row-major out × in block read column-major.
ConstMap weights_t(const MlpShape& s, const Vec& p, long l) {
  return ConstMap(p.data() + s.weight_offset(l), s.in(l), s.out(l));
}

// z = W_l·a + b_l of the parameters p (a direction's tangent when p is one).
Mat affine_of(const MlpShape& s, const Vec& p, long l, const Mat& a) {
  Mat z(s.out(l), a.cols());
  matmul(weights_t(s, p, l), true, a, false, z);
  z.colwise() += p.segment(s.bias_offset(l), s.out(l));
  return z;
}

// out += W_l(p)·a (forward: transposed in-place weights), or out = W_l(p)ᵀ·d (backward) plus more.
void forward_add(const MlpShape& s, const Vec& p, long l, const Mat& a, Mat& out) {
  matmul(weights_t(s, p, l), true, a, false, out, 1, 1);
}
void backward_add(const MlpShape& s, const Vec& p, long l, const Mat& d, Mat& out, double beta) {
  matmul(weights_t(s, p, l), false, d, false, out, 1, beta);
}

// The softmax Jacobian applied column by column: p∘t − p·(pᵀt).
Mat softmax_jvp(const Mat& p, const Mat& t) {
  const Eigen::RowVectorXd dots = p.cwiseProduct(t).colwise().sum();
  return p.cwiseProduct(t) - p * dots.asDiagonal();
}

}  // namespace

double activation_d3(Activation act, double z) {
  switch (act) {
    case Activation::Tanh: {
      const double t = std::tanh(z), s = 1 - t * t;
      return -2 * s * (1 - 3 * t * t);
    }
    case Activation::Relu: return 0;
    case Activation::Elu: return z > 0 ? 0.0 : std::exp(z);
    case Activation::Softplus: {
      const double s = 1 / (1 + std::exp(-z));
      return s * (1 - s) * (1 - 2 * s);
    }
    case Activation::Gelu: return kInvSqrt2Pi * std::exp(-0.5 * z * z) * z * (z * z - 4);
    case Activation::Identity: return 0;
  }
  return 0;
}

void MlpThird::prepare(const MlpNet& net, const Vec& theta) {
  if (have_ && at_.size() == theta.size() && at_ == theta) return;
  const MlpShape& s = net.shape();
  const long L = s.layers(), n = net.samples();
  const std::size_t hidden = static_cast<std::size_t>(L - 1);
  a_.assign(hidden + 1, Mat());
  s1_.assign(hidden, Mat());
  s2_.assign(hidden, Mat());
  s3_.assign(hidden, Mat());
  delta_.assign(hidden + 1, Mat());
  back_.assign(hidden, Mat());
  Mat f;
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const Mat z = affine_of(s, theta, l, l == 0 ? net.inputs() : a_[k]);
    if (l == L - 1) {
      f = z;
      break;
    }
    a_[k + 1].resize(z.rows(), n);
    s1_[k].resize(z.rows(), n);
    s2_[k].resize(z.rows(), n);
    s3_[k].resize(z.rows(), n);
    for (long e = 0; e < z.size(); ++e) {
      const ActivationValues v = activate(net.activation(), z.data()[e]);
      a_[k + 1].data()[e] = v.value;
      s1_[k].data()[e] = v.d1;
      s2_[k].data()[e] = v.d2;
      s3_[k].data()[e] = activation_d3(net.activation(), z.data()[e]);
    }
  }
  // ∂L/∂f: (f − e_y)/n (mse) or (softmax(f) − e_y)/n (ce).
  Mat& err = delta_[hidden];
  if (net.loss_kind() == LossKind::Ce) {
    p_ = (f.rowwise() - f.colwise().maxCoeff()).array().exp().matrix();
    const Eigen::RowVectorXd inv_sums = p_.colwise().sum().cwiseInverse();
    p_ = p_ * inv_sums.asDiagonal();
    err = p_;
  } else {
    err = f;
  }
  for (long i = 0; i < n; ++i) err(net.labels()[static_cast<std::size_t>(i)], i) -= 1;
  err /= static_cast<double>(n);
  for (long l = L - 1; l >= 1; --l) {
    const std::size_t k = static_cast<std::size_t>(l) - 1;
    back_[k].resize(s.in(l), n);
    backward_add(s, theta, l, delta_[k + 1], back_[k], 0);
    delta_[k] = s1_[k].cwiseProduct(back_[k]);
  }
  at_ = theta;
  have_ = true;
}

MlpThird::Tangent MlpThird::first_order(const MlpNet& net, const Vec& theta, const Vec& t) const {
  const MlpShape& s = net.shape();
  const long L = s.layers(), n = net.samples();
  const std::size_t top = static_cast<std::size_t>(L - 1);
  Tangent tg;
  tg.z.resize(top + 1);
  tg.a.resize(top + 1);
  tg.d.resize(top + 1);
  tg.b.resize(top);
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    tg.z[k] = affine_of(s, t, l, l == 0 ? net.inputs() : a_[k]);
    if (l > 0) forward_add(s, theta, l, tg.a[k], tg.z[k]);
    if (l < L - 1) tg.a[k + 1] = s1_[k].cwiseProduct(tg.z[k]);
  }
  const double inv = 1.0 / static_cast<double>(n);
  if (net.loss_kind() == LossKind::Mse) {
    tg.d[top] = tg.z[top] * inv;
  } else {
    tg.p = softmax_jvp(p_, tg.z[top]);
    tg.d[top] = tg.p * inv;
  }
  for (long l = L - 1; l >= 1; --l) {
    const std::size_t k = static_cast<std::size_t>(l), h = k - 1;
    tg.b[h].resize(s.in(l), n);
    backward_add(s, t, l, delta_[k], tg.b[h], 0);
    backward_add(s, theta, l, tg.d[k], tg.b[h], 1);
    tg.d[h] = s2_[h].cwiseProduct(tg.z[h]).cwiseProduct(back_[h]) + s1_[h].cwiseProduct(tg.b[h]);
  }
  return tg;
}

void MlpThird::second_order(const MlpNet& net, const Vec& theta, const Vec& u, const Vec& v, const Tangent& tu,
                            const Tangent& tv, Vec& out) const {
  const MlpShape& s = net.shape();
  const long L = s.layers(), n = net.samples();
  const Mat& x = net.inputs();
  const std::size_t top = static_cast<std::size_t>(L - 1);
  // The mixed second tangents of the pre-activations (zuv) and of the layers' inputs (auv).
  std::vector<Mat> zuv(top + 1), auv(top + 1);
  zuv[0] = Mat::Zero(s.out(0), n);
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    if (l > 0) {
      zuv[k] = Mat::Zero(s.out(l), n);
      forward_add(s, u, l, tv.a[k], zuv[k]);
      forward_add(s, v, l, tu.a[k], zuv[k]);
      forward_add(s, theta, l, auv[k], zuv[k]);
    }
    if (l < L - 1) auv[k + 1] = s2_[k].cwiseProduct(tv.z[k]).cwiseProduct(tu.z[k]) + s1_[k].cwiseProduct(zuv[k]);
  }
  // The mixed tangent of ∂L/∂f: for ce, the softmax Jacobian's own tangent along v applied to zu,
  // (p'∘zu − p'(pᵀzu) − p(p'ᵀzu)) with p' the softmax's tangent along v, plus the Jacobian on zuv.
  const double inv = 1.0 / static_cast<double>(n);
  Mat duv;
  if (net.loss_kind() == LossKind::Mse) {
    duv = zuv[top] * inv;
  } else {
    const Mat& zu = tu.z[top];
    const Eigen::RowVectorXd p_zu = p_.cwiseProduct(zu).colwise().sum();
    const Eigen::RowVectorXd pv_zu = tv.p.cwiseProduct(zu).colwise().sum();
    duv = (tv.p.cwiseProduct(zu) - tv.p * p_zu.asDiagonal() - p_ * pv_zu.asDiagonal() + softmax_jvp(p_, zuv[top])) * inv;
  }
  out.resize(s.dim());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    // The weight gradient in·δᵀ differentiated along u, then along v.
    Eigen::Map<Mat> gw(out.data() + s.weight_offset(l), s.in(l), s.out(l));
    matmul(l == 0 ? x : a_[k], false, duv, true, gw);
    if (l > 0) {
      matmul(tv.a[k], false, tu.d[k], true, gw, 1, 1);
      matmul(auv[k], false, delta_[k], true, gw, 1, 1);
      matmul(tu.a[k], false, tv.d[k], true, gw, 1, 1);
    }
    out.segment(s.bias_offset(l), s.out(l)) = duv.rowwise().sum();
    if (l == 0) break;
    // back = W_lᵀδ_l: its mixed tangent, then that of δ_{l−1} = σ'(z_{l−1})∘back.
    const std::size_t h = k - 1;
    Mat buv(s.in(l), n);
    backward_add(s, u, l, tv.d[k], buv, 0);
    backward_add(s, v, l, tu.d[k], buv, 1);
    backward_add(s, theta, l, duv, buv, 1);
    const Mat& back = back_[h];
    duv = s3_[h].cwiseProduct(tv.z[h]).cwiseProduct(tu.z[h]).cwiseProduct(back) +
          s2_[h].cwiseProduct(zuv[h].cwiseProduct(back) + tu.z[h].cwiseProduct(tv.b[h]) + tv.z[h].cwiseProduct(tu.b[h])) +
          s1_[h].cwiseProduct(buv);
  }
}

void MlpThird::product(const MlpNet& net, const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  prepare(net, theta);
  second_order(net, theta, u, v, first_order(net, theta, u), first_order(net, theta, v), out);
}

void MlpThird::products(const MlpNet& net, const Vec& theta, const Mat& U, std::vector<Vec>& out) {
  prepare(net, theta);
  const long k = U.cols();
  std::vector<Tangent> tangents;
  std::vector<Vec> cols;
  for (long i = 0; i < k; ++i) {
    cols.emplace_back(U.col(i));
    tangents.push_back(first_order(net, theta, cols.back()));
  }
  out.resize(static_cast<std::size_t>(k * (k + 1) / 2));
  std::size_t p = 0;
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j, ++p)
      second_order(net, theta, cols[static_cast<std::size_t>(i)], cols[static_cast<std::size_t>(j)],
                   tangents[static_cast<std::size_t>(i)], tangents[static_cast<std::size_t>(j)], out[p]);
}

}  // namespace eos
