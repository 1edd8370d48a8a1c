// The register-tiled product for AVX-512 CPUs (compiled with -mavx512f -mavx512dq -mavx512vl):
// the kernel of tiled_gemm_kernel.h on 512-bit vectors, tiles of three vectors of rows (24
// doubles, 48 floats) by 8 columns of c in 24 of the 32 registers. Nothing is packed: A's column
// panel (rows × k) is read in place, from the core's L2 cache (blas.cpp hands it A in chunks of
// rows that fit there), and B's eight columns stay in L1 for all of A's row panels. On the mlp
// passes' shapes it runs at about the core's peak of fused multiply-adds, where OpenBLAS loses a
// fifth to packing and zeroing (README, Performance).
#include "tiled_gemm.h"

#if defined(__x86_64__)
#if !defined(__AVX512F__)
#error "compile this file with -mavx512f: see CMakeLists.txt"
#endif
#include <immintrin.h>

namespace eos::lanes::avx512 {
namespace {

template <class T>
struct Vec512;

template <>
struct Vec512<double> {
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int kLanes = 8;
  static Mask tail(int r) { return static_cast<Mask>((1u << r) - 1); }
  static V zero() { return _mm512_setzero_pd(); }
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V load(Mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static void store(Mask m, double* p, V v) { _mm512_mask_storeu_pd(p, m, v); }
};

template <>
struct Vec512<float> {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static Mask tail(int r) { return static_cast<Mask>((1u << r) - 1); }
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V load(Mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static void store(Mask m, float* p, V v) { _mm512_mask_storeu_ps(p, m, v); }
};

#include "tiled_gemm_kernel.h"

// Three vectors (24 doubles, 48 floats: three cache lines of A's column a step) by eight columns.
constexpr int kVectors = 3, kColumns = 8;

}  // namespace

void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                 long ldc, bool add) {
  gemm<Vec512<double>, double, kVectors, kColumns>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                 long ldc, bool add) {
  gemm<Vec512<float>, float, kVectors, kColumns>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

}  // namespace eos::lanes::avx512

#else  // not x86-64: no kernel; blas.cpp never calls it (simd_supported(avx512) is false)

namespace eos::lanes::avx512 {
void tiled_gemm(long, long, long, const double*, long, const double*, long, long, double*, long, bool) {}
void tiled_gemm(long, long, long, const float*, long, const float*, long, long, float*, long, bool) {}
}  // namespace eos::lanes::avx512

#endif
