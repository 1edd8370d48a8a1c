// The bodies of the activation sweeps (activation_simd.h), for the translation units that
// compile them for one instruction set each (src/numerics/activation_simd_*.cpp, with
// -ffp-contract=off). Include nowhere else: it defines the table of the including target.
//
// Rows go eight at a time through the logical lanes of lanes.h (the last partial block through
// a buffer), so a value never depends on the register width. Single precision: tanh sixteen at
// a time in float on the lanes of lanes_f32.h; relu and the backward sweep widened to double
// (exactly), computed as double and rounded once.
#pragma once
#include <type_traits>

#include "eos/numerics/activation_simd.h"
#include "eos/numerics/lane_math.h"
#include "eos/numerics/lanes_f32.h"

namespace eos::lanes {
inline namespace EOS_LANES_ISA {

EOS_LANE_INLINE D8 load8(const double* p) { return load(p); }
EOS_LANE_INLINE void store8(double* p, const D8& v) { store(p, v); }
EOS_LANE_INLINE D8 load8(const float* p) {
  using NativeF = float __attribute__((vector_size(kWidth * sizeof(float))));
  D8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) {
    NativeF f;
    std::memcpy(&f, p + k * kWidth, sizeof f);
    r.p[k] = __builtin_convertvector(f, NativeD);
  }
  return r;
}
EOS_LANE_INLINE void store8(float* p, const D8& v) {
  using NativeF = float __attribute__((vector_size(kWidth * sizeof(float))));
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) {
    const NativeF f = __builtin_convertvector(v.p[k], NativeF);
    std::memcpy(p + k * kWidth, &f, sizeof f);
  }
}

// tanh x and σ' = 1 − tanh² x by one formula for every |x|. e = exp(−2|x|) = H + L from exp's
// parts (H = hi·2^q exact, L = lo·2^q): 1 − e = (1 − H) − L, whose first difference is exact
// where H ≥ 0.5 (Sterbenz) and well-conditioned below; for |x| ≤ ln2/64, H = 1 and 1 − e = −L
// keeps its accuracy however small x is. One division, tanh|x| = (1 − e)/(1 + e), with the sign
// bit of x; σ' = 4e/(1 + e)² = e·(1 + tanh|x|)² (1 + tanh = 2/(1 + e)), accurate also where tanh
// saturates and 1 − tanh² is 0. |x| is taken as at most 354, so that −2|x| ≥ −708 and e stays
// normal: beyond it tanh is ±1 all the same and σ' stays at 4e⁻⁷⁰⁸ ≈ 1.3e-307 (the true value is
// below that). A NaN gives NaN in both. Measured against long double: tanh within 3.7e-16
// relative (2.8 ulp), σ' within 6e-16.
EOS_LANE_INLINE void tanh_lanes(const D8& x, D8& a, D8& d) {
  const M8 bits = bits_of(x);
  const M8 sign = bits & static_cast<long>(0x8000000000000000ULL);
  const D8 ax = from_bits(bits & 0x7fffffffffffffffL);
  const ExpParts p = exp_parts(-2.0 * select(ax > broadcast(354.0), broadcast(354.0), ax));  // NaN stays NaN
  const D8 h = p.hi * p.scale, l = p.lo * p.scale, e = h + l;
  const D8 t = ((1.0 - h) - l) / (1.0 + e), u = 1.0 + t;
  a = from_bits(bits_of(t) | sign);
  d = e * (u * u);
}

// exp(z) in single precision for z in [−86, 0] (normal results), within about an ulp:
// z = k·ln2 + r, |r| ≤ ln2/2 (Cody–Waite, ln2 in two parts, the first of 9 bits so that k·ln2_hi
// is exact), e^r by its Taylor polynomial of degree 7 (truncation below 2⁻²⁶ relative), 2^k into
// the exponent bits.
EOS_LANE_INLINE F16 exp_f32(const F16& z) {
  constexpr float shifter = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer, kept in the low bits
  const F16 t = z * 1.44269504f + shifter;
  const F16 kd = t - shifter;
  const U16 k = bits_of(t) - bits_of(broadcast_f(shifter));  // k ≤ 0, two's complement
  const F16 r = (z - kd * 0.693359375f) - kd * -2.12194440e-4f;
  F16 p = broadcast_f(1.0f / 5040.0f);
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  return p * from_bits((k + 127u) << 23);
}

// tanh x and 1 − tanh² x in single precision (measured against double: within 1.6 ulp and 4.3 ulp
// over every float in [0, 50]):
// below |x| = 0.625 as x + x³·Q(x²), Q a least-squares fit of degree 4 (0.76 ulp); above, from
// e = exp(−2|x|) as (1 − e)/(1 + e) and σ' = 4e/(1 + e)², which does not cancel where tanh
// saturates (|x| is taken as at most 43, where σ' < 2e-37, so that e stays a normal number).
EOS_LANE_INLINE void tanh_lanes_f32(const F16& x, F16& a, F16& d) {
  const U16 bits = bits_of(x);
  const U16 sign = bits & 0x80000000u;
  const F16 ax = from_bits(bits & 0x7fffffffu);
  const F16 u = ax * ax;
  const F16 q = (((-0.00581047f * u + 0.02073153f) * u + -0.05376731f) * u + 0.13331762f) * u + -0.33333293f;
  const F16 small = ax + ax * u * q;
  const F16 e = exp_f32(-2.0f * select(ax > 43.0f, broadcast_f(43.0f), ax));  // NaN stays NaN
  const F16 one_e = 1.0f + e;
  const U16 below = ax < 0.625f;
  const F16 t = select(below, small, (1.0f - e) / one_e);
  d = select(below, 1.0f - small * small, (4.0f * e) / (one_e * one_e));
  a = from_bits(bits_of(t) | sign);
}

EOS_LANE_INLINE void relu_lanes(const D8& x, D8& a, D8& d) {
  const M8 pos = x > broadcast(0.0);
  a = select(pos, x, broadcast(0.0));
  d = select(pos, broadcast(1.0), broadcast(0.0));
}

// A block of lanes from T values and back: eight doubles (float widened exactly, rounded once on
// the way back) or sixteen floats; Held is what a partial block is buffered as.
template <class L>
struct LaneIo;
template <>
struct LaneIo<D8> {
  static constexpr long count = kLanes;
  using Held = double;
  template <class T>
  EOS_LANE_INLINE static D8 get(const T* p) { return load8(p); }
  template <class T>
  EOS_LANE_INLINE static void put(T* p, const D8& v) { store8(p, v); }
};
template <>
struct LaneIo<F16> {
  static constexpr long count = kFLanes;
  using Held = float;
  EOS_LANE_INLINE static F16 get(const float* p) { return load16(p); }
  EOS_LANE_INLINE static void put(float* p, const F16& v) { store16(p, v); }
};

// a = σ(x), d = σ'(x) for x = z + b on the first `full` rows of a column (whole blocks of L), two
// blocks a turn: two independent chains in flight keep the vector units busier than one.
template <class L, class T, void (*F)(const L&, L&, L&)>
EOS_LANE_INLINE void full_blocks(long full, const T* zc, const T* b, T* ac, T* dc) {
  using Io = LaneIo<L>;
  constexpr long n = Io::count;
  L va, vd, wa, wd;
  long i = 0;
  for (; i + 2 * n <= full; i += 2 * n) {
    const L x0 = Io::get(zc + i) + Io::get(b + i), x1 = Io::get(zc + i + n) + Io::get(b + i + n);
    F(x0, va, vd);
    F(x1, wa, wd);
    Io::put(ac + i, va);
    Io::put(dc + i, vd);
    Io::put(ac + i + n, wa);
    Io::put(dc + i + n, wd);
  }
  if (i == full) return;
  F(Io::get(zc + i) + Io::get(b + i), va, vd);
  Io::put(ac + i, va);
  Io::put(dc + i, vd);
}

// The fused sweep: x = z + b, a = σ(x), d = σ'(x), column by column, on lanes L (the last partial
// block through a buffer).
template <class L, class T, void (*F)(const L&, L&, L&)>
void sweep(long rows, long cols, const T* z, const T* b, T* a, T* d) {
  using Io = LaneIo<L>;
  using H = typename Io::Held;
  constexpr long n = Io::count;
  const long full = rows - rows % n, rest = rows - full;
  H bias_tail[n] = {};
  for (long i = 0; i < rest; ++i) bias_tail[i] = static_cast<H>(b[full + i]);
  const L bt = Io::get(bias_tail);
  for (long j = 0; j < cols; ++j) {
    const T* zc = z + j * rows;
    T* ac = a + j * rows;
    T* dc = d + j * rows;
    full_blocks<L, T, F>(full, zc, b, ac, dc);
    if (rest == 0) continue;
    L va, vd;
    H buf[n] = {}, ob[n], od[n];
    for (long i = 0; i < rest; ++i) buf[i] = static_cast<H>(zc[full + i]);
    F(Io::get(buf) + bt, va, vd);
    Io::put(ob, va);
    Io::put(od, vd);
    for (long i = 0; i < rest; ++i) {
      ac[full + i] = static_cast<T>(ob[i]);
      dc[full + i] = static_cast<T>(od[i]);
    }
  }
}

// d ← d∘s and the row sums of d added to sums, column by column (sums stays in L1: rows doubles),
// eight rows at a time, the rest one by one; each row's sum runs over j in order, so it does not
// depend on the path (nor on how the columns were split into calls).
template <class T>
void scale_rowsum(long rows, long cols, T* d, const T* s, double* sums) {
  const long full = rows - rows % kLanes;
  for (long j = 0; j < cols; ++j) {
    T* dc = d + j * rows;
    const T* sc = s ? s + j * rows : nullptr;
    for (long i = 0; i < full; i += kLanes) {
      if (sc) store8(dc + i, load8(dc + i) * load8(sc + i));  // exact in double, rounded once to T
      store(sums + i, load(sums + i) + load8(dc + i));
    }
    for (long i = full; i < rows; ++i) {
      if (sc) dc[i] = dc[i] * sc[i];
      sums[i] += static_cast<double>(dc[i]);
    }
  }
}

// The lanes that compute in T itself: eight doubles or sixteen floats.
template <class T>
using LanesOf = std::conditional_t<std::is_same_v<T, double>, D8, F16>;

// zd ← zd + c (per row) and ad = s1∘zd (skipped when ad is null), column by column, whole blocks on
// lanes, the rest one by one: the same operations in T either way.
template <class T>
void tangent(long rows, long cols, T* zd, const T* c, const T* s1, T* ad) {
  using Io = LaneIo<LanesOf<T>>;
  constexpr long n = Io::count;
  const long full = rows - rows % n;
  for (long j = 0; j < cols; ++j) {
    T* z = zd + j * rows;
    const T* s = s1 + j * rows;
    T* o = ad ? ad + j * rows : nullptr;
    for (long i = 0; i < full; i += n) {
      const auto v = Io::get(z + i) + Io::get(c + i);
      Io::put(z + i, v);
      if (o) Io::put(o + i, Io::get(s + i) * v);
    }
    for (long i = full; i < rows; ++i) {
      z[i] = z[i] + c[i];
      if (o) o[i] = s[i] * z[i];
    }
  }
}

// r ← s1∘r − ((2·a)∘δ)∘ż over count values, whole blocks on lanes, the rest one by one.
template <class T>
void rop_tanh(long count, T* r, const T* s1, const T* a, const T* dl, const T* zd) {
  using Io = LaneIo<LanesOf<T>>;
  constexpr long n = Io::count;
  const long full = count - count % n;
  for (long i = 0; i < full; i += n)
    Io::put(r + i, Io::get(s1 + i) * Io::get(r + i) - ((T(2) * Io::get(a + i)) * Io::get(dl + i)) * Io::get(zd + i));
  for (long i = full; i < count; ++i) r[i] = s1[i] * r[i] - ((T(2) * a[i]) * dl[i]) * zd[i];
}

inline constexpr ActivationKernels kActivationKernels = {
    sweep<D8, double, tanh_lanes>, sweep<D8, double, relu_lanes>, sweep<F16, float, tanh_lanes_f32>,
    sweep<D8, float, relu_lanes>,
    scale_rowsum<double>,      scale_rowsum<float>,
    tangent<double>,           tangent<float>,
    rop_tanh<double>,          rop_tanh<float>};

}  // namespace EOS_LANES_ISA
}  // namespace eos::lanes
