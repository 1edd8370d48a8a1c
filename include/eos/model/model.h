// The extension point: a model is its parameters, its loss with gradient, its Hessian (dense or
// as Hessian-vector products) and its named observables. Models know nothing of GD or MPI.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eos/config/key.h"
#include "eos/config/params.h"
#include "eos/numerics/linalg.h"

namespace eos {

class Model {
 public:
  virtual ~Model() = default;

  // The starting point θ₀ of GD.
  virtual Vec initial() const = 0;
  // Loss at θ, its gradient into grad (resized by the model); the dense Hessian into *hess
  // when hess is not null.
  virtual double evaluate(const Vec& theta, Vec& grad, Mat* hess) = 0;
  // Hessian-vector product H(θ)·v. Default: through the dense Hessian.
  virtual void hvp(const Vec& theta, const Vec& v, Vec& out);
  // Scalars recorded every step, in the order of ModelInfo::tracked (reported as NAME_final
  // and NAME_tail, the mean over the run's tail, and written into traces).
  virtual void track(const Vec& theta, double* out) const;
  // End-of-run values, in the order of ModelInfo::reports (accuracy, theory predictions...).
  virtual void report(const Vec& theta, double* out);
};

// What the registry knows about a model without building one.
struct ModelInfo {
  std::string name;
  std::string doc;
  std::vector<KeySpec> keys;            // the model's own job keys
  std::vector<std::string> tracked;     // per-step scalars (see Model::track)
  std::vector<std::string> reports;     // end-of-run columns (see Model::report)
  // The model's critical step size η*, when its theory has one (lets jobs give eta_rel).
  std::function<double(const Params&)> eta_star;
  // Relative cost of one GD step (orders the work: longest points first). Default 1.
  std::function<double(const Params&)> step_cost;
  // Parameter count of a point (chooses dense or Lanczos sharpness).
  std::function<long(const Params&)> dim;
  // Checks across keys of one point (throws InputError); may be empty.
  std::function<void(const Params&)> check;
  std::function<std::unique_ptr<Model>(const Params&)> make;
};

}  // namespace eos
