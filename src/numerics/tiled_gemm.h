// eos-sweep's own register-tiled product kernels (src/numerics/tiled_gemm_kernel.h, compiled in
// tiled_gemm_avx512.cpp and tiled_gemm_avx2.cpp), for blas.cpp's matmul_tiled: c = A·B or
// c += A·B on column-major c (m × n, leading dimension ldc), where A(i, k) = a[i + k·sa] (A's
// columns contiguous) and B(k, j) = b[j·sbj + k·sbk], so that B may be a matrix or a transposed
// one without a copy. Each element is the sum over k in order, one fused multiply-add at a time,
// then added to c when add is set: both kernels give the same bits. Each lives with the other code
// of its instruction set, in eos::lanes::avx512 or eos::lanes::avx2 (tests/simd_symbols_test.sh).
#pragma once

namespace eos::lanes::avx512 {

// Only for a CPU where simd_supported(SimdPath::avx512) holds (x86-64 builds, where this file's
// kernel is compiled for AVX-512; elsewhere it is an empty stub that nothing calls).
void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                 long ldc, bool add);
void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                 long ldc, bool add);

}  // namespace eos::lanes::avx512

namespace eos::lanes::avx2 {

// Only for a CPU with AVX2 and FMA (x86-64 builds; elsewhere an empty stub that nothing calls).
void tiled_gemm(long m, long n, long k, const double* a, long sa, const double* b, long sbj, long sbk, double* c,
                long ldc, bool add);
void tiled_gemm(long m, long n, long k, const float* a, long sa, const float* b, long sbj, long sbk, float* c,
                long ldc, bool add);

}  // namespace eos::lanes::avx2
