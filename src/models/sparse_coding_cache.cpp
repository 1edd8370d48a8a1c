// The per-process cache of sparse-coding training sets (least recently used out, byte bound).
#include "eos/models/sparse_coding_cache.h"

namespace eos {
namespace {

std::size_t set_bytes(const CachedTrainingSet& s) {
  std::size_t b = 0;
  if (s.data) b += s.data->x.size() * sizeof(double) + s.data->y.size() * sizeof(double) + s.data->j.size() * sizeof(long);
  if (s.sorted) b += s.sorted->bytes();
  return b;
}

// Same key: bitwise-equal λ (the data set's stream depends on λ's bits, except ±0).
bool same_lambda(double a, double b) { return a == b; }

}  // namespace

CachedTrainingSet SparseCodingCache::train(long seed, long d, double lambda, long n, bool want_sorted) {
  std::shared_ptr<const SparseCodingData> data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->seed != seed || it->d != d || it->n != n || !same_lambda(it->lambda, lambda)) continue;
      items_.splice(items_.begin(), items_, it);  // most recently used
      if (!want_sorted || it->set.sorted) {
        ++hits_;
        return it->set;
      }
      data = it->set.data;  // have the data, still need the sorted samples
      break;
    }
    ++misses_;
  }
  if (!data) data = std::make_shared<const SparseCodingData>(make_sparse_coding("train", seed, d, lambda, n));
  CachedTrainingSet built{data, want_sorted ? std::make_shared<const SortedSamples>(*data) : nullptr};

  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->seed != seed || it->d != d || it->n != n || !same_lambda(it->lambda, lambda)) continue;
    // Another thread got here first, or the entry lacks the sorted samples: keep the fuller one.
    if (!it->set.sorted && built.sorted) {
      bytes_ -= it->bytes;
      it->set = built;
      it->bytes = set_bytes(built);
      bytes_ += it->bytes;
    }
    items_.splice(items_.begin(), items_, it);
    CachedTrainingSet out = it->set;
    trim();
    return out;
  }
  const std::size_t b = set_bytes(built);
  items_.push_front(Item{seed, d, n, lambda, built, b});
  bytes_ += b;
  trim();
  return built;
}

void SparseCodingCache::trim() {
  while (items_.size() > 1 && bytes_ > max_bytes_) {
    bytes_ -= items_.back().bytes;
    items_.pop_back();
  }
}

std::size_t SparseCodingCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}
std::size_t SparseCodingCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return items_.size();
}
long SparseCodingCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}
long SparseCodingCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}
void SparseCodingCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  items_.clear();
  bytes_ = 0;
}

SparseCodingCache& SparseCodingCache::shared() {
  static SparseCodingCache cache(kDefaultBytes);
  return cache;
}

}  // namespace eos
