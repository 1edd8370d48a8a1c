// The bodies of the sparse-relu kernels (sparse_relu_simd.h), for the translation units that
// compile them for one instruction set each (src/models/sparse_relu_simd_*.cpp, with
// -ffp-contract=off). Include nowhere else: it defines the table of the including target.
//
// Sample i sits in lane i mod 8 of every sum, whatever the register width; the padding of a
// last partial block adds exact zeros; the lanes are reduced by the caller in one fixed order.
#pragma once
#include "eos/models/sparse_relu_simd.h"
#include "eos/numerics/lane_math.h"

namespace eos::lanes {
inline namespace EOS_LANES_ISA {

// The loss kernel's running sums (SparseReluLaneSums but in registers).
struct LossAcc {
  D8 hinge = broadcast(0.0), g0 = hinge, g1 = hinge, g2 = hinge;
  D8 h00 = hinge, h01 = hinge, h02 = hinge, h11 = hinge, h12 = hinge, h22 = hinge;
};

// Adds eight samples: y, ∇f = (N, P, a₋cN + a₊cP), m = y·f. ℓ(m) = max(−m, 0) + log1p(e) with
// e = exp(−|m|); ℓ' = −σ(−m), ℓ'' = e/(1+e)², as in Logistic. With kPadded the lanes from
// `count` on are padding (y = 0, statistics 0) and their e is masked to 0: they add zeros.
template <bool kHess, bool kPadded>
EOS_LANE_INLINE void add_block(LossAcc& z, Log1pProduct& logs, double am, double ap, const D8& yy, const D8& f0,
                               const D8& f1, const D8& kN, const D8& kP, long count) {
  const D8 zero = broadcast(0.0);
  const D8 f2 = am * kN + ap * kP;
  const D8 m = yy * (am * f0 + ap * f1);
  const M8 neg = m < 0.0;
  D8 e = exp_nonpos(select(neg, m, -m));
  if (kPadded) e = select(first_lanes(count), e, zero);
  const D8 s = 1.0 / (1.0 + e);
  z.hinge += select(neg, -m, zero);
  logs.add(e);
  const D8 gy = -select(neg, s, e * s) * yy;
  z.g0 += gy * f0;
  z.g1 += gy * f1;
  z.g2 += gy * f2;
  if (kHess) {
    const D8 c = e * s * s;
    z.h00 += c * f0 * f0;
    z.h01 += c * f0 * f1;
    z.h02 += c * f0 * f2 + gy * kN;
    z.h11 += c * f1 * f1;
    z.h12 += c * f1 * f2 + gy * kP;
    z.h22 += c * f2 * f2;
  }
}

// Chunks of kLanes·kMaxAdds samples, one Log1pProduct each.
template <bool kHess>
void loss_sums(long n, const double* y, const double* P, const double* N, const double* cP, const double* cN,
               double am, double ap, SparseReluLaneSums& out) {
  constexpr long kChunk = long{kLanes} * Log1pProduct::kMaxAdds;
  LossAcc z;
  double logs_total = 0;
  for (long start = 0; start < n; start += kChunk) {
    const long stop = n - start < kChunk ? n : start + kChunk;
    Log1pProduct logs;
    long i = start;
    for (; i + kLanes <= stop; i += kLanes)
      add_block<kHess, false>(z, logs, am, ap, load(y + i), load(N + i), load(P + i), load(cN + i), load(cP + i),
                              kLanes);
    if (const long c = stop - i; c > 0)
      add_block<kHess, true>(z, logs, am, ap, load_partial(y + i, c), load_partial(N + i, c),
                             load_partial(P + i, c), load_partial(cN + i, c), load_partial(cP + i, c), c);
    logs_total += logs.log();
  }
  store(out.hinge, z.hinge);
  store(out.g[0], z.g0);
  store(out.g[1], z.g1);
  store(out.g[2], z.g2);
  if (kHess) {
    const D8* h[6] = {&z.h00, &z.h01, &z.h02, &z.h11, &z.h12, &z.h22};
    for (int k = 0; k < 6; ++k) store(out.h[k], *h[k]);
  }
  out.logs = logs_total;
}

inline void loss_kernel(long n, const double* y, const double* P, const double* N, const double* cP,
                        const double* cN, double am, double ap, bool hess, SparseReluLaneSums& out) {
  if (hess)
    loss_sums<true>(n, y, P, N, cP, cN, am, ap, out);
  else
    loss_sums<false>(n, y, P, N, cP, cN, am, ap, out);
}

inline long stale_kernel(long n, double b, const double* lo, const double* hi, std::int32_t* idx) {
  const D8 bb = broadcast(b);
  long count = 0, i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    unsigned bad = ~mask_bits((load(lo + i) < bb) & (bb <= load(hi + i))) & 0xffu;
    for (; bad; bad &= bad - 1) idx[count++] = static_cast<std::int32_t>(i + __builtin_ctz(bad));
  }
  for (; i < n; ++i)
    if (!(lo[i] < b && b <= hi[i])) idx[count++] = static_cast<std::int32_t>(i);
  return count;
}

// N = b·c − (v₁ + … + v_c) and P = (v_{m+1} + … + v_d) + b·(d − m), where b·k = bh·k + bl·k
// exactly (bh has 26 significant bits, bl at most 27, k ≤ d < 2²⁶): the leading parts
// bh·k ± hi cancel exactly when they nearly cancel (Sterbenz) and otherwise lose nothing; the
// trailing parts are 2⁻²⁶ smaller.
template <bool kPadded>
EOS_LANE_INLINE void stats_block(const SparseReluPositions& s, long i, long c, double bh, double bl, double* P,
                                 double* N, double* cP, double* cN) {
  const auto get = [i, c](const double* a) { return kPadded ? load_partial(a + i, c) : load(a + i); };
  const auto put = [i, c](double* a, const D8& v) { kPadded ? store_partial(a + i, v, c) : store(a + i, v); };
  const D8 kc = get(s.kc), kp = get(s.kp);
  put(N, (bh * kc - get(s.pre_hi)) + (bl * kc - get(s.pre_lo)));
  put(P, (get(s.suf_hi) + bh * kp) + (get(s.suf_lo) + bl * kp));
  put(cN, kc);
  put(cP, kp);
}

inline void stats_kernel(long n, double b, const SparseReluPositions& pos, double* P, double* N, double* cP,
                         double* cN) {
  const SparseReluPositions s = pos;  // a local copy: the stores below cannot change its pointers
  const double bh = keep_bits(b, 26);
  const double bl = b - bh;
  long i = 0;
  for (; i + kLanes <= n; i += kLanes) stats_block<false>(s, i, kLanes, bh, bl, P, N, cP, cN);
  if (i < n) stats_block<true>(s, i, n - i, bh, bl, P, N, cP, cN);
}

constexpr SparseReluKernels kSparseReluKernels = {loss_kernel, stale_kernel, stats_kernel};

}  // namespace EOS_LANES_ISA
}  // namespace eos::lanes
