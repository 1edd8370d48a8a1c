// The passes of the fully connected network at one θ, in double (T = double) or single precision
// (T = float: the matrices and products in float, SGEMM; the loss, the bias sums and every
// parameter-space vector in double): the forward pass with the bias add and the activation fused
// into one vectorised sweep (numerics/activation_simd.h), backpropagation, and the R-operator
// reusing both. Kept state per hidden layer: the activations a, σ' and δ (and, for activations
// other than tanh, relu and identity, the pre-activations and Wᵀδ that σ'' needs).
//
// Every pass goes through the samples in blocks of columns (block_cols()), each block through all
// layers before the next: a hidden layer's block is written by its product and read by its sweep
// and by the next layer's product while it is still in the core's cache. The weight parts of a
// gradient or product accumulate over the blocks.
#pragma once
#include <memory>
#include <vector>

#include "eos/models/mlp_net.h"

namespace eos {

template <class T>
class MlpPasses {
 public:
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using V = Eigen::Matrix<T, Eigen::Dynamic, 1>;

  // block (tests): the columns per block instead of block_cols()'s rule.
  MlpPasses(const MlpShape& shape, Activation act, LossKind loss, std::shared_ptr<const M> x, const std::vector<int>& y,
            long block = 0);
  double loss_grad(const Vec& theta, Vec& grad);
  void hvp(const Vec& theta, const Vec& v, Vec& out);
  bool at(const Vec& theta) const { return have_ && at_.size() == theta.size() && at_ == theta; }
  // Point the passes at other samples (a minibatch gathered into x, which the caller may rewrite
  // in place before the next rebind): the kept passes are dropped.
  void rebind(std::shared_ptr<const M> x, const std::vector<int>& y) {
    x_ = std::move(x);
    y_ = y;
    have_ = false;
  }
  const M& outputs() const { return f_; }

 private:
  // A block of samples: columns c0 … c0 + n − 1.
  struct Cols {
    long c0, n;
  };
  // The columns of a block of m (all its rows: contiguous), and the first n columns of a block buffer.
  static Eigen::Map<M> cols(M& m, Cols c) { return {m.data() + c.c0 * m.rows(), m.rows(), c.n}; }
  static Eigen::Map<const M> cols(const M& m, Cols c) { return {m.data() + c.c0 * m.rows(), m.rows(), c.n}; }
  static Eigen::Map<M> head(M& m, long n) { return {m.data(), m.rows(), n}; }
  long block_cols() const;
  template <class F>
  void for_blocks(F&& f) const;

  // θ (or v) in T: a view of theta itself in double, a converted copy in float.
  const T* params(const Vec& theta, V& buf) const;
  void forward(const Vec& theta);
  void forward_block(Cols c);
  void backward(Vec& grad);
  void backward_block(Cols c, T* g);
  void prepare_hvp();
  void tangent_forward(const T* v, Cols c);
  void output_tangent(Cols c);
  void tangent_backward(const T* v, Cols c, T* o);
  void zero_bias_sums();
  // Where a gradient-shaped result is written in T (grad itself in double, a buffer in float).
  T* out_params(Vec& out);
  void finish_out(Vec& out);
  // The layer's weights, its transpose map (in × out) and bias, in T.
  Eigen::Map<const M> wt(const T* p, long l) const;
  // w[l] = W_l as an out × in matrix (wt's transpose, copied) for every layer.
  void weights(const T* p, std::vector<M>& w) const;
  // d ← d∘s (none when s is null) and out += the row sums of d in double (a bias gradient), one sweep.
  void scale_rowsum(Eigen::Map<M> d, const T* s, double* out) const;
  void put_bias_sums(Vec& out) const;

  MlpShape shape_;
  Activation act_;
  LossKind loss_kind_;
  bool simd_act_;  // tanh, relu or identity: no pre-activations kept
  long block_;      // columns per block, or 0: block_cols()'s rule
  std::shared_ptr<const M> x_;
  std::vector<int> y_;
  Vec at_;
  bool have_ = false, have_hvp_ = false;
  double loss_ = 0;
  V theta_buf_, v_buf_, out_buf_;
  const T* p_ = nullptr;  // θ in T at at_
  std::vector<M> w_, vw_;  // W_l at θ and V_l of the last product as out × in matrices (weights())
  // a_[l] the input of layer l (a_[0] unused: x), s1_ σ', z_ the pre-activations (other
  // activations only), u_ = W_{l+1}ᵀδ_{l+1} (other activations only), su_ = σ''∘u (filled by
  // prepare_hvp, other activations only), delta_[l] ∂L/∂z_l, f_ outputs, p_soft_ their softmax.
  std::vector<M> a_, s1_, z_, u_, su_, delta_;
  std::vector<Vec> bias_sums_;  // each layer's bias part of the last gradient or product (backward, tangent_backward)
  M f_, p_soft_;
  // Work space of hvp, one block of columns wide.
  std::vector<M> zdot_, adot_;
  M ddot_;  // the tangent of ∂L/∂f
};

extern template class MlpPasses<double>;
extern template class MlpPasses<float>;

}  // namespace eos
