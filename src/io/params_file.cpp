// Writing final parameters as NPY.
#include "eos/io/params_file.h"

#include <filesystem>

#include "eos/data/readers.h"

namespace eos {

void save_params(const std::string& path, const Vec& theta) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_npy_vector(path, theta.data(), theta.size());
}

}  // namespace eos
