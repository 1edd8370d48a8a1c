// A worker's cache of sparse-coding training sets and their sorted structures, so that grid
// points sharing (seed, d, λ, n) build them once. Bounded in bytes; safe to use from any thread.
#pragma once
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

#include "eos/models/sparse_coding.h"
#include "eos/models/sparse_relu_fast.h"

namespace eos {

struct CachedTrainingSet {
  std::shared_ptr<const SparseCodingData> data;
  std::shared_ptr<const SortedSamples> sorted;  // null unless asked for
};

class SparseCodingCache {
 public:
  // Keeps at most max_bytes of data sets (least recently used go first; the newest entry is
  // always kept). Entries still in use by a model stay alive until that model is gone.
  explicit SparseCodingCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The "train" data set of (seed, d, λ, n), exactly make_sparse_coding("train", ...), with its
  // sorted samples when want_sorted. Built outside the lock: two threads asking for the same
  // new key at once may both build it (same content); one copy is kept.
  CachedTrainingSet train(long seed, long d, double lambda, long n, bool want_sorted);

  std::size_t bytes() const;
  std::size_t entries() const;
  long hits() const;
  long misses() const;
  void clear();

  // The process-wide cache used by the sparse-relu model.
  static SparseCodingCache& shared();
  static constexpr std::size_t kDefaultBytes = std::size_t{512} << 20;

 private:
  struct Item {
    long seed, d, n;
    double lambda;
    CachedTrainingSet set;
    std::size_t bytes;
  };
  void trim();  // under mu_
  std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Item> items_;  // most recently used first
  std::size_t bytes_ = 0;
  long hits_ = 0, misses_ = 0;
};

}  // namespace eos
