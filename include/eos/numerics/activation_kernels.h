// The bodies of the activation sweeps (activation_simd.h), for the translation units that
// compile them for one instruction set each (src/numerics/activation_simd_*.cpp, with
// -ffp-contract=off). Include nowhere else: it defines the table of the including target.
//
// Rows go eight at a time through the logical lanes of lanes.h (the last partial block through
// a buffer), so a value never depends on the register width. Single precision is widened to
// double (exactly), computed as double and rounded once.
#pragma once
#include "eos/numerics/activation_simd.h"
#include "eos/numerics/lane_math.h"

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

// tanh x and 1 − tanh² x: for |x| ≥ 0.1 from e = exp(−2|x|) as (1 − e)/(1 + e) with the sign of
// x; below, by its odd Taylor polynomial to x¹³ (truncation below 2e-17 relative), where
// 1 − e would cancel.
EOS_LANE_INLINE void tanh_lanes(const D8& x, D8& a, D8& d) {
  const M8 bits = bits_of(x);
  const M8 sign = bits & static_cast<long>(0x8000000000000000ULL);
  const D8 ax = from_bits(bits & 0x7fffffffffffffffL);
  const D8 e = exp_nonpos(-2.0 * ax);
  const D8 big = (1.0 - e) / (1.0 + e);
  const D8 x2 = ax * ax, x4 = x2 * x2;
  const D8 q = ((1.0 + (-1.0 / 3.0) * x2) + ((2.0 / 15.0) + (-17.0 / 315.0) * x2) * x4) +
               (((62.0 / 2835.0) + (-1382.0 / 155925.0) * x2) + (21844.0 / 6081075.0) * x4) * (x4 * x4);
  const D8 t = select(ax < broadcast(0.1), ax * q, big);
  a = from_bits(bits_of(t) | sign);
  d = 1.0 - t * t;
}

EOS_LANE_INLINE void relu_lanes(const D8& x, D8& a, D8& d) {
  const M8 pos = x > broadcast(0.0);
  a = select(pos, x, broadcast(0.0));
  d = select(pos, broadcast(1.0), broadcast(0.0));
}

// The fused sweep: x = z + b, a = σ(x), d = σ'(x), column by column.
template <class T, void (*F)(const D8&, D8&, D8&)>
void sweep(long rows, long cols, const T* z, const T* b, T* a, T* d) {
  const long full = rows - rows % kLanes, rest = rows - full;
  double bias_tail[kLanes] = {};
  for (long i = 0; i < rest; ++i) bias_tail[i] = static_cast<double>(b[full + i]);
  const D8 bt = load(bias_tail);
  for (long j = 0; j < cols; ++j) {
    const T* zc = z + j * rows;
    T* ac = a + j * rows;
    T* dc = d + j * rows;
    D8 va, vd;
    for (long i = 0; i < full; i += kLanes) {
      F(load8(zc + i) + load8(b + i), va, vd);
      store8(ac + i, va);
      store8(dc + i, vd);
    }
    if (rest == 0) continue;
    double buf[kLanes] = {}, ob[kLanes], od[kLanes];
    for (long i = 0; i < rest; ++i) buf[i] = static_cast<double>(zc[full + i]);
    F(load(buf) + bt, va, vd);
    store(ob, va);
    store(od, vd);
    for (long i = 0; i < rest; ++i) {
      ac[full + i] = static_cast<T>(ob[i]);
      dc[full + i] = static_cast<T>(od[i]);
    }
  }
}

// d ← d∘s and the row sums of d, column by column (sums stays in L1: rows doubles), eight rows at a
// time, the rest one by one; each row's sum runs over j in order, so it does not depend on the path.
template <class T>
void scale_rowsum(long rows, long cols, T* d, const T* s, double* sums) {
  const long full = rows - rows % kLanes;
  for (long i = 0; i < rows; ++i) sums[i] = 0;
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

inline constexpr ActivationKernels kActivationKernels = {
    sweep<double, tanh_lanes>, sweep<double, relu_lanes>, sweep<float, tanh_lanes>, sweep<float, relu_lanes>,
    scale_rowsum<double>,      scale_rowsum<float>};

}  // namespace EOS_LANES_ISA
}  // namespace eos::lanes
