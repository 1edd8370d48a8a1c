// The main model (docs/science.md §3): the ReLU network with known basis on sparse-coding
// data, f(x) = a₋·Σ_k ReLU(−x_k + b) + a₊·Σ_k ReLU(x_k + b), θ = (a₋, a₊, b), logistic loss.
#pragma once
#include <memory>

#include "eos/model/model.h"
#include "eos/models/sparse_coding.h"

namespace eos {

// Per-sample statistics at bias b: P = Σ ReLU(x_k + b), N = Σ ReLU(−x_k + b),
// cP = #{x_k + b > 0}, cN = #{−x_k + b > 0}. All derivatives of f follow from them.
class SampleStats {
 public:
  virtual ~SampleStats() = default;
  // Fill P, N, cP, cN (arrays of length n) at bias b.
  virtual void compute(double b, double* P, double* N, double* cP, double* cN) = 0;
};

// The O(n·d) direct loop over every coordinate: the test oracle.
class OracleStats final : public SampleStats {
 public:
  explicit OracleStats(std::shared_ptr<const SparseCodingData> data) : data_(std::move(data)) {}
  void compute(double b, double* P, double* N, double* cP, double* cN) override;

 private:
  std::shared_ptr<const SparseCodingData> data_;
};

// Loss, gradient and Hessian of the logistic loss from per-sample statistics: shared by every
// way of computing the statistics. theta = (a₋, a₊, b). Eight samples at a time on the widest
// vector path (sparse_relu_simd.h; bit-identical on every path): one polynomial exp per sample,
// the log terms summed as a log-product (lanes::Log1pProduct, one log per 960 samples), as
// accurate as a sum of log1p terms.
double sparse_relu_loss(const std::vector<double>& y, const double* P, const double* N, const double* cP,
                        const double* cN, const Vec& theta, Vec& grad, Mat* hess);
// The same, straightforwardly: one Logistic (exp and log1p) per sample. The oracle path's loss.
double sparse_relu_loss_direct(const std::vector<double>& y, const double* P, const double* N, const double* cP,
                               const double* cN, const Vec& theta, Vec& grad, Mat* hess);

class SparseRelu final : public Model {
 public:
  // direct_loss: use sparse_relu_loss_direct (the oracle path) instead of sparse_relu_loss.
  SparseRelu(std::shared_ptr<const SparseCodingData> train, std::unique_ptr<SampleStats> stats, Vec theta0,
             long seed, long n_test, bool direct_loss = false);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // Per sample through f = a₋N + a₊P: ∇f = (N, P, a₋cN + a₊cP), ∂²f/∂a₋∂b = cN, ∂²f/∂a₊∂b = cP,
  // D³f = 0 and ∂²f/∂b² = 0 away from the kinks (b = ±x_k), whose Dirac terms are left out.
  // The statistics come from this model's path (fast or oracle), the loss terms from a direct
  // loop with one Logistic per sample on both paths.
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  void track(const Vec& theta, double* out) const override;   // bias, d_asum
  void report(const Vec& theta, double* out) override;        // train_acc, test_acc, a_minus, a_plus
  // A minibatch on either path: the statistics of the batch's samples by the direct loop (O(B·d);
  // the fast path's sorted structure pays off over all n samples at once, and a batch visits each
  // sample once an epoch), then sparse_relu_loss_direct over them. HVPs from its 3×3 Hessian.
  long samples() const override { return train_->n; }
  double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) override;

  // Network output on one sample.
  static double output(const double* x, long d, const Vec& theta);

 private:
  std::shared_ptr<const SparseCodingData> train_;
  std::unique_ptr<SampleStats> stats_;
  Vec theta0_;
  long seed_, n_test_;
  bool direct_loss_;
  std::vector<double> P_, N_, cP_, cN_;
  std::vector<double> yb_, Pb_, Nb_, cPb_, cNb_;  // a minibatch's labels and statistics
};

// The model of a resolved point (keys d, n, lambda, seed, n_test, init_scale, b0, path): the
// training set comes from SparseCodingCache::shared(); path = fast uses FastStats and
// sparse_relu_loss, path = oracle OracleStats and sparse_relu_loss_direct. Data and θ₀ are the
// same on both paths and never depend on η.
std::unique_ptr<Model> make_sparse_relu(const Params& p);

ModelInfo sparse_relu_info();

}  // namespace eos
