// Sparse-coding data generation.
#include "eos/models/sparse_coding.h"

#include <cmath>
#include <stdexcept>

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

KeySpec sparse_coding_key(const std::string& name, const std::string& default_value) {
  static const std::vector<KeySpec> keys = {
      {.name = "d", .type = KeyType::Integer, .default_value = "200", .doc = "dimension of the data", .axis = true,
       .min = 1},
      {.name = "lambda", .default_value = "3", .doc = "signal strength λ", .axis = true, .min = 0, .label = "λ"},
      {.name = "n", .type = KeyType::Integer, .default_value = "300", .doc = "number of training samples", .axis = true,
       .min = 1},
      {.name = "seed", .type = KeyType::Integer, .default_value = "0", .doc = "seed of the data and the initialisation",
       .axis = true, .min = 0},
      {.name = "n_test", .type = KeyType::Integer, .default_value = "2000", .doc = "fresh samples for test_acc", .min = 0},
  };
  const KeySpec* k = find_key(keys, name);
  if (!k) throw std::logic_error("no sparse-coding key " + name);
  KeySpec out = *k;
  if (!default_value.empty()) out.default_value = default_value;
  return out;
}

Labels sparse_coding_labels(const Labels& own) {
  Labels labels = {{"bias", "bias b"},         {"d_asum", "d·(a₋+a₊)"}, {"train_acc", "training accuracy"},
                   {"test_acc", "test accuracy"}, {"a_minus", "final a₋"},  {"a_plus", "final a₊"}};
  labels.insert(labels.end(), own.begin(), own.end());
  return labels;
}

double sparse_coding_eta_star(const Params& p) {
  const double d = p.real("d");
  return 8.0 * M_PI / (d * d);
}

Vec sparse_coding_start(long seed, long d, double init_scale, double b0) {
  Rng init("init", {static_cast<double>(seed), static_cast<double>(d)});
  const double sd = init_scale / std::sqrt(2.0 * static_cast<double>(d));
  Vec theta0(3);
  theta0[0] = sd * init.normal();
  theta0[1] = sd * init.normal();
  theta0[2] = b0;
  return theta0;
}

}  // namespace eos
