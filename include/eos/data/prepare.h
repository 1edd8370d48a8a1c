// Cohen et al.'s preprocessing of a data set for a classifier: the first n samples of the kept
// classes as the training set (file order), n_test test samples, pixels divided by their maximum,
// every feature centred and divided by its (population) deviation over the training set (a
// feature with zero deviation stays 0).
#pragma once
#include <vector>

#include "eos/data/catalog.h"
#include "eos/numerics/linalg.h"

namespace eos {

struct PreparedData {
  Mat x_train, x_test;  // features × samples: column i is sample i
  std::vector<int> y_train, y_test;
  int classes = 0;
};

// The number of samples of classes 0..classes−1 in a set.
long samples_of(const Dataset& set, int classes);
// Throws InputError naming n or n_test when the source has too few samples of the classes.
void check_sample_counts(const DataSource& src, long n, long n_test, int classes);
// The prepared sets (throws as check_sample_counts).
PreparedData prepare_data(const DataSource& src, long n, long n_test, int classes);

}  // namespace eos
