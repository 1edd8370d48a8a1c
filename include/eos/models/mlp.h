// model = mlp: Cohen et al.'s fully connected networks on real data (digits, Fashion-MNIST or a
// file), mean squared error or cross-entropy, PyTorch's default initialisation or parameters
// from a file. The network itself is models/mlp_net.h; the data come through data/.
#pragma once
#include <memory>

#include "eos/data/prepare.h"
#include "eos/model/model.h"
#include "eos/models/mlp_net.h"
#include "eos/models/mlp_third.h"

namespace eos {

class Mlp final : public Model {
 public:
  Mlp(MlpNet net, Vec theta0, PreparedData data);
  Vec initial() const override { return theta0_; }
  // Loss and gradient; the dense Hessian, when asked, from one HVP per parameter (small nets).
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  void hvp(const Vec& theta, const Vec& v, Vec& out) override;
  // Exact ∇_θ(uᵀHv) by a second-order forward pass (mlp_third.h).
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  void third_pairs(const Vec& theta, const Mat& U, std::vector<Vec>& out) override;
  // train_acc, then bias_mean_lK and frac_neg_bias_lK of hidden layers 1..3 (NaN past depth).
  void track(const Vec& theta, double* out) const override;
  void report(const Vec& theta, double* out) override;  // test_acc, test_loss
  // A minibatch through the network's batch passes (MlpNet::loss_grad_rows); the dense Hessian,
  // when asked, from one batch HVP per parameter.
  long samples() const override { return net_.samples(); }
  double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) override;
  void hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) override;

  const MlpNet& net() const { return net_; }

 private:
  MlpNet net_;
  MlpThird third_;
  Vec theta0_;
  Mat x_test_;
  std::vector<int> y_test_;
};

// PyTorch's nn.Linear default for every layer, W and b uniform on ±1/√fan_in, from the seed.
Vec mlp_default_init(const MlpShape& shape, long seed);

ModelInfo mlp_info();

}  // namespace eos
