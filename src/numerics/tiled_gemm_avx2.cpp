// The register-tiled product for AVX2 CPUs with FMA (compiled with -mavx2 -mfma): the kernel of
// tiled_gemm_kernel.h on 256-bit vectors, tiles of two vectors of rows (8 doubles, 16 floats: one
// cache line of A's column a step) by 6 columns of c in 12 of the 16 registers, two for A's column
// and one for B's broadcast. Each element is the same sum, to the bit, as on the AVX-512 kernel.
#include "tiled_gemm.h"

#if defined(__x86_64__)
#if !defined(__AVX2__) || !defined(__FMA__) || defined(__AVX512F__)
#error "compile this file with -mavx2 -mfma (and without -mavx512f): see CMakeLists.txt"
#endif
#include <immintrin.h>

namespace eos::lanes::avx2 {
namespace {

// The mask of the first r of n lanes, all bits set in each kept lane (maskload, maskstore).
template <int n>
__m256i first_lanes(int r) {
  if constexpr (n == 4) return _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), _mm256_setr_epi64x(0, 1, 2, 3));
  else return _mm256_cmpgt_epi32(_mm256_set1_epi32(r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <class T>
struct Vec256;

template <>
struct Vec256<double> {
  using V = __m256d;
  using Mask = __m256i;
  static constexpr int kLanes = 4;
  static Mask tail(int r) { return first_lanes<4>(r); }
  static V zero() { return _mm256_setzero_pd(); }
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static V load(Mask m, const double* p) { return _mm256_maskload_pd(p, m); }
  static V set1(double x) { return _mm256_set1_pd(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static void store(Mask m, double* p, V v) { _mm256_maskstore_pd(p, m, v); }
};

template <>
struct Vec256<float> {
  using V = __m256;
  using Mask = __m256i;
  static constexpr int kLanes = 8;
  static Mask tail(int r) { return first_lanes<8>(r); }
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V load(Mask m, const float* p) { return _mm256_maskload_ps(p, m); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static void store(Mask m, float* p, V v) { _mm256_maskstore_ps(p, m, v); }
};

#include "tiled_gemm_kernel.h"

// Two vectors by six columns: on the weight gradients' transposed products (200 × 200, k = 327)
// 46 GFLOP/s against 39-45 for three by four, which reads A's column a line and a half a step.
constexpr int kVectors = 2, kColumns = 6;

}  // namespace

void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                long ldc, bool add) {
  gemm<Vec256<double>, double, kVectors, kColumns>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                long ldc, bool add) {
  gemm<Vec256<float>, float, kVectors, kColumns>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

}  // namespace eos::lanes::avx2

#else  // not x86-64: no kernel; blas.cpp never calls it (simd_supported(avx2) is false)

namespace eos::lanes::avx2 {
void tiled_gemm(long, long, long, const double*, long, const double*, long, long, double*, long, bool) {}
void tiled_gemm(long, long, long, const float*, long, const float*, long, long, float*, long, bool) {}
}  // namespace eos::lanes::avx2

#endif
