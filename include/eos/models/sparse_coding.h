// Sparse-coding data (docs/science.md §2): x = λ·y·e_j + ξ, y = ±1, j uniform, ξ ~ N(0, I_d).
// A data set depends only on (purpose, seed, d, λ, n): never on η, the rank or the run order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eos/config/key.h"
#include "eos/config/params.h"
#include "eos/numerics/linalg.h"
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

// A key of the sparse-coding data, shared by the models trained on it: d, lambda, n, seed or
// n_test (with its default replaced when default_value is given).
KeySpec sparse_coding_key(const std::string& name, const std::string& default_value = "");
// The labels of the columns those models share (bias, d_asum, train_acc, test_acc, a_minus,
// a_plus), followed by a model's own.
using Labels = std::vector<std::pair<std::string, std::string>>;
Labels sparse_coding_labels(const Labels& own = {});

// η* = 8π/d² of the networks with a known basis (key d): the threshold of Ahn et al.
double sparse_coding_eta_star(const Params& p);

// θ₀ = (a₋, a₊, b₀) of the networks with a known basis (sparse-relu, mean-model):
// a± ~ N(0, init_scale²/(2d)) from the "init" stream of (seed, d), and b = b0 — never η.
Vec sparse_coding_start(long seed, long d, double init_scale, double b0);

}  // namespace eos
