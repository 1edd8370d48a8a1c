// Vectorised pieces of the logistic loss over many samples, on eight lanes (lanes.h): exp(x) for
// x ≤ 0 by a table and a polynomial (also as its two parts, which the tanh sweep uses), and
// Σ log1p(eᵢ) as the log of a product carried exactly enough. Lane by lane the same operations on
// every path, so the results do not depend on the vector width.
#pragma once
#include <cstdint>

#include "eos/numerics/lanes.h"

namespace eos::lanes {
inline namespace EOS_LANES_ISA {

// x truncated towards zero to its leading `bits` significant bits (x − result is exact).
EOS_LANE_INLINE double keep_bits(double x, int bits) {
  const std::uint64_t mask = ~((std::uint64_t{1} << (53 - bits)) - 1);
  return __builtin_bit_cast(double, __builtin_bit_cast(std::uint64_t, x) & mask);
}
EOS_LANE_INLINE D8 keep_bits(const D8& x, int bits) {
  const auto mask = static_cast<long>(~((std::uint64_t{1} << (53 - bits)) - 1));
  return from_bits(bits_of(x) & mask);
}

// 2^(j/16) = hi + lo for j = 0..15 (hi correctly rounded, lo the rest rounded).
inline constexpr double kExp2Hi[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
    0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
    0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0};
inline constexpr double kExp2Lo[16] = {
    0x0.0p+0,               0x1.8a62e4adc610bp-54,  -0x1.19041b9d78a76p-55, 0x1.9b07eb6c70573p-54,
    0x1.6f46ad23182e4p-55,  0x1.ada0911f09ebcp-55,  0x1.d4397afec42e2p-56,  0x1.6324c054647adp-54,
    -0x1.bdd3413b26456p-54, -0x1.41577ee04992fp-55, 0x1.6e9f156864b27p-54,  0x1.c7c46b071f2bep-56,
    0x1.7a1cd345dcc81p-54,  0x1.11065895048ddp-55,  0x1.2ed02d75b3707p-55,  -0x1.e9c23179c2893p-54};

// e^x = (hi + lo)·scale lane by lane for x in [−708, 0], exp's two parts: hi = 2^(j/16) from the
// table (in [1, 2)) and lo = its table remainder + hi·(e^r − 1) (|lo| < 0.043), scale = 2^q a
// normal number, so that hi·scale is exact. How: x = (16q + j)·ln2/16 + r with |r| ≤ ln2/32
// (Cody–Waite, ln2/16 in two parts, the first with trailing zeros so that k·ln2/16 is exact),
// e^x = 2^q·2^(j/16)·e^r with 2^(j/16) from a double-double table and e^r − 1 = r + r²·Q(r) by
// its Taylor polynomial of degree 7 (truncation below 2⁻⁵⁹ relative). 2^q goes into the
// exponent bits. A NaN lane gives a NaN lo (the other parts are then meaningless).
struct ExpParts {
  D8 hi, lo, scale;
};
EOS_LANE_INLINE ExpParts exp_parts(const D8& x) {
  constexpr double shifter = 0x1.8p52;  // adding it rounds to an integer, kept in the low bits
  constexpr double sixteen_log2e = 0x1.71547652b82fep+4;
  constexpr double l_hi = 0x1.62e42fee00000p-5;  // ln2/16 to 32 bits: k·l_hi is exact
  constexpr double l_lo = 0x1.a39ef35793c76p-37;
  const D8 t = x * sixteen_log2e + shifter;
  const D8 kd = t - shifter;                          // k = 16q + j = round(16x/ln2), in [−16343, 0]
  const M8 k = bits_of(t) - bits_of(broadcast(shifter));
  const D8 r = (x - kd * l_hi) - kd * l_lo;
  // Q = Σ_{i=2..7} r^{i−2}/i! by Estrin's scheme (short dependency chains).
  const D8 r2 = r * r, r4 = r2 * r2;
  const D8 q = ((0.5 + (1.0 / 6.0) * r) + ((1.0 / 24.0) + (1.0 / 120.0) * r) * r2) +
               ((1.0 / 720.0) + (1.0 / 5040.0) * r) * r4;
  const D8 p = r + r2 * q;  // e^r − 1, |p| < 0.022
  const M8 j = k & 15L;
  const D8 hi = lookup16(kExp2Hi, j);
  // 2^q with q + 1023 = (k + 16·1023) / 16 ≥ 1: a normal number.
  const M8 scale = shift_right(k + 16L * 1023L, 4) << 52;
  return {hi, lookup16(kExp2Lo, j) + hi * p, from_bits(scale)};
}

// exp(x) lane by lane for x ≤ 0, within about half an ulp of the correctly rounded value, as
// (hi + lo)·scale from exp_parts (hi + lo rounded first: near −708, lo·scale alone would be
// subnormal and rounded to fewer bits). Lanes below −708 (where the result is subnormal), above 0 or
// NaN take libm's exp instead, lane by lane (so a lane's value never depends on its neighbours).
EOS_LANE_INLINE D8 exp_nonpos(const D8& x) {
  const M8 ok = (x >= -708.0) & (x <= 0.0);
  const ExpParts e = exp_parts(select(ok, x, broadcast(0.0)));
  D8 out = (e.hi + e.lo) * e.scale;
  if (!all(ok)) {
    double xv[kLanes], ov[kLanes];
    store(xv, x);
    store(ov, out);
    const unsigned good = mask_bits(ok);
    for (int i = 0; i < kLanes; ++i)
      if (!(good >> i & 1u)) ov[i] = __builtin_exp(xv[i]);
    out = load(ov);
  }
  return out;
}

// Σ log1p(e_i) for e_i in [0, 1], as log Π (1 + e_i) with the product carried exactly enough
// that the result is as accurate as summing correctly rounded log1p terms (relative error a
// few ulp, also when the sum is tiny), at the cost of a few multiplications per term instead of
// one log1p. Terms come eight at a time, one independent product per lane; a term 0 adds
// nothing. At most kMaxAdds adds, then log(), or the product may overflow.
//
// How: a factor u is split exactly into u_hi + u_lo with u_hi of 26 significant bits (for
// u = 1 + e: u_lo = e − (u_hi − 1) is exact because u_hi − 1 is a multiple of 2⁻²⁵ within 2⁻²⁴
// of e, or 0 when e < 2⁻²⁵). The running product is kept as ph + pl with ph of at most 27
// significant bits, so ph·u_hi is exact in a double; everything that does not fit goes into
// pl, which stays below about k·2⁻²⁴·ph after k factors and is computed with relative rounding
// error ~2⁻⁵³ of the product's distance from 1. log() folds the eight lanes into one product
// the same way (lane k with lane k + 4, then k + 2, then k + 1) and takes one log: 8·120 = 960
// factors in (1, 2] stay far below overflow.
struct Log1pProduct {
  static constexpr int kMaxAdds = 120;
  D8 ph = broadcast(1.0), pl = broadcast(0.0);

  EOS_LANE_INLINE void add(const D8& e) {
    const D8 u = 1.0 + e;
    const D8 u_hi = keep_bits(u, 26);
    const D8 u_lo = e - (u_hi - 1.0);  // exact: 1 + e = u_hi + u_lo
    const D8 q = ph * u_hi;            // exact: 27 + 26 significant bits
    const D8 q_hi = keep_bits(q, 27);
    pl = pl * u + ((q - q_hi) + ph * u_lo);  // the carried chain: one product, one sum
    ph = q_hi;
  }
  // Σ log1p(e) over the terms added.
  double log() const {
    double h[kLanes], l[kLanes];
    store(h, ph);
    store(l, pl);
    for (int step = kLanes / 2; step >= 1; step /= 2)
      for (int k = 0; k < step; ++k) times(h[k], l[k], h[k + step], l[k + step]);
    // log(h + l) = log(r) + log1p(re/r) with r + re = h + l exactly and |re/r| ≤ 2⁻⁵³.
    const double r = h[0] + l[0];
    const double re = l[0] - (r - h[0]);  // Fast2Sum: h ≥ |l|
    return __builtin_log(r) + re / r;
  }

 private:
  // (h + l) ← (h + l)·(bh + bl), the same split as add() with u = bh + bl, u ≥ 1.
  EOS_LANE_INLINE static void times(double& h, double& l, double bh, double bl) {
    const double u_hi = keep_bits(bh, 26);
    const double u_lo = (bh - u_hi) + bl;  // bh − u_hi exact
    const double q = h * u_hi;              // exact
    const double q_hi = keep_bits(q, 27);
    l = (q - q_hi) + (h * u_lo + l * (bh + bl));
    h = q_hi;
  }
};

// Any number of terms, one at a time, eight to a Log1pProduct add and kMaxAdds adds to a log.
class Log1pSum {
 public:
  void add(double e) {
    buf_[fill_++] = e;
    if (fill_ == kLanes) push();
  }
  double value() {
    if (fill_ > 0) push();
    flush();
    return sum_;
  }

 private:
  void push() {
    prod_.add(load_partial(buf_, fill_));
    fill_ = 0;
    if (++adds_ == Log1pProduct::kMaxAdds) flush();
  }
  void flush() {
    if (adds_ == 0) return;
    sum_ += prod_.log();
    prod_ = Log1pProduct();
    adds_ = 0;
  }
  Log1pProduct prod_;
  double buf_[kLanes] = {};
  int fill_ = 0, adds_ = 0;
  double sum_ = 0.0;
};

}  // namespace EOS_LANES_ISA
}  // namespace eos::lanes
