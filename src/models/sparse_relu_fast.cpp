// The fast path of the sparse-coding ReLU model: sorted samples with double-double prefix sums,
// and per-sample positions moved from their last place.
#include "eos/models/sparse_relu_fast.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace eos {
namespace {

using Entry = SortedSamples::Entry;

// s + err = a + b exactly (Knuth's TwoSum).
inline void two_sum(double a, double b, double& s, double& err) {
  s = a + b;
  const double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

// x truncated towards zero to its leading `bits` significant bits (x − result is exact).
inline double keep_bits(double x, int bits) {
  const std::uint64_t mask = ~((std::uint64_t{1} << (53 - bits)) - 1);
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & mask);
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

void FastStats::compute(double b, double* P, double* N, double* cP, double* cN) {
  if (!std::isfinite(b)) {
    direct_.compute(b, P, N, cP, cN);
    return;
  }
  const long n = sorted_->n(), d = sorted_->d(), last = d + 1;
  const double t = -b;
  // Strict thresholds, exactly as the direct loop: x + b > 0 ⇔ x > −b, and −x + b > 0 ⇔ x < b.
  const auto above_t = [t](double v) { return v > t; };   // first such entry: m + 1
  const auto not_below_b = [b](double v) { return v >= b; };  // first such entry: c + 1
  if (c_.empty()) {
    c_.resize(static_cast<std::size_t>(n));
    m_.resize(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) {
      const Entry* e = sorted_->sample(i);
      c_[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(first_true(e, 1, last, not_below_b) - 1);
      m_[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(first_true(e, 1, last, above_t) - 1);
    }
    searches_ += 2 * n;
  }
  // b = bh + bl exactly, bh with 26 significant bits and bl with at most 27, so bh·k and bl·k
  // are exact for every count k ≤ d < 2²⁶.
  const double bh = keep_bits(b, 26);
  const double bl = b - bh;
  for (long i = 0; i < n; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    const Entry* e = sorted_->sample(i);
    const long c = settle(e, c_[ui] + 1, last, not_below_b, walked_, searches_) - 1;
    const long m = settle(e, m_[ui] + 1, last, above_t, walked_, searches_) - 1;
    c_[ui] = static_cast<std::int32_t>(c);
    m_[ui] = static_cast<std::int32_t>(m);

    // N = b·c − (v₁ + … + v_c) and P = (v_{m+1} + … + v_d) + b·(d − m) with b·k = bh·k + bl·k
    // exactly: the leading parts bh·k ± hi cancel exactly when they nearly cancel (Sterbenz),
    // and otherwise lose nothing; the trailing parts are 2⁻²⁶ smaller.
    const double kc = static_cast<double>(c);
    N[i] = (bh * kc - e[c].pre_hi) + (bl * kc - e[c].pre_lo);
    cN[i] = kc;
    const double kp = static_cast<double>(d - m);
    P[i] = (e[m].suf_hi + bh * kp) + (e[m].suf_lo + bl * kp);
    cP[i] = kp;
  }
}

}  // namespace eos
