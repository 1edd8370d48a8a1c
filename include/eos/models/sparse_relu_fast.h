// The fast path of the sparse-coding ReLU model: per-sample statistics P, N, cP, cN at bias b
// in O(1) amortised time per sample and step, independent of d (sorted coordinates + prefix sums).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "eos/models/sparse_relu.h"
#include "eos/models/sparse_relu_simd.h"

namespace eos {

// Each sample's coordinates sorted ascending, with their prefix and suffix sums carried as
// double-double (hi + lo, exact to about 2⁻¹⁰⁶ relative): built once per data set in
// O(n·d log d), read-only afterwards (shared between models and threads).
//
// Sample i owns the entries [i·(d+2), (i+1)·(d+2)): entry 0 is a −∞ sentinel, entries 1..d the
// sorted coordinates v₁ ≤ … ≤ v_d, entry d+1 a +∞ sentinel. Entry j also holds the sum of the
// values up to it, v₁ + … + v_j, and of the values after it, v_{j+1} + … + v_d.
class SortedSamples {
 public:
  struct Entry {
    double v;               // sorted coordinate (or sentinel)
    double pre_hi, pre_lo;  // v₁ + … + v_j
    double suf_hi, suf_lo;  // v_{j+1} + … + v_d
  };
  explicit SortedSamples(const SparseCodingData& data);
  long n() const { return n_; }
  long d() const { return d_; }
  // The d + 2 entries of sample i.
  const Entry* sample(long i) const { return entries_.data() + i * (d_ + 2); }
  std::size_t bytes() const { return entries_.size() * sizeof(Entry); }

 private:
  long n_, d_;
  std::vector<Entry> entries_;
};

// SampleStats from SortedSamples. With c = #{k : x_k < b} and m = #{k : x_k ≤ −b}:
//   cN = c, N = b·c − (v₁ + … + v_c),   cP = d − m, P = (v_{m+1} + … + v_d) + b·(d − m),
// exact in the sense of ReLU'(0) = 0 (x + b > 0 ⇔ x > −b exactly in IEEE doubles). b·k is
// split into two exact products and the large parts cancel exactly (Sterbenz), so P and N are
// correct to about two roundings even where they are small differences of large sums.
// c and m are kept per sample with the interval of b in which they hold; a step checks that
// interval and moves only the samples that left it, from their last place (a few steps when b
// moved little, a binary search when it jumped). The check and the arithmetic read a few
// contiguous arrays, independent of d, eight samples at a time on the widest vector path
// (sparse_relu_simd.h). A non-finite b falls back to the direct loop.
class FastStats final : public SampleStats {
 public:
  FastStats(std::shared_ptr<const SparseCodingData> data, std::shared_ptr<const SortedSamples> sorted);
  void compute(double b, double* P, double* N, double* cP, double* cN) override;

  // Counters for tests and benchmarks: positions found by binary search, and moved by walking.
  long searches() const { return searches_; }
  long walked() const { return walked_; }

 private:
  std::shared_ptr<const SparseCodingData> data_;
  std::shared_ptr<const SortedSamples> sorted_;
  OracleStats direct_;                 // for non-finite b
  // Move sample i's positions to b and refresh its row of the arrays below.
  void place(long i, double b);
  // Move every sample whose positions no longer hold at a finite b.
  void move_to(double b);

  // Per sample (empty until the first call): the positions c and m (−1: not placed yet), the
  // interval lo < b ≤ hi in which they hold, and what P and N need at them.
  std::vector<std::int32_t> c_, m_;
  std::vector<double> lo_, hi_;
  std::vector<double> kc_, pre_hi_, pre_lo_;  // c and v₁ + … + v_c
  std::vector<double> kp_, suf_hi_, suf_lo_;  // d − m and v_{m+1} + … + v_d
  std::vector<std::int32_t> stale_;           // the samples to move in this call
  long searches_ = 0, walked_ = 0;
};

}  // namespace eos
