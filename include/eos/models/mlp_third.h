// The third derivative of a fully connected network's loss contracted twice, ∇_θ(uᵀH(θ)v), exact:
// the R-operator's Hessian-vector product along u differentiated once more along v (a second-order
// forward pass, then the backward pass with its first and second tangents), with σ, σ', σ'', σ'''
// of the activation. Kept apart from mlp_net.cpp: it has its own passes at θ and reads only what
// the network was built from.
#pragma once
#include <vector>

#include "eos/models/mlp_net.h"

namespace eos {

// σ'''(z) of an activation (relu, and elu for z > 0: 0; at the kinks the one-sided value).
double activation_d3(Activation act, double z);

class MlpThird {
 public:
  // out = ∇_θ(uᵀH(θ)v) of net's loss. The forward and backward passes at θ (with σ'' and σ''')
  // are kept for the next call at the same θ.
  void product(const MlpNet& net, const Vec& theta, const Vec& u, const Vec& v, Vec& out);
  // The products of every pair i ≤ j of U's columns, in Model::third_pairs' order; each column's
  // first-order tangents are computed once and shared by its pairs.
  void products(const MlpNet& net, const Vec& theta, const Mat& U, std::vector<Vec>& out);

 private:
  // The first-order tangents along one direction t: of the pre-activations (z) and the layers'
  // inputs (a, index 0 unused), of δ_l (d) and of back_l (b), and for ce of the softmax (p).
  struct Tangent {
    std::vector<Mat> z, a, d, b;
    Mat p;
  };
  void prepare(const MlpNet& net, const Vec& theta);
  Tangent first_order(const MlpNet& net, const Vec& theta, const Vec& t) const;
  // ∇_θ(uᵀHv) from the two directions' first-order tangents: the mixed second tangents forward,
  // then the backward pass differentiated along both.
  void second_order(const MlpNet& net, const Vec& theta, const Vec& u, const Vec& v, const Tangent& tu,
                    const Tangent& tv, Vec& out) const;
  // Kept at at_: a_[l] the input of layer l (a_[0] unused: the data), s1_..s3_ σ', σ'', σ''' of
  // hidden layer l's pre-activations, delta_[l] = ∂L/∂z_l, back_[l] = W_{l+1}ᵀδ_{l+1}, p_ the
  // softmax (ce).
  Vec at_;
  bool have_ = false;
  std::vector<Mat> a_, s1_, s2_, s3_, delta_, back_;
  Mat p_;
};

}  // namespace eos
