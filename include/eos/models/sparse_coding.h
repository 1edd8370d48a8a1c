// Sparse-coding data (SCIENCE.md section 1): x = λ·y·e_j + ξ, y = ±1, j uniform, ξ ~ N(0, I_d).
// A data set depends only on (purpose, seed, d, λ, n): never on η, the rank or the run order.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "eos/util/rng.h"

namespace eos {

struct SparseCodingData {
  long d = 0;
  long n = 0;
  double lambda = 0;
  std::vector<double> x;  // n rows of d coordinates, row-major
  std::vector<double> y;  // labels ±1
  std::vector<long> j;    // signal coordinate of each sample
  const double* row(long i) const { return x.data() + i * d; }
};

// Draw one sample into x[0..d), returning its label; *signal gets the coordinate j.
double draw_sparse_coding_sample(Rng& rng, long d, double lambda, double* x, long* signal = nullptr);

// The n samples of the stream named by purpose ("train", "test") for (seed, d, λ, n).
SparseCodingData make_sparse_coding(std::string_view purpose, long seed, long d, double lambda, long n);

}  // namespace eos
