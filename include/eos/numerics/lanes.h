// Eight logical lanes of doubles (D8) and of 64-bit integers or masks (M8), held in registers of
// whatever width the translation unit is compiled for: four SSE2 registers, two AVX2 registers
// or one AVX-512 register. The same kernel source then runs the same IEEE operations in the same
// order on every path, so its results are bit-identical whatever the width; only speed differs.
//
// Everything here lives in an inline namespace named after the target (baseline, avx2, avx512)
// so that a kernel compiled with -mavx512f never lends an out-of-line copy of a helper to a
// baseline caller (tests/simd_symbols_test.sh checks the wide objects). Kernels built on this
// header must be compiled with -ffp-contract=off (no fused multiply-add on one path only).
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define EOS_LANES_ISA avx512
#elif defined(__AVX2__)
#define EOS_LANES_ISA avx2
#else
#define EOS_LANES_ISA baseline
#endif

#define EOS_LANE_INLINE [[gnu::always_inline]] inline

namespace eos::lanes {
inline namespace EOS_LANES_ISA {

constexpr int kLanes = 8;  // the logical lane count of every path

// The native registers of this target.
#if defined(__AVX512F__)
using NativeD = double __attribute__((vector_size(64)));
using NativeI = long __attribute__((vector_size(64)));
#elif defined(__AVX2__)
using NativeD = double __attribute__((vector_size(32)));
using NativeI = long __attribute__((vector_size(32)));
#else
using NativeD = double __attribute__((vector_size(16)));
using NativeI = long __attribute__((vector_size(16)));
#endif
static_assert(sizeof(long) == 8, "lanes need a 64-bit long");
constexpr int kWidth = sizeof(NativeD) / sizeof(double);
constexpr int kParts = kLanes / kWidth;

struct D8 {
  NativeD p[kParts];
};
// Integer lanes; comparisons give all-ones (true) or zero (false) per lane.
struct M8 {
  NativeI p[kParts];
};
// The native registers a struct of lanes is made of (D8, M8; lanes_f32.h's F16, U16).
template <class L>
constexpr int parts_of = sizeof(L::p) / sizeof(L::p[0]);

// Each operation applies the native one part by part; R is T, or the mask type of a comparison.
// (These two defining macros stay defined: lanes_f32.h defines the float lanes' operators with them.)
#define EOS_LANES_BINARY(T, R, op)                                                                 \
  EOS_LANE_INLINE R operator op(const T& a, const T& b) {                                          \
    R r;                                                                                           \
    _Pragma("GCC unroll 8") for (int k = 0; k < parts_of<T>; ++k) r.p[k] =                         \
        __builtin_bit_cast(std::remove_cvref_t<decltype(r.p[0])>, a.p[k] op b.p[k]);               \
    return r;                                                                                      \
  }
EOS_LANES_BINARY(D8, D8, +)
EOS_LANES_BINARY(D8, D8, -)
EOS_LANES_BINARY(D8, D8, *)
EOS_LANES_BINARY(D8, D8, /)
EOS_LANES_BINARY(D8, M8, <)
EOS_LANES_BINARY(D8, M8, <=)
EOS_LANES_BINARY(D8, M8, >)
EOS_LANES_BINARY(D8, M8, >=)
EOS_LANES_BINARY(M8, M8, +)
EOS_LANES_BINARY(M8, M8, -)
EOS_LANES_BINARY(M8, M8, &)
EOS_LANES_BINARY(M8, M8, |)

// x in every lane of an R made of Native registers (written lane by lane: 0 + x would turn −0
// into +0).
template <class R, class Native, class T>
EOS_LANE_INLINE R splat(T x) {
  Native v{};
  for (int l = 0; l < static_cast<int>(sizeof(Native) / sizeof(v[0])); ++l) v[l] = x;
  R r;
#pragma GCC unroll 8
  for (int k = 0; k < parts_of<R>; ++k) r.p[k] = v;
  return r;
}
EOS_LANE_INLINE D8 broadcast(double x) { return splat<D8, NativeD>(x); }
EOS_LANE_INLINE M8 broadcast_int(long x) { return splat<M8, NativeI>(x); }

// A scalar operand (of type S) is broadcast first: the same IEEE operation as the vector one.
#define EOS_LANES_SCALAR(T, S, broadcast_s, op)                                         \
  EOS_LANE_INLINE T operator op(const T& a, S b) { return a op broadcast_s(b); }        \
  EOS_LANE_INLINE T operator op(S a, const T& b) { return broadcast_s(a) op b; }
EOS_LANES_SCALAR(D8, double, broadcast, +)
EOS_LANES_SCALAR(D8, double, broadcast, -)
EOS_LANES_SCALAR(D8, double, broadcast, *)
EOS_LANES_SCALAR(D8, double, broadcast, /)
EOS_LANE_INLINE M8 operator<(const D8& a, double b) { return a < broadcast(b); }
EOS_LANE_INLINE M8 operator<=(const D8& a, double b) { return a <= broadcast(b); }
EOS_LANE_INLINE M8 operator>=(const D8& a, double b) { return a >= broadcast(b); }
EOS_LANE_INLINE M8 operator+(const M8& a, long b) { return a + broadcast_int(b); }
EOS_LANE_INLINE M8 operator&(const M8& a, long b) { return a & broadcast_int(b); }

EOS_LANE_INLINE D8 operator-(const D8& a) {
  D8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) r.p[k] = -a.p[k];
  return r;
}
EOS_LANE_INLINE M8 operator~(const M8& a) {
  M8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) r.p[k] = ~a.p[k];
  return r;
}
EOS_LANE_INLINE M8 operator<<(const M8& a, int s) {
  M8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) r.p[k] = a.p[k] << s;
  return r;
}
// Logical (unsigned) shift right.
EOS_LANE_INLINE M8 shift_right(const M8& a, int s) {
  M8 r;
  using NativeU = unsigned long __attribute__((vector_size(sizeof(NativeI))));
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) r.p[k] = __builtin_bit_cast(NativeI, __builtin_bit_cast(NativeU, a.p[k]) >> s);
  return r;
}
EOS_LANE_INLINE D8& operator+=(D8& a, const D8& b) { return a = a + b; }

// mask ? a : b, lane by lane.
EOS_LANE_INLINE D8 select(const M8& mask, const D8& a, const D8& b) {
  D8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) r.p[k] = mask.p[k] ? a.p[k] : b.p[k];
  return r;
}

// Generic over a struct of native registers: the same bits
// in another struct of the same shape; and unaligned loads and stores from its scalars, one native
// register at a time (a whole-struct copy would go through narrower moves and stall the wide loads
// that follow).
template <class To, class From>
EOS_LANE_INLINE To reinterpret(const From& a) {
  static_assert(sizeof(To) == sizeof(From) && parts_of<To> == parts_of<From>);
  To r;
#pragma GCC unroll 8
  for (int k = 0; k < parts_of<From>; ++k) r.p[k] = __builtin_bit_cast(std::remove_cvref_t<decltype(r.p[0])>, a.p[k]);
  return r;
}
template <class L, class S>
EOS_LANE_INLINE L load_parts(const S* p) {
  L r;
  constexpr int width = sizeof(r.p[0]) / sizeof(S);
#pragma GCC unroll 8
  for (int k = 0; k < parts_of<L>; ++k) std::memcpy(&r.p[k], p + k * width, sizeof(r.p[0]));
  return r;
}
template <class L, class S>
EOS_LANE_INLINE void store_parts(S* p, const L& v) {
  constexpr int width = sizeof(v.p[0]) / sizeof(S);
#pragma GCC unroll 8
  for (int k = 0; k < parts_of<L>; ++k) std::memcpy(p + k * width, &v.p[k], sizeof(v.p[0]));
}

// The bits of each lane, reinterpreted.
EOS_LANE_INLINE M8 bits_of(const D8& a) { return reinterpret<M8>(a); }
EOS_LANE_INLINE D8 from_bits(const M8& a) { return reinterpret<D8>(a); }
EOS_LANE_INLINE D8 load(const double* p) { return load_parts<D8>(p); }
EOS_LANE_INLINE void store(double* p, const D8& v) { store_parts(p, v); }
// Lane k true when k < count.
EOS_LANE_INLINE M8 first_lanes(long count) {
  M8 r;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k)
    for (int j = 0; j < kWidth; ++j) r.p[k][j] = k * kWidth + j < count ? -1L : 0L;
  return r;
}

// The first count < 8 values of p, the other lanes 0; and the first count lanes stored to p.
// Masked loads and stores where the target has them (nothing is read or written past count).
EOS_LANE_INLINE D8 load_partial(const double* p, long count) {
  D8 r;
#if defined(__AVX512F__)
  r.p[0] = __builtin_bit_cast(NativeD, _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), p));
#elif defined(__AVX2__)
  const M8 m = first_lanes(count);
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k)
    r.p[k] = __builtin_bit_cast(NativeD, _mm256_maskload_pd(p + k * kWidth, __builtin_bit_cast(__m256i, m.p[k])));
#else
  double buf[kLanes] = {};
  for (long k = 0; k < count; ++k) buf[k] = p[k];
  r = load(buf);
#endif
  return r;
}
EOS_LANE_INLINE void store_partial(double* p, const D8& v, long count) {
#if defined(__AVX512F__)
  _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << count) - 1), __builtin_bit_cast(__m512d, v.p[0]));
#elif defined(__AVX2__)
  const M8 m = first_lanes(count);
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k)
    _mm256_maskstore_pd(p + k * kWidth, __builtin_bit_cast(__m256i, m.p[k]), __builtin_bit_cast(__m256d, v.p[k]));
#else
  double buf[kLanes];
  store(buf, v);
  for (long k = 0; k < count; ++k) p[k] = buf[k];
#endif
}

// Bit k set when lane k of the mask is true (its sign bit is set).
EOS_LANE_INLINE unsigned mask_bits(const M8& m) {
  unsigned out = 0;
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k) {
#if defined(__AVX512F__)
    const unsigned part = _mm512_movepi64_mask(__builtin_bit_cast(__m512i, m.p[k]));
#elif defined(__AVX2__)
    const unsigned part = static_cast<unsigned>(_mm256_movemask_pd(__builtin_bit_cast(__m256d, m.p[k])));
#elif defined(__SSE2__)
    const unsigned part = static_cast<unsigned>(_mm_movemask_pd(__builtin_bit_cast(__m128d, m.p[k])));
#else
    unsigned part = 0;
    for (int j = 0; j < kWidth; ++j) part |= (m.p[k][j] < 0 ? 1u : 0u) << j;
#endif
    out |= part << (k * kWidth);
  }
  return out;
}
EOS_LANE_INLINE bool all(const M8& m) { return mask_bits(m) == (1u << kLanes) - 1; }
EOS_LANE_INLINE bool any(const M8& m) { return mask_bits(m) != 0; }

// table[j[k]] in lane k, for indices 0 ≤ j < 16 (one permute, a gather or eight loads: the
// values are the table's on every path).
EOS_LANE_INLINE D8 lookup16(const double (&table)[16], const M8& j) {
  D8 r;
#if defined(__AVX512F__)
  r.p[0] = __builtin_bit_cast(NativeD, _mm512_permutex2var_pd(_mm512_loadu_pd(table), __builtin_bit_cast(__m512i, j.p[0]),
                                                              _mm512_loadu_pd(table + 8)));
#elif defined(__AVX2__)
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k)
    r.p[k] = __builtin_bit_cast(NativeD, _mm256_i64gather_pd(table, __builtin_bit_cast(__m256i, j.p[k]), 8));
#else
#pragma GCC unroll 8
  for (int k = 0; k < kParts; ++k)
    for (int l = 0; l < kWidth; ++l) r.p[k][l] = table[j.p[k][l]];
#endif
  return r;
}

// Σ v[0..8) by adjacent pairs, ((v₀ + v₁) + (v₂ + v₃)) + ((v₄ + v₅) + (v₆ + v₇)): the one
// order in which every path reduces its lanes.
EOS_LANE_INLINE double tree_sum(const double (&v)[kLanes]) {
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

}  // namespace EOS_LANES_ISA

}  // namespace eos::lanes
