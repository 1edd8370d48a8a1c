// The network's passes in T = double or float: forward (one GEMM and one fused bias + activation
// sweep per layer), backward, and the exact Hessian-vector product by the R-operator. Matrices
// are features × samples; W_l is read in place from θ as its transpose (the row-major out × in
// block is a column-major in × out matrix).
#include "eos/models/mlp_passes.h"

#include <algorithm>
#include <type_traits>

#include "eos/numerics/activation_simd.h"
#include "eos/numerics/blas.h"

namespace eos {
namespace {

// a = σ(z + b), d = σ'(z + b) over rows × cols column-major values; z ← z + b where the
// pre-activations are kept (z is a itself for tanh and relu, which sweep in place).
template <class T>
void activation_sweep(Activation act, long rows, long cols, T* z, const T* b, T* a, T* d) {
  const ActivationKernels& k = activation_kernels();
  if (act == Activation::Tanh || act == Activation::Relu) {
    (act == Activation::Tanh ? for_type<T>(k.tanh_f64, k.tanh_f32) : for_type<T>(k.relu_f64, k.relu_f32))(rows, cols, z, b, a, d);
    return;
  }
  for (long e = 0; e < rows * cols; ++e) {
    const double x = static_cast<double>(z[e]) + static_cast<double>(b[e % rows]);
    z[e] = static_cast<T>(x);
    if (act == Activation::Identity) {
      a[e] = static_cast<T>(x);
      d[e] = 1;
      continue;
    }
    const ActivationValues v = activate(act, x);
    a[e] = static_cast<T>(v.value);
    d[e] = static_cast<T>(v.d1);
  }
}

// zd ← zd + c (per row), ad = s1∘zd (when ad is not null): the tangent's bias and activation in
// one vectorised sweep over rows × cols column-major values.
template <class T>
void tangent_sweep(long rows, long cols, T* zd, const T* c, const T* s1, T* ad) {
  const ActivationKernels& k = activation_kernels();
  for_type<T>(k.tangent_f64, k.tangent_f32)(rows, cols, zd, c, s1, ad);
}

// r ← s1∘r − 2·a∘δ∘ż over count values: tanh's R{δ}, vectorised.
template <class T>
void rop_tanh(long count, T* r, const T* s1, const T* a, const T* dl, const T* zd) {
  const ActivationKernels& k = activation_kernels();
  for_type<T>(k.rop_tanh_f64, k.rop_tanh_f32)(count, r, s1, a, dl, zd);
}

// The bytes of one hidden layer's block of columns: small enough that the block stays in a core's
// L2 cache from its product to its sweep and the next layer's product.
constexpr long kBlockBytes = 512 * 1024;
constexpr long kMinBlockCols = 64;

}  // namespace

template <class T>
MlpPasses<T>::MlpPasses(const MlpShape& shape, Activation act, LossKind loss, std::shared_ptr<const M> x,
                        const std::vector<int>& y, long block)
    : shape_(shape), act_(act), loss_kind_(loss),
      simd_act_(act == Activation::Tanh || act == Activation::Relu || act == Activation::Identity), block_(block),
      x_(std::move(x)), y_(y) {
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

// Each layer's weights as an out × in matrix, the left operand of a tiled product (θ keeps their
// transposes' columns).
template <class T>
void MlpPasses<T>::weights(const T* p, std::vector<M>& w) const {
  w.resize(static_cast<std::size_t>(shape_.layers()));
  for (long l = 0; l < shape_.layers(); ++l) w[static_cast<std::size_t>(l)] = wt(p, l).transpose();
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
void MlpPasses<T>::scale_rowsum(Eigen::Map<M> d, const T* s, double* out) const {
  const ActivationKernels& k = activation_kernels();
  for_type<T>(k.scale_rowsum_f64, k.scale_rowsum_f32)(d.rows(), d.cols(), d.data(), s, out);
}

// kBlockBytes of the widest hidden layer (at least kMinBlockCols columns), or all of them: it
// depends on the shape alone, so a result does not depend on the machine's caches. n = 0 gives
// no block.
template <class T>
long MlpPasses<T>::block_cols() const {
  const long n = x_->cols();
  if (block_ > 0) return std::min(n, block_);
  long widest = 1;
  for (long l = 0; l + 1 < shape_.layers(); ++l) widest = std::max(widest, shape_.out(l));
  return std::min(n, std::max(kMinBlockCols, kBlockBytes / (widest * static_cast<long>(sizeof(T)))));
}

template <class T>
template <class F>
void MlpPasses<T>::for_blocks(F&& f) const {
  const long n = x_->cols(), b = block_cols();
  for (long c0 = 0; c0 < n; c0 += b) f(Cols{c0, std::min(b, n - c0)});
}

template <class T>
void MlpPasses<T>::zero_bias_sums() {
  bias_sums_.resize(static_cast<std::size_t>(shape_.layers()));
  for (long l = 0; l < shape_.layers(); ++l) bias_sums_[static_cast<std::size_t>(l)].setZero(shape_.out(l));
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
  weights(p_, w_);
  const long L = shape_.layers(), n = x_->cols();
  f_.resize(shape_.out(L - 1), n);
  for (long l = 0; l + 1 < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    a_[k + 1].resize(shape_.out(l), n);
    if (!simd_act_) z_[k].resize(shape_.out(l), n);
    s1_[k].resize(shape_.out(l), n);
  }
  for_blocks([&](Cols c) { forward_block(c); });
  loss_ = output_loss(f_, y_, loss_kind_, &delta_.back(), &p_soft_);
  have_ = true;
  have_hvp_ = false;
}

template <class T>
void MlpPasses<T>::forward_block(Cols c) {
  const long L = shape_.layers();
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    const auto in = cols(l == 0 ? *x_ : a_[k], c);
    const T* b = p_ + shape_.bias_offset(l);
    if (l == L - 1) {
      auto f = cols(f_, c);
      matmul_tiled(w_[k], in, false, f, false);
      f.colwise() += Eigen::Map<const V>(b, shape_.out(l));
      return;
    }
    auto a = cols(a_[k + 1], c), z = cols(simd_act_ ? a_[k + 1] : z_[k], c);
    matmul_tiled(w_[k], in, false, z, false);
    activation_sweep(act_, z.rows(), c.n, z.data(), b, a.data(), cols(s1_[k], c).data());
  }
}

template <class T>
void MlpPasses<T>::backward(Vec& grad) {
  const long L = shape_.layers(), n = x_->cols();
  T* g = out_params(grad);
  zero_bias_sums();
  for (long l = 1; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    delta_[k - 1].resize(shape_.in(l), n);
    if (!simd_act_) u_[k - 1].resize(shape_.in(l), n);
  }
  for_blocks([&](Cols c) { backward_block(c, g); });
  finish_out(grad);
  put_bias_sums(grad);
}

// The block's part of the gradient: its weight products added to g (written by the first block),
// its bias sums added to bias_sums_.
template <class T>
void MlpPasses<T>::backward_block(Cols c, T* g) {
  const long L = shape_.layers();
  const bool add = c.c0 > 0;
  scale_rowsum(cols(delta_.back(), c), nullptr, bias_sums_.back().data());
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    Eigen::Map<M> gw(g + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    const auto d = cols(delta_[k], c);
    matmul_tiled(cols(l == 0 ? *x_ : a_[k], c), d, true, gw, add);
    if (l == 0) return;
    auto prev = cols(delta_[k - 1], c);
    matmul_tiled(wt(p_, l), d, false, prev, false);  // W_lᵀδ_l
    if (!simd_act_) cols(u_[k - 1], c) = prev;
    scale_rowsum(prev, cols(s1_[k - 1], c).data(), bias_sums_[k - 1].data());  // δ_{l−1} = σ'∘W_lᵀδ_l, and its row sums
  }
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
  const long L = shape_.layers(), b = block_cols();
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    zdot_[k].resize(shape_.out(l), b);
    if (l + 1 < L) adot_[k + 1].resize(shape_.out(l), b);
  }
  ddot_.resize(shape_.out(L - 1), b);
  have_hvp_ = true;
}

// The block's tangents: ż_l = V_l·a_l + W_l·ȧ_l + c_l, ȧ_{l+1} = σ'(z_l)∘ż_l.
template <class T>
void MlpPasses<T>::tangent_forward(const T* v, Cols c) {
  const long L = shape_.layers();
  for (long l = 0; l < L; ++l) {
    const std::size_t k = static_cast<std::size_t>(l);
    auto zd = head(zdot_[k], c.n);
    matmul_tiled(vw_[k], cols(l == 0 ? *x_ : a_[k], c), false, zd, false);
    if (l > 0) matmul_tiled(w_[k], head(adot_[k], c.n), false, zd, true);
    T* ad = l < L - 1 ? adot_[k + 1].data() : nullptr;
    tangent_sweep(zd.rows(), c.n, zd.data(), v + shape_.bias_offset(l), cols(s1_[k], c).data(), ad);
  }
}

// The block's tangent of ∂L/∂f: ż/n (mse) or (diag p − p pᵀ)·ż/n (ce), column by column.
template <class T>
void MlpPasses<T>::output_tangent(Cols c) {
  const auto fd = head(zdot_.back(), c.n);
  auto dd = head(ddot_, c.n);
  const T inv = static_cast<T>(1.0 / static_cast<double>(x_->cols()));
  if (loss_kind_ == LossKind::Mse) {
    dd = fd * inv;
    return;
  }
  const auto p = cols(p_soft_, c);
  dd = p.cwiseProduct(fd);
  const Eigen::Matrix<T, 1, Eigen::Dynamic> s = dd.colwise().sum();
  dd = (dd - p * s.asDiagonal()) * inv;
}

// The block's part of the product: its weight products added to o (written by the first block),
// its bias sums added to bias_sums_.
template <class T>
void MlpPasses<T>::tangent_backward(const T* v, Cols c, T* o) {
  const long L = shape_.layers();
  const bool add = c.c0 > 0;
  M* dd = &ddot_;  // R{δ_l}: the output layer's in ddot_, each hidden layer's in ȧ_{l+1}
  for (long l = L - 1; l >= 0; --l) {
    const std::size_t k = static_cast<std::size_t>(l);
    Eigen::Map<M> ow(o + shape_.weight_offset(l), shape_.in(l), shape_.out(l));
    const auto rd = head(*dd, c.n);
    matmul_tiled(cols(l == 0 ? *x_ : a_[k], c), rd, true, ow, add);
    if (l > 0) matmul_tiled(head(adot_[k], c.n), cols(delta_[k], c), true, ow, true);
    scale_rowsum(rd, nullptr, bias_sums_[k].data());
    if (l == 0) return;
    // R{δ_{l−1}} = σ'∘(V_lᵀδ_l + W_lᵀ·R{δ_l}) + σ''∘u_{l−1}∘ż_{l−1}; for tanh σ''∘u = −2·a_l∘δ_{l−1}.
    // It is written over ȧ_l, which has its shape and is not read again (no reallocation per product).
    auto next = head(adot_[k], c.n);
    matmul_tiled(wt(v, l), cols(delta_[k], c), false, next, false);
    matmul_tiled(wt(p_, l), rd, false, next, true);
    auto r = next.array();
    const auto s1 = cols(s1_[k - 1], c).array();
    if (act_ == Activation::Tanh)
      rop_tanh(next.size(), next.data(), s1.data(), cols(a_[k], c).data(), cols(delta_[k - 1], c).data(),
               zdot_[k - 1].data());
    else if (simd_act_)
      r *= s1;
    else
      r = s1 * r + cols(su_[k - 1], c).array() * head(zdot_[k - 1], c.n).array();
    dd = &adot_[k];
  }
}

template <class T>
void MlpPasses<T>::hvp(const Vec& theta, const Vec& v, Vec& out) {
  if (!at(theta)) {
    Vec g;
    loss_grad(theta, g);
  }
  if (!have_hvp_) prepare_hvp();
  const T* vp = params(v, v_buf_);
  weights(vp, vw_);
  T* o = out_params(out);
  zero_bias_sums();
  for_blocks([&](Cols c) {
    tangent_forward(vp, c);
    output_tangent(c);
    tangent_backward(vp, c, o);
  });
  finish_out(out);
  put_bias_sums(out);
}

template class MlpPasses<double>;
template class MlpPasses<float>;

}  // namespace eos
