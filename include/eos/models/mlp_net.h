// A fully connected network (Cohen et al.'s fc nets): `depth` hidden layers of `width` units, each
// affine then the activation, then an affine output layer, trained on the mean squared error to
// one-hot targets or the mean cross-entropy. Loss, gradient (backpropagation) and exact
// Hessian-vector products (forward-over-reverse, the R-operator) reusing the forward pass at θ,
// in double or single precision (models/mlp_passes.h does the passes).
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "eos/numerics/linalg.h"

namespace eos {

enum class Activation { Tanh, Relu, Elu, Softplus, Gelu, Identity };
enum class LossKind { Mse, Ce };
// The passes' matrices and products: float64, or float32 (SGEMM; reductions stay in double).
enum class Precision { Float64, Float32 };

Activation activation_named(const std::string& name);
LossKind loss_named(const std::string& name);
Precision precision_named(const std::string& name);

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

// Mean loss over the columns of the outputs f against labels y (in double whatever f's type);
// err (when not null) gets ∂L/∂f (the 1/n included), p (ce) the softmax.
template <class M>
double output_loss(const M& f, const std::vector<int>& y, LossKind kind, M* err, M* p);
// The fraction of columns of f whose largest entry is at the label.
template <class M>
double accuracy(const M& f, const std::vector<int>& y);

template <class T>
class MlpPasses;

class MlpNet {
 public:
  // x: features × samples; y: class labels.
  MlpNet(MlpShape shape, Activation act, LossKind loss, Mat x, std::vector<int> y,
         Precision precision = Precision::Float64);
  MlpNet(MlpNet&&) noexcept;
  MlpNet& operator=(MlpNet&&) noexcept;
  ~MlpNet();
  const MlpShape& shape() const { return shape_; }
  Precision precision() const { return precision_; }
  long samples() const { return x_->cols(); }
  // What the network was built from (read by the third-derivative product, mlp_third.h).
  Activation activation() const { return act_; }
  LossKind loss_kind() const { return loss_kind_; }
  const Mat& inputs() const { return *x_; }
  const std::vector<int>& labels() const { return y_; }
  // Loss at θ and its gradient (the forward and backward passes are kept for hvp at the same θ).
  double loss_grad(const Vec& theta, Vec& grad);
  // H(θ)·v, exact; reuses the passes of the last loss_grad when θ is the same point.
  void hvp(const Vec& theta, const Vec& v, Vec& out);
  // Loss and accuracy of θ on other data (features × samples).
  void evaluate_on(const Vec& theta, const Mat& x, const std::vector<int>& y, double& loss, double& acc) const;
  // Training accuracy at θ (from the kept forward pass when θ is its point).
  double train_accuracy(const Vec& theta) const;
  // The mean loss over the training samples `rows` (a minibatch) with its gradient, and the HVP
  // of that batch loss: the same passes, a second set of them, over the batch's columns gathered
  // into scratch (so the full set's passes at θ stay for the sharpness); hvp_rows reuses the
  // batch's forward pass at the same θ and rows.
  double loss_grad_rows(const Vec& theta, std::span<const long> rows, Vec& grad);
  void hvp_rows(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out);

 private:
  MlpShape shape_;
  Activation act_;
  LossKind loss_kind_;
  Precision precision_;
  std::shared_ptr<const Mat> x_;  // shared with the float64 passes (the float32 ones hold a copy)
  std::vector<int> y_;
  std::unique_ptr<MlpPasses<double>> f64_;
  std::unique_ptr<MlpPasses<float>> f32_;
  // Minibatches: their passes, the gathered inputs and labels, and the rows gathered last.
  void gather(std::span<const long> rows);
  std::unique_ptr<MlpPasses<double>> b64_;
  std::unique_ptr<MlpPasses<float>> b32_;
  std::shared_ptr<Mat> xb64_;
  std::shared_ptr<MatF> xb32_;
  std::vector<int> yb_;
  std::vector<long> rows_;
};

}  // namespace eos
