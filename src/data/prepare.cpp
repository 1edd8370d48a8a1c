// Cohen et al.'s preprocessing: sample selection, scaling and standardisation.
#include "eos/data/prepare.h"

#include <cmath>

#include "eos/util/error.h"

namespace eos {
namespace {

// The indices of the samples of classes below k, from position `from` on, at most count of them.
std::vector<long> kept(const Dataset& set, int k, long skip, long count) {
  std::vector<long> out;
  for (long i = 0; i < set.samples && static_cast<long>(out.size()) < count; ++i) {
    if (set.labels[static_cast<std::size_t>(i)] >= k) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    out.push_back(i);
  }
  return out;
}

void fill(const Dataset& set, const std::vector<long>& rows, double scale, Mat& x, std::vector<int>& y) {
  x.resize(set.features, static_cast<long>(rows.size()));
  advise_huge_pages(x);  // before the fill below first touches it
  y.clear();
  for (std::size_t c = 0; c < rows.size(); ++c) {
    for (long j = 0; j < set.features; ++j) x(j, static_cast<long>(c)) = set.at(rows[c], j) / scale;
    y.push_back(set.labels[static_cast<std::size_t>(rows[c])]);
  }
}

// Centre every feature and divide by its population deviation over train (0 stays 0).
void standardize(Mat& train, Mat& test) {
  const double n = static_cast<double>(train.cols());
  for (long j = 0; j < train.rows(); ++j) {
    const double mean = train.row(j).sum() / n;
    const double var = (train.row(j).array() - mean).square().sum() / n;
    const double sd = std::sqrt(var);
    auto apply = [&](Mat& m) {
      if (sd > 0) m.row(j) = (m.row(j).array() - mean) / sd;
      else m.row(j).setZero();
    };
    apply(train);
    if (test.cols() > 0) apply(test);
  }
}

}  // namespace

long samples_of(const Dataset& set, int classes) {
  long c = 0;
  for (int y : set.labels) c += y < classes;
  return c;
}

void check_sample_counts(const DataSource& src, long n, long n_test, int classes) {
  const long have = samples_of(*src.train, classes);
  const std::string of = " (of classes 0.." + std::to_string(classes - 1) + ")";
  if (n > have)
    throw InputError("n: " + std::to_string(n) + " training samples asked, the set has " + std::to_string(have) + of);
  const long test_have = src.test ? samples_of(*src.test, classes) : have - n;
  if (n_test > test_have)
    throw InputError("n_test: " + std::to_string(n_test) + " test samples asked, " + std::to_string(test_have) +
                     (src.test ? " in the test set" : " left after the n training samples") + of);
}

PreparedData prepare_data(const DataSource& src, long n, long n_test, int classes) {
  check_sample_counts(src, n, n_test, classes);
  const Dataset& train = *src.train;
  const Dataset& test = src.test ? *src.test : train;
  PreparedData d;
  d.classes = classes;
  fill(train, kept(train, classes, 0, n), src.scale, d.x_train, d.y_train);
  fill(test, kept(test, classes, src.test ? 0 : n, n_test), src.scale, d.x_test, d.y_test);
  standardize(d.x_train, d.x_test);
  return d;
}

}  // namespace eos
