// What a `dataset` value names: the named sets Debian ships (digits from python3-sklearn,
// fashion-mnist from dataset-fashion-mnist) or a file, its files, their content digest, and the
// sets loaded — each file hashed once and each set read once per process (thread-safe).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "eos/data/dataset.h"

namespace eos {

// A data set's source: its training set, and its own test set when it has one (fashion-mnist);
// otherwise the test samples follow the training samples in train.
struct DataSource {
  std::shared_ptr<const Dataset> train, test;
  std::string digest;  // content hash of every file, 16 hex digits
  double scale = 1;    // pixel values are divided by this (16 for digits, 255 for IDX)
};

// The files of a dataset value, in order (throws InputError "dataset: ..." naming the package to
// install for a named set that is missing, or the file that cannot be read).
std::vector<std::string> dataset_files(const std::string& value);
// The digest of the dataset's files (cached per process); cheap after the first call.
std::string dataset_digest(const std::string& value);
// The loaded data set (cached per process by content); throws InputError.
DataSource load_data(const std::string& value);

// A flat float64 NPY file (parameters), read once per process by content; throws InputError.
std::shared_ptr<const std::vector<double>> load_vector(const std::string& path);

// What a saved state (eos-sweep's DIR/states/ID-STEP.npz, io/state_file.h) is of: the model,
// the method, the point and the step it was saved at, and its parameter count — read once per
// process by content; throws InputError naming the file when it is not one.
struct StateHeader {
  std::string model, method, point_id;  // point_id: the point it was saved from
  long step = 0;
  long dim = 0;
};
std::shared_ptr<const StateHeader> load_state_header(const std::string& path);

// The content hash of files (FNV-1a 64 of each file's bytes and size), 16 hex digits; each file
// hashed once per process (keyed by its path, size, inode and modification time).
std::string files_digest(const std::vector<std::string>& paths);

}  // namespace eos
