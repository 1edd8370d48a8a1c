// eos-sweep's own register-tiled product kernels (src/numerics/tiled_gemm_avx512.cpp), for
// blas.cpp's matmul_tiled: c = A·B or c += A·B on column-major c (m × n, leading dimension ldc),
// where A(i, k) = a[i + k·sa] (A's columns contiguous) and B(k, j) = b[j·sbj + k·sbk], so that
// B may be a matrix or a transposed one without a copy. Each element is the sum over k in order,
// one fused multiply-add at a time, then added to c when add is set.
// The kernel lives in eos::lanes::avx512 with the other AVX-512 code (tests/simd_symbols_test.sh).
#pragma once

namespace eos::lanes::avx512 {

// Only for a CPU where simd_supported(SimdPath::avx512) holds (x86-64 builds, where this file's
// kernel is compiled for AVX-512; elsewhere it is an empty stub that nothing calls).
void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                 long ldc, bool add);
void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                 long ldc, bool add);

}  // namespace eos::lanes::avx512
