// The logistic loss ℓ(m) = log(1 + e^{−m}) and its first two derivatives, evaluated stably
// with one exp and one log1p; and vectorised pieces for sums over many samples.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

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

// Two doubles processed together (GCC/Clang vector extension: one SSE2 register on x86-64).
using V2 = double __attribute__((vector_size(16)));
using I2 = long __attribute__((vector_size(16)));  // what comparisons of V2 give
static_assert(sizeof(long) == 8, "I2 needs 64-bit long");

// exp(x) lane by lane for x ≤ 0, within about one ulp of the correctly rounded value:
// x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, ln2 in two parts), e^r by its Taylor polynomial
// of degree 13 (truncation below 5e-18 relative), scaled by 2^k through the exponent bits.
// Lanes below −708 (where the result is subnormal), above 0 or NaN go through std::exp.
inline void exp_nonpos(const V2& x, V2& out) {
  const I2 ok = (x >= -708.0) & (x <= 0.0);
  if (!(ok[0] & ok[1])) {
    for (int k = 0; k < 2; ++k) out[k] = std::exp(x[k]);
    return;
  }
  constexpr double shifter_s = 0x1.8p52;  // adding it rounds to an integer, kept in the low bits
  constexpr V2 shifter = {shifter_s, shifter_s};
  constexpr V2 log2e = {1.44269504088896338700e+00, 1.44269504088896338700e+00};
  constexpr V2 ln2_hi = {6.93147180369123816490e-01, 6.93147180369123816490e-01};  // k·ln2_hi is exact
  constexpr V2 ln2_lo = {1.90821492927058770002e-10, 1.90821492927058770002e-10};
  constexpr V2 c13 = {1.0 / 6227020800.0, 1.0 / 6227020800.0}, c12 = {1.0 / 479001600.0, 1.0 / 479001600.0},
               c11 = {1.0 / 39916800.0, 1.0 / 39916800.0}, c10 = {1.0 / 3628800.0, 1.0 / 3628800.0},
               c9 = {1.0 / 362880.0, 1.0 / 362880.0}, c8 = {1.0 / 40320.0, 1.0 / 40320.0},
               c7 = {1.0 / 5040.0, 1.0 / 5040.0}, c6 = {1.0 / 720.0, 1.0 / 720.0}, c5 = {1.0 / 120.0, 1.0 / 120.0},
               c4 = {1.0 / 24.0, 1.0 / 24.0}, c3 = {1.0 / 6.0, 1.0 / 6.0}, c2 = {0.5, 0.5}, one = {1.0, 1.0};
  const V2 t = x * log2e + shifter;
  const V2 kd = t - shifter;  // k = round(x / ln2), in [−1022, 0]
  const I2 ki = __builtin_bit_cast(I2, t) - __builtin_bit_cast(I2, shifter);
  const V2 r = (x - kd * ln2_hi) - kd * ln2_lo;
  // e^r = 1 + (r + r²·Q(r)), Q = Σ_{k=2..13} r^{k−2}/k! by Estrin's scheme (short dependency
  // chains, so that consecutive calls overlap); the last two additions carry the accuracy.
  const V2 r2 = r * r, r4 = r2 * r2;
  const V2 s0 = (c2 + c3 * r) + (c4 + c5 * r) * r2;
  const V2 s1 = (c6 + c7 * r) + (c8 + c9 * r) * r2;
  const V2 s2 = (c10 + c11 * r) + (c12 + c13 * r) * r2;
  const V2 q = s0 + (s1 + s2 * r4) * r4;
  const V2 p = one + (r + r2 * q);
  const I2 scale = (ki + 1023) << 52;  // 2^k, a normal number
  out = p * __builtin_bit_cast(V2, scale);
}

// Σ log1p(e_i) for e_i in [0, 1], as log Π (1 + e_i) with the product carried exactly enough
// that the result is as accurate as summing correctly rounded log1p terms (relative error a
// few ulp, also when the sum is tiny), at the cost of a few multiplications per term instead of
// one log1p. Terms come two at a time (two independent products, one per lane); a term 0 adds
// nothing. At most kMaxAdds adds, then log() (two logs), or the product may overflow.
//
// How: 1 + e is split exactly into u_hi + u_lo with u_hi on a grid of 2⁻²⁵ (26 significant
// bits; u_lo = e − (u_hi − 1) is exact because u_hi − 1 is a multiple of 2⁻²⁵ within 2⁻²⁴ of e,
// or 0 when e < 2⁻²⁵). The running product is kept as ph + pl with ph of at most 27
// significant bits, so ph·u_hi is exact in a double; everything that does not fit goes into
// pl, which stays below about k·2⁻²⁴·ph after k terms and is computed with relative rounding
// error ~2⁻⁵³. A product of up to 256 factors in (1, 2] stays far below overflow.
struct Log1pProduct {
  static constexpr int kMaxAdds = 256;
  V2 ph = {1.0, 1.0}, pl = {};

  void add(const V2& e) {
    const V2 u = 1.0 + e;
    V2 u_hi, q_hi;
    keep_bits(u, 26, u_hi);
    const V2 u_lo = e - (u_hi - 1.0);  // exact: 1 + e = u_hi + u_lo
    const V2 q = ph * u_hi;            // exact: 27 + 26 significant bits
    keep_bits(q, 27, q_hi);
    pl = (q - q_hi) + (ph * u_lo + pl * u);
    ph = q_hi;
  }
  // Σ log1p(e) over the terms added.
  double log() const {
    double sum = 0, corr = 0;
    for (int k = 0; k < 2; ++k) {
      // log(ph + pl) = log(r) + log1p(re/r) with r + re = ph + pl exactly and |re/r| ≤ 2⁻⁵³.
      const double r = ph[k] + pl[k];
      const double re = pl[k] - (r - ph[k]);  // Fast2Sum: ph ≥ |pl|
      sum += std::log(r);
      corr += re / r;
    }
    return sum + corr;
  }

 private:
  // x truncated towards zero to its leading `bits` significant bits (x − result is exact).
  static void keep_bits(const V2& x, int bits, V2& out) {
    const I2 mask = I2{} + static_cast<long>(~((std::uint64_t{1} << (53 - bits)) - 1));
    const I2 kept = __builtin_bit_cast(I2, x) & mask;
    out = __builtin_bit_cast(V2, kept);
  }
};

// Any number of terms, one or two at a time, through Log1pProducts of kMaxAdds adds each.
class Log1pSum {
 public:
  void add(const V2& e) {
    prod_.add(e);
    if (++count_ == Log1pProduct::kMaxAdds) flush();
  }
  void add(double e) {
    const V2 v{e, 0.0};
    add(v);
  }
  double value() {
    flush();
    return sum_;
  }

 private:
  void flush() {
    if (count_ == 0) return;
    sum_ += prod_.log();
    prod_ = Log1pProduct();
    count_ = 0;
  }
  Log1pProduct prod_;
  double sum_ = 0.0;
  int count_ = 0;
};

}  // namespace eos
