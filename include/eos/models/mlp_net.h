// A fully connected network (Cohen et al.'s fc nets): `depth` hidden layers of `width` units, each
// affine then the activation, then an affine output layer, trained on the mean squared error to
// one-hot targets or the mean cross-entropy. Loss, gradient (backpropagation) and exact
// Hessian-vector products (forward-over-reverse, the R-operator) reusing the forward pass at θ.
#pragma once
#include <string>
#include <vector>

#include "eos/numerics/linalg.h"

namespace eos {

enum class Activation { Tanh, Relu, Elu, Softplus, Gelu, Identity };
enum class LossKind { Mse, Ce };

Activation activation_named(const std::string& name);
LossKind loss_named(const std::string& name);

// σ, σ' and σ'' of an activation at z.
struct ActivationValues {
  double value, d1, d2;
};
ActivationValues activate(Activation act, double z);

// Layer sizes and the flat parameter layout: for each layer W (out × in, row-major, as PyTorch
// stores `weight`) then b.
struct MlpShape {
  std::vector<long> sizes;  // inputs, hidden widths..., outputs
  long layers() const { return static_cast<long>(sizes.size()) - 1; }
  long in(long l) const { return sizes[static_cast<std::size_t>(l)]; }
  long out(long l) const { return sizes[static_cast<std::size_t>(l) + 1]; }
  long weight_offset(long l) const;      // where W_l starts
  long bias_offset(long l) const { return weight_offset(l) + in(l) * out(l); }
  long dim() const { return weight_offset(layers()); }
};
MlpShape mlp_shape(long inputs, long width, long depth, long classes);

class MlpNet {
 public:
  // x: features × samples; y: class labels.
  MlpNet(MlpShape shape, Activation act, LossKind loss, Mat x, std::vector<int> y);
  const MlpShape& shape() const { return shape_; }
  long samples() const { return x_.cols(); }
  // What the network was built from (read by the third-derivative product, mlp_third.h).
  Activation activation() const { return act_; }
  LossKind loss_kind() const { return loss_kind_; }
  const Mat& inputs() const { return x_; }
  const std::vector<int>& labels() const { return y_; }
  // Loss at θ and its gradient (the forward and backward passes are kept for hvp at the same θ).
  double loss_grad(const Vec& theta, Vec& grad);
  // H(θ)·v, exact; reuses the passes of the last loss_grad when θ is the same point.
  void hvp(const Vec& theta, const Vec& v, Vec& out);
  // Loss and accuracy of θ on other data (features × samples).
  void evaluate_on(const Vec& theta, const Mat& x, const std::vector<int>& y, double& loss, double& acc) const;
  // Training accuracy at θ (from the kept forward pass when θ is its point).
  double train_accuracy(const Vec& theta) const;

 private:
  // Forward pass at θ into the kept state (activations, σ', outputs); loss and its output error.
  void forward(const Vec& theta);
  void backward(const Vec& theta, Vec& grad);
  void prepare_hvp(const Vec& theta);
  bool at(const Vec& theta) const { return have_ && at_.size() == theta.size() && at_ == theta; }

  MlpShape shape_;
  Activation act_;
  LossKind loss_kind_;
  Mat x_;
  std::vector<int> y_;
  // The kept passes at at_: a_[l] the input of layer l (a_[0] = x), s1_/s2_ σ' and σ'' of the
  // hidden pre-activations, f_ the outputs (p_ their softmax for ce), delta_[l] ∂L/∂z of layer l,
  // u_[l] = W_{l+1}ᵀ δ_{l+1} at hidden layer l.
  Vec at_;
  bool have_ = false, have_s2_ = false;
  double loss_ = 0;
  std::vector<Mat> a_, s1_, s2_, delta_, u_;
  Mat f_, p_;
  // Work space of hvp.
  std::vector<Mat> zdot_, adot_;
  Mat ddot_, ddot_prev_;
};

}  // namespace eos
