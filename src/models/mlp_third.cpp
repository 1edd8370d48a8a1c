// The fully connected network's third-derivative product: σ''' per activation, the kept passes at
// θ, and the second-order forward pass with its backward tangents. Matrices are features × samples;
// W_l is read in place from θ as its transpose, as in mlp_net.cpp.
#include "eos/models/mlp_third.h"

#include <cmath>

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
  Mat z = weights_t(s, p, l).transpose() * a;
  z.colwise() += p.segment(s.bias_offset(l), s.out(l));
  return z;
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
    back_[k] = weights_t(s, theta, l) * delta_[k + 1];
    delta_[k] = s1_[k].cwiseProduct(back_[k]);
  }
  at_ = theta;
  have_ = true;
}

void MlpThird::product(const MlpNet& net, const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  prepare(net, theta);
  const MlpShape& s = net.shape();
  const long L = s.layers(), n = net.samples();
  const Mat& x = net.inputs();
  // Forward tangents of every layer's pre-activation and input: along u (zu, au), along v (zv,
  // av) and the mixed second tangent (zuv, auv). The data have no tangents (index 0 unused).
  std::vector<Mat> zu(L), zv(L), zuv(L), au(L), av(L), auv(L);
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const Mat& in = l == 0 ? x : a_[k];
    zu[k] = affine_of(s, u, l, in);
    zv[k] = affine_of(s, v, l, in);
    if (l == 0) {
      zuv[k] = Mat::Zero(s.out(l), n);
    } else {
      const ConstMap wt = weights_t(s, theta, l);
      zu[k].noalias() += wt.transpose() * au[k];
      zv[k].noalias() += wt.transpose() * av[k];
      zuv[k] = weights_t(s, u, l).transpose() * av[k] + weights_t(s, v, l).transpose() * au[k] + wt.transpose() * auv[k];
    }
    if (l == L - 1) break;
    au[k + 1] = s1_[k].cwiseProduct(zu[k]);
    av[k + 1] = s1_[k].cwiseProduct(zv[k]);
    auv[k + 1] = s2_[k].cwiseProduct(zv[k]).cwiseProduct(zu[k]) + s1_[k].cwiseProduct(zuv[k]);
  }
  // Tangents of ∂L/∂f: du along u, dv along v, duv mixed.
  const std::size_t top = static_cast<std::size_t>(L - 1);
  const double inv = 1.0 / static_cast<double>(n);
  Mat du, dv, duv;
  if (net.loss_kind() == LossKind::Mse) {
    du = zu[top] * inv;
    dv = zv[top] * inv;
    duv = zuv[top] * inv;
  } else {
    const Mat pv = softmax_jvp(p_, zv[top]);  // the softmax's tangent along v
    du = softmax_jvp(p_, zu[top]) * inv;
    dv = pv * inv;
    const Eigen::RowVectorXd p_zu = p_.cwiseProduct(zu[top]).colwise().sum();
    const Eigen::RowVectorXd pv_zu = pv.cwiseProduct(zu[top]).colwise().sum();
    duv = (pv.cwiseProduct(zu[top]) - pv * p_zu.asDiagonal() - p_ * pv_zu.asDiagonal() + softmax_jvp(p_, zuv[top])) * inv;
  }
  out.resize(s.dim());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    // The weight gradient in·δᵀ differentiated along u, then along v.
    Eigen::Map<Mat> gw(out.data() + s.weight_offset(l), s.in(l), s.out(l));
    gw.noalias() = (l == 0 ? x : a_[k]) * duv.transpose();
    if (l > 0) {
      gw.noalias() += av[k] * du.transpose();
      gw.noalias() += auv[k] * delta_[k].transpose();
      gw.noalias() += au[k] * dv.transpose();
    }
    out.segment(s.bias_offset(l), s.out(l)) = duv.rowwise().sum();
    if (l == 0) break;
    // back = W_lᵀδ_l and its tangents, then δ_{l−1} = σ'(z_{l−1})∘back and its tangents.
    const std::size_t h = k - 1;
    const ConstMap wt = weights_t(s, theta, l), ut = weights_t(s, u, l), vt = weights_t(s, v, l);
    const Mat bu = ut * delta_[k] + wt * du;
    const Mat bv = vt * delta_[k] + wt * dv;
    const Mat buv = ut * dv + vt * du + wt * duv;
    const Mat& back = back_[h];
    Mat next_uv = s3_[h].cwiseProduct(zv[h]).cwiseProduct(zu[h]).cwiseProduct(back) +
                  s2_[h].cwiseProduct(zuv[h].cwiseProduct(back) + zu[h].cwiseProduct(bv) + zv[h].cwiseProduct(bu)) +
                  s1_[h].cwiseProduct(buv);
    du = s2_[h].cwiseProduct(zu[h]).cwiseProduct(back) + s1_[h].cwiseProduct(bu);
    dv = s2_[h].cwiseProduct(zv[h]).cwiseProduct(back) + s1_[h].cwiseProduct(bv);
    duv.swap(next_uv);
  }
}

}  // namespace eos
