// The single-neuron linear network (docs/science.md §5): two scalars (x, y) and the loss ℓ(x·y)
// for an even, convex, Lipschitz ℓ with ℓ''(0) = 1; the paper's toy model of the edge of stability.
#pragma once
#include <string>

#include "eos/model/model.h"

namespace eos {

enum class NeuronLoss { LogCosh, Sqrt, Logistic };

// "logcosh", "sqrt", "logistic" (throws std::invalid_argument otherwise).
NeuronLoss neuron_loss(const std::string& name);

// ℓ(s) and its first three derivatives, accurate for tiny |s| (no cancellation against a
// constant) and finite for huge |s|:
//   logcosh  log cosh s
//   sqrt     √(1 + s²) − 1
//   logistic 4·log(2cosh(s/2)) − 4·log 2   (the symmetrised logistic rescaled to ℓ''(0) = 1)
struct NeuronLossValue {
  double value, d1, d2, d3;
  NeuronLossValue(NeuronLoss loss, double s);
};

class SingleNeuron final : public Model {
 public:
  SingleNeuron(NeuronLoss loss, double x0, double y0);
  Vec initial() const override;
  double evaluate(const Vec& theta, Vec& grad, Mat* hess) override;
  // ℓ'''·(∇s·u)(∇s·v)∇s + ℓ''·[...] with s = xy, ∇s = (y, x), ∇²s = [[0, 1], [1, 0]].
  bool has_third() const override { return true; }
  void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) override;
  void track(const Vec& theta, double* out) const override;  // y2 = y², x

 private:
  NeuronLoss loss_;
  double x0_, y0_;
};

// The theory columns of a point: gf_prediction = y₀² − x₀², two_over_eta = 2/η,
// edge_gf = η(y₀² − x₀²)/2, eos_predicted = 1 when edge_gf > 1 else 0, y2_theory = gf_prediction
// or 2/η, x0, y0.
void single_neuron_predict(const Params& p, double* out);

ModelInfo single_neuron_info();

}  // namespace eos
