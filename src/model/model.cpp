// Defaults of the model interface.
#include "eos/model/model.h"

namespace eos {

void Model::hvp(const Vec& theta, const Vec& v, Vec& out) {
  Vec grad;
  Mat hess;
  evaluate(theta, grad, &hess);
  out = hess * v;
}

void Model::track(const Vec&, double*) const {}
void Model::report(const Vec&, double*) {}

}  // namespace eos
