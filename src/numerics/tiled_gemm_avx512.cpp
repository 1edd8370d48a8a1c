// The register-tiled product for AVX-512 CPUs (compiled with -mavx512f -mavx512dq -mavx512vl):
// a tile of up to three vectors of rows (24 doubles, 48 floats) by 8 columns of c lives in 24
// registers while k runs, each step one load per vector of A's column and one broadcast per
// column of B. Nothing is packed: A's column panel (rows × k) is read in place, from the core's L2
// cache (blas.cpp hands it A in chunks of rows that fit there), and B's eight columns stay in L1
// for all of A's row panels. On the mlp passes' shapes it runs at about the core's peak of fused
// multiply-adds, where OpenBLAS loses a fifth to packing and zeroing (README, Performance).
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
  static V zero() { return _mm512_setzero_pd(); }
  static V load(Mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static void store(Mask m, double* p, V v) { _mm512_mask_storeu_pd(p, m, v); }
};

template <>
struct Vec512<float> {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(Mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void store(Mask m, float* p, V v) { _mm512_mask_storeu_ps(p, m, v); }
};

// The lanes of the last of MZ vectors that hold rows (rows ≤ MZ · lanes).
template <class T, int MZ>
typename Vec512<T>::Mask last_mask(long rows) {
  using S = Vec512<T>;
  const long r = rows - (MZ - 1) * S::kLanes;
  return r >= S::kLanes ? static_cast<typename S::Mask>(~0u) : static_cast<typename S::Mask>((1u << r) - 1);
}

// One tile: rows (of at most MZ vectors) × NR columns of c. The loops over z and j are unrolled
// so that the accumulators stay in registers.
template <class T, int MZ, int NR>
void tile(long rows, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  using S = Vec512<T>;
  using V = typename S::V;
  const auto last = last_mask<T, MZ>(rows);
  V acc[MZ][NR];
#pragma GCC unroll 4
  for (int z = 0; z < MZ; ++z)
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) acc[z][j] = S::zero();
  for (long p = 0; p < k; ++p) {
    const T* ap = a + p * sa;
    const T* bp = b + p * sbk;
    V av[MZ];
#pragma GCC unroll 4
    for (int z = 0; z < MZ - 1; ++z) av[z] = S::load(ap + z * S::kLanes);
    av[MZ - 1] = S::load(last, ap + (MZ - 1) * S::kLanes);
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      const V bv = S::set1(bp[j * sbj]);
#pragma GCC unroll 4
      for (int z = 0; z < MZ; ++z) acc[z][j] = S::fma(av[z], bv, acc[z][j]);
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < NR; ++j) {
    T* cj = c + j * ldc;
#pragma GCC unroll 4
    for (int z = 0; z < MZ; ++z) {
      const auto mask = z == MZ - 1 ? last : static_cast<typename S::Mask>(~0u);
      V v = acc[z][j];
      if (add) v = S::add(S::load(mask, cj + z * S::kLanes), v);
      S::store(mask, cj + z * S::kLanes, v);
    }
  }
}

// NR columns of c, all m rows: tiles of three vectors of rows, then one of the rest.
template <class T, int NR>
void column_panel(long m, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  constexpr long L = Vec512<T>::kLanes;
  long i = 0;
  for (; i + 3 * L <= m; i += 3 * L) tile<T, 3, NR>(3 * L, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
  const long r = m - i;
  if (r > 2 * L) tile<T, 3, NR>(r, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
  else if (r > L) tile<T, 2, NR>(r, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
  else if (r > 0) tile<T, 1, NR>(r, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
}

// The last n % 8 columns in one panel of that width.
template <class T>
void last_columns(long cols, long m, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc,
                  bool add) {
  switch (cols) {
    case 1: return column_panel<T, 1>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 2: return column_panel<T, 2>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 3: return column_panel<T, 3>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 4: return column_panel<T, 4>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 5: return column_panel<T, 5>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 6: return column_panel<T, 6>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    case 7: return column_panel<T, 7>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    default: return;
  }
}

template <class T>
void gemm(long m, long n, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  long j = 0;
  for (; j + 8 <= n; j += 8) column_panel<T, 8>(m, k, a, sa, b + j * sbj, sbj, sbk, c + j * ldc, ldc, add);
  last_columns<T>(n - j, m, k, a, sa, b + j * sbj, sbj, sbk, c + j * ldc, ldc, add);
}

}  // namespace

void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                 long ldc, bool add) {
  gemm<double>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                 long ldc, bool add) {
  gemm<float>(m, n, k, a, sa, b, sbj, sbk, c, ldc, add);
}

}  // namespace eos::lanes::avx512

#else  // not x86-64: no kernel; blas.cpp never calls it (simd_supported(avx512) is false)

namespace eos::lanes::avx512 {
void tiled_gemm(long, long, long, const double*, long, const double*, long, long, double*, long, bool) {}
void tiled_gemm(long, long, long, const float*, long, const float*, long, long, float*, long, bool) {}
}  // namespace eos::lanes::avx512

#endif
