// Model C (docs/science.md §7.3): the non-homogeneous two-layer network f(W; x) = (1/m)Σ_j a_j φ(⟨w_j, x⟩) with
// fixed a_j = ±1, leaky softplus φ(z) = c·z + (1 − c)·softplus(z), logistic loss; only W is trained.
#pragma once
#include <string>

#include "eos/model/model.h"

namespace eos {

// Labelled points: X is n × d (one sample per row), y = ±1.
struct LabelledData {
  Mat X;
  Vec y;
};

// Cai et al.'s five 3-d points (separable through the origin, margin 0.05 along e₁).
LabelledData five_point_data();
// The four corners (±1, ±1) labelled by the product of their signs (not linearly separable).
LabelledData xor_data();
// n points: x = ξ + gap·y·u with ξ ~ N(0, I_d), y = sign⟨u, ξ⟩ and u a random unit vector, so
// y⟨u, x⟩ ≥ gap (separable through the origin). Depends only on (seed, n, d, gap).
LabelledData separable_gaussian_data(long seed, long n, long d, double gap);

// The activation and its first three derivatives, stable for every z.
struct LeakySoftplus {
  double value, d1, d2, d3;
  LeakySoftplus(double c, double z);
};

// θ = (w_1, …, w_m), each w_j ∈ ℝ^d contiguous; a_j = +1 for j < m/2 and −1 for the rest.
class LeakySoftplusNet final : public Model {
 public:
  LeakySoftplusNet(LabelledData data, long m, double c, Vec theta0);
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // Exact H(θ)·v in O(n·m·d).
  void hvp(const Vec& theta, const Vec& v, Vec& out) override;
  // Exact ∇_θ(uᵀHv) in O(n·m·d): per sample ℓ'''·(J_iu)(J_iv)J_i + ℓ''·[(uᵀ∇²f_i v)J_i +
  // (J_iu)∇²f_i v + (J_iv)∇²f_i u] + ℓ'·D³f_i[u, v], with φ''' in D³f_i.
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  // margin_norm = min_i y_i f_i / ‖W‖_F, w_norm = ‖W‖_F.
  void track(const Vec& theta, double* out) const override;
  // margin_min = min_i y_i f_i, train_acc.
  void report(const Vec& theta, double* out) override;
  // A minibatch: the same formulas over the batch's samples, gathered into scratch.
  long samples() const override { return data_.X.rows(); }
  double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) override;
  void hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) override;

  // Outputs f_i of every sample at θ.
  Vec outputs(const Vec& theta) const;
  double a(long j) const { return 2 * j < m_ ? 1.0 : -1.0; }

 private:
  // The network at θ: outputs f_i, φ'(z_ij) and φ''(z_ij), and the loss with its derivatives
  // l1_i = ℓ'(y_i f_i)·y_i, l2_i = ℓ''(y_i f_i) — what the gradient, Hessian and HVP share; with
  // third, also φ'''(z_ij) and l3_i = ℓ'''(y_i f_i)·y_i³.
  struct Forward {
    Vec f, l1, l2, l3;
    Mat P1, P2, P3;
    double loss = 0;  // Σ_i ℓ(y_i f_i), not yet divided by n
  };
  Forward forward(const LabelledData& data, const Vec& theta, bool third = false) const;
  double evaluate_on(const LabelledData& data, const Vec& theta, Vec& grad, Mat* hess) const;
  void hvp_on(const LabelledData& data, const Vec& theta, const Vec& v, Vec& out) const;
  const LabelledData& gather(std::span<const long> rows);
  LabelledData data_;
  LabelledData batch_;  // a minibatch's samples
  long m_;
  double c_;
  Vec theta0_;
};

ModelInfo leaky_softplus_net_info();

}  // namespace eos
