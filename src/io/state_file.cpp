// Saved states as NPZ archives of named arrays.
#include "eos/io/state_file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "eos/data/catalog.h"
#include "eos/data/readers.h"
#include "eos/util/error.h"

namespace eos {
namespace {

NpyArray reals(const Vec& v) { return {"<f8", {static_cast<long>(v.size())}, {v.data(), v.data() + v.size()}}; }

NpyArray block(const Mat& m) {  // row-major, as numpy keeps it: (dim, columns)
  NpyArray a{"<f8", {static_cast<long>(m.rows()), static_cast<long>(m.cols())}, {}};
  for (long i = 0; i < m.rows(); ++i)
    for (long j = 0; j < m.cols(); ++j) a.values.push_back(m(i, j));
  return a;
}

NpyArray text(const std::string& s) { return {"|S" + std::to_string(std::max<std::size_t>(s.size(), 1)), {}, {}, s}; }
NpyArray integer(long v) { return {"<i8", {}, {static_cast<double>(v)}}; }  // 0-d, as np.int64(v)
NpyArray real(double v) { return {"<f8", {}, {v}}; }

Vec vec_of(const NamedArrays& arrays, const std::string& name) {
  const NpyArray* a = find_array(arrays, name);
  return a ? Eigen::Map<const Vec>(a->values.data(), static_cast<long>(a->values.size())) : Vec();
}

Mat mat_of(const NamedArrays& arrays, const std::string& name) {
  const NpyArray* a = find_array(arrays, name);
  if (!a || a->shape.size() != 2) return Mat();
  Mat m(a->shape[0], a->shape[1]);
  for (long i = 0; i < m.rows(); ++i)
    for (long j = 0; j < m.cols(); ++j) m(i, j) = a->values[static_cast<std::size_t>(i * m.cols() + j)];
  return m;
}

double number_of(const NamedArrays& arrays, const std::string& name, const std::string& path) {
  const NpyArray* a = find_array(arrays, name);
  if (!a || a->values.size() != 1) throw InputError(path + ": not a saved state of eos-sweep (no number '" + name + "')");
  return a->values[0];
}

}  // namespace

void write_state_file(const std::string& path, const StateFile& f) {
  const SavedState& s = f.state;
  NamedArrays arrays = {{"theta", reals(s.theta)},        {"step", integer(s.step)},
                        {"model", text(f.model)},        {"method", text(s.method)},
                        {"point_id", text(f.point_id)}, {"updates", integer(s.method_state.updates)},
                        {"flow_sharpness", real(s.method_state.flow_sharpness)}};
  for (const auto& [name, v] : s.method_state.arrays())
    if (v->size()) arrays.emplace_back(name == "step" ? "last_step" : name, reals(*v));
  if (s.warm.size()) arrays.emplace_back("warm", reals(s.warm));
  if (s.warm_block.size()) arrays.emplace_back("warm_block", block(s.warm_block));
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_npz(path, arrays);
}

StateFile read_state_file(const std::string& path) {
  const auto head = load_state_header(path);  // what it is of (data/catalog.h)
  const NamedArrays arrays = read_npz_arrays(path);
  StateFile f{.model = head->model, .point_id = head->point_id};
  SavedState& s = f.state;
  s.method = head->method;
  s.step = head->step;
  s.theta = vec_of(arrays, "theta");
  if (!s.theta.allFinite()) throw InputError(path + ": theta holds a value that is not finite");
  s.method_state.updates = static_cast<long>(number_of(arrays, "updates", path));
  s.method_state.flow_sharpness = number_of(arrays, "flow_sharpness", path);
  for (auto& [name, v] : s.method_state.arrays()) *v = vec_of(arrays, name == "step" ? "last_step" : name);
  s.warm = vec_of(arrays, "warm");
  s.warm_block = mat_of(arrays, "warm_block");
  return f;
}

}  // namespace eos
