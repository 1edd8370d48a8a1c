// Sparse-coding data generation.
#include "eos/models/sparse_coding.h"

namespace eos {

double draw_sparse_coding_sample(Rng& rng, long d, double lambda, double* x, long* signal) {
  const double y = rng.sign();
  const long j = static_cast<long>(rng.below(static_cast<std::uint64_t>(d)));
  for (long k = 0; k < d; ++k) x[k] = rng.normal();
  x[j] += lambda * y;
  if (signal) *signal = j;
  return y;
}

SparseCodingData make_sparse_coding(std::string_view purpose, long seed, long d, double lambda, long n) {
  SparseCodingData data;
  data.d = d;
  data.n = n;
  data.lambda = lambda;
  data.x.resize(static_cast<std::size_t>(n * d));
  data.y.resize(static_cast<std::size_t>(n));
  data.j.resize(static_cast<std::size_t>(n));
  Rng rng(purpose, {static_cast<double>(seed), static_cast<double>(d), lambda, static_cast<double>(n)});
  for (long i = 0; i < n; ++i) data.y[i] = draw_sparse_coding_sample(rng, d, lambda, data.x.data() + i * d, &data.j[i]);
  return data;
}

}  // namespace eos
