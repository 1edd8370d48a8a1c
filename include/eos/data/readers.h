// The data file formats: CSV (plain or gzipped; the label in the last column), NPY features with
// their labels file, NPZ (arrays x and y), IDX images with their labels file (plain or gzipped),
// and flat float64 NPY vectors (parameters). Every reader throws InputError naming the file and
// the problem (unreadable, wrong magic, short file, ragged rows, non-numeric cells, bad labels).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "eos/data/dataset.h"

namespace eos {

// The whole file as bytes, gunzipped when it is gzip (throws InputError).
std::string read_file_bytes(const std::string& path);

Dataset read_csv(const std::string& path);
Dataset read_idx(const std::string& images, const std::string& labels);
Dataset read_npy_pair(const std::string& features, const std::string& labels);
Dataset read_npz(const std::string& path);

// A one-dimensional float64 NPY file (throws InputError); and writing one (throws runtime_error).
std::vector<double> read_npy_vector(const std::string& path);
void write_npy_vector(const std::string& path, const double* values, long count);

// An NPY array: its element type ('<f8', '<i8', '|u1', …), shape, and values as doubles; or, for
// a byte string ('|S5', numpy's np.bytes_), its text (the NULs numpy pads with stripped).
struct NpyArray {
  std::string descr;
  std::vector<long> shape;
  std::vector<double> values;
  std::string text;
};
using NamedArrays = std::vector<std::pair<std::string, NpyArray>>;
// The arrays of an NPZ archive by name (without .npy), in archive order (throws InputError); and
// an archive written (stored, as numpy.savez; '<f8', '<i8' and '|u1' arrays, '|S' strings; throws
// runtime_error).
NamedArrays read_npz_arrays(const std::string& path);
// The array called name, or null.
const NpyArray* find_array(const NamedArrays& arrays, const std::string& name);
void write_npz(const std::string& path, const NamedArrays& arrays);

// The labels file beside a features file: "images" replaced by "labels" in the name (the last
// time it appears; for IDX also idx3 by idx1), else NAME-labels.EXT.
std::string labels_path(const std::string& features);

}  // namespace eos
