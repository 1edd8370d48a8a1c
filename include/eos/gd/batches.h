// Which samples each minibatch step sees, and the random batches of the batch-sharpness estimate:
// both from named, counter-free random streams, so that a point's batches depend on its
// parameters alone (identical on any rank count, after a resume, under SLURM). The order
// (docs/minibatch.md):
//   epoch e (0, 1, …) is the permutation π_e of 0..n−1 drawn by Fisher–Yates from
//   Rng("batches", {batch_seed, n, e}) — for i = n−1 down to 1, swap π[i] and π[below(i+1)],
//   starting from the identity;
//   step t (0-based) is batch k = t mod m of epoch e = t div m, m = ⌊n/B⌋ batches an epoch: the
//   samples π_e[kB], …, π_e[kB + B − 1]. The last n − mB samples of each permutation are dropped
//   (PyTorch's drop_last = True, the EoSS code's loop): every step sees exactly B samples.
// The order depends on (batch_seed, n, e) only — not on B, η, the model's seed or the method — so
// runs at different batch sizes draw the same permutations.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "eos/util/rng.h"

namespace eos {

// The permutation π_e of 0..n−1 of epoch e.
std::vector<long> epoch_permutation(long n, long seed, long epoch);

class BatchOrder {
 public:
  // n samples, batches of B (1 ≤ B ≤ n), the order of batch_seed.
  BatchOrder(long n, long B, long seed);
  // The samples of step t (drawing its epoch's permutation when t starts a new one).
  std::span<const long> batch(long t);
  long per_epoch() const { return per_epoch_; }

 private:
  long n_, B_, seed_, per_epoch_;
  long epoch_ = -1;
  std::vector<long> perm_;
};

// Uniformly random B-subsets of 0..n−1, batch after batch, from one stream: a partial
// Fisher–Yates shuffle of an array that starts as the identity (each batch is its first B entries
// after swapping entry i with entry i + below(n − i), i = 0..B−1; the array is not reset between
// batches, which keeps every batch uniform).
class RandomBatches {
 public:
  RandomBatches(long n, long B, Rng rng);
  std::span<const long> next();

 private:
  long B_;
  Rng rng_;
  std::vector<long> pool_;
};

}  // namespace eos
