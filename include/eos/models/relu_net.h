// The two-layer ReLU network with unknown basis (docs/science.md §6), f(x) = Σ_j a_j ReLU(⟨w_j, x⟩ + b_j),
// all of (W, a, b) trained on sparse-coding data with the logistic loss; exact gradient and Hessian-vector product.
#pragma once
#include <memory>
#include <vector>

#include "eos/model/model.h"
#include "eos/models/sparse_coding.h"

namespace eos {

// Parameter layout: θ = (w_1, ..., w_m, a, b): the d×m matrix W column by column (column j is
// w_j), then a (m values), then b (m values); m·(d + 2) parameters in all.
class ReluNet final : public Model {
 public:
  ReluNet(std::shared_ptr<const SparseCodingData> train, long m, Vec theta0, long seed, long n_test);
  Vec initial() const override { return theta0_; }
  // Loss and gradient; the dense Hessian, when asked, is built column by column from exact
  // Hessian-vector products (m·(d + 2) of them: meant for small instances).
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // Exact H(θ)·v by the R-operator (Pearlmutter): the Gauss-Newton part plus the a–w, a–b
  // cross terms through the ReLU gate (ReLU'' = 0 almost everywhere).
  void hvp(const Vec& theta, const Vec& v, Vec& out) override;
  // ∇_θ(uᵀHv) almost everywhere: per sample ℓ'''·(J_iu)(J_iv)J_i + ℓ''·[(uᵀ∇²f_i v)J_i +
  // (J_iu)∇²f_i v + (J_iv)∇²f_i u], where ∇²f_i has only the a–w and a–b blocks through the gate
  // and D³f_i = 0 (ReLU'' = 0 off the kinks; their Dirac terms are left out).
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  void track(const Vec& theta, double* out) const override;  // bias (mean b_j), frac_neg_bias
  void report(const Vec& theta, double* out) override;       // train_acc, test_acc, alignment, bias_min, bias_max
  // A minibatch: the same passes over the batch's samples, gathered into scratch (d×B).
  long samples() const override { return train_->n; }
  double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) override;
  void hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) override;

  long width() const { return m_; }
  long dim() const { return m_ * (d_ + 2); }
  // Network output on one sample x (d values).
  double output(const double* x, const Vec& theta) const;
  // Mean over neurons of max_k |w_jk| / ‖w_j‖: 1 when every w_j is a basis direction, about
  // √(2 log d / d) for random directions.
  double alignment(const Vec& theta) const;

 private:
  // Forward pass at θ into the cache (skipped when θ is the cached point).
  void forward(const Vec& theta);
  // The samples the passes run over: all of them (rows empty), or a batch gathered into Xb_, yb_;
  // a change drops the cache.
  void view(std::span<const long> rows);
  double evaluate_view(const Vec& theta, Vec& grad, Mat* hess);
  void hvp_view(const Vec& theta, const Vec& v, Vec& out);
  Mat gated_tangent(const Vec& t) const;
  Eigen::Map<const Mat> X() const { return {xv_, d_, n_}; }  // d×n, column i is sample i
  Eigen::Map<const Vec> y() const { return {yv_, n_}; }
  std::shared_ptr<const SparseCodingData> train_;
  long d_, n_, m_;  // n_: samples of the current view
  Vec theta0_;
  long seed_, n_test_;
  const double *xv_, *yv_;
  Mat Xb_;
  Vec yb_;
  std::vector<long> rows_;  // the batch of the view (empty: the whole set)
  // Cache of the last forward pass.
  Vec at_;          // the θ it belongs to
  bool cached_ = false;
  Mat Z_, H_, D_;   // m×n pre-activations, activations, gates (0/1)
  Vec r_, c_;       // per sample: ℓ'(m_i)·y_i/n and ℓ''(m_i)·y_i²/n
  double loss_ = 0;
};

ModelInfo relu_net_info();

}  // namespace eos
