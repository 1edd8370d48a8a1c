// The third derivative of a loss through one scalar, ℓ(s(θ)), contracted with u and v: the chain
// rule that the small models' Model::third share (one call per model, or per sample).
#pragma once
#include "eos/numerics/linalg.h"

namespace eos {

// ∇_θ(uᵀ∇²[ℓ∘s]v) = ℓ'''·(∇s·u)(∇s·v)·∇s
//                  + ℓ''·[(uᵀ∇²s v)·∇s + (∇s·u)·∇²s v + (∇s·v)·∇²s u]
//                  + ℓ'·D³s[u, v, ·]
// given ℓ', ℓ'', ℓ''' at s(θ), ∇s, ∇²s and D³s[u, v, ·] (zero for the models whose s is at most
// quadratic in each direction). V and M are Eigen vector and matrix types of one size (fixed
// sizes keep a per-sample loop free of allocations).
template <class V, class M>
V chain_third(double l1, double l2, double l3, const V& ds, const M& d2s, const V& d3s_uv, const V& u, const V& v) {
  const V hu = d2s * u, hv = d2s * v;
  const double su = ds.dot(u), sv = ds.dot(v), quv = u.dot(hv);
  return (l3 * su * sv + l2 * quv) * ds + (l2 * su) * hv + (l2 * sv) * hu + l1 * d3s_uv;
}

}  // namespace eos
