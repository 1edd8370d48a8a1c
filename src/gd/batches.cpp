// The minibatch order and the random batches of the batch-sharpness estimate.
#include "eos/gd/batches.h"

#include <numeric>
#include <stdexcept>
#include <utility>

namespace eos {

std::vector<long> epoch_permutation(long n, long seed, long epoch) {
  std::vector<long> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0L);
  Rng rng("batches", {static_cast<double>(seed), static_cast<double>(n), static_cast<double>(epoch)});
  for (long i = n - 1; i > 0; --i) {
    const auto j = static_cast<long>(rng.below(static_cast<std::uint64_t>(i) + 1));
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
  }
  return p;
}

BatchOrder::BatchOrder(long n, long B, long seed) : n_(n), B_(B), seed_(seed), per_epoch_(B > 0 ? n / B : 0) {
  if (B < 1 || B > n) throw std::invalid_argument("BatchOrder: batch size outside 1..n");
}

std::span<const long> BatchOrder::batch(long t) {
  const long e = t / per_epoch_, k = t % per_epoch_;
  if (e != epoch_) {
    perm_ = epoch_permutation(n_, seed_, e);
    epoch_ = e;
  }
  return {perm_.data() + k * B_, static_cast<std::size_t>(B_)};
}

RandomBatches::RandomBatches(long n, long B, Rng rng) : B_(B), rng_(std::move(rng)), pool_(static_cast<std::size_t>(n)) {
  if (B < 1 || B > n) throw std::invalid_argument("RandomBatches: batch size outside 1..n");
  std::iota(pool_.begin(), pool_.end(), 0L);
}

std::span<const long> RandomBatches::next() {
  const auto n = static_cast<std::uint64_t>(pool_.size());
  for (long i = 0; i < B_; ++i) {
    const auto u = static_cast<std::uint64_t>(i);
    std::swap(pool_[u], pool_[u + rng_.below(n - u)]);
  }
  return {pool_.data(), static_cast<std::size_t>(B_)};
}

}  // namespace eos
