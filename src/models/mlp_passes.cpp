// The network's passes in T = double or float: forward (one GEMM and one fused bias + activation
// sweep per layer), backward, and the exact Hessian-vector product by the R-operator. Matrices
// are features × samples; W_l is read in place from θ as its transpose (the row-major out × in
// block is a column-major in × out matrix).
#include "eos/models/mlp_passes.h"

#include <type_traits>

#include "eos/numerics/activation_simd.h"
#include "eos/numerics/blas.h"

namespace eos {
namespace {

// a = σ(z + b), d = σ'(z + b) column by column; z ← z + b where the pre-activations are kept.
template <class M, class T>
void activation_sweep(Activation act, M& z, const T* b, M& a, M& d) {
  const long rows = z.rows(), cols = z.cols();
  const ActivationKernels& k = activation_kernels();
  if (act == Activation::Tanh || act == Activation::Relu) {
    if constexpr (std::is_same_v<T, double>) (act == Activation::Tanh ? k.tanh_f64 : k.relu_f64)(rows, cols, z.data(), b, a.data(), d.data());
    else (act == Activation::Tanh ? k.tanh_f32 : k.relu_f32)(rows, cols, z.data(), b, a.data(), d.data());
    return;
  }
  for (long j = 0; j < cols; ++j)
    for (long i = 0; i < rows; ++i) {
      const double x = static_cast<double>(z(i, j)) + static_cast<double>(b[i]);
      z(i, j) = static_cast<T>(x);
      if (act == Activation::Identity) {
        a(i, j) = static_cast<T>(x);
        d(i, j) = 1;
        continue;
      }
      const ActivationValues v = activate(act, x);
      a(i, j) = static_cast<T>(v.value);
      d(i, j) = static_cast<T>(v.d1);
    }
}

// zd ← zd + c (per row), ad = s1∘zd: the tangent's bias and activation in one sweep.
template <class M, class T>
void tangent_sweep(M& zd, const T* c, const M& s1, M* ad) {
  const long rows = zd.rows(), cols = zd.cols();
  for (long j = 0; j < cols; ++j) {
    T* z = zd.data() + j * rows;
    for (long i = 0; i < rows; ++i) z[i] += c[i];
    if (!ad) continue;
    const T* s = s1.data() + j * rows;
    T* o = ad->data() + j * rows;
    for (long i = 0; i < rows; ++i) o[i] = s[i] * z[i];
  }
}

}  // namespace

template <class T>
MlpPasses<T>::MlpPasses(const MlpShape& shape, Activation act, LossKind loss, std::shared_ptr<const M> x,
                        const std::vector<int>& y)
    : shape_(shape), act_(act), loss_kind_(loss),
      simd_act_(act == Activation::Tanh || act == Activation::Relu || act == Activation::Identity), x_(std::move(x)),
      y_(y) {
  const std::size_t layers = static_cast<std::size_t>(shape_.layers());
  a_.resize(layers);
  s1_.resize(layers);
  z_.resize(layers);
  u_.resize(layers);
  su_.resize(layers);
  delta_.resize(layers);
  zdot_.resize(layers);
  adot_.resize(layers);
}

template <class T>
const T* MlpPasses<T>::params(const Vec& theta, V& buf) const {
  if constexpr (std::is_same_v<T, double>) {
    return theta.data();
  } else {
    buf = theta.cast<float>();
    return buf.data();
  }
}

template <class T>
Eigen::Map<const typename MlpPasses<T>::M> MlpPasses<T>::wt(const T* p, long l) const {
  return Eigen::Map<const M>(p + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
}

template <class T>
T* MlpPasses<T>::out_params(Vec& out) {
  out.resize(shape_.dim());
  if constexpr (std::is_same_v<T, double>) {
    return out.data();
  } else {
    out_buf_.resize(shape_.dim());
    return out_buf_.data();
  }
}

template <class T>
void MlpPasses<T>::finish_out(Vec& out) {
  if constexpr (!std::is_same_v<T, double>) out = out_buf_.template cast<double>();
}

template <class T>
void MlpPasses<T>::scale_rowsum(M& d, const M* s, double* out) const {
  const ActivationKernels& k = activation_kernels();
  if constexpr (std::is_same_v<T, double>) k.scale_rowsum_f64(d.rows(), d.cols(), d.data(), s ? s->data() : nullptr, out);
  else k.scale_rowsum_f32(d.rows(), d.cols(), d.data(), s ? s->data() : nullptr, out);
}

// The layer's bias sums (made by scale_rowsum) into the bias segments of out, once finish_out has
// written its weights.
template <class T>
void MlpPasses<T>::put_bias_sums(Vec& out) const {
  for (long l = 0; l < shape_.layers(); ++l)
    out.segment(shape_.bias_offset(l), shape_.out(l)) = bias_sums_[static_cast<std::size_t>(l)];
}

template <class T>
void MlpPasses<T>::forward(const Vec& theta) {
  at_ = theta;  // the passes read θ from this copy, which lives as long as they do
  p_ = params(at_, theta_buf_);
  const long L = shape_.layers(), n = x_->cols();
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const M& in = l == 0 ? *x_ : a_[k];
    const T* b = p_ + shape_.bias_offset(l);
    if (l == L - 1) {
      f_.resize(shape_.out(l), n);
      matmul(wt(p_, l), true, in, false, f_);
      f_.colwise() += Eigen::Map<const V>(b, shape_.out(l));
      break;
    }
    M& a = a_[k + 1];
    M& z = simd_act_ ? a : z_[k];  // tanh and relu sweep in place
    a.resize(shape_.out(l), n);
    z.resize(shape_.out(l), n);
    s1_[k].resize(shape_.out(l), n);
    matmul(wt(p_, l), true, in, false, z);
    activation_sweep(act_, z, b, a, s1_[k]);
  }
  loss_ = output_loss(f_, y_, loss_kind_, &delta_.back(), &p_soft_);
  have_ = true;
  have_hvp_ = false;
}

template <class T>
void MlpPasses<T>::backward(Vec& grad) {
  const long L = shape_.layers();
  T* g = out_params(grad);
  bias_sums_.resize(static_cast<std::size_t>(L));
  bias_sums_.back().resize(shape_.out(L - 1));
  scale_rowsum(delta_.back(), nullptr, bias_sums_.back().data());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    Eigen::Map<M> gw(g + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    matmul(l == 0 ? *x_ : a_[k], false, delta_[k], true, gw);
    if (l == 0) break;
    M& prev = delta_[k - 1];
    prev.resize(shape_.in(l), delta_[k].cols());
    matmul(wt(p_, l), false, delta_[k], false, prev);  // W_lᵀδ_l
    if (!simd_act_) u_[k - 1] = prev;
    bias_sums_[k - 1].resize(shape_.in(l));
    scale_rowsum(prev, &s1_[k - 1], bias_sums_[k - 1].data());  // δ_{l−1} = σ'∘W_lᵀδ_l, and its row sums
  }
  finish_out(grad);
  put_bias_sums(grad);
}

template <class T>
double MlpPasses<T>::loss_grad(const Vec& theta, Vec& grad) {
  forward(theta);
  backward(grad);
  return loss_;
}

template <class T>
void MlpPasses<T>::prepare_hvp() {
  if (!simd_act_)
    for (std::size_t l = 0; l + 1 < z_.size(); ++l) {
      M& su = su_[l];
      su.resize(z_[l].rows(), z_[l].cols());
      for (long k = 0; k < su.size(); ++k)
        su.data()[k] = static_cast<T>(activate(act_, static_cast<double>(z_[l].data()[k])).d2) * u_[l].data()[k];
    }
  have_hvp_ = true;
}

template <class T>
void MlpPasses<T>::tangent_forward(const T* v) {
  const long L = shape_.layers(), n = x_->cols();
  // ż_l = V_l·a_l + W_l·ȧ_l + c_l, ȧ_{l+1} = σ'(z_l)∘ż_l.
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    M& zd = zdot_[k];
    zd.resize(shape_.out(l), n);
    matmul(wt(v, l), true, l == 0 ? *x_ : a_[k], false, zd);
    if (l > 0) matmul(wt(p_, l), true, adot_[k], false, zd, 1, 1);
    M* ad = l < L - 1 ? &adot_[k + 1] : nullptr;
    if (ad) ad->resize(shape_.out(l), n);
    tangent_sweep(zd, v + shape_.bias_offset(l), s1_[k], ad);
  }
  // The tangent of ∂L/∂f: ż/n (mse) or (diag p − p pᵀ)·ż/n (ce).
  const M& fd = zdot_.back();
  const T inv = static_cast<T>(1.0 / static_cast<double>(n));
  if (loss_kind_ == LossKind::Mse) {
    ddot_ = fd * inv;
  } else {
    ddot_ = p_soft_.cwiseProduct(fd);
    const Eigen::Matrix<T, 1, Eigen::Dynamic> s = ddot_.colwise().sum();
    ddot_ = (ddot_ - p_soft_ * s.asDiagonal()) * inv;
  }
}

template <class T>
void MlpPasses<T>::tangent_backward(const T* v, Vec& out) {
  const long L = shape_.layers();
  T* o = out_params(out);
  bias_sums_.resize(static_cast<std::size_t>(L));
  M* dd = &ddot_;  // R{δ_l}: the output layer's in ddot_, each hidden layer's in ȧ_{l+1}
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    Eigen::Map<M> ow(o + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    matmul(l == 0 ? *x_ : a_[k], false, *dd, true, ow);
    if (l > 0) matmul(adot_[k], false, delta_[k], true, ow, 1, 1);
    bias_sums_[k].resize(shape_.out(l));
    scale_rowsum(*dd, nullptr, bias_sums_[k].data());
    if (l == 0) break;
    // R{δ_{l−1}} = σ'∘(V_lᵀδ_l + W_lᵀ·R{δ_l}) + σ''∘u_{l−1}∘ż_{l−1}; for tanh σ''∘u = −2·a_l∘δ_{l−1}.
    // It is written over ȧ_l, which has its shape and is not read again (no reallocation per product).
    M& next = adot_[k];
    matmul(wt(v, l), false, delta_[k], false, next);
    matmul(wt(p_, l), false, *dd, false, next, 1, 1);
    auto r = next.array();
    if (act_ == Activation::Tanh)
      r = s1_[k - 1].array() * r - T(2) * a_[k].array() * delta_[k - 1].array() * zdot_[k - 1].array();
    else if (simd_act_)
      r *= s1_[k - 1].array();
    else
      r = s1_[k - 1].array() * r + su_[k - 1].array() * zdot_[k - 1].array();
    dd = &next;
  }
  finish_out(out);
  put_bias_sums(out);
}

template <class T>
void MlpPasses<T>::hvp(const Vec& theta, const Vec& v, Vec& out) {
  if (!at(theta)) {
    Vec g;
    loss_grad(theta, g);
  }
  if (!have_hvp_) prepare_hvp();
  const T* vp = params(v, v_buf_);
  tangent_forward(vp);
  tangent_backward(vp, out);
}

template class MlpPasses<double>;
template class MlpPasses<float>;

}  // namespace eos
