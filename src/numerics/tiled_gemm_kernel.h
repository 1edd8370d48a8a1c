// The body of the register-tiled product (tiled_gemm.h), for the translation units that compile it
// for one instruction set each (tiled_gemm_avx512.cpp, tiled_gemm_avx2.cpp), which include it
// inside an unnamed namespace of their own eos::lanes::ISA after defining the vector type S:
//   S::V, S::Mask, S::kLanes; zero(), set1(x), fma(a, b, c), add(a, b);
//   load(p), store(p, v) for a whole vector; tail(r) the mask of the first r lanes (1 ≤ r ≤ kLanes),
//   load(mask, p) (zero in the lanes left out) and store(mask, p, v) for a part of one.
// A tile of up to MZ vectors of rows by NR columns of c lives in MZ·NR registers while k runs,
// each step one load per vector of A's column and one broadcast per column of B. Each element is
// the sum over k in order, one fused multiply-add at a time, whatever the vector width: the
// kernels of every instruction set give the same bits.
// Include nowhere else.
#pragma once

// One tile: rows (of at most MZ vectors; all MZ whole when Whole) × NR columns of c. The loops over
// z and j are unrolled so that the accumulators stay in registers.
template <class S, class T, int MZ, int NR, bool Whole>
void tile(long rows, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  using V = typename S::V;
  constexpr int L = S::kLanes;
  const typename S::Mask last = S::tail(Whole ? L : static_cast<int>(rows - (MZ - 1) * L));
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
    for (int z = 0; z < MZ; ++z) av[z] = Whole || z < MZ - 1 ? S::load(ap + z * L) : S::load(last, ap + z * L);
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      const V bv = S::set1(bp[j * sbj]);
#pragma GCC unroll 4
      for (int z = 0; z < MZ; ++z) acc[z][j] = S::fma(av[z], bv, acc[z][j]);
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < NR; ++j) {
#pragma GCC unroll 4
    for (int z = 0; z < MZ; ++z) {
      T* cz = c + j * ldc + z * L;
      if (Whole || z < MZ - 1) S::store(cz, add ? S::add(S::load(cz), acc[z][j]) : acc[z][j]);
      else S::store(last, cz, add ? S::add(S::load(last, cz), acc[z][j]) : acc[z][j]);
    }
  }
}

// The last 0 < rows < MZ·L rows of a column panel, in one tile of as few vectors as hold them.
template <class S, class T, int MZ, int NR>
void last_rows(long rows, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  if constexpr (MZ > 1) {
    if (rows <= (MZ - 1) * S::kLanes) return last_rows<S, T, MZ - 1, NR>(rows, k, a, sa, b, sbj, sbk, c, ldc, add);
  }
  tile<S, T, MZ, NR, false>(rows, k, a, sa, b, sbj, sbk, c, ldc, add);
}

// NR columns of c, all m rows: whole tiles of MZ vectors of rows, then one of the rest.
template <class S, class T, int MZ, int NR>
void column_panel(long m, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  constexpr long L = S::kLanes;
  long i = 0;
  for (; i + MZ * L <= m; i += MZ * L) tile<S, T, MZ, NR, true>(MZ * L, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
  if (i < m) last_rows<S, T, MZ, NR>(m - i, k, a + i, sa, b, sbj, sbk, c + i, ldc, add);
}

// The last cols < NR columns, in one panel of that width.
template <class S, class T, int MZ, int NR>
void last_columns(long cols, long m, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc,
                  bool add) {
  if constexpr (NR > 1) {
    if (cols == NR - 1) return column_panel<S, T, MZ, NR - 1>(m, k, a, sa, b, sbj, sbk, c, ldc, add);
    last_columns<S, T, MZ, NR - 1>(cols, m, k, a, sa, b, sbj, sbk, c, ldc, add);
  }
}

// c = A·B or c += A·B (tiled_gemm.h), in panels of NR columns, tiles of MZ vectors of rows.
template <class S, class T, int MZ, int NR>
void gemm(long m, long n, long k, const T* a, long sa, const T* b, long sbj, long sbk, T* c, long ldc, bool add) {
  long j = 0;
  for (; j + NR <= n; j += NR) column_panel<S, T, MZ, NR>(m, k, a, sa, b + j * sbj, sbj, sbk, c + j * ldc, ldc, add);
  last_columns<S, T, MZ, NR>(n - j, m, k, a, sa, b + j * sbj, sbj, sbk, c + j * ldc, ldc, add);
}
