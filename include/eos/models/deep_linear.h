// Model A (docs/science.md §7.1): the deep linear network W_L⋯W_1 with squared loss (1/2n)‖W_L⋯W_1X − Y‖²,
// on the scalar chain (all widths 1, x = 1, target y) or Gaussian inputs with a planted linear target.
#pragma once
#include <vector>

#include "eos/model/model.h"

namespace eos {

// Inputs X (d_in × n, one sample per column) and targets Y (d_out × n).
struct DeepLinearData {
  Mat X;
  Mat Y;
};

// The scalar chain's single sample: x = 1, target y.
DeepLinearData make_deep_linear_scalar(double y);
// n Gaussian inputs x ~ N(0, I) and targets Y = target·M*·X, M* with entries N(0, 1/d_in); the
// data depend only on (seed, n, d_in, d_out, target).
DeepLinearData make_deep_linear_gaussian(long seed, long n, long d_in, long d_out, double target);

// Critical step size of the scalar chain of depth L and target y: 2/(L·|y|^{2−2/L}), the step
// size above which no minimiser is stable (the flattest minimiser, the balanced one, has
// sharpness L·|y|^{2−2/L}).
double deep_linear_eta_star(long depth, double y);

// θ holds vec(W_1), …, vec(W_L) (each column-major); W_i is h_i × h_{i−1} with h_0 = d_in,
// h_L = d_out.
class DeepLinear final : public Model {
 public:
  // widths = (h_0, …, h_L); data.X has h_0 rows, data.Y has h_L rows.
  DeepLinear(DeepLinearData data, std::vector<long> widths, Vec theta0);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // Exact H(θ)·v at the cost of about two gradients (forward and backward tangents).
  void hvp(const Vec& theta, const Vec& v, Vec& out) override;
  // Exact ∇_θ(uᵀHv): the HVP along u differentiated along v (a second forward tangent of every
  // factor; the loss is a polynomial in θ, so nothing is left out), about three gradients' cost.
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  // imbalance: max_i ‖W_{i+1}ᵀW_{i+1} − W_iW_iᵀ‖_F (conserved by gradient flow; 0 for L = 1);
  // product_norm: ‖W_L⋯W_1‖_F.
  void track(const Vec& theta, double* out) const override;
  // A minibatch (dataset = gaussian): the same formulas over the batch's samples, gathered into
  // scratch. The scalar chain has one sample and nothing to batch (samples() = 0).
  long samples() const override { return chain_ ? 0 : data_.X.cols(); }
  double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) override;
  void hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) override;

  long depth() const { return static_cast<long>(widths_.size()) - 1; }
  long dim() const { return offsets_.back(); }
  // W_i (1 ≤ i ≤ L) at θ.
  Mat layer(const Vec& theta, long i) const;
  // W_L⋯W_1 at θ.
  Mat product(const Vec& theta) const;

 private:
  double evaluate_on(const DeepLinearData& data, const Vec& theta, Vec& grad, Mat* hess) const;
  void hvp_on(const DeepLinearData& data, const Vec& theta, const Vec& v, Vec& out) const;
  const DeepLinearData& gather(std::span<const long> rows);
  DeepLinearData data_;
  DeepLinearData batch_;  // a minibatch's samples
  std::vector<long> widths_;
  std::vector<long> offsets_;  // offsets_[i−1] = start of vec(W_i); offsets_[L] = dim
  Vec theta0_;
  bool chain_ = false;  // the scalar chain (one sample x = 1, all widths 1): closed-form path
  double evaluate_chain(const Vec& w, Vec& grad, Mat* hess) const;
};

ModelInfo deep_linear_info();

}  // namespace eos
