// The fast path of the sparse-coding ReLU model: sorted samples with double-double prefix sums,
// and per-sample positions moved from their last place.
#include "eos/models/sparse_relu_fast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "eos/models/sparse_relu_simd.h"

namespace eos {
namespace {

using Entry = SortedSamples::Entry;

// s + err = a + b exactly (Knuth's TwoSum).
inline void two_sum(double a, double b, double& s, double& err) {
  s = a + b;
  const double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

// Positions are exact products with counts below this (see FastStats::compute).
constexpr long kMaxD = (1L << 26) - 2;
// Steps walked from the last position before a binary search takes over.
constexpr int kWalk = 8;

// The smallest j in [lo, hi] with pred(e[j].v), given that pred(e[hi].v) holds.
template <class Pred>
inline long first_true(const Entry* e, long lo, long hi, Pred pred) {
  while (lo < hi) {
    const long mid = lo + (hi - lo) / 2;
    if (pred(e[mid].v))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

// The first index j in [1, last] with pred(e[j].v), starting from the previous one. pred is
// monotone, false on the −∞ sentinel e[0] and true on the +∞ sentinel e[last].
template <class Pred>
inline long settle(const Entry* e, long j, long last, Pred pred, long& walked, long& searches) {
  if (!pred(e[j].v)) {  // b moved so that more entries fail: go up
    long lo = j + 1;
    for (int k = 0; k < kWalk; ++k, ++lo) {
      if (pred(e[lo].v)) {
        walked += k + 1;
        return lo;
      }
    }
    ++searches;
    return first_true(e, lo, last, pred);
  }
  if (pred(e[j - 1].v)) {  // go down
    long hi = j - 1;
    for (int k = 0; k < kWalk; ++k, --hi) {
      if (!pred(e[hi - 1].v)) {
        walked += k + 1;
        return hi;
      }
    }
    ++searches;
    return first_true(e, 1, hi, pred);
  }
  return j;
}

}  // namespace

SortedSamples::SortedSamples(const SparseCodingData& data) : n_(data.n), d_(data.d) {
  if (d_ < 1 || d_ > kMaxD) throw std::invalid_argument("sorted samples: d out of range");
  entries_.resize(static_cast<std::size_t>(n_ * (d_ + 2)));
  std::vector<double> row(static_cast<std::size_t>(d_));
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (long i = 0; i < n_; ++i) {
    std::copy(data.row(i), data.row(i) + d_, row.begin());
    std::sort(row.begin(), row.end());
    Entry* e = entries_.data() + i * (d_ + 2);
    // Double-double running sums (TwoSum, then renormalise with Fast2Sum).
    auto add = [](double& hi, double& lo, double x) {
      double s, err;
      two_sum(hi, x, s, err);
      lo += err;
      hi = s + lo;
      lo = lo - (hi - s);
    };
    e[0] = {-inf, 0.0, 0.0, 0.0, 0.0};
    double hi = 0, lo = 0;
    for (long k = 1; k <= d_; ++k) {
      add(hi, lo, row[static_cast<std::size_t>(k - 1)]);
      e[k] = {row[static_cast<std::size_t>(k - 1)], hi, lo, 0.0, 0.0};
    }
    e[d_ + 1] = {inf, hi, lo, 0.0, 0.0};
    hi = lo = 0;
    for (long k = d_ - 1; k >= 0; --k) {
      add(hi, lo, e[k + 1].v);
      e[k].suf_hi = hi;
      e[k].suf_lo = lo;
    }
  }
}

FastStats::FastStats(std::shared_ptr<const SparseCodingData> data, std::shared_ptr<const SortedSamples> sorted)
    : data_(std::move(data)), sorted_(std::move(sorted)), direct_(data_) {
  if (!data_ || !sorted_ || sorted_->n() != data_->n || sorted_->d() != data_->d)
    throw std::invalid_argument("fast stats: sorted samples do not match the data set");
}

void FastStats::place(long i, double b) {
  const auto ui = static_cast<std::size_t>(i);
  const long d = sorted_->d(), last = d + 1;
  const double t = -b;
  // Strict thresholds, exactly as the direct loop: x + b > 0 ⇔ x > −b, and −x + b > 0 ⇔ x < b.
  const auto above_t = [t](double v) { return v > t; };       // first such entry: m + 1
  const auto not_below_b = [b](double v) { return v >= b; };  // first such entry: c + 1
  const Entry* e = sorted_->sample(i);
  long c, m;
  if (c_[ui] < 0) {
    c = first_true(e, 1, last, not_below_b) - 1;
    m = first_true(e, 1, last, above_t) - 1;
    searches_ += 2;
  } else {
    c = settle(e, c_[ui] + 1, last, not_below_b, walked_, searches_) - 1;
    m = settle(e, m_[ui] + 1, last, above_t, walked_, searches_) - 1;
  }
  c_[ui] = static_cast<std::int32_t>(c);
  m_[ui] = static_cast<std::int32_t>(m);
  // c holds while v_c < b ≤ v_{c+1}; m while v_m ≤ −b < v_{m+1}, i.e. −v_{m+1} < b ≤ −v_m.
  lo_[ui] = std::max(e[c].v, -e[m + 1].v);
  hi_[ui] = std::min(e[c + 1].v, -e[m].v);
  kc_[ui] = static_cast<double>(c);
  pre_hi_[ui] = e[c].pre_hi;
  pre_lo_[ui] = e[c].pre_lo;
  kp_[ui] = static_cast<double>(d - m);
  suf_hi_[ui] = e[m].suf_hi;
  suf_lo_[ui] = e[m].suf_lo;
}

void FastStats::move_to(double b) {
  const long n = sorted_->n();
  const auto un = static_cast<std::size_t>(n);
  if (c_.empty()) {
    c_.assign(un, -1);
    m_.assign(un, -1);
    for (auto* v : {&lo_, &hi_, &kc_, &pre_hi_, &pre_lo_, &kp_, &suf_hi_, &suf_lo_}) v->assign(un, 0.0);
    stale_.assign(un, 0);
    for (long i = 0; i < n; ++i) place(i, b);
  }
  // Move the samples whose positions no longer hold (few, when b moved little).
  const long moved = sparse_relu_kernels().stale(n, b, lo_.data(), hi_.data(), stale_.data());
  for (long j = 0; j < moved; ++j) place(stale_[static_cast<std::size_t>(j)], b);
}

void FastStats::compute(double b, double* P, double* N, double* cP, double* cN) {
  if (!std::isfinite(b)) {
    direct_.compute(b, P, N, cP, cN);
    return;
  }
  move_to(b);
  const SparseReluPositions pos = {kc_.data(), pre_hi_.data(), pre_lo_.data(), kp_.data(), suf_hi_.data(), suf_lo_.data()};
  sparse_relu_kernels().stats(sorted_->n(), b, pos, P, N, cP, cN);
}

}  // namespace eos
