// Writing final parameters as NPY.
#include "eos/io/params_file.h"

#include <filesystem>

#include "eos/data/readers.h"

namespace eos {

void save_params(const std::string& dir, const std::string& id, const Vec& theta) {
  std::filesystem::create_directories(dir);
  write_npy_vector(dir + "/" + id + ".npy", theta.data(), theta.size());
}

}  // namespace eos
