// The logistic loss ℓ(m) = log(1 + e^{−m}) and its first two derivatives, evaluated stably
// with one exp and one log1p (vectorised pieces for sums over many samples: lane_math.h).
#pragma once
#include <cmath>

namespace eos {

struct Logistic {
  double value;  // ℓ(m)
  double d1;     // ℓ'(m) = −σ(−m)
  double d2;     // ℓ''(m) = σ(m)σ(−m)
  explicit Logistic(double m) {
    const double e = std::exp(-std::fabs(m));  // in (0, 1]
    const double s = 1.0 / (1.0 + e);
    value = (m < 0 ? -m : 0.0) + std::log1p(e);
    // σ(−m) = e/(1+e) when m ≥ 0, 1/(1+e) when m < 0
    const double sig_neg = m >= 0 ? e * s : s;
    d1 = -sig_neg;
    d2 = e * s * s;
  }
};

}  // namespace eos
