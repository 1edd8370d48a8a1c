// Sixteen logical lanes of floats (F16) and of 32-bit unsigned integers or masks (U16), beside
// lanes.h's eight doubles: four SSE2 registers, two AVX2 registers or one AVX-512 register. As
// there, each operation is the native one applied part by part, so a kernel written on these
// lanes runs the same IEEE single-precision operations in the same order on every path and gives
// the same bits whatever the width (compile with -ffp-contract=off). Integer lanes are unsigned:
// their arithmetic wraps, also on the garbage a NaN lane produces.
#pragma once
#include "eos/numerics/lanes.h"

namespace eos::lanes {
inline namespace EOS_LANES_ISA {

constexpr int kFLanes = 16;

#if defined(__AVX512F__)
using NativeF = float __attribute__((vector_size(64)));
using NativeU = unsigned __attribute__((vector_size(64)));
#elif defined(__AVX2__)
using NativeF = float __attribute__((vector_size(32)));
using NativeU = unsigned __attribute__((vector_size(32)));
#else
using NativeF = float __attribute__((vector_size(16)));
using NativeU = unsigned __attribute__((vector_size(16)));
#endif
constexpr int kFWidth = sizeof(NativeF) / sizeof(float);
constexpr int kFParts = kFLanes / kFWidth;

struct F16 {
  NativeF p[kFParts];
};
// Comparisons give all-ones (true) or zero (false) per lane.
struct U16 {
  NativeU p[kFParts];
};

// The operators, by lanes.h's defining macros.
EOS_LANES_BINARY(F16, F16, +)
EOS_LANES_BINARY(F16, F16, -)
EOS_LANES_BINARY(F16, F16, *)
EOS_LANES_BINARY(F16, F16, /)
EOS_LANES_BINARY(F16, U16, <)
EOS_LANES_BINARY(F16, U16, >)
EOS_LANES_BINARY(U16, U16, +)
EOS_LANES_BINARY(U16, U16, -)
EOS_LANES_BINARY(U16, U16, &)
EOS_LANES_BINARY(U16, U16, |)

EOS_LANE_INLINE F16 broadcast_f(float x) { return splat<F16, NativeF>(x); }
EOS_LANE_INLINE U16 broadcast_u(unsigned x) { return splat<U16, NativeU>(x); }

EOS_LANES_SCALAR(F16, float, broadcast_f, +)
EOS_LANES_SCALAR(F16, float, broadcast_f, -)
EOS_LANES_SCALAR(F16, float, broadcast_f, *)
EOS_LANES_SCALAR(F16, float, broadcast_f, /)
EOS_LANE_INLINE U16 operator<(const F16& a, float b) { return a < broadcast_f(b); }
EOS_LANE_INLINE U16 operator>(const F16& a, float b) { return a > broadcast_f(b); }
EOS_LANE_INLINE U16 operator+(const U16& a, unsigned b) { return a + broadcast_u(b); }
EOS_LANE_INLINE U16 operator-(const U16& a, unsigned b) { return a - broadcast_u(b); }
EOS_LANE_INLINE U16 operator&(const U16& a, unsigned b) { return a & broadcast_u(b); }

EOS_LANE_INLINE U16 operator<<(const U16& a, int s) {
  U16 r;
#pragma GCC unroll 4
  for (int k = 0; k < kFParts; ++k) r.p[k] = a.p[k] << s;
  return r;
}

// mask ? a : b, lane by lane.
EOS_LANE_INLINE F16 select(const U16& mask, const F16& a, const F16& b) {
  F16 r;
#pragma GCC unroll 4
  for (int k = 0; k < kFParts; ++k) r.p[k] = mask.p[k] ? a.p[k] : b.p[k];
  return r;
}

// The bits of each lane, reinterpreted; unaligned loads and stores (lanes.h's generic ones).
EOS_LANE_INLINE U16 bits_of(const F16& a) { return reinterpret<U16>(a); }
EOS_LANE_INLINE F16 from_bits(const U16& a) { return reinterpret<F16>(a); }
EOS_LANE_INLINE F16 load16(const float* p) { return load_parts<F16>(p); }
EOS_LANE_INLINE void store16(float* p, const F16& v) { store_parts(p, v); }

}  // namespace EOS_LANES_ISA
}  // namespace eos::lanes
